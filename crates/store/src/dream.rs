//! DREAM interoperability in the database: imports linked to DREAM ids
//! (atomic per project, idempotent, implementation facts recorded as
//! accepted reports), exports that give back what DREAM sent,
//! the change feed for integration scripts, and sync checkpoints.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use portfel_domain::reference::OrganisationInput;
use portfel_domain::{FieldError, Status};
use sea_orm::sea_query::Condition;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use sea_orm::{DatabaseConnection, DatabaseTransaction, SqlErr, TransactionTrait};
use serde_json::Value;
use uuid::Uuid;

use crate::entity::{dream_link, organisation, passport, sync_checkpoint};
use crate::{Actor, StoreError, StoreResult, passports};

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A new passport was created.
    New,
    /// The linked passport was updated.
    Updated,
    /// The same document was imported before: nothing changed.
    Unchanged,
}

/// One DREAM project to import.
#[derive(Debug, Clone, Copy)]
pub struct Project<'a> {
    /// DREAM's id.
    pub dream_id: &'a str,
    /// DREAM's project code, when known.
    pub code: Option<&'a str>,
    /// The project document (DREAM's `GET /ideas/{id}` shape).
    pub document: &'a Value,
}

/// What importing one project of a batch did: the linked passport and the
/// outcome, or why the project was refused (it changed nothing).
pub type ProjectResult = Result<(Uuid, Outcome), Vec<FieldError>>;

/// Imports one DREAM project document, creating or updating the passport
/// linked to `dream_id`, in one transaction.
pub async fn import(db: &DatabaseConnection, actor: &Actor, project: Project<'_>) -> StoreResult<(Uuid, Outcome)> {
    let parsed = Parsed::of(project).map_err(StoreError::Invalid)?;
    let txn = crate::begin_write(db).await?;
    let known = Known::read(&txn, [&parsed]).await?;
    let (passport_id, outcome, _) = import_in(&txn, actor, parsed, &known).await?;
    txn.commit().await?;
    Ok((passport_id, outcome))
}

/// Imports many projects in one transaction, each in a savepoint of its own:
/// a refused project is reported and changes nothing, the others are kept.
/// Results are in the order of `projects`.
/// With `checkpoint` (name, value), the sync checkpoint is stored in the same
/// transaction, so it never runs ahead of (or behind) the projects it covers.
/// A database failure rolls back the whole batch.
pub async fn import_many(
    db: &DatabaseConnection,
    actor: &Actor,
    projects: &[Project<'_>],
    checkpoint: Option<(&str, &str)>,
) -> StoreResult<Vec<ProjectResult>> {
    let parsed: Vec<_> = projects.iter().map(|p| Parsed::of(*p)).collect();
    let txn = crate::begin_write(db).await?;
    let mut known = Known::read(&txn, parsed.iter().flatten()).await?;
    let mut results = Vec::with_capacity(projects.len());
    for parsed in parsed {
        let parsed = match parsed {
            Ok(parsed) => parsed,
            Err(errors) => {
                results.push(Err(errors));
                continue;
            }
        };
        let savepoint = txn.begin().await?;
        match import_in(&savepoint, actor, parsed, &known).await {
            Ok((passport_id, outcome, learnt)) => {
                savepoint.commit().await?;
                known.learn(learnt);
                results.push(Ok((passport_id, outcome)));
            }
            Err(error) => {
                let errors = refusal(error)?;
                savepoint.rollback().await?;
                results.push(Err(errors));
            }
        }
    }
    if let Some((name, value)) = checkpoint {
        set_checkpoint_in(&txn, name, value).await?;
    }
    txn.commit().await?;
    Ok(results)
}

/// Why a project of a batch was refused, when the failure is the project's own
/// (invalid data, a state rule, a constraint its rows break); any other failure
/// (the database unreachable, locked or out of space) is the batch's.
fn refusal(error: StoreError) -> StoreResult<Vec<FieldError>> {
    match error {
        StoreError::Invalid(errors) => Ok(errors),
        StoreError::Conflict(e) => Ok(vec![FieldError { field: "document".into(), ..e }]),
        StoreError::Db(db) => match db.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(m) | SqlErr::ForeignKeyConstraintViolation(m)) => {
                Ok(vec![FieldError::new(
                    "document",
                    "constraint",
                    format!("the project's data breaks a stored rule: {m}"),
                )])
            }
            _ => Err(StoreError::Db(db)),
        },
        other => Err(other),
    }
}

/// A project read from its document, before any database work.
struct Parsed<'a> {
    dream_id: &'a str,
    code: Option<&'a str>,
    imported: portfel_dream::Imported,
    /// The document as stored (compared with the last import's).
    serialized: String,
}

