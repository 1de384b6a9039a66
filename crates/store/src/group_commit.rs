//! Group commit of passport creates on SQLite, where writers take turns.
//!
//! Concurrent creates queue up, and one task per SQLite file (started by the
//! create that finds none running) waits for the writers' turn and stores
//! everything queued by then (up to [`BATCH`]) in one transaction — one
//! lookup of the strategy goals named, one multi-row insert each for the
//! passports, their revisions and their audit events, one commit with a full
//! sync — answering each create only after that commit, and goes on batch
//! after batch until the queue is empty. (A task per create, as before, put
//! one more waiter in the writers' queue than it took out with every batch,
//! so under steady load the waiters grew without end until creates were
//! refused for waiting too long.) A
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
use crate::passport_rows::{NewPassport, create_alone};
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

/// The creates queued for one SQLite file, and whether a task is storing them.
#[derive(Default)]
pub(crate) struct Queue {
    state: Mutex<Queued>,
}

#[derive(Default)]
struct Queued {
    jobs: Vec<Job>,
    storing: bool,
}

/// The queue of `db`'s file, on SQLite outside a keyed request.
pub(crate) fn queue(db: &DatabaseConnection) -> Option<Arc<Queue>> {
    static QUEUES: PerFile<Queue> = LazyLock::new(Default::default);
    if crate::idempotency::in_scope() {
        return None;
    }
    per_sqlite_file(&QUEUES, db)
}

/// Should the storing task panic, marks it ended and answers the jobs it
/// leaves, so that none waits for ever and the next create starts a task.
struct Storing<'a>(&'a Queue);

impl Drop for Storing<'_> {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            return;
        }
        let mut queued = self.0.lock();
        queued.storing = false;
        for job in queued.jobs.drain(..) {
            let _ = job.answer.send(Err(StoreError::Unavailable("the write was interrupted".into())));
        }
    }
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
        let start = {
            let mut queued = self.lock();
            queued.jobs.push(job);
            !std::mem::replace(&mut queued.storing, true)
        };
        if start {
            let db = db.clone();
            tokio::spawn(async move { self.store_all(&db).await });
        }
        answered.await.map_err(|_| StoreError::Unavailable("the write was interrupted".into()))?
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Queued> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Stores batch after batch in the writers' turn until the queue is empty.
    async fn store_all(&self, db: &DatabaseConnection) {
        let _storing = Storing(self);
        loop {
            let turn = match Turn::wait(db).await {
                Ok(turn) => turn,
                Err(e) => return self.fail_all(&e),
            };
            let jobs: Vec<Job> = {
                let mut queued = self.lock();
                if queued.jobs.is_empty() {
                    queued.storing = false;
                    return;
                }
                let n = queued.jobs.len().min(BATCH);
                queued.jobs.drain(..n).collect()
            };
            self.store(db, turn, jobs).await;
        }
    }

    /// Stores `jobs` in one transaction in `turn` and answers each.
    async fn store(&self, db: &DatabaseConnection, turn: Turn, jobs: Vec<Job>) {
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
            let alone = create_alone(db, &job.actor, job.organisation_id, &job.content).await;
            let _ = job.answer.send(alone);
        }
    }

    /// Answers every queued create with `e` (the turn could not be had).
    fn fail_all(&self, e: &StoreError) {
        let mut queued = self.lock();
        queued.storing = false;
        for job in queued.jobs.drain(..) {
            let _ = job.answer.send(Err(StoreError::Unavailable(e.to_string())));
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
