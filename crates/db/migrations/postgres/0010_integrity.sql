-- Interference detection: the campaign's thresholds, every detection run, the newest findings per
-- unit (replaced by each run; flags never touch responses), and MoHA's decisions. A decision is never
-- changed: a new decision supersedes it, and the newest one per unit is in force.

CREATE TABLE integrity_settings (
    campaign_id     BIGINT PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
    settings_json   TEXT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE integrity_runs (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id     BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    -- continuous (while the survey is open), close (once after the answer deadline) or manual.
    kind            TEXT NOT NULL,
    ran_at          BIGINT NOT NULL,
    responses       BIGINT NOT NULL,
    units           BIGINT NOT NULL,
    flagged         BIGINT NOT NULL,
    duration_ms     BIGINT NOT NULL,
    -- The newest submission the run read.
    latest_completion BIGINT,
    settings_json   TEXT NOT NULL
);
CREATE INDEX integrity_runs_campaign ON integrity_runs (campaign_id, id);

CREATE TABLE integrity_findings (
    campaign_id     BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    unit_id         BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    run_id          BIGINT NOT NULL,
    responses       BIGINT NOT NULL,
    risk            TEXT NOT NULL,
    flagged         BOOLEAN NOT NULL,
    assessment_json TEXT NOT NULL,
    PRIMARY KEY (campaign_id, unit_id)
);

CREATE TABLE integrity_decisions (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id     BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    unit_id         BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    -- clear or cancel (the unit's survey results are void).
    outcome         TEXT NOT NULL,
    reason          TEXT NOT NULL,
    -- The person held responsible, as MoHA states it (cancel only).
    responsible     TEXT NOT NULL DEFAULT '',
    reviewer_id     BIGINT,
    reviewer        TEXT NOT NULL,
    decided_at      BIGINT NOT NULL,
    run_id          BIGINT,
    -- The evidence as the reviewer saw it, and its SHA-256.
    evidence_json   TEXT NOT NULL,
    evidence_sha256 TEXT NOT NULL
);
CREATE INDEX integrity_decisions_unit ON integrity_decisions (campaign_id, unit_id, id);
