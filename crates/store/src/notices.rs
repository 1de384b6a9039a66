//! Notifications: written by each event in its own transaction (an outbox),
//! one row per person the notice's audience holds and per event, read as the
//! person's inbox and delivered by e-mail by the sender.
//!
//! A row's `mail` says where its e-mail stands: `pending` (to send, at
//! `next_attempt_at` after a failure), `sent`, `failed` (given up), `digest`
//! (waits for the person's daily digest) or `off` (no address, or no e-mail wanted).
//! A sender claims a row for a while (`claimed_until`) before sending, so two
//! replicas never send the same one.

use chrono::{DateTime, TimeDelta, Utc};
use portfel_domain::notices::{Delivery, Notice, NoticeKind, Notification, Reach};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::entity::notification::{self, Column, Entity, Model};
use crate::entity::user;
use crate::{StoreError, StoreResult};

/// Where a notification's e-mail stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mail {
    /// To send.
    Pending,
    /// Delivered to the SMTP server.
    Sent,
    /// Given up after the last attempt.
    Failed,
    /// Waits for the daily digest.
    Digest,
    /// Not sent by e-mail.
    Off,
}

impl Mail {
    fn as_str(self) -> &'static str {
        match self {
            Mail::Pending => "pending",
            Mail::Sent => "sent",
            Mail::Failed => "failed",
            Mail::Digest => "digest",
            Mail::Off => "off",
        }
    }
}

/// The registered people `notice`'s audience holds: those within its reach
/// are read, and the audience's rule decides on each.
async fn audience<C: ConnectionTrait>(conn: &C, notice: &Notice) -> StoreResult<Vec<user::Model>> {
    // Roles are kept as a comma-separated list: a match by substring may find
    // more than the role, never less, and the rule below decides.
    let any_role = |roles: &[portfel_domain::Role]| {
        roles.iter().fold(Condition::any(), |c, r| c.add(user::Column::Roles.contains(r.as_str())))
    };
    let within = match notice.audience.reach() {
        Reach::Person(sub) => Condition::all().add(user::Column::Sub.eq(sub)),
        Reach::Organisation(org, roles) => any_role(&roles).add(user::Column::OrganisationId.eq(org)),
        Reach::Roles(roles) if roles.is_empty() => return Ok(Vec::new()),
        Reach::Roles(roles) => any_role(&roles),
    };
    let people = user::Entity::find().filter(within).order_by_asc(user::Column::Sub).all(conn).await?;
    Ok(people
        .into_iter()
        .filter(|u| {
            let roles: Vec<portfel_domain::Role> = u.roles.split(',').filter_map(|r| r.parse().ok()).collect();
            notice.audience.includes(&u.sub, &roles, Some(u.organisation_id))
        })
        .collect())
}

/// Who `notice` would tell that has not been told of its event yet.
pub async fn would_tell<C: ConnectionTrait>(conn: &C, notice: &Notice) -> StoreResult<Vec<String>> {
    Ok(untold(conn, notice).await?.into_iter().map(|u| u.sub).collect())
}

async fn untold<C: ConnectionTrait>(conn: &C, notice: &Notice) -> StoreResult<Vec<user::Model>> {
    let told: Vec<String> = Entity::find()
        .filter(Column::EventKey.eq(&notice.key))
        .all(conn)
        .await?
        .into_iter()
        .map(|n| n.recipient)
        .collect();
    Ok(audience(conn, notice).await?.into_iter().filter(|u| !told.contains(&u.sub)).collect())
}

