-- The second factor of MoHA accounts (TOTP, RFC 6238). The secret is stored sealed with a key derived
-- from the server's key, which never enters the database. `confirmed_at` stays empty until the first
-- code from the app is typed; `last_step` is the last 30-second step used to sign in, so that no
-- code is accepted twice.
CREATE TABLE second_factors (
    user_id         BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    nonce           TEXT NOT NULL,
    sealed_secret   TEXT NOT NULL,
    confirmed_at    BIGINT,
    last_step       BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL
);

-- One-time recovery codes, stored only as SHA-256 hashes of 80-bit codes.
CREATE TABLE recovery_codes (
    user_id         BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash       TEXT NOT NULL,
    used_at         BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

-- A session whose password was right but whose second factor is still to come: 'code' when the
-- account has one, 'enrol' when it must first set one up. Such a session opens nothing else.
ALTER TABLE sessions ADD COLUMN pending TEXT;
