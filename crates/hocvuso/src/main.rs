//! The `hocvuso` command: the server and the operator's tools.

mod config;
mod guides;
mod ops;
mod serve;

use clap::Parser;

use crate::config::{Cli, Command};

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    config::init_logging(cli.log_json);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve(args) => serve::run(&cli.database, args).await,
            Command::Migrate => ops::migrate(&cli.database).await,
            Command::User(command) => ops::user(&cli.database, command).await,
            Command::Commune(command) => ops::commune(&cli.database, command).await,
            Command::Demo => ops::demo(&cli.database).await,
            Command::Backup(args) => ops::backup(&cli.database, args).await,
            Command::Restore(args) => ops::restore(&cli.database, args).await,
        }
    })
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        crate::config::Cli::command().debug_assert();
    }
}
