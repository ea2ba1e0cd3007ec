-- Evidence: each unit's library of files (content stored outside the database, addressed by SHA-256),
-- and the links from leaves to files, each with the page or section that backs the score.

CREATE TABLE evidence_files (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id         BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    sha256          TEXT NOT NULL,
    filename        TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size_bytes      BIGINT NOT NULL,
    storage_key     TEXT NOT NULL,
    uploaded_at     BIGINT NOT NULL,
    uploaded_by     BIGINT NOT NULL,
    UNIQUE (unit_id, sha256)
);

CREATE TABLE evidence_links (
    unit_id         BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    leaf_code       TEXT NOT NULL,
    file_id         BIGINT NOT NULL REFERENCES evidence_files(id) ON DELETE CASCADE,
    reference       TEXT NOT NULL DEFAULT '',
    linked_at       BIGINT NOT NULL,
    PRIMARY KEY (unit_id, leaf_code, file_id)
);
CREATE INDEX evidence_links_file ON evidence_links (file_id);
