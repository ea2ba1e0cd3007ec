-- The audit chain is keyed (HMAC-SHA-256) from entry `keyed_from` on; the entries before it were
-- written with a plain SHA-256, before the database had a key. The key itself never enters the
-- database: only a fingerprint of it, so a server started with another key refuses to write.
ALTER TABLE audit_head ADD COLUMN keyed_from BIGINT NOT NULL DEFAULT 1;
ALTER TABLE audit_head ADD COLUMN key_fingerprint TEXT NOT NULL DEFAULT '';
UPDATE audit_head SET keyed_from = seq + 1;
