use hocvuso_domain::accounts::{ResidentScope, Role};
use hocvuso_domain::ids::UserId;
use hocvuso_domain::person_name::PersonName;
use hocvuso_domain::phone::PhoneNumber;
use hocvuso_domain::register::NewResident;
use hocvuso_domain::register::skills::{ReachRule, SignOffMethod, reach_status};
use hocvuso_domain::register::visits::{NewVisit, TargetGroup, VisitOutcome};
use hocvuso_store::{NewUser, Store};
use hocvuso_test_support::{stores, test_now};
use time::Duration;

async fn staff(store: &Store, commune: hocvuso_domain::ids::CommuneId) -> UserId {
    let mut tx = store.write().await.unwrap();
    let id = tx
        .insert_user(
            &NewUser {
                phone: PhoneNumber::parse("0900000011").unwrap(),
                display_name: "Cán bộ".into(),
                password_hash: "x".into(),
                role: Role::CommuneStaff,
                province_code: None,
                commune_id: Some(commune),
                hamlet_id: None,
            },
            test_now(),
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

#[tokio::test]
async fn the_default_checklist_is_seeded_once_and_can_be_edited() {
    for test in stores().await {
        let (commune, _, _) = crate::seed_commune(&test.store, 16777).await;
        let mut tx = test.store.write().await.unwrap();
        assert_eq!(tx.insert_default_skills(commune, test_now()).await.unwrap(), 12, "{}", test.label);
        assert_eq!(tx.insert_default_skills(commune, test_now()).await.unwrap(), 0, "{}", test.label);
        let custom = tx
            .insert_skill(commune, "dien_thoai_ban", "Gọi điện bằng điện thoại bàn", false, test_now())
            .await
            .unwrap();
        assert!(tx.update_skill(commune, custom, true, true, test_now()).await.unwrap());
        tx.commit().await.unwrap();
        let mut tx = test.store.read().await.unwrap();
        let skills = tx.list_skills(commune).await.unwrap();
        assert_eq!(skills.len(), 13);
        assert_eq!(skills[0].code, "device_basics");
        let last = skills.last().unwrap();
        assert_eq!(
            (last.code.as_str(), last.is_core, last.is_retired),
            ("dien_thoai_ban", true, true),
            "{}",
            test.label
        );
    }
}

#[tokio::test]
async fn sign_offs_give_the_status_on_any_past_date() {
    for test in stores().await {
        let (commune, _, household) = crate::seed_commune(&test.store, 16777).await;
        let by = staff(&test.store, commune).await;
        let mut tx = test.store.write().await.unwrap();
        let resident = tx
            .insert_resident(
                commune,
                &NewResident {
                    household_id: household,
                    full_name: PersonName::parse("Hà Văn Thắng").unwrap(),
                    birth_year: Some(1950),
                    gender: None,
                    phone: None,
                    cccd: None,
                },
                test_now(),
            )
            .await
            .unwrap();
        tx.insert_default_skills(commune, test_now()).await.unwrap();
        let skills = tx.list_skills(commune).await.unwrap();
        let t1 = test_now() + Duration::days(1);
        let mut first = None;
        for skill in skills.iter().filter(|s| s.is_core) {
            let id =
                tx.insert_sign_off(commune, resident, skill.id, SignOffMethod::Observed, "", by, t1).await.unwrap();
            first.get_or_insert(id);
        }
        let t2 = test_now() + Duration::days(2);
        assert!(tx.revoke_sign_off(commune, resident, first.unwrap(), by, "Nhầm người", t2).await.unwrap());
        assert!(!tx.revoke_sign_off(commune, resident, first.unwrap(), by, "again", t2).await.unwrap());
        tx.commit().await.unwrap();

        let mut tx = test.store.read().await.unwrap();
        let sign_offs = tx.list_sign_offs(commune, resident).await.unwrap();
        let rule = tx.reach_rule(commune).await.unwrap();
        assert_eq!(rule, ReachRule::default());
        assert!(!reach_status(&skills, &sign_offs, rule, test_now()).is_reached, "{}", test.label);
        assert!(reach_status(&skills, &sign_offs, rule, t1).is_reached, "{}", test.label);
        assert!(!reach_status(&skills, &sign_offs, rule, t2).is_reached, "{}", test.label);
        assert_eq!(sign_offs[0].revoke_reason.as_deref(), Some("Nhầm người"));
        let in_scope = tx.list_sign_offs_in_scope(ResidentScope::Commune(commune)).await.unwrap();
        assert_eq!(in_scope, sign_offs, "{}", test.label);
    }
}

#[tokio::test]
async fn a_sign_off_needs_a_resident_and_a_live_skill_of_the_same_commune() {
    for test in stores().await {
        let (commune, _, household) = crate::seed_commune(&test.store, 16777).await;
        let (other, _, _) = crate::seed_commune(&test.store, 16804).await;
        let by = staff(&test.store, commune).await;
        let mut tx = test.store.write().await.unwrap();
        let resident = tx
            .insert_resident(
                commune,
                &NewResident {
                    household_id: household,
                    full_name: PersonName::parse("Vi Thị Mai").unwrap(),
                    birth_year: None,
                    gender: None,
                    phone: None,
                    cccd: None,
                },
                test_now(),
            )
            .await
            .unwrap();
        tx.insert_default_skills(other, test_now()).await.unwrap();
        let foreign_skill = tx.list_skills(other).await.unwrap()[0].id;
        let refused =
            tx.insert_sign_off(commune, resident, foreign_skill, SignOffMethod::Observed, "", by, test_now()).await;
        assert!(matches!(refused, Err(hocvuso_store::StoreError::MissingReference)), "{}", test.label);
    }
}

#[tokio::test]
async fn visits_groups_and_households_feed_the_left_behind_list() {
    for test in stores().await {
        let (commune, _, household) = crate::seed_commune(&test.store, 16777).await;
        let by = staff(&test.store, commune).await;
        let mut tx = test.store.write().await.unwrap();
        let resident = tx
            .insert_resident(
                commune,
                &NewResident {
                    household_id: household,
                    full_name: PersonName::parse("Lương Thị Xuân").unwrap(),
                    birth_year: Some(1940),
                    gender: None,
                    phone: None,
                    cccd: None,
                },
                test_now(),
            )
            .await
            .unwrap();
        let visit = |outcome, days| NewVisit {
            household_id: household,
            resident_id: Some(resident),
            visited_at: test_now() + Duration::days(days),
            outcome,
            practised: "Gọi video Zalo".into(),
            next_step: String::new(),
        };
        tx.insert_visit(commune, &visit(VisitOutcome::Helped, 1), by, test_now()).await.unwrap();
        tx.insert_visit(commune, &visit(VisitOutcome::NotHome, 5), by, test_now()).await.unwrap();
        tx.set_resident_groups(commune, resident, &[TargetGroup::Disability, TargetGroup::Farmer]).await.unwrap();
        tx.set_resident_groups(commune, resident, &[TargetGroup::Disability]).await.unwrap();
        assert!(tx.set_has_smartphone(commune, resident, Some(false), test_now()).await.unwrap());
        tx.commit().await.unwrap();
        let mut tx = test.store.read().await.unwrap();
        assert_eq!(tx.list_visits(commune, household).await.unwrap().len(), 2, "{}", test.label);
        let last = tx.last_contacts(commune).await.unwrap();
        assert_eq!(
            last.get(&household),
            Some(&(test_now() + Duration::days(1))),
            "{}: a closed door is no contact",
            test.label
        );
        assert_eq!(tx.household_sizes(commune).await.unwrap().get(&household), Some(&1));
        assert_eq!(
            tx.resident_groups(commune).await.unwrap(),
            vec![(resident, TargetGroup::Disability)],
            "{}",
            test.label
        );
        let person = tx.resident_by_id(ResidentScope::Commune(commune), resident).await.unwrap().unwrap();
        assert_eq!(person.has_smartphone, Some(false), "{}", test.label);
    }
}
