-- The index: a campaign's scoring settings, the figures MoHA imports for "imported" leaves (e.g.
-- SIPAS), and computed results. Version 0 is the draft, replaced on each computation; versions 1, 2, …
-- are published snapshots, each with the inputs it came from and their hash, never changed again.

CREATE TABLE campaign_scoring (
    campaign_id     BIGINT PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
    settings_json   TEXT NOT NULL,
    -- May units see their own draft result before publication?
    units_see_draft BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE imported_figures (
    campaign_id     BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    unit_id         BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    leaf_code       TEXT NOT NULL,
    -- A percentage 0–100 of the leaf's maximum, two decimals, as text.
    value           TEXT NOT NULL,
    source          TEXT NOT NULL DEFAULT '',
    updated_at      BIGINT NOT NULL,
    updated_by      BIGINT,
    PRIMARY KEY (campaign_id, unit_id, leaf_code)
);

CREATE TABLE result_versions (
    campaign_id     BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    version         BIGINT NOT NULL,
    input_sha256    TEXT NOT NULL,
    inputs_json     TEXT NOT NULL,
    result_json     TEXT NOT NULL,
    computed_at     BIGINT NOT NULL,
    computed_by     BIGINT,
    published_at    BIGINT,
    published_by    BIGINT,
    note            TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (campaign_id, version)
);