impl<'a> Parsed<'a> {
    fn of(project: Project<'a>) -> Result<Parsed<'a>, Vec<FieldError>> {
        let imported = portfel_dream::import(project.document).map_err(|errors| {
            errors.into_iter().map(|e| FieldError { field: format!("document.{}", e.field), ..e }).collect::<Vec<_>>()
        })?;
        let serialized = serde_json::to_string(project.document)
            .map_err(|e| vec![FieldError::new("document", "invalid", e.to_string())])?;
        Ok(Parsed { dream_id: project.dream_id, code: project.code, imported, serialized })
    }
}

/// What the database holds for the projects of a batch, read once for all
/// of them: their links to DREAM and their initiators' organisations.
struct Known {
    /// DREAM id → the linked passport and the document last imported.
    links: HashMap<String, (Uuid, String)>,
    /// EDRPOU code → organisation.
    organisations: HashMap<String, Uuid>,
}

/// What one project's import wrote that later projects of its batch must see.
#[derive(Default)]
struct Learnt {
    /// DREAM id, passport and document of a new or changed link.
    link: Option<(String, Uuid, String)>,
    /// EDRPOU code and id of a newly registered organisation.
    organisation: Option<(String, Uuid)>,
}

impl Known {
    async fn read<'p>(
        conn: &DatabaseTransaction,
        parsed: impl IntoIterator<Item = &'p Parsed<'p>>,
    ) -> StoreResult<Known> {
        let (mut ids, mut codes) = (Vec::new(), Vec::new());
        for p in parsed {
            ids.push(p.dream_id.to_owned());
            codes.extend(p.imported.initiator.as_ref().map(|party| party.edrpou.clone()));
        }
        let links = dream_link::Entity::find()
            .filter(dream_link::Column::DreamId.is_in(ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|l| (l.dream_id, (l.passport_id, l.document)))
            .collect();
        let organisations: Vec<(Uuid, String)> = organisation::Entity::find()
            .select_only()
            .columns([organisation::Column::Id, organisation::Column::Edrpou])
            .filter(organisation::Column::Edrpou.is_in(codes))
            .into_tuple()
            .all(conn)
            .await?;
        Ok(Known { links, organisations: organisations.into_iter().map(|(id, code)| (code, id)).collect() })
    }

    /// Takes in what a kept project wrote.
    fn learn(&mut self, learnt: Learnt) {
        if let Some((dream_id, passport_id, document)) = learnt.link {
            self.links.insert(dream_id, (passport_id, document));
        }
        if let Some((code, id)) = learnt.organisation {
            self.organisations.insert(code, id);
        }
    }
}

/// [`import`] inside the caller's transaction, given what is `known` of its batch.
async fn import_in(
    txn: &DatabaseTransaction,
    actor: &Actor,
    parsed: Parsed<'_>,
    known: &Known,
) -> StoreResult<(Uuid, Outcome, Learnt)> {
    let Parsed { dream_id, code, imported, serialized } = parsed;
    let link = known.links.get(dream_id);
    if let Some((passport_id, document)) = link
        && *document == serialized
    {
        return Ok((*passport_id, Outcome::Unchanged, Learnt::default()));
    }
    let mut learnt = Learnt::default();
    let remembered = serialized.clone();
    let mut content = imported.content;
    let mut goal_ids = Vec::new();
    for g in &imported.goals {
        if let Some(id) = crate::strategy::goal_by_kind_code(txn, &g.kind, &g.code).await? {
            goal_ids.push(id);
        }
    }
    content.strategy_goal_ids = goal_ids;
    let now = crate::now();
    let (passport_id, organisation_id, outcome) = match link {
        Some(&(linked, _)) => {
            let current = passports::get(txn, linked).await?;
            let updated =
                passports::update_content_in(txn, actor, current.meta.id, current.meta.version, &content).await?;
            if updated.status != imported.status {
                let dream = passports::Move { reason: Some("DREAM"), ..passports::Move::of(&updated, imported.status) };
                passports::transition_in(txn, actor, dream).await?;
            }
            dream_link::Entity::update_many()
                .set(dream_link::ActiveModel {
                    code: Set(code.map(str::to_owned)),
                    document: Set(serialized),
                    dream_updated: Set(imported.updated),
                    imported_at: Set(now),
                    ..Default::default()
                })
                .filter(dream_link::Column::PassportId.eq(linked))
                .exec(txn)
                .await?;
            (linked, updated.organisation_id, Outcome::Updated)
        }
        None => {
            let organisation = match (&imported.initiator, actor.organisation) {
                (Some(party), _) => match known.organisations.get(&party.edrpou) {
                    Some(id) => *id,
                    None => {
                        let input = OrganisationInput {
                            name: party.name.clone(),
                            edrpou: party.edrpou.clone(),
                            kind: "localBody".into(),
                        };
                        let id = crate::organisations::create_in(txn, actor, &input).await?.meta.id;
                        learnt.organisation = Some((party.edrpou.clone(), id));
                        id
                    }
                },
                (None, Some(own)) => own,
                (None, None) => {
                    return Err(StoreError::invalid(
                        "document.parties",
                        "no_initiator",
                        "no initiator party with an EDRPOU code",
                    ));
                }
            };
            let created = passports::create_in(txn, actor, organisation, &content, imported.status).await?;
            dream_link::Entity::insert(dream_link::ActiveModel {
                passport_id: Set(created.meta.id),
                dream_id: Set(dream_id.to_owned()),
                code: Set(code.map(str::to_owned)),
                document: Set(serialized),
                dream_updated: Set(imported.updated),
                imported_at: Set(now),
            })
            .exec(txn)
            .await?;
            (created.meta.id, created.organisation_id, Outcome::New)
        }
    };
    if !imported.reports.is_empty() {
        crate::reports::record_from_dream(txn, actor, passport_id, organisation_id, &imported.reports).await?;
    }
    if let Some(completion) = &imported.completion {
        crate::completions::record_from_dream(txn, actor, passport_id, organisation_id, completion).await?;
    }
    learnt.link = Some((dream_id.to_owned(), passport_id, remembered));
    Ok((passport_id, outcome, learnt))
}

/// DREAM's id and code of a passport, if linked.
pub async fn link<C: ConnectionTrait>(conn: &C, passport_id: Uuid) -> StoreResult<Option<(String, Option<String>)>> {
    Ok(dream_link::Entity::find_by_id(passport_id).one(conn).await?.map(|l| (l.dream_id, l.code)))
}

/// DREAM's codes of the linked passports among `ids`.
pub async fn codes<C: ConnectionTrait>(conn: &C, ids: &[Uuid]) -> StoreResult<HashMap<Uuid, String>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(1000) {
        let links =
            dream_link::Entity::find().filter(dream_link::Column::PassportId.is_in(chunk.to_vec())).all(conn).await?;
        out.extend(links.into_iter().filter_map(|l| l.code.map(|c| (l.passport_id, c))));
    }
    Ok(out)
}