/// Writes `notice` for every registered person its audience holds, each
/// once per event: a second write of the same event adds nothing. How many
/// were told now.
pub async fn raise<C: ConnectionTrait>(conn: &C, notice: &Notice) -> StoreResult<usize> {
    let now = crate::now();
    let rows: Vec<notification::ActiveModel> = untold(conn, notice)
        .await?
        .into_iter()
        .map(|u| {
            let mail = match (u.email.as_deref().map(str::trim), Delivery::parse(&u.delivery)) {
                (None | Some(""), _) | (_, Delivery::None) => Mail::Off,
                (_, Delivery::Digest) => Mail::Digest,
                (_, Delivery::Each) => Mail::Pending,
            };
            notification::ActiveModel {
                id: Set(Uuid::now_v7()),
                recipient: Set(u.sub),
                kind: Set(notice.kind.as_str().to_owned()),
                event_key: Set(notice.key.clone()),
                title: Set(notice.title.clone()),
                body: Set(notice.body.clone()),
                link: Set(notice.link.clone()),
                created_at: Set(now),
                read_at: Set(None),
                mail: Set(mail.as_str().to_owned()),
                attempts: Set(0),
                next_attempt_at: Set(Some(now)),
                claimed_until: Set(None),
                sent_at: Set(None),
                last_error: Set(None),
            }
        })
        .collect();
    let count = rows.len();
    if count > 0 {
        Entity::insert_many(rows).on_conflict_do_nothing_on([Column::Recipient, Column::EventKey]).exec(conn).await?;
    }
    Ok(count)
}

fn to_record(m: Model) -> StoreResult<Notification> {
    Ok(Notification {
        id: m.id,
        kind: NoticeKind::parse(&m.kind).ok_or_else(|| StoreError::Corrupt(format!("notice kind {}", m.kind)))?,
        title: m.title,
        body: m.body,
        link: m.link,
        created_at: m.created_at,
        read_at: m.read_at,
    })
}

/// The newest `limit` notifications of `sub` (unread ones only when asked;
/// only those older than notice `before` when given), newest first.
pub async fn inbox<C: ConnectionTrait>(
    conn: &C,
    sub: &str,
    unread_only: bool,
    before: Option<Uuid>,
    limit: u64,
) -> StoreResult<Vec<Notification>> {
    let mut query = Entity::find().filter(Column::Recipient.eq(sub));
    if unread_only {
        query = query.filter(Column::ReadAt.is_null());
    }
    if let Some(before) = before {
        // Ids are UUIDv7: their order is the order they were written in.
        query = query.filter(Column::Id.lt(before));
    }
    crate::records(conn, query.order_by_desc(Column::Id).limit(limit), to_record).await
}

/// How many notifications `sub` has not read.
pub async fn unread<C: ConnectionTrait>(conn: &C, sub: &str) -> StoreResult<u64> {
    Ok(Entity::find().filter(Column::Recipient.eq(sub)).filter(Column::ReadAt.is_null()).count(conn).await?)
}

/// Marks notification `id` of `sub` read (again: no change); not found when it is someone else's.
pub async fn mark_read(db: &DatabaseConnection, sub: &str, id: Uuid) -> StoreResult<Notification> {
    let found = Entity::find_by_id(id).filter(Column::Recipient.eq(sub)).one(db).await?;
    let found = found.ok_or(StoreError::NotFound("notification"))?;
    if found.read_at.is_none() {
        let txn = crate::begin_write(db).await?;
        Entity::update_many()
            .col_expr(Column::ReadAt, Expr::value(crate::now()))
            .filter(Column::Id.eq(id))
            .filter(Column::ReadAt.is_null())
            .exec(&txn)
            .await?;
        txn.commit().await?;
    }
    to_record(Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound("notification"))?)
}

/// Marks every notification of `sub` read; how many were unread.
pub async fn mark_all_read(db: &DatabaseConnection, sub: &str) -> StoreResult<u64> {
    let txn = crate::begin_write(db).await?;
    let done = Entity::update_many()
        .col_expr(Column::ReadAt, Expr::value(crate::now()))
        .filter(Column::Recipient.eq(sub))
        .filter(Column::ReadAt.is_null())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(done.rows_affected)
}

/// Rows no sender holds a claim on at `now`.
fn unclaimed(now: DateTime<Utc>) -> Condition {
    Condition::any().add(Column::ClaimedUntil.is_null()).add(Column::ClaimedUntil.lt(now))
}

