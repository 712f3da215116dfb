use hocvuso_domain::accounts::Role;
use hocvuso_domain::phone::PhoneNumber;
use hocvuso_store::{NewUser, StoreError};
use hocvuso_test_support::{stores, test_now};
use time::Duration;

fn volunteer(phone: &str, commune: hocvuso_domain::ids::CommuneId) -> NewUser {
    NewUser {
        phone: PhoneNumber::parse(phone).unwrap(),
        display_name: "Tình nguyện viên".into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
        role: Role::Volunteer,
        province_code: None,
        commune_id: Some(commune),
        hamlet_id: None,
    }
}

#[tokio::test]
async fn one_phone_number_has_at_most_one_account() {
    for test in stores().await {
        let (commune, _, _) = crate::seed_commune(&test.store, 16777).await;
        let mut tx = test.store.write().await.unwrap();
        tx.insert_user(&volunteer("0912345678", commune), test_now()).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = test.store.write().await.unwrap();
        let again = tx.insert_user(&volunteer("+84 912 345 678", commune), test_now()).await;
        assert!(matches!(again, Err(StoreError::Conflict)), "{}", test.label);
    }
}

#[tokio::test]
async fn sessions_are_found_by_key_and_end_with_the_password() {
    for test in stores().await {
        let (commune, _, _) = crate::seed_commune(&test.store, 16777).await;
        let mut tx = test.store.write().await.unwrap();
        let user_id = tx.insert_user(&volunteer("0912345678", commune), test_now()).await.unwrap();
        tx.insert_session("key-1", user_id, "csrf-1", test_now()).await.unwrap();
        tx.insert_session("key-2", user_id, "csrf-2", test_now()).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = test.store.read().await.unwrap();
        let session = tx.session_by_key("key-1").await.unwrap().unwrap();
        assert_eq!(session.user.id, user_id);
        assert_eq!(session.csrf_token, "csrf-1");
        assert_eq!(session.created_at, test_now());
        drop(tx);

        let mut tx = test.store.write().await.unwrap();
        tx.set_password(user_id, "$argon2id$new", test_now() + Duration::hours(1)).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = test.store.read().await.unwrap();
        assert!(tx.session_by_key("key-1").await.unwrap().is_none(), "{}", test.label);
        assert!(tx.session_by_key("key-2").await.unwrap().is_none(), "{}", test.label);
    }
}

#[tokio::test]
async fn failed_sign_ins_are_counted_and_cleared() {
    for test in stores().await {
        let (commune, _, _) = crate::seed_commune(&test.store, 16777).await;
        let mut tx = test.store.write().await.unwrap();
        let user_id = tx.insert_user(&volunteer("0912345678", commune), test_now()).await.unwrap();
        let until = test_now() + Duration::minutes(1);
        tx.record_failed_sign_in(user_id, 5, Some(until)).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = test.store.write().await.unwrap();
        let user = tx.user_by_id(user_id).await.unwrap().unwrap();
        assert_eq!((user.failed_sign_ins, user.locked_until), (5, Some(until)), "{}", test.label);
        tx.clear_failed_sign_ins(user_id).await.unwrap();
        let user = tx.user_by_id(user_id).await.unwrap().unwrap();
        assert_eq!((user.failed_sign_ins, user.locked_until), (0, None), "{}", test.label);
    }
}
