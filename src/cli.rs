//! The `portfel` command line: what each subcommand takes. Kept in the
//! library so the deployment files' commands are checked against it.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use portfel_domain::Role;
use uuid::Uuid;

/// `portfel`'s arguments.
#[derive(Parser)]
#[command(name = "portfel", version, about = "Public-investment project portfolio engine for Ukrainian hromadas")]
pub struct Cli {
    /// TOML configuration file (environment variables override it).
    #[arg(long, global = true, env = "PORTFEL_CONFIG")]
    pub config: Option<PathBuf>,
    /// No progress output (for cron); results and errors are still printed.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// A subcommand.
#[derive(Subcommand)]
pub enum Command {
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
    /// Ask a running server whether it is ready (`/readyz`); exits 0 when it
    /// is, 1 when not (for container health checks).
    Probe {
        /// The URL to ask; by default `/readyz` at the configured bind address.
        #[arg(long)]
        url: Option<String>,
    },
    /// Manage users' sign-in to the web workspace.
    #[command(subcommand)]
    User(UserCommand),
    /// Synchronise with DREAM.
    #[command(subcommand)]
    Dream(DreamCommand),
    /// Look after the attached files.
    #[command(subcommand)]
    Files(FilesCommand),
    /// Send the reminders due today that nobody has had yet (the server also
    /// sends them on its own every `remind_every_minutes`).
    Remind {
        /// Only list what would be sent, and to whom; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// The day to remind for (default: today in Kyiv).
        #[arg(long)]
        on: Option<chrono::NaiveDate>,
    },
}

/// `portfel files ...`.
#[derive(Subcommand)]
pub enum FilesCommand {
    /// Find records whose file is missing and files no record names; exits 1
    /// when there are any.
    Check {
        /// Also delete the files no record names and what interrupted uploads
        /// left (while no upload is under way).
        #[arg(long)]
        repair: bool,
    },
}

/// `portfel user ...`.
#[derive(Subcommand)]
pub enum UserCommand {
    /// Set a user's password (read from the first line of standard input);
    /// the user's open sessions end.
    Password {
        /// User login (`sub`).
        #[arg(long)]
        sub: String,
    },
}

/// `portfel dream ...`.
#[derive(Subcommand)]
pub enum DreamCommand {
    /// Import every DREAM project changed since the last pull (or `--since`).
    Pull {
        /// DREAM's base URL, e.g. `https://dream.gov.ua`.
        #[arg(long)]
        base_url: String,
        /// Start from this time (RFC 3339) instead of the stored checkpoint.
        #[arg(long)]
        since: Option<chrono::DateTime<chrono::Utc>>,
        /// Rate limit and retries.
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
        /// Rate limit and retries.
        #[command(flatten)]
        limits: SyncLimits,
    },
}

/// Politeness and persistence of a sync run.
#[derive(clap::Args)]
pub struct SyncLimits {
    /// Requests per second at most.
    #[arg(long, default_value_t = 5.0)]
    pub rate: f64,
    /// Retries of a failing request before the run stops (it resumes from the checkpoint next time).
    #[arg(long, default_value_t = 5)]
    pub retries: u32,
}

impl SyncLimits {
    /// The sync client's options.
    pub fn options(&self) -> crate::dream_sync::SyncOptions {
        crate::dream_sync::SyncOptions { rate_per_second: self.rate, max_retries: self.retries, ..Default::default() }
    }
}
