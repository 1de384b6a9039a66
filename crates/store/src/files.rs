//! Where attached files' content lives, named by its SHA-256 so a file
//! stored twice is kept once.
//!
//! - [`FileStore::Folder`]: a folder on local disk through `object_store`'s
//!   `LocalFileSystem` — the default beside an SQLite database file. An upload
//!   is written under `incoming/` (itself staged and renamed by
//!   `object_store`), then renamed to `sha256/ab/<hash>` only when whole: no
//!   half file is ever under `sha256/`.
//! - [`FileStore::Database`]: chunks of [`CHUNK`] bytes in the database's
//!   `file_chunks` table — the default with PostgreSQL, so every replica
//!   reads what any of them stored, and `pg_dump` carries the files with the
//!   data. An upload's chunks are written under a key of its own and renamed
//!   to the hash in one transaction when whole.
//!
//! Either way an upload interrupted by a crash leaves only an `incoming` part
//! no record points to, which [`FileStore::sweep`] removes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{StoreError, StoreResult};

/// Size of a chunk written to the database or handed to the folder's writer, bytes.
pub const CHUNK: usize = 1024 * 1024;

/// Prefix of the keys of uploads not yet whole.
const INCOMING: &str = "incoming";

/// The content store.
#[derive(Debug, Clone)]
pub enum FileStore {
    /// A folder on local disk.
    Folder {
        /// The folder.
        root: PathBuf,
        /// `object_store` over it.
        objects: Arc<LocalFileSystem>,
    },
    /// The database's `file_chunks` table.
    Database(DatabaseConnection),
}

/// A file written whole: its hash and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// SHA-256, lowercase hex.
    pub sha256: String,
    /// Bytes.
    pub size: u64,
}

fn files_error(e: impl std::fmt::Display) -> StoreError {
    StoreError::Files(e.to_string())
}

fn blob_path(sha256: &str) -> ObjectPath {
    ObjectPath::from(format!("sha256/{}/{sha256}", &sha256[..2]))
}

impl FileStore {
    /// A folder store at `root`, created when missing.
    pub fn folder(root: &Path) -> StoreResult<FileStore> {
        std::fs::create_dir_all(root.join(INCOMING)).map_err(files_error)?;
        let objects = LocalFileSystem::new_with_prefix(root).map_err(files_error)?;
        Ok(FileStore::Folder { root: root.to_owned(), objects: Arc::new(objects) })
    }

    /// Starts an upload.
    pub async fn begin(&self) -> StoreResult<Upload> {
        let key = format!("{INCOMING}/{}", Uuid::now_v7());
        let sink = match self {
            FileStore::Folder { objects, .. } => {
                let upload = objects.put_multipart(&ObjectPath::from(key.clone())).await.map_err(files_error)?;
                Sink::Folder(WriteMultipart::new_with_chunk_size(upload, CHUNK))
            }
            FileStore::Database(db) => Sink::Database { db: db.clone(), buffer: Vec::with_capacity(CHUNK), seq: 0 },
        };
        Ok(Upload { store: self.clone(), key, sink, hasher: Sha256::new(), size: 0 })
    }

