-- Register speed (issue #3): each person's reach status now (phổ cập or not), stored so that lists need not
-- aggregate every sign-off on every request; and an index for name searches.
--
-- `is_reached` is 1 when the commune's checklist has a core skill that is not retired, and each such skill has a
-- sign-off of the person that is not revoked and counts under the commune's rule (self-reported ones only if the
-- rule accepts them): `hocvuso_domain::register::skills::reach_status` at the present moment, since a sign-off is
-- never dated after it is written and is revoked at the moment it is written. The view `resident_reach_now` says it
-- once; the triggers of the backend-specific files copy it into `is_reached` in the same transaction whenever a
-- sign-off is written or revoked, a core skill is added, a skill changes between core and not or is retired or
-- restored, or the commune's rule changes, whatever code (old or new) makes the change. A new person has no
-- sign-off, so the default 0 is right for them. The status on a past date ("as of") is still computed from the
-- sign-offs, which are never deleted.
ALTER TABLE resident ADD COLUMN is_reached BIGINT NOT NULL DEFAULT 0;
CREATE VIEW resident_reach_now AS
SELECT r.resident_id,
    CASE WHEN EXISTS (SELECT 1 FROM skill k WHERE k.commune_id = r.commune_id AND k.is_core <> 0 AND k.retired_at IS NULL)
        AND NOT EXISTS (SELECT 1 FROM skill k WHERE k.commune_id = r.commune_id AND k.is_core <> 0 AND k.retired_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM skill_sign_off s JOIN commune c ON c.commune_id = s.commune_id
                WHERE s.commune_id = r.commune_id AND s.resident_id = r.resident_id AND s.skill_id = k.skill_id
                AND s.revoked_at IS NULL AND (s.method <> 'self_reported' OR c.reach_accepts_self_reported <> 0)))
    THEN 1 ELSE 0 END AS is_reached
FROM resident r;
UPDATE resident SET is_reached = (SELECT v.is_reached FROM resident_reach_now v WHERE v.resident_id = resident.resident_id);

-- A name search tests every person's folded name: this index holds just that, so a search reads the index
-- instead of the whole table.
CREATE INDEX resident_search_idx ON resident (commune_id, search_key);
