//! How long a visit sheet takes to typeset: `bench/pdf` runs this in debug and release (see docs/performance.md).
//!
//! `cargo run -p hocvuso-print --example pdf_timing [--release] -- [PEOPLE] [ROUNDS] [OUT.pdf]`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use hocvuso_print::pdf::DocDate;
use hocvuso_print::pdf::visit_sheet::{SheetHamlet, SheetHousehold, SheetPerson, VisitSheet, render_visit_sheet};

const FAMILY: [&str; 6] = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng"];
const GIVEN: [&str; 8] = ["Thị Ngữ", "Văn Ỷ", "Thị Ánh", "Văn Đức", "Thị Hường", "Văn Tuấn", "Thị Yến", "Văn Lộc"];
const SKILLS: [&str; 5] =
    ["Dùng Zalo", "Quét mã QR", "Kích hoạt VNeID mức 2", "Thanh toán không dùng tiền mặt", "Nhận biết lừa đảo"];

/// A sheet of `n_people`; `shift` changes every name, so a round cannot reuse the memoised layout of another.
fn sheet(n_people: usize, shift: usize) -> VisitSheet {
    let households = (0..n_people.div_ceil(3))
        .map(|h| SheetHousehold {
            address: format!("Xóm Giữa, số {}", h + 1),
            people: (0..3)
                .map(|k| h * 3 + k)
                .filter(|i| *i < n_people)
                .map(|i| SheetPerson {
                    name: format!("{} {} {}", FAMILY[i % FAMILY.len()], GIVEN[(i + shift) % GIVEN.len()], shift),
                    born: Some(1940 + (i % 50) as i32),
                    reasons: if i % 2 == 0 { vec!["Cao tuổi".into()] } else { Vec::new() },
                    missing: SKILLS.iter().take(1 + i % SKILLS.len()).map(|s| (*s).to_owned()).collect(),
                    last_contact: "Chưa lần nào".into(),
                    phone: (i % 4 == 0).then(|| "0912345678".to_owned()),
                })
                .collect(),
        })
        .collect();
    VisitSheet {
        commune: "Xã Quỳ Châu".into(),
        scope: "Thôn Ẩm Thượng".into(),
        volunteer: Some("Đặng Thuỳ Dương".into()),
        date: "28/11/2026".into(),
        summary: format!("{n_people} người chưa phổ cập"),
        hamlets: vec![SheetHamlet { name: "Thôn Ẩm Thượng".into(), households }],
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n_people: usize = args.next().map_or(40, |a| a.parse().expect("PEOPLE"));
    let rounds: usize = args.next().map_or(10, |a| a.parse().expect("ROUNDS")).max(1);
    let out = args.next();
    let date = DocDate { year: 2026, month: 11, day: 28 };
    let started = Instant::now();
    let first = render_visit_sheet(&sheet(n_people, 0), date).unwrap();
    let cold = started.elapsed();
    if let Some(path) = out {
        std::fs::write(path, &first).expect("write the PDF");
    }
    let mut times: Vec<f64> = (0..rounds)
        .map(|round| {
            let sheet = sheet(n_people, round + 1);
            let started = Instant::now();
            render_visit_sheet(&sheet, date).unwrap();
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let profile = if cfg!(debug_assertions) { "debug" } else { "release" };
    println!(
        "{profile}: {n_people} people, {} KB: first render {:.0} ms (fonts parsed), then median {:.0} ms, max {:.0} ms over {rounds}",
        first.len() / 1024,
        cold.as_secs_f64() * 1000.0,
        times[times.len() / 2],
        times[times.len() - 1],
    );
}
