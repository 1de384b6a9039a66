//! `portfel backup` and `portfel restore`. SQLite: a consistent snapshot
//! taken while the server runs (`VACUUM INTO`), restored by replacing the
//! database file while the server is stopped. PostgreSQL: `pg_dump` in its
//! custom format and `pg_restore`, which must be on `PATH` (the PostgreSQL
//! client tools, of the server's major version or newer). A restore refuses a
//! database that holds data unless forced, then applies any migrations the
//! backup predates.
//!
//! When attached files live in a folder (the default beside SQLite), the
//! backup is a tar archive of the database's backup (`database`) and every
//! stored file (`files/sha256/…`), taken after the database so it holds every
//! file the database names; files kept in the database travel with it.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail, ensure};
use portfel_store::Store;
use portfel_store::maintenance::{self, sqlite_file};

/// Name of the database's backup inside an archive with files.
const DATABASE_ENTRY: &str = "database";
/// Folder of the files inside an archive.
const FILES_ENTRY: &str = "files";

/// Writes a backup of the database at `database_url`, with the attached files
/// kept in `files` (a folder) when there are, to the new file `file`.
pub async fn backup(database_url: &str, files: Option<&Path>, file: &Path) -> anyhow::Result<()> {
    ensure!(!file.exists(), "{} exists already: a backup is written to a new file", file.display());
    let Some(folder) = files else { return backup_database(database_url, file).await };
    let staged = file.with_extension("database-part");
    backup_database(database_url, &staged).await?;
    let archived = archive(&staged, folder, file);
    std::fs::remove_file(&staged).ok();
    if archived.is_err() {
        std::fs::remove_file(file).ok();
    }
    archived
}

fn archive(database: &Path, folder: &Path, file: &Path) -> anyhow::Result<()> {
    let out = std::fs::File::create_new(file).with_context(|| format!("creating {}", file.display()))?;
    let mut tar = tar::Builder::new(std::io::BufWriter::new(out));
    tar.append_path_with_name(database, DATABASE_ENTRY)?;
    let stored = folder.join("sha256");
    if stored.is_dir() {
        tar.append_dir_all(Path::new(FILES_ENTRY).join("sha256"), &stored)?;
    }
    let out = tar.into_inner()?.into_inner().map_err(|e| e.into_error())?;
    out.sync_all()?;
    Ok(())
}

/// True when `file` is a tar archive (a backup with files).
fn is_archive(file: &Path) -> anyhow::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(file)?;
    let mut magic = [0u8; 5];
    if f.seek(SeekFrom::Start(257)).is_err() || f.read_exact(&mut magic).is_err() {
        return Ok(false);
    }
    Ok(&magic == b"ustar")
}

async fn backup_database(database_url: &str, file: &Path) -> anyhow::Result<()> {
    if sqlite_file(database_url).is_some() {
        let db = maintenance::connect_unmigrated(database_url).await?;
        let taken = maintenance::snapshot_sqlite(&db, file).await;
        db.close().await?;
        return Ok(taken?);
    }
    run(Command::new("pg_dump").arg("--format=custom").arg("--file").arg(file).arg("--dbname").arg(database_url))
}

/// Restores `file`, written by [`backup`], into the database at
/// `database_url` and its files into `files` (a folder) when there are.
pub async fn restore(database_url: &str, files: Option<&Path>, file: &Path, force: bool) -> anyhow::Result<()> {
    ensure!(file.is_file(), "no backup at {}", file.display());
    if !is_archive(file)? {
        return restore_database(database_url, file, force).await;
    }
    let unpacked = tempfile::tempdir()?;
    tar::Archive::new(std::fs::File::open(file)?).unpack(unpacked.path())?;
    let database = unpacked.path().join(DATABASE_ENTRY);
    ensure!(database.is_file(), "{} holds no database", file.display());
    restore_database(database_url, &database, force).await?;
    let stored = unpacked.path().join(FILES_ENTRY).join("sha256");
    if stored.is_dir() {
        let Some(folder) = files else {
            bail!("{} holds files, but this database keeps its files in itself", file.display())
        };
        copy_files(&stored, &folder.join("sha256"))?;
    }
    Ok(())
}

/// Copies the content-addressed files under `from` to `to`, each written
/// beside its place and renamed into it.
fn copy_files(from: &Path, to: &Path) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            std::fs::create_dir_all(&target)?;
            copy_files(&entry.path(), &target)?;
        } else if !target.exists() {
            let staged = target.with_extension("restoring");
            std::fs::copy(entry.path(), &staged)?;
            std::fs::File::open(&staged)?.sync_all()?;
            std::fs::rename(&staged, &target)?;
        }
    }
    Ok(())
}

async fn restore_database(database_url: &str, file: &Path, force: bool) -> anyhow::Result<()> {
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
