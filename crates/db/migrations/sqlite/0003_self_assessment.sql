-- The unit's self-assessment: the report's state and its per-leaf scores and explanations.
-- Scores are exact decimal text ('1.25'), NULL until scored.

CREATE TABLE self_assessments (
    unit_id         BIGINT PRIMARY KEY REFERENCES units(id) ON DELETE CASCADE,
    state           TEXT NOT NULL,
    difficulties    TEXT NOT NULL DEFAULT '',
    leader_comment  TEXT NOT NULL DEFAULT '',
    updated_at      BIGINT NOT NULL
);

CREATE TABLE self_scores (
    unit_id         BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    leaf_code       TEXT NOT NULL,
    score           TEXT,
    explanation     TEXT NOT NULL DEFAULT '',
    updated_at      BIGINT NOT NULL,
    updated_by      BIGINT NOT NULL,
    PRIMARY KEY (unit_id, leaf_code)
);
