//! Project passports: content revisions, lifecycle state, filtered listing.

use chrono::{DateTime, NaiveDate, Utc};
use portfel_domain::access::Visibility;
use portfel_domain::notices::Notice;
use portfel_domain::records::{Passport, PassportRevision, PassportSummary};
use portfel_domain::{PassportContent, Status};
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Func, LikeExpr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::audit::{self, Change};
use crate::entity::{passport, passport_revision as revision};
use crate::guarded::update_row;
use crate::passport_rows::{check_goals, content_columns, create_alone, revision_row, to_record};
pub(crate) use crate::passport_rows::{create_in, parse_status};
use crate::{Actor, StoreError, StoreResult};

/// Creates a draft passport for `organisation_id` with its first revision.
/// On SQLite, concurrent creates share one transaction ([`crate::group_commit`]).
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    organisation_id: Uuid,
    content: &PassportContent,
) -> StoreResult<Passport> {
    if let Some(queue) = crate::group_commit::queue(db) {
        return queue.create(db, actor, organisation_id, content).await;
    }
    create_alone(db, actor, organisation_id, content).await
}

/// One passport.
pub async fn get<C: ConnectionTrait>(conn: &C, id: Uuid) -> StoreResult<Passport> {
    passport::Entity::find_by_id(id).one(conn).await?.map(to_record).ok_or(StoreError::NotFound("passport"))?
}

/// What monitoring shows of a passport.
#[derive(Debug, Clone, PartialEq)]
pub struct Brief {
    /// Id.
    pub id: Uuid,
    /// Title (Ukrainian).
    pub title: String,
    /// Lifecycle state.
    pub status: Status,
    /// First year of implementation.
    pub start_year: Option<i32>,
    /// Last year of implementation.
    pub end_year: Option<i32>,
    /// Total cost over all years.
    pub total_cost: portfel_domain::Uah,
}

/// The columns a [`Brief`] is read from.
#[derive(Debug, FromQueryResult)]
struct BriefRow {
    id: Uuid,
    title: String,
    status: String,
    start_year: Option<i32>,
    end_year: Option<i32>,
    total_cost: Option<String>,
}

/// [`Brief`]s of the passports with these ids (unknown ids are left out),
/// reading only the columns they need.
pub async fn briefs<C: ConnectionTrait>(conn: &C, ids: &[Uuid]) -> StoreResult<Vec<Brief>> {
    use passport::Column as P;
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        let rows = passport::Entity::find()
            .select_only()
            .columns([P::Id, P::Title, P::Status, P::StartYear, P::EndYear, P::TotalCost])
            .filter(P::Id.is_in(chunk.iter().copied()))
            .into_model::<BriefRow>()
            .all(conn)
            .await?;
        for row in rows {
            out.push(Brief {
                id: row.id,
                title: row.title,
                status: parse_status(&row.status)?,
                start_year: row.start_year,
                end_year: row.end_year,
                total_cost: decimal("total_cost", row.total_cost)?.unwrap_or_default(),
            });
        }
    }
    Ok(out)
}

/// Replaces the content with a new revision, if the passport is still at `expected_version`.
pub async fn update_content(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
    content: &PassportContent,
) -> StoreResult<Passport> {
    let txn = crate::begin_write(db).await?;
    let after = update_content_in(&txn, actor, id, expected_version, content).await?;
    txn.commit().await?;
    Ok(after)
}

/// [`update_content`] inside the caller's transaction.
pub(crate) async fn update_content_in<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
    content: &PassportContent,
) -> StoreResult<Passport> {
    let before = get(conn, id).await?;
    crate::check_version(before.meta.version, expected_version)?;
    check_goals(conn, content).await?;
    let now = crate::now();
    let next_revision = before.revision + 1;
    let mut model = passport::ActiveModel { revision: Set(next_revision), ..Default::default() };
    content_columns(&mut model, content)?;
    update_row::<passport::Entity, C>(conn, id, expected_version, model, "passport").await?;
    let revision = revision_row(id, next_revision, before.status, &serde_json::to_string(content)?, &actor.sub, now);
    revision::Entity::insert(revision).exec(conn).await?;
    let after = get(conn, id).await?;
    audit::updated(conn, actor, "passport.update", "passport", id.to_string(), &before, &after).await?;
    Ok(after)
}