/// The DREAM document of a passport: its current data over the last
/// document DREAM sent, its files linked under `public_url`.
pub async fn export<C: ConnectionTrait>(conn: &C, passport_id: Uuid, public_url: &str) -> StoreResult<Value> {
    let p = passports::get(conn, passport_id).await?;
    let organisation = crate::organisations::get(conn, p.organisation_id).await?;
    let initiator =
        portfel_domain::passport::PartyRef { name: organisation.data.name, edrpou: organisation.data.edrpou };
    let goals = crate::strategy::goal_refs(conn, &p.content.strategy_goal_ids).await?;
    let original: Option<Value> = match dream_link::Entity::find_by_id(passport_id).one(conn).await? {
        Some(l) => Some(serde_json::from_str(&l.document)?),
        None => None,
    };
    let accepted = crate::completion_rows::of_passport(conn, passport_id)
        .await?
        .filter(|c| c.status == portfel_monitoring::report::ReportStatus::Accepted);
    Ok(portfel_dream::export(&portfel_dream::ExportInput {
        id: p.meta.id,
        created: p.meta.created_at,
        updated: p.meta.updated_at,
        status: p.status,
        content: &p.content,
        initiator: &initiator,
        goals: &goals,
        original: original.as_ref(),
        reports: &crate::reports::accepted(conn, passport_id).await?,
        completion: accepted.as_ref().map(|c| &c.content),
        files: &crate::attachments::current(conn, portfel_domain::attachment::OwnerKind::Passport, passport_id).await?,
        public_url,
    }))
}

/// One entry of the change feed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Change {
    /// Passport id.
    pub id: Uuid,
    /// DREAM code, if linked.
    pub code: Option<String>,
    /// When the passport last changed.
    pub updated: DateTime<Utc>,
    /// Lifecycle state.
    pub status: Status,
    /// True for withdrawn projects (cancelled): a tombstone.
    pub deleted: bool,
}

/// Passports past the draft stage changed after `after` (a timestamp, and the
/// id of the last entry seen at that timestamp).
fn changed_after(after: Option<(DateTime<Utc>, Option<Uuid>)>) -> sea_orm::Select<passport::Entity> {
    let mut query = passport::Entity::find().filter(passport::Column::Status.ne(Status::Draft.as_str()));
    if let Some((at, id)) = after {
        let mut cond = Condition::any().add(passport::Column::UpdatedAt.gt(at));
        cond = match id {
            Some(id) => {
                cond.add(Condition::all().add(passport::Column::UpdatedAt.eq(at)).add(passport::Column::Id.gt(id)))
            }
            None => cond,
        };
        query = query.filter(cond);
    }
    query
}

