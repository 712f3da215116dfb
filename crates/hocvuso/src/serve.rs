//! `hocvuso serve`: migrate, optionally load the demo, then serve until Ctrl-C or SIGTERM.

use std::time::Instant;

use anyhow::Context;
use hocvuso_app::{Clock, Ctx, PasswordHasher};
use hocvuso_store::{PoolSizes, Store};
use hocvuso_web::{AppState, WebSettings};

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
    if args.demo {
        crate::ops::load_demo(&ctx).await?;
    }
    let state = AppState::new(ctx, WebSettings { secure_cookies: args.secure_cookies, is_demo: args.demo });
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("could not listen on {}", args.listen))?;
    tracing::info!(address = %args.listen, backend = ?store.backend(), ready_ms = started.elapsed().as_millis() as u64, "serving");
    eprintln!("Học vụ số: http://{}", args.listen);
    axum::serve(listener, hocvuso_web::router(state)).with_graceful_shutdown(shutdown_signal()).await?;
    store.close().await;
    Ok(())
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