    /// The content of the file with `sha256`, chunk by chunk.
    pub async fn read(&self, sha256: &str) -> StoreResult<BoxStream<'static, StoreResult<Bytes>>> {
        match self {
            FileStore::Folder { objects, .. } => {
                let got = objects.get(&blob_path(sha256)).await.map_err(|e| match e {
                    object_store::Error::NotFound { .. } => StoreError::NotFound("file content"),
                    other => files_error(other),
                })?;
                Ok(got.into_stream().map_err(files_error).boxed())
            }
            FileStore::Database(db) => {
                if !self.holds(sha256).await? {
                    return Err(StoreError::NotFound("file content"));
                }
                let (db, key) = (db.clone(), sha256.to_owned());
                Ok(stream::try_unfold(0_i32, move |seq| {
                    let (db, key) = (db.clone(), key.clone());
                    async move {
                        let chunk = chunk(&db, &key, seq).await?;
                        Ok(chunk.map(|c| (Bytes::from(c), seq + 1)))
                    }
                })
                .boxed())
            }
        }
    }

    /// True when the content with `sha256` is stored whole.
    pub async fn holds(&self, sha256: &str) -> StoreResult<bool> {
        match self {
            FileStore::Folder { objects, .. } => match objects.head(&blob_path(sha256)).await {
                Ok(_) => Ok(true),
                Err(object_store::Error::NotFound { .. }) => Ok(false),
                Err(e) => Err(files_error(e)),
            },
            FileStore::Database(db) => Ok(chunk_exists(db, sha256).await?),
        }
    }

    /// Every stored content's hash.
    pub async fn hashes(&self) -> StoreResult<Vec<String>> {
        match self {
            FileStore::Folder { objects, .. } => {
                let listed: Vec<_> =
                    objects.list(Some(&ObjectPath::from("sha256"))).try_collect().await.map_err(files_error)?;
                let mut hashes: Vec<String> =
                    listed.into_iter().filter_map(|m| m.location.filename().map(str::to_owned)).collect();
                hashes.sort();
                Ok(hashes)
            }
            FileStore::Database(db) => {
                let rows = db
                    .query_all_raw(Statement::from_string(
                        db.get_database_backend(),
                        format!("SELECT DISTINCT key FROM file_chunks WHERE key NOT LIKE '{INCOMING}/%' ORDER BY key"),
                    ))
                    .await?;
                rows.iter().map(|r| r.try_get::<String>("", "key").map_err(StoreError::from)).collect()
            }
        }
    }

    /// Deletes the content with `sha256`.
    pub async fn delete(&self, sha256: &str) -> StoreResult<()> {
        match self {
            FileStore::Folder { objects, .. } => match objects.delete(&blob_path(sha256)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(files_error(e)),
            },
            FileStore::Database(db) => delete_key(db, sha256).await,
        }
    }

    /// Removes what interrupted uploads left; returns how many parts.
    pub async fn sweep(&self) -> StoreResult<usize> {
        match self {
            FileStore::Folder { root, .. } => {
                let mut removed = 0;
                for entry in std::fs::read_dir(root.join(INCOMING)).map_err(files_error)? {
                    std::fs::remove_file(entry.map_err(files_error)?.path()).map_err(files_error)?;
                    removed += 1;
                }
                Ok(removed)
            }
            FileStore::Database(db) => {
                let keys = db
                    .query_all_raw(Statement::from_string(
                        db.get_database_backend(),
                        format!("SELECT DISTINCT key FROM file_chunks WHERE key LIKE '{INCOMING}/%'"),
                    ))
                    .await?;
                for row in &keys {
                    delete_key(db, &row.try_get::<String>("", "key")?).await?;
                }
                Ok(keys.len())
            }
        }
    }
}

/// An upload in progress: its content is hashed and counted as it is written.
pub struct Upload {
    store: FileStore,
    key: String,
    sink: Sink,
    hasher: Sha256,
    size: u64,
}

enum Sink {
    Folder(WriteMultipart),
    Database { db: DatabaseConnection, buffer: Vec<u8>, seq: i32 },
}

impl Upload {
    /// Bytes written so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends `bytes`.
    pub async fn write(&mut self, bytes: &[u8]) -> StoreResult<()> {
        self.hasher.update(bytes);
        self.size += bytes.len() as u64;
        match &mut self.sink {
            Sink::Folder(writer) => {
                // At most two chunks wait to be written: memory stays bounded whatever the file's size.
                writer.wait_for_capacity(2).await.map_err(files_error)?;
                writer.write(bytes);
            }
            Sink::Database { db, buffer, seq } => {
                buffer.extend_from_slice(bytes);
                while buffer.len() >= CHUNK {
                    let rest = buffer.split_off(CHUNK);
                    put_chunk(db, &self.key, *seq, std::mem::replace(buffer, rest)).await?;
                    *seq += 1;
                }
            }
        }
        Ok(())
    }

