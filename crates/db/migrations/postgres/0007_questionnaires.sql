-- The survey questionnaires a campaign uses, one file per level, stored whole as checked JSON with
-- the SHA-256 of that JSON.

CREATE TABLE campaign_questionnaires (
    campaign_id     BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    level           TEXT NOT NULL,
    body_json       TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    loaded_at       BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, level)
);
