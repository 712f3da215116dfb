//! The operator's subcommands: migrate, accounts, communes, demo, backup and restore.

use anyhow::{Context, bail};
use hocvuso_app::accounts::{Creator, NewAccountInput};
use hocvuso_app::{AppError, Clock, Ctx, PasswordHasher};
use hocvuso_store::{Backend, PoolSizes, Store};
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::{BackupArgs, CommuneCommand, DatabaseArgs, RestoreArgs, UserCommand};

async fn open(database: &DatabaseArgs) -> anyhow::Result<Ctx> {
    let store =
        Store::open(&database.url()?, PoolSizes { max_connections: 2 }).await.context("could not open the database")?;
    let clock = Clock::System;
    store.migrate(clock.now()).await.context("could not migrate the database")?;
    Ok(Ctx::new(store, clock, PasswordHasher::for_this_machine()))
}

/// Explains a refused command in plain words (the codes are the API's).
fn explain(err: AppError) -> anyhow::Error {
    match err {
        AppError::Invalid(rejections) => {
            let lines: Vec<String> = rejections
                .iter()
                .map(|r| {
                    format!("  {}: {}", r.field, hocvuso_web::i18n::error_message(r.code, hocvuso_web::i18n::Lang::Vi))
                })
                .collect();
            anyhow::anyhow!("dữ liệu không hợp lệ:\n{}", lines.join("\n"))
        }
        AppError::NotFound => anyhow::anyhow!("không tìm thấy"),
        other => anyhow::Error::new(other),
    }
}

pub(crate) async fn migrate(database: &DatabaseArgs) -> anyhow::Result<()> {
    let store = Store::open(&database.url()?, PoolSizes { max_connections: 2 }).await?;
    let clock = Clock::System;
    let report = store.migrate(clock.now()).await?;
    println!("migrations applied: {:?}; unit lists loaded: {}", report.applied, report.loaded_units);
    store.close().await;
    Ok(())
}

pub(crate) async fn user(database: &DatabaseArgs, command: UserCommand) -> anyhow::Result<()> {
    let ctx = open(database).await?;
    match command {
        UserCommand::Create { phone, name, role, province, commune, hamlet, password } => {
            let input = NewAccountInput {
                phone,
                display_name: name,
                password,
                role,
                province_code: province,
                commune_code: commune,
                hamlet_id: hamlet,
            };
            let user_id =
                hocvuso_app::accounts::create_account(&ctx, Creator::Operator, &input).await.map_err(explain)?;
            println!("account {user_id} created");
        }
        UserCommand::SetPassword { phone, password } => {
            let user = hocvuso_app::accounts::account_by_phone(&ctx, &phone).await.map_err(explain)?;
            hocvuso_app::accounts::reset_password(&ctx, Creator::Operator, user.id, &password)
                .await
                .map_err(explain)?;
            println!("password of account {} changed; its sessions ended", user.id);
        }
        UserCommand::Disable { phone } => {
            let user = hocvuso_app::accounts::account_by_phone(&ctx, &phone).await.map_err(explain)?;
            hocvuso_app::accounts::disable_account(&ctx, Creator::Operator, user.id).await.map_err(explain)?;
            println!("account {} disabled; its sessions ended", user.id);
        }
    }
    ctx.store.close().await;
    Ok(())
}

pub(crate) async fn commune(database: &DatabaseArgs, command: CommuneCommand) -> anyhow::Result<()> {
    let ctx = open(database).await?;
    match command {
        CommuneCommand::Add { code } => {
            let unit = hocvuso_app::places::serve_commune(&ctx, &code).await.map_err(explain)?;
            println!("serving {} ({})", unit.name, unit.id);
        }
        CommuneCommand::List => {
            for unit in hocvuso_app::places::list_served_communes(&ctx).await.map_err(explain)? {
                println!("{}\t{}", unit.id, unit.name);
            }
        }
    }
    ctx.store.close().await;
    Ok(())
}

pub(crate) async fn demo(database: &DatabaseArgs) -> anyhow::Result<()> {
    let ctx = open(database).await?;
    load_demo(&ctx).await?;
    ctx.store.close().await;
    Ok(())
}

/// Loads the demo with a progress bar and prints the logins.
pub(crate) async fn load_demo(ctx: &Ctx) -> anyhow::Result<()> {
    let bar = ProgressBar::new(0);
    bar.set_style(ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")?.progress_chars("=> "));
    bar.set_message("Đang tạo dữ liệu minh hoạ");
    let report = hocvuso_app::demo::load_demo(ctx, &|done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await
    .map_err(explain)?;
    bar.finish_and_clear();
    if report.loaded {
        println!("Demo loaded: {} fictional residents.", report.n_residents);
    }
    println!("Demo logins (password for all: {}):", hocvuso_app::demo::DEMO_PASSWORD);
    for account in hocvuso_app::demo::DEMO_LOGINS {
        let commune = account.commune.unwrap_or("-");
        println!("  {}  {:<15} {commune:<6} {}", account.phone, account.role.as_str(), account.name);
    }
    Ok(())
}

pub(crate) async fn backup(database: &DatabaseArgs, args: BackupArgs) -> anyhow::Result<()> {
    let store = Store::open(&database.url()?, PoolSizes { max_connections: 1 }).await?;
    let spinner = ProgressBar::new_spinner();
    spinner.set_message("Đang sao lưu");
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let report = store.backup(&args.target).await;
    spinner.finish_and_clear();
    let report = report?;
    println!("backup written: {} ({} bytes)", report.path.display(), report.n_bytes);
    store.close().await;
    Ok(())
}

pub(crate) async fn restore(database: &DatabaseArgs, args: RestoreArgs) -> anyhow::Result<()> {
    if !args.source.is_file() {
        bail!("{} is not a file", args.source.display());
    }
    let url = database.url()?;
    if url.starts_with("sqlite://") {
        let target = database.data.join("hocvuso.db");
        hocvuso_store::restore_sqlite(&args.source, &target).await?;
        println!("restored {} into {}", args.source.display(), target.display());
    } else {
        let store = Store::open(&url, PoolSizes { max_connections: 1 }).await?;
        if store.backend() != Backend::Postgres {
            bail!("unsupported database");
        }
        store.restore_postgres(&args.source).await?;
        store.close().await;
        println!("restored {}", args.source.display());
    }
    Ok(())
}
