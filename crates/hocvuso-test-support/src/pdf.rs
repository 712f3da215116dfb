//! Reading PDFs back as a person's PDF reader would: poppler's `pdftotext`, `pdffonts` and `pdfimages`.
//!
//! `scripts/test` installs poppler-utils when it is missing. Where it cannot be had these helpers print SKIPPED and
//! return `None`, except in CI (`CI=true`), where they fail the test.

use std::io::Write;
use std::process::{Command, Stdio};

/// Runs a poppler tool with the PDF on its standard input and returns what it printed.
pub fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> Option<String> {
    let spawned = Command::new(tool).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(err) if std::env::var("CI").as_deref() != Ok("true") => {
            eprintln!("SKIPPED: {tool} is not installed ({err}); apt-get install poppler-utils, or run scripts/test");
            return None;
        }
        Err(err) => panic!("{tool} must be installed in CI (poppler-utils): {err}"),
    };
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{tool} failed on the PDF");
    Some(String::from_utf8(output.stdout).unwrap())
}

/// The text of a PDF in reading order, every run of white space folded to one space, so that assertions do not
/// depend on where lines break.
pub fn pdf_text(pdf: &[u8]) -> Option<String> {
    let text = poppler("pdftotext", &["-", "-"], pdf)?;
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The raster images of a PDF as `pdfimages -list` prints them: (type, width, height), where type is `image` or
/// `smask` (a transparency mask). Drawings (SVG) are vector graphics and are not listed.
pub fn pdf_images(pdf: &[u8]) -> Option<Vec<(String, u32, u32)>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("hv-pdf-images-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("document.pdf");
    std::fs::write(&file, pdf).unwrap();
    let output = Command::new("pdfimages").arg("-list").arg(&file).output();
    std::fs::remove_dir_all(&dir).ok();
    let output = match output {
        Ok(output) => output,
        Err(err) if std::env::var("CI").as_deref() != Ok("true") => {
            eprintln!(
                "SKIPPED: pdfimages is not installed ({err}); apt-get install poppler-utils, or run scripts/test"
            );
            return None;
        }
        Err(err) => panic!("pdfimages must be installed in CI (poppler-utils): {err}"),
    };
    assert!(output.status.success(), "pdfimages failed on the PDF");
    let text = String::from_utf8(output.stdout).unwrap();
    // Two header lines, then: page num type width height color comp bpc enc interp object ID ...
    Some(
        text.lines()
            .skip(2)
            .map(|line| {
                let cols: Vec<&str> = line.split_whitespace().collect();
                (cols[2].to_owned(), cols[3].parse().unwrap(), cols[4].parse().unwrap())
            })
            .collect(),
    )
}
