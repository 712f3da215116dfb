//! Request counters and a latency histogram in the Prometheus text format, for `/metrics`.
//!
//! Written by hand because the `metrics` crate records into one process-wide recorder, which every test
//! router would share; these counters belong to one router and cost an atomic add per request.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

/// Counters of one router.
#[derive(Debug, Default)]
pub struct Metrics {
    by_class: [AtomicU64; 5],
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Metrics {
    fn record(&self, status: u16, seconds: f64) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.by_class[class].fetch_add(1, Ordering::Relaxed);
        for (bucket, bound) in self.buckets.iter().zip(BUCKETS) {
            if seconds <= bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    /// The Prometheus exposition text.
    pub fn render(&self) -> String {
        let mut out = String::from(
            "# HELP hocvuso_http_requests_total HTTP responses by status class.\n\
             # TYPE hocvuso_http_requests_total counter\n",
        );
        for (idx, counter) in self.by_class.iter().enumerate() {
            out.push_str(&format!(
                "hocvuso_http_requests_total{{class=\"{}xx\"}} {}\n",
                idx + 1,
                counter.load(Ordering::Relaxed)
            ));
        }
        out.push_str(
            "# HELP hocvuso_http_request_duration_seconds Time to produce a response.\n\
             # TYPE hocvuso_http_request_duration_seconds histogram\n",
        );
        for (bucket, bound) in self.buckets.iter().zip(BUCKETS) {
            out.push_str(&format!(
                "hocvuso_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {}\n",
                bucket.load(Ordering::Relaxed)
            ));
        }
        let count = self.count.load(Ordering::Relaxed);
        out.push_str(&format!("hocvuso_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}\n"));
        out.push_str(&format!(
            "hocvuso_http_request_duration_seconds_sum {}\n",
            self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        ));
        out.push_str(&format!("hocvuso_http_request_duration_seconds_count {count}\n"));
        out
    }
}

/// Middleware that times every request.
///
/// The log line is at debug level: access logs usually come from the reverse proxy, and a line per request
/// costs a fifth of the throughput of a small page (docs/performance.md). It names the route pattern (`/residents/{resident_id}`), never the raw path or query,
/// which could carry a name or phone number someone typed.
pub(crate) async fn track(State(state): State<crate::AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    state.metrics.record(response.status().as_u16(), seconds);
    tracing::debug!(
        method = %method,
        route = route.as_deref().unwrap_or("-"),
        status = response.status().as_u16(),
        ms = (seconds * 1000.0) as u64,
        "request"
    );
    response
}
