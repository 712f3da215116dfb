-- PostgreSQL part of 0013: the triggers that keep resident.is_reached in step with resident_reach_now (see the
-- portable file).
--
-- Writers run concurrently at READ COMMITTED, so the function first locks the rows it recomputes (in resident_id
-- order, so two recomputations cannot deadlock each other), then recomputes them in a new statement, whose snapshot
-- is taken after the locks were granted: it sees every sign-off, skill and rule change committed by a transaction
-- that held those rows before. Without the lock, two sign-offs that each complete a person's checklist in parallel
-- could each miss the other's and leave the person "not reached".
CREATE FUNCTION resident_reach_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'skill_sign_off' THEN
        PERFORM 1 FROM resident WHERE resident_id IN (OLD.resident_id, NEW.resident_id) ORDER BY resident_id FOR UPDATE;
        UPDATE resident SET is_reached = (SELECT v.is_reached FROM resident_reach_now v WHERE v.resident_id = resident.resident_id)
        WHERE resident_id IN (OLD.resident_id, NEW.resident_id);
    ELSE
        PERFORM 1 FROM resident WHERE commune_id = NEW.commune_id ORDER BY resident_id FOR UPDATE;
        UPDATE resident SET is_reached = (SELECT v.is_reached FROM resident_reach_now v WHERE v.resident_id = resident.resident_id)
        WHERE commune_id = NEW.commune_id;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER skill_sign_off_reach AFTER INSERT OR UPDATE OF revoked_at, method, skill_id, resident_id ON skill_sign_off
    FOR EACH ROW EXECUTE FUNCTION resident_reach_refresh();
CREATE TRIGGER skill_reach_insert AFTER INSERT ON skill
    FOR EACH ROW WHEN (NEW.is_core <> 0 AND NEW.retired_at IS NULL) EXECUTE FUNCTION resident_reach_refresh();
CREATE TRIGGER skill_reach_update AFTER UPDATE OF is_core, retired_at ON skill
    FOR EACH ROW WHEN (OLD.is_core IS DISTINCT FROM NEW.is_core OR OLD.retired_at IS DISTINCT FROM NEW.retired_at)
    EXECUTE FUNCTION resident_reach_refresh();
CREATE TRIGGER commune_reach_update AFTER UPDATE OF reach_accepts_self_reported ON commune
    FOR EACH ROW WHEN (OLD.reach_accepts_self_reported IS DISTINCT FROM NEW.reach_accepts_self_reported)
    EXECUTE FUNCTION resident_reach_refresh();
