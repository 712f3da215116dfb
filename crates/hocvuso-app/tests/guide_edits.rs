//! Guide editor through the use cases, on SQLite and PostgreSQL: a save is laid over the file and swapped in whole,
//! a restart (a fresh context on the same database) applies the edits again, a revert serves the file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use hocvuso_app::guide_edits;
use hocvuso_app::guides::GuideShelf;
use hocvuso_app::{AppError, Clock, Ctx, PasswordHasher};
use hocvuso_domain::accounts::{Actor, Role};
use hocvuso_domain::ids::CommuneId;
use hocvuso_domain::phone::PhoneNumber;
use std::sync::Arc;

use hocvuso_app::guides::GuideAudio;
use hocvuso_speech::{AudioCache, NoEngine, Voice};
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
        // The refusal has its own code (a Vietnamese message in the web layer), not a bare "forbidden".
        let refused = guide_edits::save_guide(&ctx, &other, Some(SLUG), &file).await;
        assert!(matches!(refused, Err(AppError::Conflict("guide_other_commune"))), "{}", test.label);
        let refused = guide_edits::revert_guide(&ctx, &other, SLUG).await;
        assert!(matches!(refused, Err(AppError::Conflict("guide_other_commune"))));
        let refused = guide_edits::guide_source(&ctx, &other, SLUG, None).await;
        assert!(matches!(refused, Err(AppError::Conflict("guide_other_commune"))));
        let refused = guide_edits::upload_step_picture(&ctx, &other, SLUG, 1, drawing("#123456")).await;
        assert!(matches!(refused, Err(AppError::Conflict("guide_other_commune"))));
        assert!(ctx.guides().get(SLUG).unwrap().intro_text.contains("hocvusoedited"), "nothing changed");

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

// guide gaps: clean-up and delete

