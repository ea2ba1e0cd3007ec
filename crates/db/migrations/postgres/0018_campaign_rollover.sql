-- Rolling a campaign over to the next year: the campaign it was copied from, whether MoHA has
-- confirmed the deadlines proposed one year later, and which copied contacts are still to confirm.
ALTER TABLE campaigns ADD COLUMN predecessor_id BIGINT REFERENCES campaigns(id);
ALTER TABLE campaigns ADD COLUMN deadlines_confirmed BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE support_contacts ADD COLUMN to_confirm BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE focal_contacts ADD COLUMN to_confirm BOOLEAN NOT NULL DEFAULT FALSE;
