//! Searching the real starter guides of `content/guides` the way people type: without accents, with typos.
#![allow(clippy::expect_used)]

use std::path::PathBuf;
use std::sync::LazyLock;

use hocvuso_search::{Hit, SearchDoc, SearchIndex};
use unicode_normalization::UnicodeNormalization;

/// Reads every guide: the title from the front matter, the body is everything after it. Deliberately trivial:
/// parsing guides is the guides capability's job, not this crate's.
fn starter_guides() -> Vec<SearchDoc> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../content/guides");
    let mut docs = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("content/guides") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|ext| ext != "md") || path.ends_with("README.md") {
            continue;
        }
        let file = std::fs::read_to_string(&path).expect("guide");
        let mut parts = file.splitn(3, "+++\n");
        let (_, front, body) = (parts.next(), parts.next().expect("front matter"), parts.next().expect("body"));
        let title = front
            .lines()
            .find_map(|line| line.strip_prefix("title = \""))
            .and_then(|rest| rest.strip_suffix('"'))
            .expect("title");
        let slug = path.file_stem().expect("stem").to_string_lossy().into_owned();
        docs.push(SearchDoc { id: slug, kind: "guide".into(), title: title.into(), body: body.into() });
    }
    docs.sort_by(|a, b| a.id.cmp(&b.id));
    docs
}

fn new_index() -> SearchIndex {
    let docs = starter_guides();
    assert!(docs.len() >= 24, "the starter set has {} guides", docs.len());
    SearchIndex::build(docs).expect("build")
}

/// One index of the starter set shared by the tests that only search it.
fn index() -> &'static SearchIndex {
    static INDEX: LazyLock<SearchIndex> = LazyLock::new(new_index);
    &INDEX
}

fn ids(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|hit| hit.id.as_str()).collect()
}

#[track_caller]
fn assert_first(index: &SearchIndex, query: &str, expected: &str) {
    let hits = index.search(query, 5).expect("search");
    assert_eq!(hits.first().map(|hit| hit.id.as_str()), Some(expected), "{query:?} found {:?}", ids(&hits));
    assert!(hits.windows(2).all(|pair| pair[0].score >= pair[1].score), "hits are best first");
}

#[test]
fn queries_without_accents_put_the_right_guide_first() {
    let index = index();
    assert_first(index, "dang ky khai sinh", "dang-ky-khai-sinh");
    assert_first(index, "khai sinh", "dang-ky-khai-sinh");
    assert_first(index, "thanh toan tien dien", "thanh-toan-dien-nuoc-hoc-phi");
    assert_first(index, "goi video zalo", "zalo-goi-video");
    assert_first(index, "vneid muc 2", "vneid-muc-2");
    assert_first(index, "lua dao", "nhan-biet-lua-dao");
}

#[test]
fn queries_with_accents_find_the_same_guides() {
    let index = index();
    assert_first(index, "Đăng ký khai sinh", "dang-ky-khai-sinh");
    assert_first(index, "thanh toán tiền điện", "thanh-toan-dien-nuoc-hoc-phi");
    assert_first(index, "LỪA ĐẢO", "nhan-biet-lua-dao");
}

#[test]
fn misspelt_words_are_forgiven() {
    let index = index();
    assert_first(index, "dang ki khai sinh", "dang-ky-khai-sinh");
    assert_first(index, "thahn toan tien dien", "thanh-toan-dien-nuoc-hoc-phi");
    assert_first(index, "goi video zalp", "zalo-goi-video");
    // Alone, "zalp" puts first the guides with Zalo in their title.
    let mut zalo_titles: Vec<String> =
        starter_guides().into_iter().filter(|doc| doc.title.contains("Zalo")).map(|doc| doc.id).collect();
    assert!(zalo_titles.len() >= 4);
    let hits = index.search("zalp", zalo_titles.len()).expect("search");
    let mut first: Vec<String> = hits.into_iter().map(|hit| hit.id).collect();
    first.sort();
    zalo_titles.sort();
    assert_eq!(first, zalo_titles);
}

#[test]
fn short_words_are_not_corrected() {
    // One edit from a two-letter word reaches most of the language; "xq" must not match "xa", "qr"...
    let index = index();
    assert_eq!(index.search("xq", 10).expect("search"), Vec::new());
}

#[test]
fn decomposed_input_and_stray_spaces_work() {
    let index = index();
    let decomposed: String = "  Đăng   ký\u{00A0}khai\tsinh  ".nfd().collect();
    assert_first(index, &decomposed, "dang-ky-khai-sinh");
    let decomposed: String = "thanh toán tiền điện".nfd().collect();
    assert_first(index, &decomposed, "thanh-toan-dien-nuoc-hoc-phi");
}

#[test]
fn an_accented_query_ranks_the_exact_spelling_higher() {
    // "Ma" folds like "mã" and "má"; the accent decides which document comes first.
    let docs = vec![
        SearchDoc { id: "a".into(), kind: "guide".into(), title: "Má".into(), body: "chuyện".into() },
        SearchDoc { id: "b".into(), kind: "guide".into(), title: "Mã".into(), body: "chuyện".into() },
    ];
    let index = SearchIndex::build(docs).expect("build");
    assert_eq!(ids(&index.search("mã", 2).expect("search")), ["b", "a"]);
    assert_eq!(ids(&index.search("má", 2).expect("search")), ["a", "b"]);
}

