//! The stored reach status (migration 13) against `reach_status` computed from the sign-offs, and the queries of
//! the paged left-behind list.

use std::collections::BTreeSet;

use hocvuso_domain::accounts::{ResidentScope, Role};
use hocvuso_domain::ids::{CommuneId, HouseholdId, ResidentId, UserId};
use hocvuso_domain::person_name::PersonName;
use hocvuso_domain::places::{HamletKind, NewHamlet};
use hocvuso_domain::register::NewResident;
use hocvuso_domain::register::skills::{ReachRule, SignOffId, SignOffMethod, SkillId, reach_status};
use hocvuso_store::{Store, Tx};
use hocvuso_test_support::{stores, test_now};
use time::{Duration, OffsetDateTime};

async fn add_person(tx: &mut Tx, commune: CommuneId, household: HouseholdId, name: &str) -> ResidentId {
    let person = NewResident {
        household_id: household,
        full_name: PersonName::parse(name).unwrap(),
        birth_year: Some(1950),
        gender: None,
        phone: None,
        cccd: None,
    };
    tx.insert_resident(commune, &person, test_now()).await.unwrap()
}

async fn staff(store: &Store, commune: CommuneId) -> UserId {
    let mut tx = store.write().await.unwrap();
    let id =
        tx.insert_user(&crate::new_user(commune, "0900000011", Role::CommuneStaff, None), test_now()).await.unwrap();
    tx.commit().await.unwrap();
    id
}

/// The people of the commune not reached, by the stored status and by `reach_status` over every sign-off.
async fn not_reached(tx: &mut Tx, commune: CommuneId, at: OffsetDateTime) -> (BTreeSet<i64>, BTreeSet<i64>) {
    let scope = ResidentScope::Commune(commune);
    let stored = tx.left_behind_candidates(scope, None, None, None).await.unwrap();
    assert!(stored.iter().all(|c| !c.is_reached));
    let stored: BTreeSet<i64> = stored.iter().map(|c| c.resident_id.0).collect();
    let skills = tx.list_skills(commune).await.unwrap();
    let rule = tx.reach_rule(commune).await.unwrap();
    let mut computed = BTreeSet::new();
    for resident in tx.list_residents(scope, None, None, u32::MAX).await.unwrap() {
        let sign_offs = tx.list_sign_offs(commune, resident.id).await.unwrap();
        if !reach_status(&skills, &sign_offs, rule, at).is_reached {
            computed.insert(resident.id.0);
        }
    }
    (stored, computed)
}

#[tokio::test]
async fn the_stored_status_follows_sign_offs_revocations_the_checklist_and_the_rule() {
    for test in stores().await {
        let (commune, _, household) = crate::seed_commune(&test.store, 16777).await;
        let (other, _, other_household) = crate::seed_commune(&test.store, 16804).await;
        let by = staff(&test.store, commune).await;
        let mut tx = test.store.write().await.unwrap();
        tx.insert_default_skills(commune, test_now()).await.unwrap();
        tx.insert_default_skills(other, test_now()).await.unwrap();
        let (a, b, c) = (
            add_person(&mut tx, commune, household, "Lò Văn An").await,
            add_person(&mut tx, commune, household, "Vi Thị Bình").await,
            add_person(&mut tx, commune, household, "Sầm Văn Chi").await,
        );
        let stranger = add_person(&mut tx, other, other_household, "Hà Thị Dung").await;
        let core: Vec<SkillId> =
            tx.list_skills(commune).await.unwrap().iter().filter(|s| s.is_core).map(|s| s.id).collect();
        // Every step moves the clock on, as the server's clock does; the status is compared after each.
        let mut at = test_now();
        let mut step = |label: &'static str| {
            at += Duration::minutes(1);
            (label, at)
        };
        let expect = async |tx: &mut Tx, (label, at): (&str, OffsetDateTime), reached: &[ResidentId]| {
            let (stored, computed) = not_reached(tx, commune, at).await;
            assert_eq!(stored, computed, "{}: {label}: stored and computed statuses differ", test.label);
            let mut expected: BTreeSet<i64> = [a, b, c].iter().map(|id| id.0).collect();
            for id in reached {
                expected.remove(&id.0);
            }
            assert_eq!(stored, expected, "{}: {label}", test.label);
        };
        let sign = async |tx: &mut Tx, who: ResidentId, skill: SkillId, method: SignOffMethod, at: OffsetDateTime| {
            tx.insert_sign_off(commune, who, skill, method, "", by, at).await.unwrap()
        };

        let now = step("nobody has a sign-off");
        expect(&mut tx, now, &[]).await;
        let now = step("every core skill seen");
        let mut first_of_a: Option<SignOffId> = None;
        for skill in &core {
            let id = sign(&mut tx, a, *skill, SignOffMethod::Observed, now.1).await;
            first_of_a.get_or_insert(id);
            sign(&mut tx, b, *skill, SignOffMethod::SelfReported, now.1).await;
        }
        for skill in &core[1..] {
            sign(&mut tx, c, *skill, SignOffMethod::InClass, now.1).await;
        }
        expect(&mut tx, now, &[a]).await;
        let now = step("self-reported skills count");
        tx.set_reach_rule(commune, ReachRule { accepts_self_reported: true }).await.unwrap();
        expect(&mut tx, now, &[a, b]).await;
        let now = step("the rule set again to what it is changes nothing");
        tx.set_reach_rule(commune, ReachRule { accepts_self_reported: true }).await.unwrap();
        expect(&mut tx, now, &[a, b]).await;
        let now = step("self-reported skills no longer count");
        tx.set_reach_rule(commune, ReachRule::default()).await.unwrap();
        expect(&mut tx, now, &[a]).await;
        let now = step("a revoked sign-off");
        let first = first_of_a.unwrap();
        assert!(tx.revoke_sign_off(commune, a, first, by, "Ghi nhầm", now.1).await.unwrap());
        expect(&mut tx, now, &[]).await;
        let now = step("signed off again");
        sign(&mut tx, a, core[0], SignOffMethod::Observed, now.1).await;
        expect(&mut tx, now, &[a]).await;
        let now = step("a new core skill");
        let new_skill = tx.insert_skill(commune, "dat_lich_kham", "Đặt lịch khám bệnh", true, now.1).await.unwrap();
        expect(&mut tx, now, &[]).await;
        let now = step("the new skill is no longer core");
        assert!(tx.update_skill(commune, new_skill, false, false, now.1).await.unwrap());
        expect(&mut tx, now, &[a]).await;
        let now = step("the skill C lacks is retired");
        assert!(tx.update_skill(commune, core[0], true, true, now.1).await.unwrap());
        expect(&mut tx, now, &[a, c]).await;
        let now = step("and restored");
        assert!(tx.update_skill(commune, core[0], true, false, now.1).await.unwrap());
        expect(&mut tx, now, &[a]).await;
        let now = step("a new non-core skill changes nothing");
        tx.insert_skill(commune, "choi_co", "Chơi cờ trên điện thoại", false, now.1).await.unwrap();
        expect(&mut tx, now, &[a]).await;
        let now = step("no core skill left: nobody counts as reached");
        for skill in &core {
            assert!(tx.update_skill(commune, *skill, false, false, now.1).await.unwrap());
        }
        expect(&mut tx, now, &[]).await;
        tx.commit().await.unwrap();

        let mut tx = test.store.read().await.unwrap();
        let (stored, computed) = not_reached(&mut tx, other, at).await;
        assert_eq!(stored, computed, "{}", test.label);
        assert_eq!(stored, BTreeSet::from([stranger.0]), "{}: another commune is left alone", test.label);
    }
}

