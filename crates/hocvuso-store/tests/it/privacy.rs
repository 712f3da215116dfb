use hocvuso_domain::accounts::Role;
use hocvuso_domain::ids::{ResidentId, UserId};
use hocvuso_domain::person_name::PersonName;
use hocvuso_domain::phone::PhoneNumber;
use hocvuso_domain::privacy::{AuditAction, AuditSubject, ConsentMethod, ConsentPurpose, NewAuditEvent};
use hocvuso_domain::register::NewResident;
use hocvuso_store::NewUser;
use hocvuso_test_support::{stores, test_now};
use time::Duration;

#[tokio::test]
async fn consents_are_recorded_and_withdrawn() {
    for test in stores().await {
        let (commune, _, household) = crate::seed_commune(&test.store, 16777).await;
        let mut tx = test.store.write().await.unwrap();
        let staff = tx
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
        let resident = tx
            .insert_resident(
                commune,
                &NewResident {
                    household_id: household,
                    full_name: PersonName::parse("Lò Văn Pảng").unwrap(),
                    birth_year: None,
                    gender: None,
                    phone: None,
                    cccd: None,
                },
                test_now(),
            )
            .await
            .unwrap();
        let consent = tx
            .insert_consent(commune, resident, ConsentPurpose::Register, ConsentMethod::Verbal, staff, test_now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let later = test_now() + Duration::days(3);
        let mut tx = test.store.write().await.unwrap();
        assert!(tx.withdraw_consent(resident, consent, staff, later).await.unwrap());
        assert!(!tx.withdraw_consent(resident, consent, staff, later).await.unwrap(), "{}", test.label);
        assert!(!tx.withdraw_consent(ResidentId(resident.0 + 1), consent, staff, later).await.unwrap());
        tx.commit().await.unwrap();
        let mut tx = test.store.read().await.unwrap();
        let consents = tx.list_consents(resident).await.unwrap();
        assert_eq!(consents.len(), 1);
        assert_eq!((consents[0].withdrawn_at, consents[0].withdrawn_by), (Some(later), Some(staff)), "{}", test.label);
        assert!(!consents[0].is_active());
    }
}

#[tokio::test]
async fn the_audit_log_refuses_updates_and_deletes() {
    for test in stores().await {
        let (commune, _, _) = crate::seed_commune(&test.store, 16777).await;
        let mut tx = test.store.write().await.unwrap();
        let event = NewAuditEvent {
            actor: Some(UserId(1)),
            commune_id: Some(commune),
            action: AuditAction::View,
            subject: AuditSubject::Resident,
            subject_id: Some(42),
            detail: String::new(),
        };
        tx.append_audit(&event, test_now()).await.unwrap();
        tx.commit().await.unwrap();
        let url_backend = test.label;
        for statement in ["UPDATE audit_event SET detail = 'x'", "DELETE FROM audit_event"] {
            let mut tx = test.store.write().await.unwrap();
            let refused = tx.execute_raw_for_tests(statement).await;
            assert!(refused.is_err(), "{url_backend}: {statement} must be refused");
        }
        let mut tx = test.store.read().await.unwrap();
        let events = tx.list_audit(Some(commune), 10).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(tx.list_audit_of_subject(AuditSubject::Resident, 42).await.unwrap().len(), 1, "{}", test.label);
    }
}
