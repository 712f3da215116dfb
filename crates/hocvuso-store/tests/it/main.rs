//! The store's behaviour suite: every test runs on SQLite and, when `HOCVUSO_TEST_DATABASE_URL` is set,
//! on PostgreSQL, each on a fresh database.

#![allow(clippy::unwrap_used)]

mod accounts;
mod contests;
mod field;
mod guides;
mod import;
mod places;
mod privacy;
mod register;
mod skills;
// teams and moves
mod teams;
// register speed
mod reach;

use hocvuso_domain::ids::{CommuneId, HamletId, HouseholdId};
use hocvuso_domain::places::{HamletKind, NewHamlet};
use hocvuso_store::Store;
use hocvuso_test_support::test_now;

/// An account of a commune for the tests (its name says nothing; the password hash is a placeholder).
fn new_user(
    commune_id: CommuneId,
    phone: &str,
    role: hocvuso_domain::accounts::Role,
    hamlet_id: Option<HamletId>,
) -> hocvuso_store::NewUser {
    hocvuso_store::NewUser {
        phone: hocvuso_domain::phone::PhoneNumber::parse(phone).unwrap(),
        display_name: format!("Người {phone}"),
        password_hash: "x".into(),
        role,
        province_code: None,
        commune_id: Some(commune_id),
        hamlet_id,
    }
}

/// Activates commune 16777 with one hamlet and one household; returns their ids.
async fn seed_commune(store: &Store, commune: i64) -> (CommuneId, HamletId, HouseholdId) {
    let commune_id = CommuneId(commune);
    let mut tx = store.write().await.unwrap();
    tx.activate_commune(commune_id, test_now()).await.unwrap();
    let hamlet_id = tx
        .insert_hamlet(&NewHamlet { commune_id, name: format!("Thôn {commune}"), kind: HamletKind::Thon }, test_now())
        .await
        .unwrap();
    let household_id = tx.insert_household(commune_id, hamlet_id, "Số nhà 1", test_now()).await.unwrap();
    tx.commit().await.unwrap();
    (commune_id, hamlet_id, household_id)
}
