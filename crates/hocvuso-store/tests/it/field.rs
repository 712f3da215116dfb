use hocvuso_domain::accounts::{ResidentScope, Role};
use hocvuso_domain::ids::UserId;
use hocvuso_domain::phone::PhoneNumber;
use hocvuso_domain::register::field::{ClientRecordId, FieldReceipt, FieldRecordKind, FieldStatus};
use hocvuso_store::{NewUser, StoreError};
use hocvuso_test_support::{stores, test_now};

#[tokio::test]
async fn a_record_id_gets_one_receipt_and_households_follow_the_scope() {
    for test in stores().await {
        let store = &test.store;
        let (commune, hamlet, household) = crate::seed_commune(store, 16777).await;
        let mut tx = store.write().await.unwrap();
        let other = tx.insert_household(commune, hamlet, "Số nhà 2", test_now()).await.unwrap();
        let volunteer = tx
            .insert_user(
                &NewUser {
                    phone: PhoneNumber::parse("0911111112").unwrap(),
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
        tx.assign_household(commune, household, volunteer, test_now()).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.read().await.unwrap();
        let mine = tx.households_in_scope(ResidentScope::Assigned(commune, volunteer)).await.unwrap();
        assert_eq!(mine.iter().map(|h| h.id).collect::<Vec<_>>(), vec![household], "{}", test.label);
        assert!(tx.household_in_scope(ResidentScope::Assigned(commune, volunteer), other).await.unwrap().is_none());
        assert!(tx.household_in_scope(ResidentScope::Hamlet(commune, hamlet), other).await.unwrap().is_some());
        let all = tx.households_in_scope(ResidentScope::Commune(commune)).await.unwrap();
        assert_eq!(all.len(), 2, "{}", test.label);
        drop(tx);

        let id = ClientRecordId::parse("7e57ab1e-0000-4000-8000-000000000001").unwrap();
        let receipt = FieldReceipt {
            client_id: id.clone(),
            user_id: volunteer,
            kind: FieldRecordKind::Visit,
            status: FieldStatus::Conflict,
            code: Some("skill_already_signed_off".into()),
            resident_id: None,
            household_id: Some(household),
        };
        let mut tx = store.write().await.unwrap();
        assert!(tx.field_receipt(&id).await.unwrap().is_none(), "{}", test.label);
        tx.insert_field_receipt(commune, &receipt, test_now(), test_now()).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.write().await.unwrap();
        assert_eq!(tx.field_receipt(&id).await.unwrap().as_ref(), Some(&receipt), "{}", test.label);
        let again = tx.insert_field_receipt(commune, &receipt, test_now(), test_now()).await;
        assert!(matches!(again, Err(StoreError::Conflict)), "{}: a second receipt is refused", test.label);
        drop(tx);
        let mut tx = store.read().await.unwrap();
        assert_eq!(tx.count_field_records(volunteer).await.unwrap(), vec![(FieldStatus::Conflict, 1)]);
        assert!(tx.count_field_records(UserId(volunteer.0 + 1000)).await.unwrap().is_empty());
    }
}
