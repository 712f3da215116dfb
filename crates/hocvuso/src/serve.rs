//! `hocvuso serve`: migrate, optionally load the demo, then serve until Ctrl-C or SIGTERM.

use std::time::{Duration, Instant};

use anyhow::Context;
use hocvuso_app::{Clock, Ctx, PasswordHasher};
use hocvuso_store::{PoolSizes, Store};
use hocvuso_web::{AppState, WebSettings};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;

use crate::config::{DatabaseArgs, ServeArgs};

pub(crate) async fn run(database: &DatabaseArgs, args: ServeArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let url = database.url()?;
    let store = Store::open(&url, PoolSizes { max_connections: args.db_connections })
        .await
        .context("could not open the database")?;
    let clock = Clock::System;
    let report = store.migrate(clock.now()).await.context("could not migrate the database")?;
    if !report.applied.is_empty() {
        tracing::info!(versions = ?report.applied, "migrations applied");
    }
    let ctx = Ctx::new(store.clone(), clock, PasswordHasher::for_this_machine());
    let ctx = crate::guides::wire(ctx, &database.data, &args).await?;
    if args.demo {
        crate::ops::load_demo(&ctx).await?;
    }
    // import jobs: the files of expired jobs are purged every hour (and at each upload).
    let purge_ctx = ctx.clone();
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            if let Err(err) = hocvuso_app::register::import::purge_expired(&purge_ctx).await {
                tracing::warn!(error = ?err, "purging expired import files failed");
            }
        }
    });
    let state = AppState::new(ctx, WebSettings { secure_cookies: args.secure_cookies, is_demo: args.demo });
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("could not listen on {}", args.listen))?;
    tracing::info!(address = %args.listen, backend = ?store.backend(), ready_ms = started.elapsed().as_millis() as u64, "serving");
    eprintln!("Học vụ số: http://{}", args.listen);
    serve_connections(listener, hocvuso_web::router(state), Duration::from_secs(args.header_read_timeout)).await;
    store.close().await;
    Ok(())
}

/// Accepts connections until a shutdown signal, then lets open requests finish (at most 10 seconds).
///
/// Written over hyper directly rather than `axum::serve` because that sets no timer, so a client that sends its
/// headers one byte a minute would hold a connection forever; here headers must arrive within `header_read_timeout`.
async fn serve_connections(listener: tokio::net::TcpListener, router: axum::Router, header_read_timeout: Duration) {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(header_read_timeout).keep_alive(true);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown_signal());
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(err) => {
                        // Out of file descriptors and the like: keep serving the connections we have.
                        tracing::warn!(error = %err, "accept failed");
                        tokio::task::yield_now().await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let service = TowerToHyperService::new(router.clone());
                let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
                tokio::spawn(async move {
                    let _ = connection.await;
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(10)) => tracing::warn!("connections still open at shutdown"),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
