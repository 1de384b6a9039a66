//! Attachment records: which file belongs to which owner, since when and
//! until when. A row never changes but to be marked removed, so every
//! earlier version keeps the files it had. A passport's file change is a
//! revision of its own (the content unchanged), so each revision names its
//! exact files.

use std::collections::HashSet;

use portfel_domain::attachment::{Attachment, FileType, OwnerKind};
use portfel_domain::passport::DocumentKind;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::entity::attachment::{self, Column, Entity};
use crate::files::Stored;
use crate::{Actor, StoreError, StoreResult, audit};

/// A file to attach, once its content is stored.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    /// What it is attached to.
    pub owner_kind: OwnerKind,
    /// Id of the owner.
    pub owner_id: Uuid,
    /// DREAM document type, for readiness evidence.
    pub kind: Option<DocumentKind>,
    /// Cleaned name.
    pub name: String,
    /// Type taken from the content.
    pub file_type: FileType,
    /// Hash and size of the stored content.
    pub stored: Stored,
    /// The attachment this one replaces.
    pub replaces: Option<Uuid>,
}

fn kind_code(kind: DocumentKind) -> String {
    serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn record(m: attachment::Model) -> StoreResult<Attachment> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("attachment {}: {what}", m.id));
    let owner_kind = OwnerKind::parse(&m.owner_kind).ok_or_else(|| corrupt("owner kind"))?;
    let file_type = serde_json::from_value::<FileType>(serde_json::Value::String(m.file_type.clone()))
        .map_err(|_| corrupt("file type"))?;
    let kind = m
        .kind
        .as_deref()
        .map(|k| serde_json::from_value::<DocumentKind>(serde_json::Value::String(k.to_owned())))
        .transpose()
        .map_err(|_| corrupt("document kind"))?;
    Ok(Attachment {
        id: m.id,
        owner_kind,
        owner_id: m.owner_id,
        kind,
        name: m.name,
        file_type,
        media_type: file_type.media_type().to_owned(),
        size: m.size,
        sha256: m.sha256,
        uploaded_by: m.uploaded_by,
        uploaded_at: m.uploaded_at,
        replaces: m.replaces,
        from_revision: m.from_revision,
        removed_at: m.removed_at,
        until_revision: m.until_revision,
    })
}

/// One attachment, removed or not.
pub async fn get<C: ConnectionTrait>(conn: &C, id: Uuid) -> StoreResult<Attachment> {
    Entity::find_by_id(id).one(conn).await?.map(record).ok_or(StoreError::NotFound("attachment"))?
}

/// The files an owner has now, oldest first.
pub async fn current<C: ConnectionTrait>(
    conn: &C,
    owner_kind: OwnerKind,
    owner_id: Uuid,
) -> StoreResult<Vec<Attachment>> {
    let query = Entity::find()
        .filter(Column::OwnerKind.eq(owner_kind.as_str()))
        .filter(Column::OwnerId.eq(owner_id))
        .filter(Column::RemovedAt.is_null())
        .order_by_asc(Column::UploadedAt)
        .order_by_asc(Column::Id);
    crate::records(conn, query, record).await
}

/// Every file an owner ever had, removed and replaced ones included, oldest first.
pub async fn history<C: ConnectionTrait>(
    conn: &C,
    owner_kind: OwnerKind,
    owner_id: Uuid,
) -> StoreResult<Vec<Attachment>> {
    let query = Entity::find()
        .filter(Column::OwnerKind.eq(owner_kind.as_str()))
        .filter(Column::OwnerId.eq(owner_id))
        .order_by_asc(Column::UploadedAt)
        .order_by_asc(Column::Id);
    crate::records(conn, query, record).await
}

/// The files a passport's `revision` had.
pub async fn in_revision<C: ConnectionTrait>(
    conn: &C,
    passport_id: Uuid,
    revision: i32,
) -> StoreResult<Vec<Attachment>> {
    Ok(history(conn, OwnerKind::Passport, passport_id).await?.into_iter().filter(|a| a.in_revision(revision)).collect())
}

/// Every content hash a record points to.
pub async fn referenced_hashes<C: ConnectionTrait>(conn: &C) -> StoreResult<HashSet<String>> {
    let hashes: Vec<String> =
        Entity::find().select_only().column(Column::Sha256).distinct().into_tuple().all(conn).await?;
    Ok(hashes.into_iter().collect())
}

/// A passport's file change starts its next revision (same content); the revision's number.
async fn passport_revision<C: ConnectionTrait>(conn: &C, actor: &Actor, passport_id: Uuid) -> StoreResult<i32> {
    let passport = crate::passports::get(conn, passport_id).await?;
    let after =
        crate::passports::update_content_in(conn, actor, passport_id, passport.meta.version, &passport.content).await?;
    Ok(after.revision)
}

