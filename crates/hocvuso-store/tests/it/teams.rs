use hocvuso_domain::accounts::{ResidentScope, Role};
use hocvuso_domain::ids::{CommuneId, TeamId, UserId};
use hocvuso_domain::person_name::PersonName;
use hocvuso_domain::places::{HamletKind, NewHamlet};
use hocvuso_domain::privacy::{ConsentMethod, ConsentPurpose};
use hocvuso_domain::register::NewResident;
use hocvuso_domain::register::teams::TeamRole;
use hocvuso_store::{Store, StoreError};
use hocvuso_test_support::{stores, test_now};
use time::Duration;

async fn add_user(store: &Store, commune: CommuneId, phone: &str, role: Role) -> UserId {
    let mut tx = store.write().await.unwrap();
    let id = tx.insert_user(&crate::new_user(commune, phone, role, None), test_now()).await.unwrap();
    tx.commit().await.unwrap();
    id
}

#[tokio::test]
async fn teams_are_one_per_hamlet_and_memberships_keep_their_history() {
    for test in stores().await {
        let store = &test.store;
        let (commune, hamlet, household) = crate::seed_commune(store, 16777).await;
        let (commune_b, hamlet_b, _) = crate::seed_commune(store, 16804).await;
        let staff = add_user(store, commune, "0911000001", Role::CommuneStaff).await;
        let volunteer = add_user(store, commune, "0911000002", Role::Volunteer).await;
        let outsider = add_user(store, commune_b, "0911000003", Role::Volunteer).await;
        let now = test_now();

        let mut tx = store.write().await.unwrap();
        let team = tx.insert_team(commune, Some(hamlet), "Tổ Thôn", staff, now).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.write().await.unwrap();
        assert!(matches!(tx.insert_team(commune, Some(hamlet), "Again", staff, now).await, Err(StoreError::Conflict)));
        drop(tx);
        let mut tx = store.write().await.unwrap();
        // Another commune's hamlet is refused; a commune-level team is allowed once.
        assert!(matches!(
            tx.insert_team(commune, Some(hamlet_b), "X", staff, now).await,
            Err(StoreError::MissingReference)
        ));
        assert!(tx.team_by_id(commune_b, team).await.unwrap().is_none(), "another commune cannot see the team");
        let commune_team = tx.insert_team(commune, None, "Tổ xã", staff, now).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.write().await.unwrap();
        assert!(matches!(tx.insert_team(commune, None, "Tổ xã 2", staff, now).await, Err(StoreError::Conflict)));
        drop(tx);

        let mut tx = store.write().await.unwrap();
        let first = tx.insert_team_member(commune, team, volunteer, TeamRole::Member, staff, now).await.unwrap();
        assert!(matches!(
            tx.insert_team_member(commune, team, outsider, TeamRole::Member, staff, now).await,
            Err(StoreError::MissingReference)
        ));
        tx.commit().await.unwrap();
        let mut tx = store.write().await.unwrap();
        tx.assign_household(commune, household, volunteer, now).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.write().await.unwrap();
        assert!(matches!(
            tx.insert_team_member(commune, team, volunteer, TeamRole::Deputy, staff, now).await,
            Err(StoreError::Conflict)
        ));
        drop(tx);

        // The volunteer becomes deputy: the first membership ends, a second begins.
        let later = now + Duration::days(3);
        let mut tx = store.write().await.unwrap();
        assert!(tx.end_team_member(commune, team, first, staff, later).await.unwrap());
        assert!(!tx.end_team_member(commune, team, first, staff, later).await.unwrap(), "already ended");
        tx.insert_team_member(commune, team, volunteer, TeamRole::Deputy, staff, later).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.read().await.unwrap();
        let members = tx.team_members(commune, team).await.unwrap();
        assert_eq!(members.len(), 2, "{}", test.label);
        assert_eq!((members[0].role, members[0].left_at), (TeamRole::Deputy, None));
        assert_eq!(
            (members[1].role, members[1].left_at, members[1].ended_by),
            (TeamRole::Member, Some(later), Some(staff))
        );
        assert_eq!(tx.teams_led_by(commune, volunteer).await.unwrap(), vec![Some(hamlet)]);
        assert!(tx.teams_led_by(commune, staff).await.unwrap().is_empty());
        let teams = tx.list_teams(commune).await.unwrap();
        assert_eq!(teams.iter().map(|(t, _)| t.id).collect::<Vec<_>>(), vec![commune_team, team], "{}", test.label);
        let figures = teams[1].1;
        assert_eq!((figures.n_members, figures.n_households, figures.n_assigned), (1, 1, 1), "{}", test.label);
        let households = tx.team_households(commune, Some(hamlet)).await.unwrap();
        assert_eq!(households.len(), 1);
        assert_eq!(households[0].volunteers, vec![volunteer]);
        assert!(tx.team_members(commune, TeamId(team.0 + 1000)).await.unwrap().is_empty());
        drop(tx);

        // Taking the households of the area away from a member.
        let mut tx = store.write().await.unwrap();
        assert_eq!(tx.unassign_area(commune, Some(hamlet), volunteer).await.unwrap(), 1);
        assert!(!tx.unassign_household(commune, household, volunteer).await.unwrap());
        tx.commit().await.unwrap();
        let mut tx = store.read().await.unwrap();
        assert!(tx.households_assigned_to(commune, volunteer).await.unwrap().is_empty(), "{}", test.label);
        assert_eq!(tx.list_teams(commune).await.unwrap()[1].1.n_assigned, 0);
    }
}

