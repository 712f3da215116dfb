//! Guide editor through the use cases, on SQLite and PostgreSQL: a save is laid over the file and swapped in whole,
//! a restart (a fresh context on the same database) applies the edits again, a revert serves the file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use hocvuso_app::guide_edits;
use hocvuso_app::guides::GuideShelf;
use hocvuso_app::{AppError, Clock, Ctx, PasswordHasher};
use hocvuso_domain::accounts::{Actor, Role};
use hocvuso_domain::ids::CommuneId;
use hocvuso_domain::phone::PhoneNumber;
use hocvuso_store::NewUser;
use hocvuso_test_support::{stores, test_now};

const SLUG: &str = "quet-ma-qr";

/// A commune with a staff account; returns the context and that account as the actor.
async fn setup(store: &hocvuso_store::Store, commune: i64, phone: &str) -> (Ctx, Actor) {
    let mut tx = store.write().await.unwrap();
    tx.activate_commune(CommuneId(commune), test_now()).await.unwrap();
    let user = tx
        .insert_user(
            &NewUser {
                phone: PhoneNumber::parse(phone).unwrap(),
                display_name: "Cán bộ xã".into(),
                password_hash: "x".into(),
                role: Role::CommuneStaff,
                province_code: None,
                commune_id: Some(CommuneId(commune)),
                hamlet_id: None,
            },
            test_now(),
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let actor = Actor {
        user_id: user,
        role: Role::CommuneStaff,
        province_code: None,
        commune_id: Some(CommuneId(commune)),
        hamlet_id: None,
    };
    (Ctx::new(store.clone(), Clock::fixed(test_now()), PasswordHasher::new(1)), actor)
}

#[tokio::test]
async fn an_edit_is_swapped_in_whole_survives_a_restart_and_reverts_to_the_file() {
    for test in stores().await {
        let (ctx, staff) = setup(&test.store, 16777, "0900000011").await;
        let file = ctx.guide_shelf.file_text(SLUG).unwrap();
        let before = ctx.guides();
        let edited = file.replacen("\n## ", "\nMột câu mới: hocvusoedited.\n\n## ", 1);
        let saved = guide_edits::save_guide(&ctx, &staff, Some(SLUG), &edited).await.unwrap().unwrap();
        assert_eq!(saved, SLUG);

        // The new library is served; a reader holding the old one keeps a whole, unchanged library.
        let after = ctx.guides();
        assert!(after.get(SLUG).unwrap().intro_text.contains("hocvusoedited"), "{}", test.label);
        assert!(!before.get(SLUG).unwrap().intro_text.contains("hocvusoedited"));
        assert_eq!(after.list().len(), before.list().len());
        assert_eq!(after.search("hocvusoedited").unwrap().first().map(|h| h.guide.slug.as_str()), Some(SLUG));
        assert!(before.search("hocvusoedited").unwrap().is_empty());
        // The file's pictures still serve the edited guide.
        assert!(after.picture(SLUG, "1.svg").is_ok());

        // A restart: a fresh context on the same database starts from the files, then lays the edits over them.
        let restarted = Ctx::new(test.store.clone(), Clock::fixed(test_now()), PasswordHasher::new(1))
            .with_guides(GuideShelf::embedded());
        assert!(!restarted.guides().get(SLUG).unwrap().intro_text.contains("hocvusoedited"));
        guide_edits::reload_guides(&restarted).await.unwrap();
        assert!(restarted.guides().get(SLUG).unwrap().intro_text.contains("hocvusoedited"), "{}", test.label);

        // Another commune's staff cannot change it while the edit is served.
        let (_, other) = setup(&test.store, 16804, "0900000021").await;
        let refused = guide_edits::save_guide(&ctx, &other, Some(SLUG), &file).await;
        assert!(matches!(refused, Err(AppError::Forbidden)), "{}", test.label);
        assert!(matches!(guide_edits::revert_guide(&ctx, &other, SLUG).await, Err(AppError::Forbidden)));

        // Back to the file: served again, the edits stay in the history.
        guide_edits::revert_guide(&ctx, &staff, SLUG).await.unwrap();
        assert!(!ctx.guides().get(SLUG).unwrap().intro_text.contains("hocvusoedited"));
        let source = guide_edits::guide_source(&ctx, &staff, SLUG, None).await.unwrap();
        assert_eq!(source.versions.len(), 2, "{}", test.label);
        assert!(source.versions[0].markdown.is_none() && source.versions[1].markdown.is_some());
        assert!(!source.edited);
        let old = guide_edits::guide_source(&ctx, &staff, SLUG, Some(1)).await.unwrap();
        assert!(old.markdown.contains("hocvusoedited"));
        // Reverted, it is nobody's: the other commune may edit it now.
        assert!(guide_edits::save_guide(&ctx, &other, Some(SLUG), &file).await.unwrap().is_ok());
    }
}

#[tokio::test]
async fn a_refused_text_stores_nothing_and_a_new_guide_gets_placeholder_pictures() {
    for test in stores().await {
        let (ctx, staff) = setup(&test.store, 16777, "0900000011").await;
        let hostile = guide_edits::new_guide_text().replacen("Một đoạn mở đầu ngắn.", "<script>alert(1)</script>", 1);
        let refused = guide_edits::save_guide(&ctx, &staff, None, &hostile).await.unwrap().unwrap_err();
        assert_eq!(refused.code, "guide_html");
        assert_eq!(hostile.lines().nth(refused.line - 1), Some("<script>alert(1)</script>"));
        assert!(ctx.guides().get("bai-moi").is_err());
        assert!(guide_edits::guide_source(&ctx, &staff, "bai-moi", None).await.is_err());

        let saved = guide_edits::save_guide(&ctx, &staff, None, &guide_edits::new_guide_text()).await.unwrap();
        assert_eq!(saved.unwrap(), "bai-moi", "{}", test.label);
        let guide = ctx.guides().get("bai-moi").unwrap();
        assert_eq!(guide.steps.len(), 4);
        let placeholder = ctx.guides().picture("bai-moi", "1.svg").unwrap();
        assert!(placeholder.starts_with(b"<svg"));
        // The slug is taken now.
        let again = guide_edits::save_guide(&ctx, &staff, None, &guide_edits::new_guide_text()).await.unwrap();
        assert_eq!(again.unwrap_err().code, "guide_slug_taken");
        // A new guide has no original to go back to.
        let revert = guide_edits::revert_guide(&ctx, &staff, "bai-moi").await;
        assert!(matches!(revert, Err(AppError::Invalid(_))), "{}", test.label);
    }
}
