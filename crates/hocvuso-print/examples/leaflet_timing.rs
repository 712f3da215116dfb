//! How long a guide's leaflet takes to typeset: `bench/pdf` runs this in debug and release (see docs/performance.md).
//!
//! `cargo run -p hocvuso-print --example leaflet_timing [--release] -- [SLUG] [a5|a4] [ROUNDS] [OUT.pdf]`
//! reads `content/guides/SLUG.md` (default `dang-ky-khai-sinh`) and its drawings.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::Instant;

use hocvuso_print::pdf::{DocDate, Leaflet, LeafletStep, Paper, render_leaflet};

/// The guide as a leaflet: front matter `title`/`summary`, `## ` steps, their paragraphs and `![…](N.svg)` drawing.
fn read_guide(slug: &str, paper: Paper, round: usize) -> Leaflet {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/guides");
    let source = std::fs::read_to_string(dir.join(format!("{slug}.md"))).expect("the guide file");
    let (front, body) = source.trim_start_matches("+++\n").split_once("\n+++\n").expect("front matter");
    let field = |key: &str| -> String {
        let line = front.lines().find(|l| l.starts_with(&format!("{key} = "))).expect(key);
        serde_json::from_str(line.split_once(" = ").expect(key).1).expect(key)
    };
    let steps = body
        .split("\n## ")
        .skip(1)
        .map(|chunk| {
            let (title, rest) = chunk.split_once('\n').expect("a step");
            let mut picture_svg = None;
            let mut text = Vec::new();
            for para in rest.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
                match para.strip_prefix("![").and_then(|p| p.split_once("](")) {
                    Some((_, file)) => {
                        picture_svg =
                            Some(std::fs::read(dir.join(slug).join(file.trim_end_matches(')'))).expect("picture"))
                    }
                    None => text.push(para.to_owned()),
                }
            }
            LeafletStep { title: title.trim().to_owned(), text: text.join("\n\n"), picture_svg, photo: None }
        })
        .collect();
    Leaflet {
        title: field("title"),
        // Each round's text differs, so typst cannot reuse the memoised layout of another round.
        summary: format!("{} ({round})", field("summary")),
        steps,
        url: format!("https://hocvuso.example/huong-dan/{slug}"),
        paper,
        date: DocDate { year: 2026, month: 11, day: 28 },
        commune: "Xã Quỳ Châu".into(),
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let slug = args.next().unwrap_or_else(|| "dang-ky-khai-sinh".into());
    let paper = if args.next().as_deref() == Some("a4") { Paper::A4 } else { Paper::A5 };
    let rounds: usize = args.next().map_or(10, |a| a.parse().expect("ROUNDS")).max(1);
    let out = args.next();
    let started = Instant::now();
    let first = render_leaflet(&read_guide(&slug, paper, 0)).unwrap();
    let cold = started.elapsed();
    if let Some(path) = out {
        std::fs::write(path, &first).expect("write the PDF");
    }
    let mut times: Vec<f64> = (0..rounds)
        .map(|round| {
            let leaflet = read_guide(&slug, paper, round + 1);
            let started = Instant::now();
            render_leaflet(&leaflet).unwrap();
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let profile = if cfg!(debug_assertions) { "debug" } else { "release" };
    println!(
        "{profile}: leaflet {slug} {paper:?}, {} KB: first render {:.0} ms (fonts parsed), then median {:.0} ms, max {:.0} ms over {rounds}",
        first.len() / 1024,
        cold.as_secs_f64() * 1000.0,
        times[times.len() / 2],
        times[times.len() - 1],
    );
}
