-- Foundation: campaigns, units, accounts, sessions, login throttling, deadlines, contacts, audit log.
-- Timestamps are milliseconds since the Unix epoch (UTC); calendar days are ISO 'YYYY-MM-DD' text.

CREATE TABLE campaigns (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year            BIGINT NOT NULL UNIQUE,
    name_vi         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    legal_basis     TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL
);

CREATE TABLE campaign_deadlines (
    campaign_id     BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    due_date        TEXT NOT NULL,
    PRIMARY KEY (campaign_id, kind)
);

CREATE TABLE support_contacts (
    campaign_id     BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    level           TEXT NOT NULL,
    name            TEXT NOT NULL,
    phone           TEXT NOT NULL,
    email           TEXT NOT NULL,
    PRIMARY KEY (campaign_id, level)
);

CREATE TABLE units (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id     BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    code            TEXT NOT NULL,
    level           TEXT NOT NULL,
    name            TEXT NOT NULL,
    short_name      TEXT NOT NULL,
    not_ranked      BOOLEAN NOT NULL DEFAULT FALSE,
    email_domains   TEXT NOT NULL DEFAULT '',
    search_key      TEXT NOT NULL,
    UNIQUE (campaign_id, code)
);
CREATE INDEX units_campaign ON units (campaign_id, level);

CREATE TABLE deadline_extensions (
    campaign_id     BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    unit_id         BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    due_date        TEXT NOT NULL,
    reason          TEXT NOT NULL,
    granted_by      BIGINT NOT NULL,
    granted_at      BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, unit_id, kind)
);

CREATE TABLE focal_contacts (
    unit_id         BIGINT PRIMARY KEY REFERENCES units(id) ON DELETE CASCADE,
    par_unit        TEXT NOT NULL,
    par_name        TEXT NOT NULL,
    par_phone       TEXT NOT NULL,
    par_email       TEXT NOT NULL,
    it_name         TEXT NOT NULL,
    it_position     TEXT NOT NULL,
    it_mobile       TEXT NOT NULL,
    updated_at      BIGINT NOT NULL,
    updated_by      BIGINT NOT NULL
);

CREATE TABLE users (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username              TEXT NOT NULL UNIQUE,
    full_name             TEXT NOT NULL,
    email                 TEXT NOT NULL,
    role                  TEXT NOT NULL,
    unit_id               BIGINT REFERENCES units(id),
    password_hash         TEXT NOT NULL,
    must_change_password  BOOLEAN NOT NULL DEFAULT TRUE,
    active                BOOLEAN NOT NULL DEFAULT TRUE,
    search_key            TEXT NOT NULL,
    created_at            BIGINT NOT NULL
);
CREATE INDEX users_unit ON users (unit_id);

CREATE TABLE sessions (
    token_hash      TEXT PRIMARY KEY,
    user_id         BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    ip              TEXT NOT NULL,
    user_agent      TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username        TEXT NOT NULL,
    ip              TEXT NOT NULL,
    at              BIGINT NOT NULL
);
CREATE INDEX login_failures_user ON login_failures (username, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);

CREATE TABLE audit_head (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    seq             BIGINT NOT NULL,
    hash            TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    seq             BIGINT PRIMARY KEY,
    at              BIGINT NOT NULL,
    actor_id        BIGINT,
    actor           TEXT NOT NULL,
    action          TEXT NOT NULL,
    entity          TEXT NOT NULL,
    entity_id       TEXT NOT NULL,
    campaign_id     BIGINT,
    unit_id         BIGINT,
    before_json     TEXT,
    after_json      TEXT,
    ip              TEXT NOT NULL,
    user_agent      TEXT NOT NULL,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL
);
CREATE INDEX audit_log_unit ON audit_log (unit_id, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);
