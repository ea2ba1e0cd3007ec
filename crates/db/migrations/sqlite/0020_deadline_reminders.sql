-- Deadline reminders to units: whether a campaign sends them and how many days before each
-- deadline (besides the last day), and every reminder sent, so that none goes twice.
ALTER TABLE campaigns ADD COLUMN reminders_on BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE campaigns ADD COLUMN reminder_days TEXT NOT NULL DEFAULT '7, 1';
CREATE TABLE deadline_reminders (
    unit_id         BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    due_date        TEXT NOT NULL,
    days_before     BIGINT NOT NULL,
    sent_at         BIGINT NOT NULL,
    recipients      BIGINT NOT NULL,
    PRIMARY KEY (unit_id, kind, due_date, days_before)
);
