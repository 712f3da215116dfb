use hocvuso_domain::ids::{CommuneId, ProvinceCode};
use hocvuso_domain::places::{HamletKind, NewHamlet};
use hocvuso_store::StoreError;
use hocvuso_test_support::{stores, test_now};

#[tokio::test]
async fn the_official_units_are_loaded_once() {
    for test in stores().await {
        let mut tx = test.store.read().await.unwrap();
        let provinces = tx.list_provinces().await.unwrap();
        assert_eq!(provinces.len(), 34, "{}", test.label);
        let nghe_an = ProvinceCode::parse("40").unwrap();
        let communes = tx.list_commune_units(&nghe_an).await.unwrap();
        assert_eq!(communes.len(), 130, "{}: Nghệ An has 130 commune-level units", test.label);
        let quy_chau = tx.commune_unit_by_id(CommuneId(16777)).await.unwrap().unwrap();
        assert_eq!(quy_chau.name, "Xã Quỳ Châu", "{}", test.label);
        assert!(!quy_chau.is_active);
        drop(tx);
        let report = test.store.migrate(test_now()).await.unwrap();
        assert!(report.applied.is_empty() && !report.loaded_units, "{}: a second run changes nothing", test.label);
    }
}

#[tokio::test]
async fn hamlet_names_are_unique_per_commune_whatever_the_tone_marks() {
    for test in stores().await {
        let (commune_id, _, _) = crate::seed_commune(&test.store, 16777).await;
        let (other_commune, _, _) = crate::seed_commune(&test.store, 16804).await;
        let mut tx = test.store.write().await.unwrap();
        let hoa = NewHamlet { commune_id, name: "Thôn Hoà Bình".into(), kind: HamletKind::Thon };
        tx.insert_hamlet(&hoa, test_now()).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = test.store.write().await.unwrap();
        let clash = NewHamlet { commune_id, name: "thôn hòa bình".into(), kind: HamletKind::Thon };
        assert!(matches!(tx.insert_hamlet(&clash, test_now()).await, Err(StoreError::Conflict)), "{}", test.label);
        drop(tx);
        let mut tx = test.store.write().await.unwrap();
        let elsewhere =
            NewHamlet { commune_id: other_commune, name: "Thôn Hoà Bình".into(), kind: HamletKind::Thon };
        tx.insert_hamlet(&elsewhere, test_now()).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = test.store.read().await.unwrap();
        assert_eq!(tx.list_hamlets(commune_id).await.unwrap().len(), 2, "{}", test.label);
    }
}

#[tokio::test]
async fn a_hamlet_of_another_commune_is_not_found() {
    for test in stores().await {
        let (_, hamlet_a, _) = crate::seed_commune(&test.store, 16777).await;
        let (commune_b, _, _) = crate::seed_commune(&test.store, 16804).await;
        let mut tx = test.store.read().await.unwrap();
        assert!(tx.hamlet_by_id(commune_b, hamlet_a).await.unwrap().is_none(), "{}", test.label);
    }
}

#[tokio::test]
async fn a_backup_is_a_complete_consistent_copy() {
    for test in stores().await {
        if test.label != "sqlite" && std::process::Command::new("pg_dump").arg("--version").output().is_err() {
            eprintln!("note: pg_dump is not installed; the PostgreSQL backup test is skipped");
            continue;
        }
        crate::seed_commune(&test.store, 16777).await;
        let dir = std::env::temp_dir().join(format!("hocvuso-backup-{}-{}", test.label, std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join(format!("backup-{:?}.db", std::time::SystemTime::now()));
        let report = test.store.backup(&target).await.unwrap();
        assert!(report.n_bytes > 100_000, "{}: the backup holds the unit lists", test.label);
        assert!(test.store.backup(&target).await.is_err(), "{}: an existing file is never overwritten", test.label);
        if test.label == "sqlite" {
            let restored = dir.join("restored.db");
            hocvuso_store::restore_sqlite(&target, &restored).await.unwrap();
            let url = format!("sqlite://{}", restored.display());
            let copy = hocvuso_store::Store::open(&url, Default::default()).await.unwrap();
            let mut tx = copy.read().await.unwrap();
            assert_eq!(tx.list_active_communes().await.unwrap().len(), 1);
            assert_eq!(tx.list_hamlets(CommuneId(16777)).await.unwrap().len(), 1);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
