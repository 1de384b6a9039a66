//! `portfel backup` and `portfel restore`. SQLite: a consistent snapshot
//! taken while the server runs (`VACUUM INTO`), restored by replacing the
//! database file while the server is stopped. PostgreSQL: `pg_dump` in its
//! custom format and `pg_restore`, which must be on `PATH` (the PostgreSQL
//! client tools, of the server's major version or newer). A restore refuses a
//! database that holds data unless forced, then applies any migrations the
//! backup predates.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail, ensure};
use portfel_store::Store;
use portfel_store::maintenance::{self, sqlite_file};

/// Writes a backup of the database at `database_url` to the new file `file`.
pub async fn backup(database_url: &str, file: &Path) -> anyhow::Result<()> {
    ensure!(!file.exists(), "{} exists already: a backup is written to a new file", file.display());
    if sqlite_file(database_url).is_some() {
        let db = maintenance::connect_unmigrated(database_url).await?;
        let taken = maintenance::snapshot_sqlite(&db, file).await;
        db.close().await?;
        return Ok(taken?);
    }
    run(Command::new("pg_dump").arg("--format=custom").arg("--file").arg(file).arg("--dbname").arg(database_url))
}

/// Restores `file`, written by [`backup`], into the database at `database_url`.
pub async fn restore(database_url: &str, file: &Path, force: bool) -> anyhow::Result<()> {
    ensure!(file.is_file(), "no backup at {}", file.display());
    let db = maintenance::connect_unmigrated(database_url).await?;
    let holds_data = maintenance::holds_data(&db).await;
    db.close().await?;
    if holds_data? && !force {
        bail!("the database holds data already; restore into an empty one, or pass --force to replace it");
    }
    match sqlite_file(database_url) {
        Some(target) => replace_sqlite(file, &target).await?,
        None => run(Command::new("pg_restore")
            .args(["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"])
            .arg("--dbname")
            .arg(database_url)
            .arg(file))?,
    }
    // A backup of an earlier version is brought up to this one's schema.
    Store::connect(database_url).await?.close().await?;
    Ok(())
}

/// Puts the SQLite backup `file` in place of `target`: copied next to it and
/// synced, the old write-ahead log removed, then renamed over it in one step.
async fn replace_sqlite(file: &Path, target: &Path) -> anyhow::Result<()> {
    let copy = maintenance::connect_unmigrated(&format!("sqlite://{}?mode=ro", file.display())).await?;
    let pending = maintenance::pending_migrations(&copy).await;
    copy.close().await?;
    ensure!(
        pending.is_ok_and(|p| p.len() < maintenance::migration_count()),
        "{} is not a Portfel database",
        file.display()
    );
    let staged = target.with_extension("restoring");
    std::fs::copy(file, &staged).with_context(|| format!("copying {} to {}", file.display(), staged.display()))?;
    std::fs::File::open(&staged)?.sync_all()?;
    for suffix in ["-wal", "-shm"] {
        let side = format!("{}{suffix}", target.display());
        match std::fs::remove_file(&side) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e).context(side),
            _ => {}
        }
    }
    std::fs::rename(&staged, target).with_context(|| format!("replacing {}", target.display()))?;
    Ok(())
}

fn run(command: &mut Command) -> anyhow::Result<()> {
    let program = command.get_program().to_string_lossy().into_owned();
    let status = command.status().with_context(|| format!("running {program} (is it on PATH?)"))?;
    ensure!(status.success(), "{program} failed: {status}");
    Ok(())
}