/// The user `sub`, when registered with an e-mail address.
async fn addressee<C: ConnectionTrait>(conn: &C, sub: &str) -> StoreResult<Option<user::Model>> {
    let person = user::Entity::find().filter(user::Column::Sub.eq(sub)).one(conn).await?;
    Ok(person.filter(|p| p.email.as_deref().is_some_and(|e| !e.trim().is_empty())))
}

/// An e-mail to send: the notification, and its recipient's name and address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// The notification.
    pub notification: Notification,
    /// Attempts made before this one.
    pub attempts: i32,
    /// The recipient's name.
    pub full_name: String,
    /// The recipient's address.
    pub email: String,
}

/// Claims up to `limit` e-mails due by `now` for `hold` (no other sender
/// takes them meanwhile), oldest first.
pub async fn claim_due(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    hold: TimeDelta,
    limit: u64,
) -> StoreResult<Vec<Outgoing>> {
    let due = Entity::find()
        .filter(Column::Mail.eq(Mail::Pending.as_str()))
        .filter(Column::NextAttemptAt.lte(now))
        .filter(unclaimed(now))
        .order_by_asc(Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for row in due {
        // Only the sender whose update changes the row has claimed it.
        let txn = crate::begin_write(db).await?;
        let claimed = Entity::update_many()
            .col_expr(Column::ClaimedUntil, Expr::value(now + hold))
            .filter(Column::Id.eq(row.id))
            .filter(Column::Mail.eq(Mail::Pending.as_str()))
            .filter(unclaimed(now))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let Some(person) = addressee(db, &row.recipient).await? else {
            set_mail(db, row.id, Mail::Off, None).await?;
            continue;
        };
        let attempts = row.attempts;
        out.push(Outgoing {
            notification: to_record(row)?,
            attempts,
            full_name: person.full_name,
            email: person.email.unwrap_or_default(),
        });
    }
    Ok(out)
}

/// The notices waiting for one person's daily digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    /// The notices, oldest first.
    pub notifications: Vec<Notification>,
    /// Attempts made before this one (the most of any notice in it).
    pub attempts: i32,
    /// The recipient's name.
    pub full_name: String,
    /// The recipient's address.
    pub email: String,
}

/// Claims, per person, the digest notices written before `before` that are
/// due by `now`, for `hold`; one digest a person.
pub async fn claim_digests(
    db: &DatabaseConnection,
    before: DateTime<Utc>,
    now: DateTime<Utc>,
    hold: TimeDelta,
) -> StoreResult<Vec<Digest>> {
    let due = Entity::find()
        .filter(Column::Mail.eq(Mail::Digest.as_str()))
        .filter(Column::CreatedAt.lt(before))
        .filter(Column::NextAttemptAt.lte(now))
        .filter(unclaimed(now))
        .order_by_asc(Column::Recipient)
        .order_by_asc(Column::Id)
        .all(db)
        .await?;
    let mut by_person: std::collections::BTreeMap<String, Vec<Model>> = std::collections::BTreeMap::new();
    for row in due {
        by_person.entry(row.recipient.clone()).or_default().push(row);
    }
    let mut out = Vec::new();
    for (who, rows) in by_person {
        out.extend(claim_digest(db, &who, rows, now, hold).await?);
    }
    Ok(out)
}