/// Marks `id` removed (or replaced) at `revision`; refused when it is gone already.
async fn mark_removed<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: Uuid,
    owner: (OwnerKind, Uuid),
    revision: Option<i32>,
) -> StoreResult<()> {
    let done = Entity::update_many()
        .set(attachment::ActiveModel {
            removed_at: Set(Some(crate::now())),
            removed_by: Set(Some(actor.sub.clone())),
            until_revision: Set(revision),
            ..Default::default()
        })
        .filter(Column::Id.eq(id))
        .filter(Column::OwnerKind.eq(owner.0.as_str()))
        .filter(Column::OwnerId.eq(owner.1))
        .filter(Column::RemovedAt.is_null())
        .exec(conn)
        .await?;
    if done.rows_affected == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict(portfel_domain::FieldError::of("id", "attachment_gone", &[])))
    }
}

/// Attaches stored files, all or none, to one owner (replacing each one's
/// `replaces` when named), with their audit events. A passport's files
/// change in one revision.
pub async fn add(db: &DatabaseConnection, actor: &Actor, files: Vec<NewAttachment>) -> StoreResult<Vec<Attachment>> {
    let Some(first) = files.first() else { return Ok(Vec::new()) };
    let (owner_kind, owner_id) = (first.owner_kind, first.owner_id);
    let txn = crate::begin_write(db).await?;
    let revision = match owner_kind {
        OwnerKind::Passport => Some(passport_revision(&txn, actor, owner_id).await?),
        _ => None,
    };
    let mut added = Vec::with_capacity(files.len());
    for new in files {
        if (new.owner_kind, new.owner_id) != (owner_kind, owner_id) {
            return Err(StoreError::invalid("owner_id", "mismatch", "files of one upload belong to one owner"));
        }
        if let Some(old) = new.replaces {
            mark_removed(&txn, actor, old, (owner_kind, owner_id), revision).await?;
        }
        let id = Uuid::now_v7();
        let size = i64::try_from(new.stored.size).map_err(|_| StoreError::invalid("file", "too_large", "too large"))?;
        Entity::insert(attachment::ActiveModel {
            id: Set(id),
            owner_kind: Set(owner_kind.as_str().to_owned()),
            owner_id: Set(owner_id),
            kind: Set(new.kind.map(kind_code)),
            name: Set(new.name),
            file_type: Set(new.file_type.label().to_lowercase()),
            size: Set(size),
            sha256: Set(new.stored.sha256),
            uploaded_by: Set(actor.sub.clone()),
            uploaded_at: Set(crate::now()),
            replaces: Set(new.replaces),
            from_revision: Set(revision),
            removed_at: Set(None),
            removed_by: Set(None),
            until_revision: Set(None),
        })
        .exec_without_returning(&txn)
        .await?;
        let record = get(&txn, id).await?;
        let action = if new.replaces.is_some() { "attachment.replace" } else { "attachment.add" };
        audit::created(&txn, actor, action, "attachment", id.to_string(), &record).await?;
        added.push(record);
    }
    txn.commit().await?;
    Ok(added)
}

/// Deletes the content of `hashes` that no record points to (what a refused
/// upload stored before it was refused).
pub async fn discard(store: &crate::Store, hashes: &[String]) -> StoreResult<()> {
    for sha256 in hashes {
        let referenced = Entity::find().filter(Column::Sha256.eq(sha256.as_str())).one(store.db()).await?.is_some();
        if !referenced {
            store.files().delete(sha256).await?;
        }
    }
    Ok(())
}

/// Removes an attachment from its owner (kept for the versions that had it).
pub async fn remove(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> StoreResult<Attachment> {
    let txn = crate::begin_write(db).await?;
    let before = get(&txn, id).await?;
    let revision = match before.owner_kind {
        OwnerKind::Passport => Some(passport_revision(&txn, actor, before.owner_id).await?),
        _ => None,
    };
    mark_removed(&txn, actor, id, (before.owner_kind, before.owner_id), revision).await?;
    let after = get(&txn, id).await?;
    audit::updated(&txn, actor, "attachment.remove", "attachment", id.to_string(), &before, &after).await?;
    txn.commit().await?;
    Ok(after)
}

/// What `portfel files check` finds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileCheck {
    /// Records whose content is not stored: (attachment id, hash).
    pub missing: Vec<(Uuid, String)>,
    /// Stored content no record points to.
    pub unreferenced: Vec<String>,
    /// Parts of interrupted uploads removed (only with `repair`).
    pub swept: usize,
}

/// Compares the records with the stored content; with `repair`, deletes the
/// content no record points to and what interrupted uploads left (run it
/// while no upload is under way). Records without content are only reported:
/// their files come back from a backup.
pub async fn check(store: &crate::Store, repair: bool) -> StoreResult<FileCheck> {
    let stored: HashSet<String> = store.files().hashes().await?.into_iter().collect();
    let rows: Vec<(Uuid, String)> =
        Entity::find().select_only().column(Column::Id).column(Column::Sha256).into_tuple().all(store.db()).await?;
    let referenced: HashSet<&str> = rows.iter().map(|(_, h)| h.as_str()).collect();
    let mut report = FileCheck {
        missing: rows.iter().filter(|(_, h)| !stored.contains(h)).cloned().collect(),
        unreferenced: stored.iter().filter(|h| !referenced.contains(h.as_str())).cloned().collect(),
        swept: 0,
    };
    report.unreferenced.sort();
    if repair {
        for sha256 in &report.unreferenced {
            store.files().delete(sha256).await?;
        }
        report.swept = store.files().sweep().await?;
    }
    Ok(report)
}