/// How many changes follow `after` (see [`changes`]).
pub async fn count_changes<C: ConnectionTrait>(
    conn: &C,
    after: Option<(DateTime<Utc>, Option<Uuid>)>,
) -> StoreResult<u64> {
    Ok(changed_after(after).count(conn).await?)
}

/// Passports past the draft stage changed after `after` (a timestamp, and the
/// id of the last entry seen at that timestamp), oldest first.
pub async fn changes<C: ConnectionTrait>(
    conn: &C,
    after: Option<(DateTime<Utc>, Option<Uuid>)>,
    limit: u64,
) -> StoreResult<Vec<Change>> {
    let query =
        changed_after(after).order_by_asc(passport::Column::UpdatedAt).order_by_asc(passport::Column::Id).limit(limit);
    let rows: Vec<(Uuid, String, DateTime<Utc>, Option<String>)> = query
        .select_only()
        .columns([passport::Column::Id, passport::Column::Status, passport::Column::UpdatedAt])
        .column(dream_link::Column::Code)
        .join(
            JoinType::LeftJoin,
            passport::Entity::belongs_to(dream_link::Entity)
                .from(passport::Column::Id)
                .to(dream_link::Column::PassportId)
                .into(),
        )
        .into_tuple()
        .all(conn)
        .await?;
    rows.into_iter()
        .map(|(id, status, updated, code)| {
            let status = passports::parse_status(&status)?;
            Ok(Change { id, code, updated, status, deleted: status == Status::Cancelled })
        })
        .collect()
}

/// A stored sync checkpoint.
pub async fn checkpoint<C: ConnectionTrait>(conn: &C, name: &str) -> StoreResult<Option<String>> {
    Ok(sync_checkpoint::Entity::find_by_id(name.to_owned()).one(conn).await?.map(|c| c.value))
}

/// How a sync run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunEnd {
    /// It did all there was to do.
    Succeeded,
    /// It stopped on an error (it resumes from its checkpoint next time).
    Failed,
}

impl RunEnd {
    /// What the name of a run record adds to its sync's name.
    fn suffix(self) -> &'static str {
        match self {
            RunEnd::Succeeded => " ok",
            RunEnd::Failed => " failed",
        }
    }
}

/// Keeps, beside the checkpoints, how the last run of sync `name` ended:
/// `detail` is the run's counts (JSON) or its error; a failure tells the
/// administrators, in the same transaction.
pub async fn record_run(db: &DatabaseConnection, name: &str, end: RunEnd, detail: &str) -> StoreResult<()> {
    let txn = crate::begin_write(db).await?;
    set_checkpoint_in(&txn, &format!("{name}{}", end.suffix()), detail).await?;
    if end == RunEnd::Failed {
        let today = portfel_domain::calendar::local_date(Utc::now());
        crate::notices::raise(&txn, &portfel_domain::notices::Notice::sync_failed(name, detail, today)).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The sync a stored row of [`checkpoints`] belongs to, and, for a run
/// record (see [`record_run`]), how that run ended.
pub fn sync_of(name: &str) -> (&str, Option<RunEnd>) {
    [RunEnd::Succeeded, RunEnd::Failed]
        .into_iter()
        .find_map(|end| name.strip_suffix(end.suffix()).map(|sync| (sync, Some(end))))
        .unwrap_or((name, None))
}

/// Every sync checkpoint and run record: its name, when it was last set, and its value.
pub async fn checkpoints<C: ConnectionTrait>(conn: &C) -> StoreResult<Vec<(String, DateTime<Utc>, String)>> {
    let all = sync_checkpoint::Entity::find().order_by_asc(sync_checkpoint::Column::Name).all(conn).await?;
    Ok(all.into_iter().map(|c| (c.name, c.updated_at, c.value)).collect())
}

/// Stores a sync checkpoint.
pub async fn set_checkpoint(db: &DatabaseConnection, name: &str, value: &str) -> StoreResult<()> {
    let txn = crate::begin_write(db).await?;
    set_checkpoint_in(&txn, name, value).await?;
    txn.commit().await?;
    Ok(())
}

async fn set_checkpoint_in<C: ConnectionTrait>(conn: &C, name: &str, value: &str) -> StoreResult<()> {
    sync_checkpoint::Entity::delete_by_id(name.to_owned()).exec(conn).await?;
    sync_checkpoint::Entity::insert(sync_checkpoint::ActiveModel {
        name: Set(name.to_owned()),
        value: Set(value.to_owned()),
        updated_at: Set(crate::now()),
    })
    .exec(conn)
    .await?;
    Ok(())
}
