use hocvuso_domain::accounts::{ResidentScope, Role};
use hocvuso_domain::ids::{HamletId, ResidentId};
use hocvuso_domain::person_name::PersonName;
use hocvuso_domain::phone::PhoneNumber;
use hocvuso_domain::places::{HamletKind, NewHamlet};
use hocvuso_domain::register::{Gender, NewResident};
use hocvuso_store::{NewUser, Store};
use hocvuso_test_support::{stores, test_now};

async fn add_resident(
    store: &Store,
    commune: hocvuso_domain::ids::CommuneId,
    household: hocvuso_domain::ids::HouseholdId,
    name: &str,
) -> ResidentId {
    let mut tx = store.write().await.unwrap();
    let id = tx
        .insert_resident(
            commune,
            &NewResident {
                household_id: household,
                full_name: PersonName::parse(name).unwrap(),
                birth_year: Some(1950),
                gender: Some(Gender::Female),
                phone: Some(PhoneNumber::parse("0987654321").unwrap()),
                cccd: None,
            },
            test_now(),
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

#[tokio::test]
async fn each_scope_returns_only_its_residents() {
    for test in stores().await {
        let store = &test.store;
        let (commune, hamlet_1, household_1) = crate::seed_commune(store, 16777).await;
        let (commune_b, _, household_b) = crate::seed_commune(store, 16804).await;
        let mut tx = store.write().await.unwrap();
        let hamlet_2 = tx
            .insert_hamlet(
                &NewHamlet { commune_id: commune, name: "Bản Hai".into(), kind: HamletKind::Ban },
                test_now(),
            )
            .await
            .unwrap();
        let household_2 = tx.insert_household(commune, hamlet_2, "Số nhà 9", test_now()).await.unwrap();
        let volunteer = tx
            .insert_user(
                &NewUser {
                    phone: PhoneNumber::parse("0911111111").unwrap(),
                    display_name: "TNV".into(),
                    password_hash: "x".into(),
                    role: Role::Volunteer,
                    province_code: None,
                    commune_id: Some(commune),
                    hamlet_id: None,
                },
                test_now(),
            )
            .await
            .unwrap();
        tx.assign_household(commune, household_2, volunteer, test_now()).await.unwrap();
        tx.assign_household(commune, household_2, volunteer, test_now()).await.unwrap();
        tx.commit().await.unwrap();
        let an = add_resident(store, commune, household_1, "Nguyễn Văn An").await;
        let binh = add_resident(store, commune, household_2, "Trần Thị Bình").await;
        let other = add_resident(store, commune_b, household_b, "Lê Văn Cường").await;

        let mut tx = store.read().await.unwrap();
        let ids = |rows: Vec<hocvuso_domain::register::Resident>| rows.iter().map(|r| r.id).collect::<Vec<_>>();
        assert_eq!(
            ids(tx.list_residents(ResidentScope::Commune(commune), None, None, 100).await.unwrap()),
            vec![an, binh]
        );
        assert_eq!(
            ids(tx.list_residents(ResidentScope::Hamlet(commune, hamlet_1), None, None, 100).await.unwrap()),
            vec![an]
        );
        assert_eq!(
            ids(tx.list_residents(ResidentScope::Assigned(commune, volunteer), None, None, 100).await.unwrap()),
            vec![binh]
        );
        assert_eq!(
            ids(tx.list_residents(ResidentScope::Commune(commune_b), None, None, 100).await.unwrap()),
            vec![other]
        );
        assert!(
            tx.resident_by_id(ResidentScope::Assigned(commune, volunteer), an).await.unwrap().is_none(),
            "{}",
            test.label
        );
        assert!(tx.resident_by_id(ResidentScope::Commune(commune), other).await.unwrap().is_none(), "{}", test.label);
        assert!(tx.resident_by_id(ResidentScope::Hamlet(commune, HamletId(hamlet_1.0)), binh).await.unwrap().is_none());
        let assigned = tx.households_assigned_to(commune, volunteer).await.unwrap();
        assert_eq!(assigned.into_iter().collect::<Vec<_>>(), vec![household_2], "{}", test.label);
        assert!(tx.households_assigned_to(commune_b, volunteer).await.unwrap().is_empty(), "{}", test.label);
    }
}

#[tokio::test]
async fn search_ignores_diacritics_and_escapes_wildcards() {
    for test in stores().await {
        let (commune, _, household) = crate::seed_commune(&test.store, 16777).await;
        let an = add_resident(&test.store, commune, household, "Nguyễn Văn Đức").await;
        add_resident(&test.store, commune, household, "Trần Thị Bình").await;
        let mut tx = test.store.read().await.unwrap();
        let scope = ResidentScope::Commune(commune);
        for query in ["van duc", "VĂN ĐỨC", "nguyen", "Nguyễn"] {
            let found = tx.list_residents(scope, Some(query), None, 10).await.unwrap();
            assert_eq!(found.iter().map(|r| r.id).collect::<Vec<_>>(), vec![an], "{} {query}", test.label);
        }
        assert!(tx.list_residents(scope, Some("%"), None, 10).await.unwrap().is_empty(), "{}", test.label);
        assert!(tx.list_residents(scope, Some("_"), None, 10).await.unwrap().is_empty(), "{}", test.label);
    }
}

#[tokio::test]
async fn erasure_removes_identity_and_keeps_the_figures() {
    for test in stores().await {
        let (commune, _, household) = crate::seed_commune(&test.store, 16777).await;
        let id = add_resident(&test.store, commune, household, "Nguyễn Thị Ánh").await;
        let mut tx = test.store.read().await.unwrap();
        let before = tx.register_figures(commune, 2026).await.unwrap();
        drop(tx);
        let mut tx = test.store.write().await.unwrap();
        assert!(tx.erase_resident(commune, id, test_now()).await.unwrap());
        assert!(
            !tx.erase_resident(commune, id, test_now()).await.unwrap(),
            "{}: erasing twice does nothing",
            test.label
        );
        tx.commit().await.unwrap();
        let mut tx = test.store.read().await.unwrap();
        let erased = tx.resident_by_id(ResidentScope::Commune(commune), id).await.unwrap().unwrap();
        assert_eq!((erased.full_name, erased.phone, erased.cccd), (None, None, None), "{}", test.label);
        assert_eq!(erased.birth_year, Some(1950));
        assert!(tx.list_residents(ResidentScope::Commune(commune), None, None, 10).await.unwrap().is_empty());
        let after = tx.register_figures(commune, 2026).await.unwrap();
        assert_eq!(before, after, "{}", test.label);
        assert_eq!((after.n_residents, after.n_elderly, after.n_households), (1, 1, 1), "{}", test.label);
    }
}

#[tokio::test]
async fn lists_page_in_vietnamese_order_by_given_name() {
    for test in stores().await {
        let (commune, _, household) = crate::seed_commune(&test.store, 16777).await;
        let names =
            ["Trần Văn Đức", "Nguyễn Thị Bảo", "Phạm Thị Ân", "Lê Thị Ánh", "Đỗ Văn An", "Hoàng Duy", "Võ Thị Ăn"];
        for name in names {
            add_resident(&test.store, commune, household, name).await;
        }
        let mut tx = test.store.read().await.unwrap();
        let scope = ResidentScope::Commune(commune);
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = tx.list_residents(scope, None, after, 3).await.unwrap();
            if page.is_empty() {
                break;
            }
            after = page.last().map(|r| r.id);
            seen.extend(page.into_iter().map(|r| r.full_name.unwrap().as_str().to_owned()));
        }
        assert_eq!(
            seen,
            ["Đỗ Văn An", "Lê Thị Ánh", "Võ Thị Ăn", "Phạm Thị Ân", "Nguyễn Thị Bảo", "Hoàng Duy", "Trần Văn Đức"],
            "{}",
            test.label
        );
    }
}
