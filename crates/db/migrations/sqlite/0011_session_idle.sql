-- A login also ends after a while without use (ASVS 3.3.2), not only at its absolute end. Sessions
-- open at the upgrade count as used when they began.
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = created_at;
