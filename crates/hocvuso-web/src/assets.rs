//! Static files embedded in the binary and served under names that carry a hash of their content,
//! so browsers may cache them for a year and still never use a stale copy.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const FILES: &[Asset] = &[
    Asset { name: "app.css", content_type: "text/css; charset=utf-8", bytes: include_bytes!("../static/app.css") },
    Asset { name: "app.js", content_type: "text/javascript; charset=utf-8", bytes: include_bytes!("../static/app.js") },
    Asset {
        name: "field.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../static/field.js"),
    },
    Asset { name: "icon.svg", content_type: "image/svg+xml", bytes: include_bytes!("../static/icon.svg") },
    // guides
    Asset {
        name: "guides.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../static/guides.js"),
    },
    // contests: taking part
    Asset {
        name: "contest.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../static/contest.js"),
    },
    // contests: results
    Asset {
        name: "leaderboard.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../static/leaderboard.js"),
    },
    // contests: live mode
    Asset {
        name: "live.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../static/live.js"),
    },
];

/// The embedded files and their hashed URLs, computed once at start-up.
#[derive(Debug)]
pub struct Assets {
    hashed: Vec<(String, usize)>,
}

impl Assets {
    /// Hashes every embedded file.
    pub fn new() -> Assets {
        let hashed = FILES
            .iter()
            .enumerate()
            .map(|(idx, asset)| {
                let digest = hex::encode(&Sha256::digest(asset.bytes)[..6]);
                let (stem, ext) = asset.name.rsplit_once('.').unwrap_or((asset.name, ""));
                (format!("{stem}.{digest}.{ext}"), idx)
            })
            .collect();
        Assets { hashed }
    }

    /// The URL of an embedded file, e.g. `/static/app.1a2b3c4d5e6f.css`.
    pub fn url(&self, name: &str) -> String {
        self.hashed
            .iter()
            .find(|(_, idx)| FILES[*idx].name == name)
            .map(|(hashed, _)| format!("/static/{hashed}"))
            .unwrap_or_default()
    }

    fn find(&self, hashed_name: &str) -> Option<&'static Asset> {
        self.hashed.iter().find(|(hashed, _)| hashed == hashed_name).map(|(_, idx)| &FILES[*idx])
    }
}

impl Default for Assets {
    fn default() -> Self {
        Assets::new()
    }
}

/// `GET /static/{name}`
pub(crate) async fn serve_asset(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    Path(name): Path<String>,
) -> Response {
    match state.assets.find(&name) {
        Some(asset) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
                (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")),
            ],
            asset.bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
