//! Embeds the starter guides (`content/guides/*.md` and their pictures) in the binary: writes
//! `$OUT_DIR/guides_embedded.rs`, a list of (path relative to `content/guides`, bytes) pairs.

#![allow(clippy::expect_used)] // a build script stops the build on failure: that is its error report

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("manifest dir")).join("../../content/guides");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files = Vec::new();
    collect(&dir, "", &mut files);
    files.sort();
    let mut out = String::from(
        "/// The starter guides, embedded at build time.\npub(super) static EMBEDDED: &[(&str, &[u8])] = &[\n",
    );
    for (name, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(out, "    ({name:?}, include_bytes!({:?})),", path.display().to_string()).expect("write");
    }
    out.push_str("];\n");
    let target = PathBuf::from(std::env::var("OUT_DIR").expect("out dir")).join("guides_embedded.rs");
    std::fs::write(target, out).expect("write guides_embedded.rs");
}

fn collect(dir: &Path, prefix: &str, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() && prefix.is_empty() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, &format!("{name}/"), files);
        } else if (name.ends_with(".md") && name != "README.md" && prefix.is_empty())
            || (name.ends_with(".svg") && !prefix.is_empty())
        {
            files.push((format!("{prefix}{name}"), path));
        }
    }
}