#[test]
fn the_title_weighs_more_than_the_body() {
    let docs = vec![
        SearchDoc {
            id: "body".into(), kind: "guide".into(), title: "Ứng dụng".into(), body: "Quét mã QR".into()
        },
        SearchDoc {
            id: "title".into(), kind: "guide".into(), title: "Quét mã QR".into(), body: "Ứng dụng".into()
        },
    ];
    let index = SearchIndex::build(docs).expect("build");
    assert_eq!(ids(&index.search("quet ma qr", 2).expect("search")), ["title", "body"]);
}

#[test]
fn hostile_or_empty_queries_return_cleanly() {
    let index = index();
    for query in ["", "   ", "*", "\"", "\"\"\"", "AND OR", "title:zalo", "(((", "\\", "\u{202E}\u{200B}", "-*:^~"] {
        let hits = index.search(query, 10).expect("search");
        assert!(hits.len() <= 10, "{query:?}");
    }
    assert_eq!(index.search("*", 10).expect("search"), Vec::new(), "a star is not a wildcard");
    // "title:zalo" is two plain words, so it finds the Zalo guides like "zalo" would.
    assert!(index.search("title:zalo", 10).expect("search").iter().any(|hit| hit.id.starts_with("zalo-")));
    let huge = "lừa đảo ".repeat(1_300);
    assert!(huge.len() > 10_000);
    assert_first(index, &huge, "nhan-biet-lua-dao");
    let noise: String = (0..10_000).map(|i| char::from(b'!' + (i % 90) as u8)).collect();
    index.search(&noise, 10).expect("search");
    assert_eq!(index.search("zalo", 0).expect("search"), Vec::new());
    assert!(index.search("zalo", usize::MAX).expect("search").len() <= hocvuso_search::MAX_LIMIT);
}

#[test]
fn hits_carry_kind_and_a_highlighted_snippet() {
    let index = index();
    let hits = index.search("khai sinh", 1).expect("search");
    let hit = hits.first().expect("a hit");
    assert_eq!(hit.kind, "guide");
    let snippet = hit.snippet.as_ref().expect("snippet");
    assert!(!snippet.highlighted.is_empty());
    for range in &snippet.highlighted {
        let word = hocvuso_domain::text::fold(&snippet.text[range.clone()]);
        assert!(word == "khai" || word == "sinh", "highlighted {word:?}");
    }
}

#[test]
fn the_set_changes_in_place() {
    let index = new_index();
    let count = index.len();
    // Staff rename a guide: the old words stop matching, the new ones match, nothing is doubled.
    let edited = SearchDoc {
        id: "zalo-goi-video".into(),
        kind: "guide".into(),
        title: "Gọi hình qua Zalo cho con cháu ở xa".into(),
        body: "Chạm vào biểu tượng máy quay để gọi hình.".into(),
    };
    index.upsert(edited).expect("upsert");
    assert_eq!(index.len(), count);
    assert_first(&index, "goi hinh con chau", "zalo-goi-video");
    // A news item of the same id is another document.
    let news = SearchDoc {
        id: "zalo-goi-video".into(),
        kind: "news".into(),
        title: "Họp thôn về chuyển đổi số".into(),
        body: "Mời bà con đến nhà văn hoá.".into(),
    };
    index.upsert(news).expect("upsert");
    assert_eq!(index.len(), count + 1);
    let hits = index.search("hop thon", 3).expect("search");
    assert_eq!(hits.first().map(|hit| (hit.kind.as_str(), hit.id.as_str())), Some(("news", "zalo-goi-video")));

    index.remove("guide", "dang-ky-khai-sinh").expect("remove");
    assert_eq!(index.len(), count);
    assert!(!ids(&index.search("dang ky khai sinh", 10).expect("search")).contains(&"dang-ky-khai-sinh"));
    index.remove("guide", "no-such-guide").expect("removing nothing is fine");

    index.replace_all(starter_guides().into_iter().take(3)).expect("replace");
    assert_eq!(index.len(), 3);
    assert!(index.search("hop thon", 10).expect("search").iter().all(|hit| hit.kind == "guide"));
}

#[test]
fn a_document_without_id_or_kind_is_refused_and_changes_nothing() {
    let index = new_index();
    let count = index.len();
    let bad = SearchDoc { id: " ".into(), kind: "guide".into(), title: "x".into(), body: "y".into() };
    let error = index.replace_all(vec![bad.clone()]).expect_err("refused");
    assert_eq!(error.code(), "search_document_without_key");
    assert_eq!(index.len(), count, "a refused change leaves the set as it was");
    assert!(SearchIndex::build(vec![bad]).is_err());
}

#[test]
fn build_keeps_the_last_of_two_documents_with_one_key() {
    let first = SearchDoc { id: "a".into(), kind: "guide".into(), title: "Zalo".into(), body: String::new() };
    let second = SearchDoc { title: "VNeID".into(), ..first.clone() };
    let index = SearchIndex::build(vec![first, second]).expect("build");
    assert_eq!(index.len(), 1);
    assert!(index.search("zalo", 5).expect("search").is_empty());
    assert_eq!(ids(&index.search("vneid", 5).expect("search")), ["a"]);
}