async fn claim_digest(
    db: &DatabaseConnection,
    recipient: &str,
    rows: Vec<Model>,
    now: DateTime<Utc>,
    hold: TimeDelta,
) -> StoreResult<Option<Digest>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let txn = crate::begin_write(db).await?;
    let claimed = Entity::update_many()
        .col_expr(Column::ClaimedUntil, Expr::value(now + hold))
        .filter(Column::Id.is_in(ids.clone()))
        .filter(Column::Mail.eq(Mail::Digest.as_str()))
        .filter(unclaimed(now))
        .exec(&txn)
        .await?;
    // Another sender claimed some of them first: it sends this person's digest.
    if claimed.rows_affected != ids.len() as u64 {
        return Ok(None);
    }
    txn.commit().await?;
    let Some(person) = addressee(db, recipient).await? else {
        for id in ids {
            set_mail(db, id, Mail::Off, None).await?;
        }
        return Ok(None);
    };
    Ok(Some(Digest {
        attempts: rows.iter().map(|r| r.attempts).max().unwrap_or_default(),
        notifications: rows.into_iter().map(to_record).collect::<StoreResult<_>>()?,
        full_name: person.full_name,
        email: person.email.unwrap_or_default(),
    }))
}

async fn set_mail(db: &DatabaseConnection, id: Uuid, mail: Mail, error: Option<String>) -> StoreResult<()> {
    let mut update = Entity::update_many()
        .col_expr(Column::Mail, Expr::value(mail.as_str()))
        .col_expr(Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(Column::LastError, Expr::value(error));
    if mail == Mail::Sent {
        update = update.col_expr(Column::SentAt, Expr::value(crate::now()));
    }
    let txn = crate::begin_write(db).await?;
    update.filter(Column::Id.eq(id)).exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Records that the e-mail of notification `id` was delivered.
pub async fn mark_sent(db: &DatabaseConnection, id: Uuid) -> StoreResult<()> {
    set_mail(db, id, Mail::Sent, None).await
}

/// Records a failed attempt: tried again at `retry_at`, or given up when none.
pub async fn mark_attempt_failed(
    db: &DatabaseConnection,
    id: Uuid,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> StoreResult<()> {
    let Some(at) = retry_at else { return set_mail(db, id, Mail::Failed, Some(error.to_owned())).await };
    let txn = crate::begin_write(db).await?;
    Entity::update_many()
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .col_expr(Column::NextAttemptAt, Expr::value(at))
        .col_expr(Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(Column::LastError, Expr::value(error.to_owned()))
        .filter(Column::Id.eq(id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// The outbox's e-mails: (queued, sent, failed).
pub async fn outbox_counts<C: ConnectionTrait>(conn: &C) -> StoreResult<(u64, u64, u64)> {
    let count = |mail: Mail| Entity::find().filter(Column::Mail.eq(mail.as_str())).count(conn);
    Ok((count(Mail::Pending).await?, count(Mail::Sent).await?, count(Mail::Failed).await?))
}

/// Sets how `sub` is told by e-mail, and the address, if the user is still
/// at `expected_version`; the new version.
pub async fn set_delivery(
    db: &DatabaseConnection,
    sub: &str,
    expected_version: i32,
    email: Option<&str>,
    delivery: Delivery,
) -> StoreResult<i32> {
    let txn = crate::begin_write(db).await?;
    let (_, _, current) = delivery_of(&txn, sub).await?;
    crate::check_version(current, expected_version)?;
    let done = user::Entity::update_many()
        .col_expr(user::Column::Email, Expr::value(email.map(str::to_owned)))
        .col_expr(user::Column::Delivery, Expr::value(delivery.as_str()))
        .col_expr(user::Column::UpdatedAt, Expr::value(crate::now()))
        .col_expr(user::Column::Version, Expr::col(user::Column::Version).add(1))
        .filter(user::Column::Sub.eq(sub))
        .filter(user::Column::Version.eq(expected_version))
        .exec(&txn)
        .await?;
    crate::check_updated(done.rows_affected, expected_version)?;
    txn.commit().await?;
    Ok(expected_version + 1)
}

/// How `sub` is told: the address, the choice and the user's version.
pub async fn delivery_of<C: ConnectionTrait>(conn: &C, sub: &str) -> StoreResult<(Option<String>, Delivery, i32)> {
    let person = user::Entity::find().filter(user::Column::Sub.eq(sub)).one(conn).await?;
    let person = person.ok_or(StoreError::NotFound("user"))?;
    Ok((person.email, Delivery::parse(&person.delivery), person.version))
}