/// Moves a passport to `to`, if it is still at `expected_version`. The
/// caller has checked the lifecycle rule; the reason goes to the audit log.
/// A project leaves implementation only with an accepted completion report
/// of that outcome ([`portfel_monitoring::completion::check_closing`]).
pub async fn transition(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
    to: Status,
    (reason, back_by): (Option<&str>, Option<NaiveDate>),
) -> StoreResult<Passport> {
    let txn = crate::begin_write(db).await?;
    if get(&txn, id).await?.status == Status::Implementation && to.is_terminal() {
        let report = crate::completion_rows::of_passport(&txn, id).await?;
        let accepted = portfel_monitoring::completion::accepted_outcome(report.as_ref());
        portfel_monitoring::completion::check_closing(to, accepted).map_err(StoreError::Conflict)?;
    }
    let after = transition_in(&txn, actor, Move { id, expected_version, to, reason, back_by }).await?;
    txn.commit().await?;
    Ok(after)
}

/// A lifecycle move of one passport, from the version its mover read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Move<'a> {
    /// The passport.
    pub id: Uuid,
    /// The version the mover read.
    pub expected_version: i32,
    /// The state it moves to.
    pub to: Status,
    /// Why, for the audit log.
    pub reason: Option<&'a str>,
    /// For a return to the initiator: the day to submit again by.
    pub back_by: Option<NaiveDate>,
}

impl Move<'_> {
    /// Moves `passport`, as just read, to `to` with no reason given.
    pub(crate) fn of(passport: &Passport, to: Status) -> Move<'static> {
        Move { id: passport.meta.id, expected_version: passport.meta.version, to, reason: None, back_by: None }
    }
}

/// [`transition`] inside the caller's transaction.
pub(crate) async fn transition_in<C: ConnectionTrait>(conn: &C, actor: &Actor, m: Move<'_>) -> StoreResult<Passport> {
    let Move { id, expected_version, to, reason, back_by } = m;
    let before = get(conn, id).await?;
    crate::check_version(before.meta.version, expected_version)?;
    let now = crate::now();
    let mut model = passport::ActiveModel { status: Set(to.as_str().to_owned()), ..Default::default() };
    if to == Status::Submitted && before.submitted_at.is_none() {
        model.submitted_at = Set(Some(now));
    }
    // A return sets the day to come back by (or none); leaving the draft clears it.
    if to == Status::Draft || before.status == Status::Draft {
        model.resubmit_by = Set(back_by.filter(|_| to == Status::Draft));
    }
    update_row::<passport::Entity, C>(conn, id, expected_version, model, "passport").await?;
    let after = get(conn, id).await?;
    let title = &after.content.title.uk;
    let moved = (before.status, after.status);
    let said = (reason, after.resubmit_by);
    if let Some(notice) = Notice::of_move(id, after.meta.version, after.organisation_id, title, moved, said) {
        crate::notices::raise(conn, &notice).await?;
    }
    audit::record(
        conn,
        actor,
        Change {
            action: "passport.transition",
            entity_type: "passport",
            entity_id: id.to_string(),
            before: Some(&serde_json::json!({ "status": before.status, "version": before.meta.version })),
            after: Some(&serde_json::json!({ "status": after.status, "version": after.meta.version })),
            reason,
        },
    )
    .await?;
    Ok(after)
}

/// Filters for listing passports.
#[derive(Debug, Clone, Default)]
pub struct PassportFilter {
    /// What the caller may see.
    pub visibility: Visibility,
    /// Only this state.
    pub status: Option<Status>,
    /// Only this organisation.
    pub organisation_id: Option<Uuid>,
    /// Only this sector (WB-ECO code).
    pub sector: Option<String>,
    /// Only projects running in this year.
    pub year: Option<i32>,
    /// Only passports with every word of this text ([`portfel_domain::passport::search_words`])
    /// in their title, description or DREAM code, in any case.
    pub text: Option<String>,
    /// Only passports costing at least this much.
    pub cost_from: Option<Decimal>,
    /// Only passports costing at most this much.
    pub cost_to: Option<Decimal>,
    /// Only passports created after this one (cursor).
    pub after: Option<Uuid>,
    /// Page size.
    pub limit: u64,
}

fn visibility_condition(v: &Visibility) -> Condition {
    if v.all {
        return Condition::all();
    }
    let mut any = Condition::any();
    if v.submitted {
        any = any.add(passport::Column::Status.ne(Status::Draft.as_str()));
    }
    if let Some(org) = v.organisation {
        any = any.add(passport::Column::OrganisationId.eq(org));
    }
    if !v.submitted && v.organisation.is_none() {
        any = any.add(Expr::value(false));
    }
    any
}

