-- Respondent lists: the campaign's groups (JSON, as the campaign set them), each unit's list with its
-- state, the people on it, and the exceptions a unit records for a group it cannot complete.

CREATE TABLE campaign_groups (
    campaign_id     BIGINT PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
    groups_json     TEXT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE respondent_lists (
    unit_id         BIGINT PRIMARY KEY REFERENCES units(id) ON DELETE CASCADE,
    state           TEXT NOT NULL,
    moha_comment    TEXT NOT NULL DEFAULT '',
    sent_at         BIGINT,
    reviewed_at     BIGINT,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE respondents (
    id              INTEGER PRIMARY KEY,
    unit_id         BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    full_name       TEXT NOT NULL,
    position        TEXT NOT NULL,
    organisation    TEXT NOT NULL,
    group_code      TEXT NOT NULL,
    email           TEXT NOT NULL,
    phone           TEXT NOT NULL DEFAULT '',
    stand_in        BIGINT NOT NULL DEFAULT 0,
    search_key      TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    UNIQUE (unit_id, email)
);
CREATE INDEX respondents_email ON respondents (email);

CREATE TABLE group_exceptions (
    unit_id         BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    group_code      TEXT NOT NULL,
    reason          TEXT NOT NULL,
    state           TEXT NOT NULL,
    moha_comment    TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    decided_at      BIGINT,
    PRIMARY KEY (unit_id, group_code)
);
