-- The fewest respondents a group may have for its own figures to be shown to a unit (the what-if
-- plan's lowest-rated group); smaller groups are shown only together.
ALTER TABLE campaigns ADD COLUMN min_group_size BIGINT NOT NULL DEFAULT 5;