/// A passport's total cost as a number the database compares (the column
/// holds the decimal's text, exact to the kopeck).
fn total_cost() -> Expr {
    Expr::col((passport::Entity, passport::Column::TotalCost)).cast_as("NUMERIC")
}

/// Passports with `word` in their search text or their DREAM code (on
/// PostgreSQL the `LIKE` is answered by the `pg_trgm` index; SQLite reads the
/// rows in id order and stops at a page).
fn word_condition(word: &str) -> Condition {
    use crate::entity::dream_link;
    let escaped = word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    let pattern = || LikeExpr::new(format!("%{escaped}%")).escape('\\');
    let code = Query::select()
        .column(dream_link::Column::PassportId)
        .from(dream_link::Entity)
        .and_where(Func::lower(Expr::col(dream_link::Column::Code)).like(pattern()))
        .to_owned();
    Condition::any().add(passport::Column::SearchText.like(pattern())).add(passport::Column::Id.in_subquery(code))
}

/// The passports `filter` selects, in creation order, one more than a page
/// (to tell whether another page follows).
fn filtered(filter: &PassportFilter) -> sea_orm::Select<passport::Entity> {
    let mut query = passport::Entity::find()
        .filter(visibility_condition(&filter.visibility))
        .order_by_asc(passport::Column::Id)
        .limit(filter.limit + 1);
    if let Some(s) = filter.status {
        query = query.filter(passport::Column::Status.eq(s.as_str()));
    }
    if let Some(org) = filter.organisation_id {
        query = query.filter(passport::Column::OrganisationId.eq(org));
    }
    if let Some(sector) = &filter.sector {
        query = query.filter(passport::Column::Sector.eq(sector.as_str()));
    }
    if let Some(year) = filter.year {
        query = query.filter(passport::Column::StartYear.lte(year)).filter(passport::Column::EndYear.gte(year));
    }
    if let Some(text) = &filter.text {
        for word in portfel_domain::passport::search_words(text) {
            query = query.filter(word_condition(&word));
        }
    }
    if let Some(from) = filter.cost_from {
        query = query.filter(total_cost().gte(Expr::val(from.to_string()).cast_as("NUMERIC")));
    }
    if let Some(to) = filter.cost_to {
        query = query.filter(total_cost().lte(Expr::val(to.to_string()).cast_as("NUMERIC")));
    }
    if let Some(after) = filter.after {
        query = query.filter(passport::Column::Id.gt(after));
    }
    query
}

/// Cuts a page to its size; the cursor of the next page is the last id kept.
fn page<T>(mut rows: Vec<T>, limit: u64, id: impl Fn(&T) -> Uuid) -> (Vec<T>, Option<Uuid>) {
    if rows.len() as u64 > limit {
        rows.truncate(limit as usize);
        let next = rows.last().map(id);
        (rows, next)
    } else {
        (rows, None)
    }
}

/// A page of passports in creation order, and the cursor of the next page.
pub async fn list<C: ConnectionTrait>(conn: &C, filter: &PassportFilter) -> StoreResult<(Vec<Passport>, Option<Uuid>)> {
    let (rows, next) = page(filtered(filter).all(conn).await?, filter.limit, |r| r.id);
    Ok((rows.into_iter().map(to_record).collect::<StoreResult<_>>()?, next))
}

/// A passport's list columns, its organisation's name and its DREAM code.
#[derive(Debug, FromQueryResult)]
struct SummaryRow {
    id: Uuid,
    code: Option<String>,
    title: String,
    organisation_id: Uuid,
    organisation: Option<String>,
    status: String,
    sector: Option<String>,
    total_cost: Option<String>,
    start_year: Option<i32>,
    end_year: Option<i32>,
    score: Option<String>,
    rank: Option<i32>,
    version: i32,
    updated_at: DateTime<Utc>,
    resubmit_by: Option<NaiveDate>,
}

/// A decimal column read back (total cost, score).
fn decimal<T: std::str::FromStr>(column: &str, text: Option<String>) -> StoreResult<Option<T>> {
    text.map(|t| t.parse().map_err(|_| StoreError::Corrupt(format!("passport {column} {t:?}")))).transpose()
}