/// A small drawing of one colour (each colour is a different picture, with a different stored name).
fn drawing(colour: &str) -> Vec<u8> {
    format!(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 24"><rect width="32" height="24" fill="{colour}"/></svg>"#)
        .into_bytes()
}

/// A recording as staff upload it (an MP3 by its magic bytes).
fn recording(word: &str) -> Vec<u8> {
    let mut mp3 = b"ID3\x03\x00\x00\x00\x00\x00\x00".to_vec();
    mp3.extend_from_slice(word.as_bytes());
    mp3.extend_from_slice(&[0u8; 64]);
    mp3
}

/// The context with an audio cache that keeps recordings (no speech engine), in a fresh folder.
async fn with_recordings(ctx: Ctx, name: &str) -> (Ctx, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("hv-guide-gaps-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cache = AudioCache::open(&dir, Arc::new(NoEngine), Voice::vietnamese()).await.unwrap();
    (ctx.with_guide_audio(Arc::new(GuideAudio::recordings_only(cache, dir.clone()))), dir)
}

async fn picture_names(store: &hocvuso_store::Store, slug: &str) -> Vec<String> {
    store.read().await.unwrap().guide_picture_names(slug).await.unwrap()
}

async fn has_recording(ctx: &Ctx, text: &str) -> bool {
    ctx.guide_audio.cache().unwrap().lookup(text).await.unwrap().is_some()
}

#[tokio::test]
async fn what_nothing_served_names_any_more_goes_with_the_change() {
    for test in stores().await {
        let (ctx, staff) = setup(&test.store, 16777, "0900000011").await;
        let (ctx, dir) = with_recordings(ctx, &format!("cleanup-{}", test.label)).await;

        // A new picture for step 2 replaces the one uploaded before it, in the same transaction.
        guide_edits::upload_step_picture(&ctx, &staff, SLUG, 2, drawing("#0b5cad")).await.unwrap();
        let first = picture_names(&test.store, SLUG).await;
        assert_eq!(first.len(), 1, "{}", test.label);
        assert_eq!(ctx.guides().get(SLUG).unwrap().steps[1].picture, first[0]);
        guide_edits::upload_step_picture(&ctx, &staff, SLUG, 2, drawing("#aa0000")).await.unwrap();
        let second = picture_names(&test.store, SLUG).await;
        assert_eq!(second.len(), 1, "{}: {second:?}", test.label);
        assert_ne!(second, first);
        assert!(ctx.guides().picture(SLUG, &first[0]).is_err(), "the old picture is not served");
        assert!(ctx.guides().picture(SLUG, &second[0]).is_ok());
        // A picture on another step stays while the text names it.
        guide_edits::upload_step_picture(&ctx, &staff, SLUG, 3, drawing("#00aa00")).await.unwrap();
        assert_eq!(picture_names(&test.store, SLUG).await.len(), 2);

        // Recordings of steps 1 and 4; an edit of step 4's text removes its recording (it said the old words), and
        // keeps step 1's.
        let guide = ctx.guides().get(SLUG).unwrap();
        let (step1, step4) = (guide.steps[0].speech(), guide.steps[3].speech());
        guide_edits::upload_step_recording(&ctx, &staff, SLUG, 1, recording("one")).await.unwrap();
        guide_edits::upload_step_recording(&ctx, &staff, SLUG, 4, recording("four")).await.unwrap();
        assert!(has_recording(&ctx, &step1).await && has_recording(&ctx, &step4).await);
        let source = guide_edits::guide_source(&ctx, &staff, SLUG, None).await.unwrap();
        let title4 = &guide.steps[3].title;
        let edited = source.markdown.replacen(&format!("## {title4}\n"), &format!("## {title4}\n\nMột câu thêm.\n"), 1);
        assert_ne!(edited, source.markdown);
        guide_edits::save_guide(&ctx, &staff, Some(SLUG), &edited).await.unwrap().unwrap();
        assert!(!has_recording(&ctx, &step4).await, "{}: the old words' recording is gone", test.label);
        assert!(has_recording(&ctx, &step1).await, "an unchanged step keeps its recording");
        assert_eq!(picture_names(&test.store, SLUG).await.len(), 2, "the text still names both pictures");

        // Back to the original: the file's drawings are served, no uploaded picture is named, all go; the recording of
        // step 1 (the same words in the file) stays.
        guide_edits::revert_guide(&ctx, &staff, SLUG).await.unwrap();
        assert!(picture_names(&test.store, SLUG).await.is_empty(), "{}", test.label);
        assert_eq!(ctx.guides().get(SLUG).unwrap().steps[1].picture, "2.svg");
        assert!(has_recording(&ctx, &step1).await);
        std::fs::remove_dir_all(&dir).ok();
    }
}

#[tokio::test]
async fn a_guide_staff_added_is_deleted_whole_and_a_starter_guide_is_not() {
    for test in stores().await {
        let (ctx, staff) = setup(&test.store, 16777, "0900000011").await;
        let (ctx, dir) = with_recordings(ctx, &format!("delete-{}", test.label)).await;
        let text = guide_edits::new_guide_text().replace("Một đoạn mở đầu ngắn.", "Bài thử hocvusoxoa.");
        guide_edits::save_guide(&ctx, &staff, None, &text).await.unwrap().unwrap();
        guide_edits::upload_step_picture(&ctx, &staff, "bai-moi", 1, drawing("#0b5cad")).await.unwrap();
        guide_edits::upload_step_recording(&ctx, &staff, "bai-moi", 2, recording("two")).await.unwrap();
        let spoken = ctx.guides().get("bai-moi").unwrap().steps[1].speech();
        assert!(has_recording(&ctx, &spoken).await);
        hocvuso_app::guides::finish_guide(&ctx, &staff, "bai-moi").await.unwrap();
        assert_eq!(ctx.guides().search("hocvusoxoa").unwrap().len(), 1);

        // A starter guide can only be reverted; another commune's staff cannot delete this one.
        let refused = guide_edits::delete_guide(&ctx, &staff, SLUG).await;
        match refused {
            Err(AppError::Invalid(r)) => assert_eq!(r[0].code, "guide_has_original", "{}", test.label),
            other => panic!("{other:?}"),
        }
        let (_, other) = setup(&test.store, 16804, "0900000021").await;
        let refused = guide_edits::delete_guide(&ctx, &other, "bai-moi").await;
        assert!(matches!(refused, Err(AppError::Conflict("guide_other_commune"))), "{}", test.label);
        assert!(ctx.guides().get("bai-moi").is_ok());
        assert_eq!(guide_edits::guide_to_delete(&ctx, &staff, "bai-moi").await.unwrap(), "Tên bài hướng dẫn");

        // Deleted: gone from the shelf and search at once, with its versions, pictures and recording.
        let before = ctx.guides();
        guide_edits::delete_guide(&ctx, &staff, "bai-moi").await.unwrap();
        assert!(ctx.guides().get("bai-moi").is_err(), "{}", test.label);
        assert!(ctx.guides().search("hocvusoxoa").unwrap().is_empty());
        assert!(before.get("bai-moi").is_ok(), "a reader holding the old library keeps it whole");
        assert!(picture_names(&test.store, "bai-moi").await.is_empty());
        assert!(test.store.read().await.unwrap().list_guide_versions("bai-moi").await.unwrap().is_empty());
        assert!(!has_recording(&ctx, &spoken).await);
        let audit = test.store.read().await.unwrap().list_audit(None, 50).await.unwrap();
        assert!(audit.iter().any(|e| e.detail.starts_with("guide deleted: bai-moi")), "{}", test.label);
        assert!(matches!(guide_edits::delete_guide(&ctx, &staff, "bai-moi").await, Err(AppError::NotFound)));
        // After a restart too.
        let restarted = Ctx::new(test.store.clone(), Clock::fixed(test_now()), PasswordHasher::new(1));
        guide_edits::reload_guides(&restarted).await.unwrap();
        assert!(restarted.guides().get("bai-moi").is_err());

        // The person's progress stays and harms nothing; the slug may be used again.
        let finished = hocvuso_app::guides::finished_guides(&ctx, &staff).await.unwrap();
        assert_eq!(finished, vec!["bai-moi".to_owned()]);
        assert!(guide_edits::save_guide(&ctx, &staff, None, &text).await.unwrap().is_ok(), "{}", test.label);
        std::fs::remove_dir_all(&dir).ok();
    }
}
