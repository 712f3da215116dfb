use hocvuso_domain::accounts::Role;
use hocvuso_domain::person_name::PersonName;
use hocvuso_domain::register::NewResident;
use hocvuso_store::StoreError;
use hocvuso_test_support::{stores, test_now};
use time::Duration;

#[tokio::test]
async fn finished_guides_are_kept_once_per_user() {
    for test in stores().await {
        let store = &test.store;
        let (commune, _, _) = crate::seed_commune(store, 16777).await;
        let mut tx = store.write().await.unwrap();
        let user =
            tx.insert_user(&crate::new_user(commune, "0911111113", Role::Resident, None), test_now()).await.unwrap();
        tx.insert_guide_progress(user, "quet-ma-qr", test_now()).await.unwrap();
        tx.insert_guide_progress(user, "quet-ma-qr", test_now() + Duration::days(1)).await.unwrap();
        tx.insert_guide_progress(user, "zalo-ket-ban", test_now() + Duration::hours(1)).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.read().await.unwrap();
        let done = tx.list_guide_progress(user).await.unwrap();
        assert_eq!(
            done,
            vec![("quet-ma-qr".to_owned(), test_now()), ("zalo-ket-ban".to_owned(), test_now() + Duration::hours(1))],
            "{}",
            test.label
        );
    }
}

#[tokio::test]
async fn guides_taught_belong_to_a_resident_of_the_commune() {
    for test in stores().await {
        let store = &test.store;
        let (commune, _, household) = crate::seed_commune(store, 16777).await;
        let (other_commune, _, _) = crate::seed_commune(store, 16804).await;
        let mut tx = store.write().await.unwrap();
        let volunteer =
            tx.insert_user(&crate::new_user(commune, "0911111112", Role::Volunteer, None), test_now()).await.unwrap();
        let resident = tx
            .insert_resident(
                commune,
                &NewResident {
                    household_id: household,
                    full_name: PersonName::parse("Lò Thị Mai").unwrap(),
                    birth_year: Some(1950),
                    gender: None,
                    phone: None,
                    cccd: None,
                },
                test_now(),
            )
            .await
            .unwrap();
        let first = tx.insert_guide_taught(commune, resident, "quet-ma-qr", volunteer, test_now()).await.unwrap();
        let second = tx
            .insert_guide_taught(commune, resident, "zalo-ket-ban", volunteer, test_now() + Duration::hours(2))
            .await
            .unwrap();
        let wrong = tx.insert_guide_taught(other_commune, resident, "quet-ma-qr", volunteer, test_now()).await;
        assert!(matches!(wrong, Err(StoreError::MissingReference)), "{}", test.label);
        tx.commit().await.unwrap();
        let mut tx = store.read().await.unwrap();
        let taught = tx.list_guides_taught(resident).await.unwrap();
        assert_eq!(taught.iter().map(|t| t.id).collect::<Vec<_>>(), vec![second, first], "{}", test.label);
        assert_eq!(taught[1].guide_slug, "quet-ma-qr");
        assert_eq!(taught[1].taught_by, volunteer);
        assert_eq!(taught[1].taught_at, test_now());
    }
}
