-- Criteria sets are stored whole (the validated tree as JSON) and never updated: a change is a new set
-- with a new code. A campaign pins one set per level.

CREATE TABLE criteria_sets (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    level           TEXT NOT NULL,
    name_vi         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    illustrative    BOOLEAN NOT NULL,
    total           TEXT NOT NULL,
    body            TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    loaded_at       BIGINT NOT NULL,
    loaded_by       BIGINT
);

CREATE TABLE campaign_criteria_sets (
    campaign_id     BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    level           TEXT NOT NULL,
    set_id          BIGINT NOT NULL REFERENCES criteria_sets(id),
    PRIMARY KEY (campaign_id, level)
);
