-- The survey: which units' surveys are open, one invitation per listed respondent, the links mailed
-- to them (only the SHA-256 of each token is stored), their answers, the paradata the integrity work
-- reads, and the durable e-mail outbox that several app servers can share.

CREATE TABLE survey_campaigns (
    campaign_id     BIGINT PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
    -- Salt for hashing respondents' addresses and browsers in the paradata.
    salt            TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);

CREATE TABLE survey_units (
    unit_id         BIGINT PRIMARY KEY REFERENCES units(id) ON DELETE CASCADE,
    campaign_id     BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    opened_at       BIGINT NOT NULL,
    opened_by       BIGINT
);
CREATE INDEX survey_units_campaign ON survey_units (campaign_id);

CREATE TABLE survey_invitations (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id     BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    unit_id         BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    respondent_id   BIGINT NOT NULL UNIQUE REFERENCES respondents(id),
    group_code      TEXT NOT NULL,
    email           TEXT NOT NULL,
    -- queued, sent or failed: the newest e-mail to this respondent.
    delivery        TEXT NOT NULL,
    delivery_error  TEXT NOT NULL DEFAULT '',
    invited_at      BIGINT NOT NULL,
    delivered_at    BIGINT,
    opened_at       BIGINT,
    started_at      BIGINT,
    completed_at    BIGINT,
    reminders       BIGINT NOT NULL DEFAULT 0,
    last_mailed_at  BIGINT NOT NULL
);
CREATE INDEX survey_invitations_unit ON survey_invitations (unit_id, group_code);
CREATE INDEX survey_invitations_completed ON survey_invitations (campaign_id, completed_at);

CREATE TABLE survey_links (
    token_hash      TEXT PRIMARY KEY,
    invitation_id   BIGINT NOT NULL REFERENCES survey_invitations(id) ON DELETE CASCADE,
    created_at      BIGINT NOT NULL,
    revoked         BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX survey_links_invitation ON survey_links (invitation_id);

CREATE TABLE survey_answers (
    invitation_id   BIGINT NOT NULL REFERENCES survey_invitations(id) ON DELETE CASCADE,
    question_code   TEXT NOT NULL,
    option_key      TEXT NOT NULL,
    saved_at        BIGINT NOT NULL,
    PRIMARY KEY (invitation_id, question_code)
);

CREATE TABLE survey_paradata (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invitation_id   BIGINT NOT NULL REFERENCES survey_invitations(id) ON DELETE CASCADE,
    at              BIGINT NOT NULL,
    event           TEXT NOT NULL,
    page            BIGINT NOT NULL DEFAULT 0,
    session_hash    TEXT NOT NULL DEFAULT '',
    ip_hash         TEXT NOT NULL DEFAULT '',
    ua_hash         TEXT NOT NULL DEFAULT '',
    -- The unit of a parindex account signed in on the same browser, if any.
    signed_in_unit  BIGINT
);
CREATE INDEX survey_paradata_invitation ON survey_paradata (invitation_id, at);

CREATE TABLE outbox (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            TEXT NOT NULL,
    invitation_id   BIGINT REFERENCES survey_invitations(id) ON DELETE CASCADE,
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    -- The bodies hold a personal link until the message is sent; then they are cleared.
    body_text       TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    -- queued, sent, failed (permanently) or cancelled.
    state           TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_owner     TEXT,
    lease_until     BIGINT,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_invitation ON outbox (invitation_id);
