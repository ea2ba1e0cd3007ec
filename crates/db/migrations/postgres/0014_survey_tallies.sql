-- The survey's sufficient statistics, kept up to date in the transaction of each submission, so that
-- computing the index reads thousands of rows instead of every answer. Per unit, survey leaf, group
-- and number of answers that count (`answers`): how many respondents gave that many, and the sum of
-- their answers in hundredths. Integers only: the engine divides them exactly.
CREATE TABLE survey_tallies (
    unit_id         BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    leaf_code       TEXT NOT NULL,
    group_code      TEXT NOT NULL,
    answers         BIGINT NOT NULL,
    respondents     BIGINT NOT NULL,
    cents           BIGINT NOT NULL,
    PRIMARY KEY (unit_id, leaf_code, group_code, answers)
);

-- The questionnaires' hash each level's tallies are kept under. Replacing a level's questionnaires
-- empties its tallies; computing then folds every response in again under the new hash.
CREATE TABLE survey_tally_keys (
    campaign_id     BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    level           TEXT NOT NULL,
    questionnaire_sha256 TEXT NOT NULL,
    PRIMARY KEY (campaign_id, level)
);

-- The questionnaires' hash a submitted response was added to the tallies under (NULL: not yet;
-- computing folds it in first), and how many of its answers matched no question or option.
ALTER TABLE survey_invitations ADD COLUMN tallied_sha256 TEXT;
ALTER TABLE survey_invitations ADD COLUMN unmatched_answers BIGINT NOT NULL DEFAULT 0;
CREATE INDEX survey_invitations_untallied ON survey_invitations (campaign_id, tallied_sha256);
