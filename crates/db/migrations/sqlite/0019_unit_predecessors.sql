-- Reorganisations as data: the units of the campaign before that a unit succeeds (a merger lists
-- several; a split lists one predecessor under several units), each with a positive weight (a
-- decimal as text; equal unless given). A unit that kept its code needs no row.
CREATE TABLE unit_predecessors (
    unit_id         BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    predecessor_id  BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    weight          TEXT NOT NULL,
    PRIMARY KEY (unit_id, predecessor_id)
);
CREATE INDEX unit_predecessors_predecessor ON unit_predecessors (predecessor_id);
