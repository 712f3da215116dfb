-- Volunteer teams (Tổ công nghệ số cộng đồng), their memberships with history, and moves of people between
-- households. Memberships and moves are never deleted: ending a membership sets left_at.

CREATE TABLE team (
    team_id {{id}},
    commune_id BIGINT NOT NULL CONSTRAINT team_commune_fkey REFERENCES commune (commune_id),
    -- NULL: the commune-level team.
    hamlet_id BIGINT CONSTRAINT team_hamlet_fkey REFERENCES hamlet (hamlet_id),
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by BIGINT CONSTRAINT team_created_by_fkey REFERENCES app_user (user_id)
);
-- One team per hamlet, and one commune-level team per commune.
CREATE UNIQUE INDEX team_hamlet_key ON team (commune_id, hamlet_id) WHERE hamlet_id IS NOT NULL;
CREATE UNIQUE INDEX team_commune_level_key ON team (commune_id) WHERE hamlet_id IS NULL;

CREATE TABLE team_member (
    team_member_id {{id}},
    commune_id BIGINT NOT NULL CONSTRAINT team_member_commune_fkey REFERENCES commune (commune_id),
    team_id BIGINT NOT NULL CONSTRAINT team_member_team_fkey REFERENCES team (team_id),
    user_id BIGINT NOT NULL CONSTRAINT team_member_user_fkey REFERENCES app_user (user_id),
    role TEXT NOT NULL,
    joined_at BIGINT NOT NULL,
    added_by BIGINT NOT NULL CONSTRAINT team_member_added_by_fkey REFERENCES app_user (user_id),
    left_at BIGINT,
    ended_by BIGINT CONSTRAINT team_member_ended_by_fkey REFERENCES app_user (user_id)
);
CREATE INDEX team_member_team_idx ON team_member (team_id, left_at);
CREATE INDEX team_member_user_idx ON team_member (user_id);
-- A person holds at most one current membership per team.
CREATE UNIQUE INDEX team_member_active_key ON team_member (team_id, user_id) WHERE left_at IS NULL;

CREATE TABLE resident_move (
    resident_move_id {{id}},
    commune_id BIGINT NOT NULL CONSTRAINT resident_move_commune_fkey REFERENCES commune (commune_id),
    resident_id BIGINT NOT NULL CONSTRAINT resident_move_resident_fkey REFERENCES resident (resident_id),
    from_household_id BIGINT NOT NULL CONSTRAINT resident_move_from_fkey REFERENCES household (household_id),
    to_household_id BIGINT NOT NULL CONSTRAINT resident_move_to_fkey REFERENCES household (household_id),
    moved_at BIGINT NOT NULL,
    moved_by BIGINT NOT NULL CONSTRAINT resident_move_moved_by_fkey REFERENCES app_user (user_id),
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX resident_move_resident_idx ON resident_move (resident_id, resident_move_id);
