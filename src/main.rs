//! `portfel`: serve the API, migrate, load demo data, issue tokens, print the OpenAPI document.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use portfel::config::{Config, LogFormat};
use portfel::{demo, server};
use portfel_domain::Role;
use uuid::Uuid;

#[derive(Parser)]
#[command(name = "portfel", version, about = "Public-investment project portfolio engine for Ukrainian hromadas")]
struct Cli {
    /// TOML configuration file (environment variables override it).
    #[arg(long, global = true, env = "PORTFEL_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (migrations are applied first).
    Serve {
        /// Load the demo hromada first, if the database is empty.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate {
        /// Only list the migrations that would run; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write a consistent backup of the database to a new file (SQLite: while
    /// the server runs; PostgreSQL: with `pg_dump`).
    Backup {
        /// The backup file to create.
        file: PathBuf,
    },
    /// Restore a backup into an empty database (stop the server first), then
    /// apply the migrations the backup predates.
    Restore {
        /// A file written by `portfel backup`.
        file: PathBuf,
        /// Replace a database that holds data.
        #[arg(long)]
        force: bool,
    },
    /// Load the demo hromada into an empty database.
    Demo,
    /// Issue an access token.
    Token {
        /// User login (`sub`).
        #[arg(long)]
        sub: String,
        /// Organisation id (`org`).
        #[arg(long)]
        org: Option<Uuid>,
        /// Role; repeat for several.
        #[arg(long = "role", required = true)]
        roles: Vec<Role>,
        /// Validity in hours.
        #[arg(long, default_value_t = 8)]
        hours: i64,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Manage users' sign-in to the web workspace.
    #[command(subcommand)]
    User(UserCommand),
    /// Synchronise with DREAM.
    #[command(subcommand)]
    Dream(DreamCommand),
}

#[derive(Subcommand)]
enum UserCommand {
    /// Set a user's password (read from the first line of standard input);
    /// the user's open sessions end.
    Password {
        /// User login (`sub`).
        #[arg(long)]
        sub: String,
    },
}

#[derive(Subcommand)]
enum DreamCommand {
    /// Import every DREAM project changed since the last pull (or `--since`).
    Pull {
        /// DREAM's base URL, e.g. `https://dream.gov.ua`.
        #[arg(long)]
        base_url: String,
        /// Start from this time (RFC 3339) instead of the stored checkpoint.
        #[arg(long)]
        since: Option<chrono::DateTime<chrono::Utc>>,
        #[command(flatten)]
        limits: SyncLimits,
    },
    /// Send passports changed since the last push (or `--since`) to an endpoint.
    Push {
        /// Endpoint that receives one POST per changed passport.
        #[arg(long)]
        endpoint: String,
        /// Start from this time (RFC 3339) instead of the stored checkpoint.
        #[arg(long)]
        since: Option<chrono::DateTime<chrono::Utc>>,
        #[command(flatten)]
        limits: SyncLimits,
    },
}

/// Politeness and persistence of a sync run.
#[derive(clap::Args)]
struct SyncLimits {
    /// Requests per second at most.
    #[arg(long, default_value_t = 5.0)]
    rate: f64,
    /// Retries of a failing request before the run stops (it resumes from the checkpoint next time).
    #[arg(long, default_value_t = 5)]
    retries: u32,
}

impl SyncLimits {
    fn options(&self) -> portfel::dream_sync::SyncOptions {
        portfel::dream_sync::SyncOptions { rate_per_second: self.rate, max_retries: self.retries, ..Default::default() }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::load(cli.config.as_deref())?;
    init_logging(config.log_format);
    match cli.command {
        Command::Serve { demo } => {
            let store = server::open_store(&config).await?;
            if demo {
                load_demo(&config, &store).await?;
            }
            server::serve(&config, store).await
        }
        Command::Migrate { dry_run: true } => {
            let db = portfel_store::maintenance::connect_unmigrated(&config.database_url).await?;
            let pending = portfel_store::maintenance::pending_migrations(&db).await;
            db.close().await?;
            let pending = pending?;
            if pending.is_empty() {
                println!("the database is up to date");
            }
            for name in pending {
                println!("would run {name}");
            }
            Ok(())
        }
        Command::Migrate { dry_run: false } => {
            server::open_store(&config).await?.close().await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Backup { file } => {
            portfel::backup::backup(&config.database_url, &file).await?;
            eprintln!("backup written to {}", file.display());
            Ok(())
        }
        Command::Restore { file, force } => {
            portfel::backup::restore(&config.database_url, &file, force).await?;
            eprintln!("{} restored", file.display());
            Ok(())
        }
        Command::Demo => {
            let store = server::open_store(&config).await?;
            load_demo(&config, &store).await?;
            store.close().await?;
            Ok(())
        }
        Command::Token { sub, org, roles, hours } => {
            let settings = server::jwt_settings(&config)?;
            println!("{}", settings.issue(&sub, org, &roles, chrono::Duration::hours(hours)));
            Ok(())
        }
        Command::Dream(command) => {
            let store = server::open_store(&config).await?;
            let report = match command {
                DreamCommand::Pull { base_url, since, limits } => {
                    portfel::dream_sync::pull(&store, &base_url, since, limits.options()).await?
                }
                DreamCommand::Push { endpoint, since, limits } => {
                    portfel::dream_sync::push(&store, &endpoint, since, limits.options()).await?
                }
            };
            println!("{report}");
            store.close().await?;
            Ok(())
        }
        Command::Openapi => {
            println!("{}", portfel_api::openapi().to_pretty_json().context("serialising the OpenAPI document")?);
            Ok(())
        }
        Command::User(UserCommand::Password { sub }) => {
            let store = server::open_store(&config).await?;
            set_password(&store, &sub).await?;
            store.close().await?;
            Ok(())
        }
    }
}

async fn set_password(store: &portfel_store::Store, sub: &str) -> anyhow::Result<()> {
    eprintln!("New password for {sub} (at least {} characters), then Enter:", portfel_web::password::MIN_LENGTH);
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).context("reading the password")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    let hash = tokio::task::spawn_blocking(move || portfel_web::password::hash(&password))
        .await?
        .map_err(|e| anyhow::anyhow!(e))?;
    let actor = portfel_store::Actor { sub: "cli".into(), organisation: None, request_id: None };
    portfel_store::sessions::set_password(store.db(), &actor, sub, &hash).await.context("storing the password")?;
    eprintln!("Password set for {sub}.");
    Ok(())
}

async fn load_demo(config: &Config, store: &portfel_store::Store) -> anyhow::Result<()> {
    match demo::load(store).await? {
        Some(summary) => {
            let settings = server::jwt_settings(config)?;
            eprintln!("{summary}");
            eprintln!("Demo tokens (valid 8 hours):");
            for user in &summary.users {
                let token =
                    settings.issue(&user.sub, Some(user.organisation_id), &user.roles, chrono::Duration::hours(8));
                let roles = user.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",");
                eprintln!("  {} ({roles}): {token}", user.sub);
            }
            eprintln!("Demo passwords for the web workspace at http://{}/ :", config.bind);
            for (sub, password) in &summary.passwords {
                eprintln!("  {sub}: {password}");
            }
        }
        None => tracing::info!("the database already holds data; demo not loaded"),
    }
    Ok(())
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}
