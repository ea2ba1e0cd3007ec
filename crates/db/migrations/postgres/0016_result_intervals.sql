-- Each result version's 95% intervals (survey points, index, place) per unit, as JSON: computed
-- with the draft from the same inputs, and copied with it when it is published.
ALTER TABLE result_versions ADD COLUMN intervals_json TEXT NOT NULL DEFAULT '[]';
