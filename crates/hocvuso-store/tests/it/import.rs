//! Import jobs: the job row, its file, and the batched writes of a commit.

use hocvuso_domain::accounts::{ResidentScope, Role};
use hocvuso_domain::ids::ImportJobId;
use hocvuso_domain::person_name::PersonName;
use hocvuso_domain::privacy::{AuditAction, ConsentMethod};
use hocvuso_domain::register::NewResident;
use hocvuso_domain::register::import::{ImportField, ImportProblem, ImportState};
use hocvuso_store::NewImportJob;
use hocvuso_test_support::{stores, test_now};

#[tokio::test]
async fn a_job_keeps_its_file_mapping_and_report_until_it_ends() {
    for test in stores().await {
        let store = &test.store;
        let (commune, hamlet, _) = crate::seed_commune(store, 16777).await;
        let mut tx = store.write().await.unwrap();
        let owner = tx
            .insert_user(&crate::new_user(commune, "0911111112", Role::HamletLead, Some(hamlet)), test_now())
            .await
            .unwrap();
        let bytes: Vec<u8> = (0..=255).collect();
        let columns = vec!["Họ và tên".to_owned(), "Chỗ ở".to_owned(), String::new()];
        let mapping = vec![Some(ImportField::FullName), None, None];
        let job_id = tx
            .insert_import_job(
                &NewImportJob {
                    commune_id: commune,
                    owner,
                    hamlet_id: Some(hamlet),
                    file_name: "danh sách.xlsx",
                    header_line: 3,
                    columns: &columns,
                    mapping: &mapping,
                    n_rows: 2,
                    bytes: &bytes,
                },
                test_now(),
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.read().await.unwrap();
        let job = tx.import_job_by_id(commune, job_id).await.unwrap().unwrap();
        assert_eq!((job.state, job.header_line, job.n_rows), (ImportState::Uploaded, 3, 2), "{}", test.label);
        assert_eq!((job.columns.clone(), job.mapping.clone()), (columns, mapping), "{}", test.label);
        assert_eq!(job.owner, owner);
        assert_eq!(job.hamlet_id, Some(hamlet));
        assert_eq!(tx.import_job_file(commune, job_id).await.unwrap(), Some(bytes), "{}: bytes intact", test.label);
        let other = hocvuso_domain::ids::CommuneId(16804);
        assert!(tx.import_job_by_id(other, job_id).await.unwrap().is_none(), "{}", test.label);
        assert_eq!(tx.list_import_jobs(commune, Some(owner), 10).await.unwrap().len(), 1);
        drop(tx);

        let mut tx = store.write().await.unwrap();
        let mapping = vec![Some(ImportField::FullName), Some(ImportField::Address), None];
        tx.update_import_mapping(job_id, &mapping, test_now()).await.unwrap();
        let problems = vec![ImportProblem { line: 5, codes: vec!["phone_invalid".into(), "name_empty".into()] }];
        tx.save_import_check(job_id, ImportState::Checked, 2, 1, &problems, test_now()).await.unwrap();
        assert!(
            !tx.change_import_state(job_id, ImportState::Mapped, ImportState::Running, test_now()).await.unwrap(),
            "{}: only from the state named",
            test.label
        );
        tx.commit().await.unwrap();
        let mut tx = store.read().await.unwrap();
        let job = tx.import_job_by_id(commune, job_id).await.unwrap().unwrap();
        assert_eq!(
            (job.state, job.mapping, job.problems, job.n_households),
            (ImportState::Checked, mapping, problems, 1)
        );
        drop(tx);

        let mut tx = store.write().await.unwrap();
        assert_eq!(tx.expire_import_jobs(test_now()).await.unwrap(), 0, "{}: not yet", test.label);
        let later = test_now() + hocvuso_domain::register::import::JOB_LIFETIME;
        assert_eq!(tx.expire_import_jobs(later).await.unwrap(), 1, "{}", test.label);
        tx.commit().await.unwrap();
        let mut tx = store.read().await.unwrap();
        assert_eq!(tx.import_job_by_id(commune, job_id).await.unwrap().unwrap().state, ImportState::Expired);
        assert_eq!(tx.import_job_file(commune, job_id).await.unwrap(), None, "{}: file purged", test.label);
    }
}

#[tokio::test]
async fn a_commit_writes_households_residents_consents_and_audit_in_batches() {
    for test in stores().await {
        let store = &test.store;
        let (commune, hamlet, household) = crate::seed_commune(store, 16777).await;
        let mut tx = store.write().await.unwrap();
        let owner = tx
            .insert_user(&crate::new_user(commune, "0911111113", Role::CommuneStaff, None), test_now())
            .await
            .unwrap();
        let job_id = tx
            .insert_import_job(
                &NewImportJob {
                    commune_id: commune,
                    owner,
                    hamlet_id: None,
                    file_name: "a.csv",
                    header_line: 1,
                    columns: &["Họ và tên".to_owned()],
                    mapping: &[Some(ImportField::FullName)],
                    n_rows: 1201,
                    bytes: b"x",
                },
                test_now(),
            )
            .await
            .unwrap();
        // More than two batches of new households, returned with their keys.
        let new: Vec<_> = (0..1201).map(|i| (hamlet, format!("Số nhà {}", i + 2))).collect();
        let created = tx.insert_households_batch(commune, &new, test_now()).await.unwrap();
        assert_eq!(created.len(), 1201, "{}", test.label);
        assert!(created.iter().all(|(_, h, a)| *h == hamlet && a.starts_with("Số nhà ")), "{}", test.label);
        let mut residents: Vec<NewResident> = created
            .iter()
            .enumerate()
            .map(|(i, (household_id, _, _))| NewResident {
                household_id: *household_id,
                full_name: PersonName::parse(&format!("Nguyễn Văn Số{}", char::from(b'A' + (i % 26) as u8))).unwrap(),
                birth_year: Some(1950 + (i % 50) as i32),
                gender: None,
                phone: None,
                cccd: None,
            })
            .collect();
        residents[0].household_id = household;
        let mut batches = Vec::new();
        let n = tx.insert_residents_batch(commune, job_id, &residents, test_now(), |n| batches.push(n)).await.unwrap();
        assert_eq!((n, batches), (1201, vec![500, 500, 201]), "{}", test.label);
        let consents =
            tx.record_import_consents(commune, job_id, ConsentMethod::Written, owner, test_now()).await.unwrap();
        assert_eq!(consents, 1201, "{}", test.label);
        tx.finish_import_job(job_id, ImportState::Done, 1201, None, &[], test_now()).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.read().await.unwrap();
        let scope = ResidentScope::Commune(commune);
        let all = tx.list_residents(scope, None, None, 5000).await.unwrap();
        assert_eq!(all.len(), 1201, "{}", test.label);
        let found = tx.list_residents(scope, Some("nguyen van soa"), None, 5000).await.unwrap();
        assert!(!found.is_empty(), "{}: the search key is written", test.label);
        assert_eq!(tx.list_consents(all[0].id).await.unwrap().len(), 1, "{}", test.label);
        let audit =
            tx.list_audit_of_subject(hocvuso_domain::privacy::AuditSubject::Resident, all[0].id.0).await.unwrap();
        let actions: Vec<_> = audit.iter().map(|e| e.action).collect();
        assert!(
            actions.contains(&AuditAction::Create) && actions.contains(&AuditAction::ConsentGiven),
            "{}",
            test.label
        );
        let job = tx.import_job_by_id(commune, job_id).await.unwrap().unwrap();
        assert_eq!((job.state, job.n_imported, job.n_done), (ImportState::Done, 1201, 1201), "{}", test.label);
        assert_eq!(tx.import_job_file(commune, ImportJobId(job_id.0)).await.unwrap(), None, "{}", test.label);
    }
}