#[tokio::test]
async fn left_behind_candidates_keep_to_the_scope_and_the_filters() {
    for test in stores().await {
        let (commune, hamlet, household) = crate::seed_commune(&test.store, 16777).await;
        let volunteer = {
            let mut tx = test.store.write().await.unwrap();
            let user = crate::new_user(commune, "0900000021", Role::Volunteer, None);
            let id = tx.insert_user(&user, test_now()).await.unwrap();
            tx.commit().await.unwrap();
            id
        };
        let by = staff(&test.store, commune).await;
        let mut tx = test.store.write().await.unwrap();
        tx.insert_default_skills(commune, test_now()).await.unwrap();
        let second = tx
            .insert_hamlet(
                &NewHamlet { commune_id: commune, name: "Bản Hoa Tiến".into(), kind: HamletKind::Ban },
                test_now(),
            )
            .await
            .unwrap();
        let far = tx.insert_household(commune, second, "Số 9", test_now()).await.unwrap();
        let near_person = add_person(&mut tx, commune, household, "Lò Văn An").await;
        let far_person = add_person(&mut tx, commune, far, "Vi Thị Bình").await;
        let reached = add_person(&mut tx, commune, household, "Sầm Văn Chi").await;
        for skill in tx.list_skills(commune).await.unwrap().iter().filter(|s| s.is_core) {
            tx.insert_sign_off(commune, reached, skill.id, SignOffMethod::Observed, "", by, test_now()).await.unwrap();
        }
        tx.assign_household(commune, far, volunteer, test_now()).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = test.store.read().await.unwrap();
        let ids = async |tx: &mut Tx, scope, hamlet, volunteer, also| -> Vec<i64> {
            let mut ids: Vec<i64> = tx
                .left_behind_candidates(scope, hamlet, volunteer, also)
                .await
                .unwrap()
                .iter()
                .map(|c| c.resident_id.0)
                .collect();
            ids.sort();
            ids
        };
        let everyone = ResidentScope::Commune(commune);
        assert_eq!(ids(&mut tx, everyone, None, None, None).await, [near_person.0, far_person.0], "{}", test.label);
        assert_eq!(ids(&mut tx, everyone, Some(hamlet), None, None).await, [near_person.0], "{}", test.label);
        assert_eq!(ids(&mut tx, everyone, None, Some(volunteer), None).await, [far_person.0], "{}", test.label);
        assert_eq!(
            ids(&mut tx, ResidentScope::Assigned(commune, volunteer), None, None, None).await,
            [far_person.0],
            "{}",
            test.label
        );
        assert_eq!(
            ids(&mut tx, ResidentScope::Hamlet(commune, second), Some(hamlet), None, None).await,
            Vec::<i64>::new()
        );
        let with_reached = tx.left_behind_candidates(everyone, Some(hamlet), None, Some(reached)).await.unwrap();
        assert_eq!(with_reached.len(), 2, "{}: the person to start after comes too", test.label);
        assert!(with_reached.iter().any(|c| c.resident_id == reached && c.is_reached), "{}", test.label);

        let found =
            tx.residents_by_ids(ResidentScope::Hamlet(commune, second), &[near_person, far_person]).await.unwrap();
        assert_eq!(
            found.iter().map(|r| r.id).collect::<Vec<_>>(),
            [far_person],
            "{}: only what the scope holds",
            test.label
        );
        let sign_offs = tx.list_sign_offs_of(commune, &[near_person, reached]).await.unwrap();
        assert!(!sign_offs.is_empty() && sign_offs.iter().all(|s| s.resident_id == reached), "{}", test.label);
    }
}
