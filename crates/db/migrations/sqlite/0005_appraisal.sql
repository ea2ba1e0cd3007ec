-- MoHA's appraisal of a submitted self-assessment: the stage per unit and, per self-assessed leaf,
-- the round-1 decision, the unit's explanation and the round-2 decision. Scores are exact decimal
-- text ('1.25'); a round's columns stay NULL until that round decides the leaf.

CREATE TABLE appraisals (
    unit_id         BIGINT PRIMARY KEY REFERENCES units(id) ON DELETE CASCADE,
    stage           TEXT NOT NULL,
    explain_due     TEXT,
    sent_at         BIGINT,
    explained_at    BIGINT,
    finalized_at    BIGINT,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE appraisal_leaves (
    unit_id         BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    leaf_code       TEXT NOT NULL,
    r1_verdict      TEXT,
    r1_score        TEXT,
    r1_comment      TEXT NOT NULL DEFAULT '',
    r1_by           BIGINT,
    r1_at           BIGINT,
    explanation     TEXT NOT NULL DEFAULT '',
    explained_by    BIGINT,
    explained_at    BIGINT,
    r2_verdict      TEXT,
    r2_score        TEXT,
    r2_comment      TEXT NOT NULL DEFAULT '',
    r2_by           BIGINT,
    r2_at           BIGINT,
    PRIMARY KEY (unit_id, leaf_code)
);