impl SummaryRow {
    fn summary(self) -> StoreResult<PassportSummary> {
        Ok(PassportSummary {
            id: self.id,
            code: self.code,
            title: self.title,
            organisation_id: self.organisation_id,
            organisation: self.organisation.unwrap_or_default(),
            status: parse_status(&self.status)?,
            sector: self.sector,
            total_cost: decimal("total_cost", self.total_cost)?.unwrap_or_default(),
            start_year: self.start_year,
            end_year: self.end_year,
            score: decimal("score", self.score)?,
            rank: self.rank.map(|r| r.unsigned_abs()),
            version: self.version,
            updated_at: self.updated_at,
            resubmit_by: self.resubmit_by,
        })
    }
}

/// A page of passport summaries in creation order, and the cursor of the next
/// page: one query, no documents read.
pub async fn summaries<C: ConnectionTrait>(
    conn: &C,
    filter: &PassportFilter,
) -> StoreResult<(Vec<PassportSummary>, Option<Uuid>)> {
    use crate::entity::{dream_link, organisation};
    use passport::Column as P;
    let rows = filtered(filter)
        .select_only()
        .columns([P::Id, P::Title, P::OrganisationId, P::Status, P::Sector, P::TotalCost])
        .columns([P::StartYear, P::EndYear, P::Score, P::Rank, P::Version, P::UpdatedAt, P::ResubmitBy])
        .column_as(organisation::Column::Name, "organisation")
        .column_as(dream_link::Column::Code, "code")
        .join(
            JoinType::LeftJoin,
            passport::Entity::belongs_to(organisation::Entity)
                .from(P::OrganisationId)
                .to(organisation::Column::Id)
                .into(),
        )
        .join(
            JoinType::LeftJoin,
            passport::Entity::belongs_to(dream_link::Entity).from(P::Id).to(dream_link::Column::PassportId).into(),
        )
        .into_model::<SummaryRow>()
        .all(conn)
        .await?;
    let (rows, next) = page(rows, filter.limit, |r| r.id);
    Ok((rows.into_iter().map(SummaryRow::summary).collect::<StoreResult<_>>()?, next))
}

fn revision_record(m: revision::Model) -> StoreResult<PassportRevision> {
    Ok(PassportRevision {
        passport_id: m.passport_id,
        revision: m.revision,
        status: parse_status(&m.status)?,
        author: m.author,
        created_at: m.created_at,
        content: serde_json::from_str(&m.content)?,
    })
}

/// Every revision of a passport, oldest first.
pub async fn revisions<C: ConnectionTrait>(conn: &C, id: Uuid) -> StoreResult<Vec<PassportRevision>> {
    let query =
        revision::Entity::find().filter(revision::Column::PassportId.eq(id)).order_by_asc(revision::Column::Revision);
    crate::records(conn, query, revision_record).await
}

/// One revision of a passport.
pub async fn revision<C: ConnectionTrait>(conn: &C, id: Uuid, number: i32) -> StoreResult<PassportRevision> {
    revision::Entity::find_by_id((id, number))
        .one(conn)
        .await?
        .map(revision_record)
        .ok_or(StoreError::NotFound("revision"))?
}

/// The lifecycle steps of passport `id`, oldest first, from the audit log.
pub async fn history<C: ConnectionTrait>(conn: &C, id: Uuid) -> StoreResult<Vec<portfel_domain::records::StateChange>> {
    use crate::entity::audit_event::{Column, Entity};
    let rows = Entity::find()
        .filter(Column::EntityType.eq("passport"))
        .filter(Column::EntityId.eq(id.to_string()))
        .filter(Column::Action.eq("passport.transition"))
        .order_by_asc(Column::Id)
        .all(conn)
        .await?;
    let state = |text: &Option<String>| -> StoreResult<Status> {
        let value: serde_json::Value = serde_json::from_str(text.as_deref().unwrap_or("{}"))?;
        parse_status(value["status"].as_str().unwrap_or_default())
    };
    let mut names: std::collections::HashMap<String, Option<String>> = std::collections::HashMap::new();
    let mut out = Vec::new();
    for e in rows {
        if !names.contains_key(&e.actor) {
            let name = crate::users::by_sub(conn, &e.actor).await?.map(|u| u.data.full_name);
            names.insert(e.actor.clone(), name);
        }
        let actor_name = names[&e.actor].clone();
        out.push(portfel_domain::records::StateChange {
            at: e.at,
            actor: e.actor,
            actor_name,
            from: state(&e.before)?,
            to: state(&e.after)?,
            reason: e.reason,
        });
    }
    Ok(out)
}
