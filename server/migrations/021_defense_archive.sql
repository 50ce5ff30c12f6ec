-- Regrouping keeps the groups' records (issue 14). A group that a regroup (or a move that empties
-- it) replaces is archived, not deleted: the row stays with the shops it had, and its equipment,
-- drills, patrol log and weekly schedule are carried to its successor, the new group that holds most
-- of its shops (each carried record lists the archived groups it came through, oldest first).
-- Patrol routes stay with the archived group: their stops are that group's shops.

ALTER TABLE defense_groups ADD COLUMN archived_at timestamptz;                 -- NULL: a live group
ALTER TABLE defense_groups ADD COLUMN archived_version integer;                -- grouping version that archived it
ALTER TABLE defense_groups ADD COLUMN replaced_by text;                        -- successor group id (NULL: none)
ALTER TABLE defense_groups ADD COLUMN archived_members text[];                 -- member shop ids when archived
CREATE INDEX defense_groups_archived ON defense_groups (subdistrict_id, archived_at) WHERE archived_at IS NOT NULL;

ALTER TABLE defense_equipment ADD COLUMN carried_from text[];
ALTER TABLE defense_drills ADD COLUMN carried_from text[];
ALTER TABLE patrol_logs ADD COLUMN carried_from text[];
ALTER TABLE patrol_schedule ADD COLUMN carried_from text[];
CREATE INDEX defense_equipment_carried ON defense_equipment USING gin (carried_from);
CREATE INDEX defense_drills_carried ON defense_drills USING gin (carried_from);
CREATE INDEX patrol_logs_carried ON patrol_logs USING gin (carried_from);
CREATE INDEX patrol_schedule_carried ON patrol_schedule USING gin (carried_from);
