//! Group commit of passport creates on SQLite, where writers take turns.
//!
//! Concurrent creates queue up, and each starts a task that waits for the
//! writers' turn; the first task to get it stores everything queued by then
//! (up to [`BATCH`]) in one transaction — one lookup of the strategy goals
//! named, one multi-row insert each for the passports, their revisions and
//! their audit events, one commit with a full sync — and answers each create
//! only after that commit; a task that finds the queue empty leaves. A
//! create naming an organisation or goal that does not exist is set aside
//! and tried alone after the batch, where it is refused with the field
//! named; should a batch fail as a whole, it is rolled back and each of its
//! creates is tried alone, each in its own transaction. Either way a bad
//! create fails by itself and changes nothing.
//! The tasks are not the requests': a request that goes away does not cut a
//! batch short. Creates inside a keyed request ([`crate::idempotency`]) and
//! on PostgreSQL are transactions of their own.

use std::collections::BTreeSet;
use std::sync::{Arc, LazyLock, Mutex};

use portfel_domain::records::Passport;
use portfel_domain::{PassportContent, Status};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use tokio::sync::oneshot;
use uuid::Uuid;

use crate::entity::{audit_event, organisation, passport, passport_revision as revision, strategy_goal as goal};
use crate::passports::NewPassport;
use crate::write::{PerFile, Turn, Write, per_sqlite_file};
use crate::{Actor, StoreError, StoreResult};

/// Most creates stored in one transaction (SQLite binds at most 32,766
/// parameters in one statement; a passport row takes a few dozen).
const BATCH: usize = 64;

/// A create waiting for its batch.
struct Job {
    actor: Actor,
    organisation_id: Uuid,
    content: PassportContent,
    answer: oneshot::Sender<StoreResult<Passport>>,
}

/// The creates queued for one SQLite file.
#[derive(Default)]
pub(crate) struct Queue {
    jobs: Mutex<Vec<Job>>,
}

/// The queue of `db`'s file, on SQLite outside a keyed request.
pub(crate) fn queue(db: &DatabaseConnection) -> Option<Arc<Queue>> {
    static QUEUES: PerFile<Queue> = LazyLock::new(Default::default);
    if crate::idempotency::in_scope() {
        return None;
    }
    per_sqlite_file(&QUEUES, db)
}

impl Queue {
    /// Queues a draft passport's create and waits for the commit of its batch.
    pub(crate) async fn create(
        self: Arc<Self>,
        db: &DatabaseConnection,
        actor: &Actor,
        organisation_id: Uuid,
        content: &PassportContent,
    ) -> StoreResult<Passport> {
        let (answer, answered) = oneshot::channel();
        let job = Job { actor: actor.clone(), organisation_id, content: content.clone(), answer };
        self.lock().push(job);
        let db = db.clone();
        tokio::spawn(async move { self.store_queued(&db).await });
        answered.await.map_err(|_| StoreError::Unavailable("the write was interrupted".into()))?
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Job>> {
        self.jobs.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// In the writers' turn, stores what is queued.
    async fn store_queued(&self, db: &DatabaseConnection) {
        let turn = match Turn::wait(db).await {
            Ok(turn) => turn,
            Err(e) => return self.fail_one(e),
        };
        let jobs: Vec<Job> = {
            let mut queued = self.lock();
            let n = queued.len().min(BATCH);
            queued.drain(..n).collect()
        };
        if jobs.is_empty() {
            return;
        }
        let stored: StoreResult<Vec<Option<Passport>>> = async {
            let txn = Write::begin_in(db, turn).await?;
            match store_batch(&txn, &jobs).await {
                Ok(records) => Ok(txn.commit().await.map(|()| records)?),
                Err(e) => {
                    let _ = txn.rollback().await;
                    Err(e)
                }
            }
        }
        .await;
        // The batch's creates are answered at once; those set aside wait for their own transactions.
        let records = stored.unwrap_or_else(|_| jobs.iter().map(|_| None).collect());
        let mut aside = Vec::new();
        for (job, record) in jobs.into_iter().zip(records) {
            match record {
                Some(record) => drop(job.answer.send(Ok(record))),
                None => aside.push(job),
            }
        }
        for job in aside {
            let alone = crate::passports::create_alone(db, &job.actor, job.organisation_id, &job.content).await;
            let _ = job.answer.send(alone);
        }
    }

    /// Answers the oldest queued create with `e` (its task could not get a turn).
    fn fail_one(&self, e: StoreError) {
        let job = {
            let mut queued = self.lock();
            (!queued.is_empty()).then(|| queued.remove(0))
        };
        if let Some(job) = job {
            let _ = job.answer.send(Err(e));
        }
    }
}

/// Stores in `txn` each of `jobs` whose organisation and goals exist, each
/// table's rows in one insert; returns each job's record, or `None` for one
/// set aside.
async fn store_batch(txn: &Write, jobs: &[Job]) -> StoreResult<Vec<Option<Passport>>> {
    let organisations: BTreeSet<Uuid> = jobs.iter().map(|j| j.organisation_id).collect();
    let organisations = existing::<organisation::Entity, _>(txn, organisation::Column::Id, organisations).await?;
    let goals: BTreeSet<Uuid> = jobs.iter().flat_map(|j| j.content.strategy_goal_ids.iter().copied()).collect();
    let goals = existing::<goal::Entity, _>(txn, goal::Column::Id, goals).await?;
    let mut rows = Vec::with_capacity(jobs.len());
    for job in jobs {
        let known = organisations.contains(&job.organisation_id)
            && job.content.strategy_goal_ids.iter().all(|g| goals.contains(g));
        rows.push(match known {
            true => Some(NewPassport::of(&job.actor, job.organisation_id, &job.content, Status::Draft)?),
            false => None,
        });
    }
    let stored = || rows.iter().flatten();
    if stored().next().is_some() {
        passport::Entity::insert_many(stored().map(|r| r.passport.clone())).exec_without_returning(txn).await?;
        revision::Entity::insert_many(stored().map(|r| r.revision.clone())).exec_without_returning(txn).await?;
        audit_event::Entity::insert_many(stored().map(|r| r.event.clone())).exec_without_returning(txn).await?;
    }
    Ok(rows.into_iter().map(|r| r.map(|r| r.record)).collect())
}

/// Which of `ids` are ids of stored rows of `E`.
async fn existing<E: EntityTrait, C: ColumnTrait>(
    txn: &Write,
    id: C,
    ids: BTreeSet<Uuid>,
) -> StoreResult<BTreeSet<Uuid>> {
    if ids.is_empty() {
        return Ok(ids);
    }
    let found: Vec<Uuid> = E::find().select_only().column(id).filter(id.is_in(ids)).into_tuple().all(txn).await?;
    Ok(found.into_iter().collect())
}