#[tokio::test]
async fn a_move_keeps_the_persons_history_and_changes_who_sees_them() {
    for test in stores().await {
        let store = &test.store;
        let (commune, hamlet_1, household_1) = crate::seed_commune(store, 16777).await;
        let (commune_b, _, household_b) = crate::seed_commune(store, 16804).await;
        let staff = add_user(store, commune, "0911000001", Role::CommuneStaff).await;
        let volunteer = add_user(store, commune, "0911000002", Role::Volunteer).await;
        let now = test_now();
        let mut tx = store.write().await.unwrap();
        let hamlet_2 = tx
            .insert_hamlet(&NewHamlet { commune_id: commune, name: "Bản Hai".into(), kind: HamletKind::Ban }, now)
            .await
            .unwrap();
        let household_2 = tx.insert_household(commune, hamlet_2, "Số nhà 9", now).await.unwrap();
        let resident = tx
            .insert_resident(
                commune,
                &NewResident {
                    household_id: household_1,
                    full_name: PersonName::parse("Nguyễn Thị Lan").unwrap(),
                    birth_year: Some(1950),
                    gender: None,
                    phone: None,
                    cccd: None,
                },
                now,
            )
            .await
            .unwrap();
        tx.insert_consent(commune, resident, ConsentPurpose::Register, ConsentMethod::Written, staff, now)
            .await
            .unwrap();
        tx.assign_household(commune, household_1, volunteer, now).await.unwrap();
        tx.commit().await.unwrap();

        let assigned = ResidentScope::Assigned(commune, volunteer);
        let mut tx = store.read().await.unwrap();
        assert!(tx.resident_by_id(assigned, resident).await.unwrap().is_some());
        drop(tx);

        let mut tx = store.write().await.unwrap();
        // Not into another commune's household, nor into the household they are in.
        assert!(matches!(
            tx.move_resident(commune, resident, household_b, "", staff, now).await,
            Err(StoreError::MissingReference)
        ));
        assert!(matches!(
            tx.move_resident(commune, resident, household_1, "", staff, now).await,
            Err(StoreError::MissingReference)
        ));
        assert!(matches!(
            tx.move_resident(commune_b, resident, household_b, "", staff, now).await,
            Err(StoreError::MissingReference)
        ));
        tx.move_resident(commune, resident, household_2, "Lấy chồng", staff, now + Duration::days(1)).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.read().await.unwrap();
        assert!(tx.resident_by_id(assigned, resident).await.unwrap().is_none(), "{}: the old volunteer", test.label);
        assert!(tx.resident_by_id(ResidentScope::Hamlet(commune, hamlet_1), resident).await.unwrap().is_none());
        let moved = tx.resident_by_id(ResidentScope::Hamlet(commune, hamlet_2), resident).await.unwrap().unwrap();
        assert_eq!(moved.household_id, household_2);
        assert_eq!(tx.list_consents(resident).await.unwrap().len(), 1, "consent stays with the person");
        let moves = tx.resident_moves(commune, resident).await.unwrap();
        assert_eq!(moves.len(), 1, "{}", test.label);
        let m = &moves[0];
        assert_eq!(
            (m.from_household_id, m.from_hamlet_id, m.to_household_id, m.to_hamlet_id, m.moved_by),
            (household_1, hamlet_1, household_2, hamlet_2, staff)
        );
        assert_eq!(m.reason, "Lấy chồng");
        assert!(tx.resident_moves(commune_b, resident).await.unwrap().is_empty());
    }
}
