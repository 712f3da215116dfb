-- SQLite part of 0013: the triggers that keep resident.is_reached in step with resident_reach_now (see the
-- portable file). There is one writer at a time, so each trigger sees every change committed before it.
CREATE TRIGGER skill_sign_off_reach_insert AFTER INSERT ON skill_sign_off
BEGIN
    UPDATE resident SET is_reached = (SELECT v.is_reached FROM resident_reach_now v WHERE v.resident_id = resident.resident_id)
    WHERE resident_id = NEW.resident_id;
END;
CREATE TRIGGER skill_sign_off_reach_update AFTER UPDATE OF revoked_at, method, skill_id, resident_id ON skill_sign_off
BEGIN
    UPDATE resident SET is_reached = (SELECT v.is_reached FROM resident_reach_now v WHERE v.resident_id = resident.resident_id)
    WHERE resident_id IN (OLD.resident_id, NEW.resident_id);
END;
CREATE TRIGGER skill_reach_insert AFTER INSERT ON skill WHEN NEW.is_core <> 0 AND NEW.retired_at IS NULL
BEGIN
    UPDATE resident SET is_reached = (SELECT v.is_reached FROM resident_reach_now v WHERE v.resident_id = resident.resident_id)
    WHERE commune_id = NEW.commune_id;
END;
CREATE TRIGGER skill_reach_update AFTER UPDATE OF is_core, retired_at ON skill
WHEN OLD.is_core IS NOT NEW.is_core OR OLD.retired_at IS NOT NEW.retired_at
BEGIN
    UPDATE resident SET is_reached = (SELECT v.is_reached FROM resident_reach_now v WHERE v.resident_id = resident.resident_id)
    WHERE commune_id = NEW.commune_id;
END;
CREATE TRIGGER commune_reach_update AFTER UPDATE OF reach_accepts_self_reported ON commune
WHEN OLD.reach_accepts_self_reported IS NOT NEW.reach_accepts_self_reported
BEGIN
    UPDATE resident SET is_reached = (SELECT v.is_reached FROM resident_reach_now v WHERE v.resident_id = resident.resident_id)
    WHERE commune_id = NEW.commune_id;
END;
