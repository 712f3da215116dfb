//! Reading PDFs back as a person's PDF reader would: poppler's `pdftotext` and `pdffonts`.
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
