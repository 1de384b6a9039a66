//! `portfel`: serve the API, migrate, load demo data, issue tokens, print the OpenAPI document.

use anyhow::Context;
use clap::Parser;
use portfel::cli::{Cli, Command, DreamCommand, FilesCommand, UserCommand};
use portfel::config::{Config, LogFormat};
use portfel::progress::{Output, Progress};
use portfel::{demo, server};

/// The allocator: the many small records of evaluations, pages and JSON
/// allocate faster than with the system's (see docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Runs the command; a refusal or failure is one line on standard error
/// (its causes joined, never a backtrace) and exit status 1.
fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("portfel: cannot start: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("portfel: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load(cli.config.as_deref())?;
    let _telemetry = init_logging(config.log_format)?;
    match cli.command {
        Command::Serve { demo } => {
            let store = server::open_store(&config).await?;
            if demo {
                load_demo(&config, &store, Output::detect(cli.quiet)).await?;
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
        Command::Remind { dry_run, on } => {
            let store = server::open_store(&config).await?;
            let state = server::app_state(&config, store.clone())?;
            let today = on.unwrap_or_else(|| portfel_domain::calendar::local_date(chrono::Utc::now()));
            let outcome = portfel::remind::run(&state, today, dry_run).await;
            store.close().await?;
            outcome
        }
        Command::Migrate { dry_run: false } => {
            server::open_store(&config).await?.close().await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Backup { file } => {
            let files = config.files_at().folder(&config.database_url);
            portfel::backup::backup(&config.database_url, files.as_deref(), &file).await?;
            eprintln!("backup written to {}", file.display());
            Ok(())
        }
        Command::Restore { file, force } => {
            let files = config.files_at().folder(&config.database_url);
            portfel::backup::restore(&config.database_url, files.as_deref(), &file, force).await?;
            eprintln!("{} restored", file.display());
            Ok(())
        }
        Command::Files(FilesCommand::Check { repair }) => {
            let store = server::open_store(&config).await?;
            let found = portfel_store::attachments::check(&store, repair).await?;
            store.close().await?;
            for (id, sha256) in &found.missing {
                println!("missing: attachment {id} names {sha256}, which is not stored");
            }
            for sha256 in &found.unreferenced {
                let done = if repair { " (deleted)" } else { "" };
                println!("unreferenced: {sha256}{done}");
            }
            if repair {
                println!("removed {} part(s) of interrupted uploads", found.swept);
            }
            println!("{} missing, {} unreferenced", found.missing.len(), found.unreferenced.len());
            let clean = found.missing.is_empty() && (repair || found.unreferenced.is_empty());
            if clean { Ok(()) } else { std::process::exit(1) }
        }
        Command::Demo => {
            let store = server::open_store(&config).await?;
            load_demo(&config, &store, Output::detect(cli.quiet)).await?;
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
            let output = Output::detect(cli.quiet);
            let report = match command {
                DreamCommand::Pull { base_url, since, limits } => {
                    let progress = Progress::start(output, "dream pull", portfel::progress::PULL);
                    let report = portfel::dream_sync::pull(&store, &base_url, since, limits.options(), &progress).await;
                    progress.finish();
                    report?
                }
                DreamCommand::Push { endpoint, since, limits } => {
                    let progress = Progress::start(output, "dream push", portfel::progress::PUSH);
                    let report = portfel::dream_sync::push(
                        &store,
                        &endpoint,
                        since,
                        portfel::dream_sync::SyncOptions { public_url: config.public_url(), ..limits.options() },
                        &progress,
                    )
                    .await;
                    progress.finish();
                    report?
                }
            };
            println!("{report}");
            store.close().await?;
            Ok(())
        }
        Command::Probe { url } => {
            let url = url.unwrap_or_else(|| {
                format!("http://{}/readyz", config.bind.replace("0.0.0.0", "127.0.0.1").replace("[::]", "[::1]"))
            });
            portfel::dream_sync::install_tls();
            let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(5)).build()?;
            let status = client.get(&url).send().await.with_context(|| format!("asking {url}"))?.status();
            anyhow::ensure!(status.is_success(), "{url} answered {status}");
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

async fn load_demo(config: &Config, store: &portfel_store::Store, output: Output) -> anyhow::Result<()> {
    let progress = Progress::start(output, "demo", portfel::progress::DEMO);
    progress.update(0, "loading the demo hromada".into());
    let loaded = demo::load(store).await;
    progress.finish();
    match loaded? {
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

/// Logs to standard error (and traces to OpenTelemetry when built in and configured).
fn init_logging(format: LogFormat) -> anyhow::Result<portfel::telemetry::Guard> {
    use tracing_subscriber::Layer as _;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| portfel::telemetry::DEFAULT_FILTER.into());
    // Colours only for a person at a terminal, never into a file, a pipe or the journal.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let output = match format {
        LogFormat::Json => tracing_subscriber::fmt::layer().json().with_writer(std::io::stderr).boxed(),
        LogFormat::Text => tracing_subscriber::fmt::layer().with_ansi(ansi).with_writer(std::io::stderr).boxed(),
    };
    let (traces, guard) = portfel::telemetry::layer()?;
    tracing_subscriber::registry().with(traces).with(output.with_filter(filter)).init();
    Ok(guard)
}