    /// Completes the upload: the content becomes visible under its hash
    /// (kept once when it was there already).
    pub async fn finish(self) -> StoreResult<Stored> {
        let sha256 = hex::encode(self.hasher.finalize());
        let stored = Stored { sha256: sha256.clone(), size: self.size };
        match (self.sink, &self.store) {
            (Sink::Folder(writer), FileStore::Folder { objects, .. }) => {
                writer.finish().await.map_err(files_error)?;
                let incoming = ObjectPath::from(self.key);
                match objects.rename_if_not_exists(&incoming, &blob_path(&sha256)).await {
                    Ok(()) => {}
                    Err(object_store::Error::AlreadyExists { .. }) => {
                        objects.delete(&incoming).await.map_err(files_error)?;
                    }
                    Err(e) => return Err(files_error(e)),
                }
            }
            (Sink::Database { db, buffer, seq }, _) => {
                if !buffer.is_empty() || seq == 0 {
                    put_chunk(&db, &self.key, seq, buffer).await?;
                }
                let txn = db.begin().await?;
                if chunk_exists(&txn, &sha256).await? {
                    delete_key(&txn, &self.key).await?;
                } else {
                    txn.execute_raw(Statement::from_sql_and_values(
                        txn.get_database_backend(),
                        rebind(txn.get_database_backend(), "UPDATE file_chunks SET key = ? WHERE key = ?"),
                        [Value::from(sha256.clone()), Value::from(self.key.clone())],
                    ))
                    .await?;
                }
                txn.commit().await?;
            }
            (Sink::Folder(_), FileStore::Database(_)) => unreachable!("an upload writes to the store that began it"),
        }
        Ok(stored)
    }

    /// Gives the upload up: nothing of it stays.
    pub async fn abort(self) -> StoreResult<()> {
        match self.sink {
            Sink::Folder(writer) => writer.abort().await.map_err(files_error),
            Sink::Database { db, .. } => delete_key(&db, &self.key).await,
        }
    }
}

/// `?` placeholders as the backend writes them.
fn rebind(backend: DbBackend, sql: &str) -> String {
    if backend != DbBackend::Postgres {
        return sql.to_owned();
    }
    let mut n = 0;
    sql.chars()
        .map(|c| {
            if c == '?' {
                n += 1;
                format!("${n}")
            } else {
                c.to_string()
            }
        })
        .collect()
}

async fn put_chunk<C: ConnectionTrait>(conn: &C, key: &str, seq: i32, data: Vec<u8>) -> StoreResult<()> {
    let backend = conn.get_database_backend();
    conn.execute_raw(Statement::from_sql_and_values(
        backend,
        rebind(backend, "INSERT INTO file_chunks (key, seq, data) VALUES (?, ?, ?)"),
        [Value::from(key.to_owned()), Value::from(seq), Value::from(data)],
    ))
    .await?;
    Ok(())
}

async fn chunk<C: ConnectionTrait>(conn: &C, key: &str, seq: i32) -> StoreResult<Option<Vec<u8>>> {
    let backend = conn.get_database_backend();
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            rebind(backend, "SELECT data FROM file_chunks WHERE key = ? AND seq = ?"),
            [Value::from(key.to_owned()), Value::from(seq)],
        ))
        .await?;
    Ok(row.map(|r| r.try_get::<Vec<u8>>("", "data")).transpose()?)
}

async fn chunk_exists<C: ConnectionTrait>(conn: &C, key: &str) -> StoreResult<bool> {
    let backend = conn.get_database_backend();
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            rebind(backend, "SELECT 1 AS found FROM file_chunks WHERE key = ? AND seq = 0"),
            [Value::from(key.to_owned())],
        ))
        .await?;
    Ok(row.is_some())
}

async fn delete_key<C: ConnectionTrait>(conn: &C, key: &str) -> StoreResult<()> {
    let backend = conn.get_database_backend();
    conn.execute_raw(Statement::from_sql_and_values(
        backend,
        rebind(backend, "DELETE FROM file_chunks WHERE key = ?"),
        [Value::from(key.to_owned())],
    ))
    .await?;
    Ok(())
}
