//! Search speed over 10,000 generated Vietnamese documents: `cargo bench -p hocvuso-search` (release build).
//!
//! The documents are made of the words of the real starter guides (`content/guides`), drawn at random with a
//! fixed seed, so the vocabulary and word lengths are those of the product. Queries are the examples,
//! their misspellings, and runs of 2 to 4 words taken from the documents, typed without accents, a fifth of
//! them with two letters swapped. Each search asks for 10 hits with snippets, as a results page would.
//! Figures go to `docs/performance.md`; nothing here is asserted.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use hocvuso_domain::text::fold;
use hocvuso_search::{SearchDoc, SearchIndex};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const DOCUMENTS: usize = 10_000;
const RANDOM_QUERIES: usize = 2_000;
const ROUNDS: usize = 5;

fn guide_words() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../content/guides");
    let mut words = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "md") && !path.ends_with("README.md") {
            let file = std::fs::read_to_string(&path).unwrap();
            let body = file.splitn(3, "+++\n").nth(2).unwrap_or_default();
            words.extend(body.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned));
        }
    }
    words
}

fn sentence(rng: &mut StdRng, words: &[String], len: usize) -> String {
    // A run of neighbouring words from the guides, so that word pairs are plausible Vietnamese.
    let start = rng.random_range(0..words.len() - len);
    words[start..start + len].join(" ")
}

fn documents(rng: &mut StdRng, words: &[String]) -> Vec<SearchDoc> {
    (0..DOCUMENTS)
        .map(|i| {
            let title_len = rng.random_range(4..=10);
            let title = sentence(rng, words, title_len);
            let body: Vec<String> = (0..rng.random_range(6..=20))
                .map(|_| {
                    let len = rng.random_range(8..=16);
                    sentence(rng, words, len)
                })
                .collect();
            SearchDoc {
                id: format!("doc-{i}"),
                kind: if i % 4 == 0 { "news" } else { "guide" }.into(),
                title,
                body: body.join(". "),
            }
        })
        .collect()
}

fn misspell(rng: &mut StdRng, query: &str) -> String {
    let mut words: Vec<String> = query.split(' ').map(str::to_owned).collect();
    if let Some(word) = words.iter_mut().find(|w| w.len() >= 4) {
        let mut chars: Vec<char> = word.chars().collect();
        let at = rng.random_range(0..chars.len() - 1);
        chars.swap(at, at + 1);
        *word = chars.into_iter().collect();
    }
    words.join(" ")
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank]
}

fn main() {
    let mut rng = StdRng::seed_from_u64(2026);
    let words = guide_words();
    let docs = documents(&mut rng, &words);
    let bytes: usize = docs.iter().map(|d| d.title.len() + d.body.len()).sum();

    let started = Instant::now();
    let index = SearchIndex::build(docs.clone()).unwrap();
    let build = started.elapsed();

    let mut queries: Vec<String> = [
        "dang ky khai sinh",
        "thanh toan tien dien",
        "goi video zalo",
        "vneid muc 2",
        "lua dao",
        "khai sinh",
        "dang ki khai sinh",
        "thahn toan tien dien",
        "zalp",
        "Đăng ký khai sinh",
    ]
    .map(str::to_owned)
    .to_vec();
    for i in 0..RANDOM_QUERIES {
        let doc = &docs[rng.random_range(0..docs.len())];
        let doc_words: Vec<&str> = doc.body.split(' ').collect();
        let len = rng.random_range(2..=4);
        let start = rng.random_range(0..doc_words.len() - len);
        let query = fold(&doc_words[start..start + len].join(" "));
        queries.push(if i % 5 == 0 { misspell(&mut rng, &query) } else { query });
    }

    // Warm-up, then every query ROUNDS times.
    for query in &queries {
        index.search(query, 10).unwrap();
    }
    let mut times = Vec::with_capacity(queries.len() * ROUNDS);
    let mut empty = 0usize;
    for _ in 0..ROUNDS {
        for query in &queries {
            let started = Instant::now();
            let hits = index.search(query, 10).unwrap();
            times.push(started.elapsed());
            empty += usize::from(hits.is_empty());
        }
    }
    times.sort();

    let started = Instant::now();
    index.upsert(docs[0].clone()).unwrap();
    let upsert = started.elapsed();

    println!("documents            {DOCUMENTS} ({:.1} MB of text)", bytes as f64 / 1e6);
    println!("build                {:.2} s", build.as_secs_f64());
    println!("upsert one document  {:.1} ms", upsert.as_secs_f64() * 1e3);
    println!("searches             {} ({} returned nothing)", times.len(), empty);
    for (name, p) in [("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("max", 1.0)] {
        println!("{name:<20} {:.2} ms", percentile(&times, p).as_secs_f64() * 1e3);
    }
}
