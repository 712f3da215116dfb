use axum::http::{Method, StatusCode};
use hocvuso_domain::privacy::AuditAction;

use crate::{TestApp, demo};

/// The id of some resident the browser's user may see.
async fn first_resident(app: &TestApp, browser: &crate::Browser) -> i64 {
    let list = app.api(Method::GET, "/api/v1/residents", Some(browser), None).await.json();
    list[0]["id"].as_i64().unwrap_or_else(|| panic!("{}: no resident in {list}", app.label))
}

async fn audit_actions(app: &TestApp, resident_id: i64) -> Vec<AuditAction> {
    let mut tx = app.ctx.store.read().await.unwrap();
    tx.list_audit_of_subject(hocvuso_domain::privacy::AuditSubject::Resident, resident_id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

#[tokio::test]
async fn viewing_and_exporting_a_person_is_audited_and_contacts_are_masked_on_screen() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        let id = first_resident(&app, &staff).await;
        let page = app.get(&format!("/residents/{id}"), Some(&staff)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", app.label);
        let export = app.get(&format!("/residents/{id}/export"), Some(&staff)).await;
        assert_eq!(export.status, StatusCode::OK, "{}", app.label);
        assert!(export.headers.get("content-disposition").unwrap().to_str().unwrap().starts_with("attachment"));
        let document = export.json();
        assert_eq!(document["format"], "hocvuso.person-export.v1");
        assert_eq!(document["resident"]["id"], id);
        if let Some(phone) = document["resident"]["phone"].as_str() {
            assert!(!page.body.contains(phone), "{}: the page shows the phone masked", app.label);
            assert!(page.body.contains(&phone[phone.len() - 3..]));
        }
        assert!(document["access_log"].as_array().unwrap().iter().any(|e| e["action"] == "view"), "{}", app.label);
        let actions = audit_actions(&app, id).await;
        assert!(
            actions.contains(&AuditAction::View) && actions.contains(&AuditAction::Export),
            "{}: {actions:?}",
            app.label
        );
    }
}

#[tokio::test]
async fn consent_is_recorded_explicitly_and_can_be_withdrawn() {
    for app in TestApp::all().await {
        let volunteer = app.sign_in(demo::VOLUNTEER_A).await;
        let id = first_resident(&app, &volunteer).await;
        let missing_choice = app
            .post_form(&format!("/residents/{id}/consents"), Some(&volunteer), &[("purpose", ""), ("method", "verbal")])
            .await;
        assert_eq!(missing_choice.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        let given = app
            .post_form(
                &format!("/residents/{id}/consents"),
                Some(&volunteer),
                &[("purpose", "contact"), ("method", "verbal")],
            )
            .await;
        assert_eq!(given.status, StatusCode::SEE_OTHER, "{}", app.label);
        let mut tx = app.ctx.store.read().await.unwrap();
        let consents = tx.list_consents(hocvuso_domain::ids::ResidentId(id)).await.unwrap();
        drop(tx);
        let contact = consents.iter().find(|c| c.purpose == hocvuso_domain::privacy::ConsentPurpose::Contact).unwrap();
        let page = app.get(&format!("/residents/{id}"), Some(&volunteer)).await;
        assert!(page.body.contains("Liên lạc qua điện thoại, Zalo"), "{}", app.label);
        let withdrawn =
            app.post_form(&format!("/residents/{id}/consents/{}/withdraw", contact.id), Some(&volunteer), &[]).await;
        assert_eq!(withdrawn.status, StatusCode::SEE_OTHER, "{}", app.label);
        let actions = audit_actions(&app, id).await;
        assert!(actions.contains(&AuditAction::ConsentGiven) && actions.contains(&AuditAction::ConsentWithdrawn));
    }
}

#[tokio::test]
async fn only_the_commune_admin_erases_and_the_figures_stay_the_same() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        let admin = app.sign_in(demo::ADMIN_A).await;
        let id = first_resident(&app, &staff).await;
        let before = app.api(Method::GET, "/api/v1/communes/16777/figures", Some(&admin), None).await.json();
        let refused = app.post_form(&format!("/residents/{id}/erase"), Some(&staff), &[("confirm", "yes")]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", app.label);
        let unconfirmed = app.post_form(&format!("/residents/{id}/erase"), Some(&admin), &[]).await;
        assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        let erased = app.post_form(&format!("/residents/{id}/erase"), Some(&admin), &[("confirm", "yes")]).await;
        assert_eq!(erased.status, StatusCode::SEE_OTHER, "{}", app.label);
        let view = app.api(Method::GET, &format!("/api/v1/residents/{id}"), Some(&admin), None).await.json();
        assert_eq!(view["is_erased"], true);
        assert!(view["full_name"].is_null() && view["phone_masked"].is_null(), "{}", app.label);
        let after = app.api(Method::GET, "/api/v1/communes/16777/figures", Some(&admin), None).await.json();
        assert_eq!(before, after, "{}: erasure keeps the statistics", app.label);
        assert!(audit_actions(&app, id).await.contains(&AuditAction::Erase));
    }
}
