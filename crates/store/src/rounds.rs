//! Evaluation rounds: projects, screening, expert assignment with conflict of
//! interest declarations, blind scoring, disagreement resolution and closing.

use std::collections::BTreeMap;

use portfel_domain::records::Meta;
use portfel_domain::{FieldError, Role, Status};
use portfel_scoring::CriterionKind;
use portfel_scoring::assignment::{ExpertLookup, ProjectToStaff, check_screened, choose_experts, experts_needed};
use portfel_scoring::closing::{close_round, submitted_on};
use portfel_scoring::round::{
    Assignment, AssignmentStatus, ConsensusNote, Disagreement, ExpertScore, MethodologyStatus, Round, RoundInput,
    RoundProject, RoundResults, RoundStatus, check_scores, disagreements,
};
use portfel_scoring::sensitivity::SensitivityConfig;
use sea_orm::DatabaseConnection;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::audit;
use crate::entity::{assignment, evaluation_round as round, round_project};
use crate::guarded::update_row;
use crate::passports::{self, transition_in};
use crate::{Actor, StoreError, StoreResult};

fn parse_status(s: &str) -> StoreResult<RoundStatus> {
    match s {
        "open" => Ok(RoundStatus::Open),
        "closed" => Ok(RoundStatus::Closed),
        other => Err(StoreError::Corrupt(format!("round status {other:?}"))),
    }
}

fn to_round(m: round::Model) -> StoreResult<Round> {
    Ok(Round {
        meta: Meta { id: m.id, version: m.version, created_at: m.created_at, updated_at: m.updated_at },
        data: RoundInput { name: m.name, methodology_id: m.methodology_id, deadline: m.deadline },
        status: parse_status(&m.status)?,
        closed_at: m.closed_at,
    })
}

fn to_project(m: round_project::Model) -> StoreResult<RoundProject> {
    Ok(RoundProject {
        passport_id: m.passport_id,
        screening: m.screening.as_deref().map(serde_json::from_str).transpose()?,
        eligible: m.eligible,
        consensus: serde_json::from_str(&m.consensus)?,
        added_at: m.added_at,
    })
}

fn to_assignment(m: assignment::Model) -> StoreResult<Assignment> {
    Ok(Assignment {
        round_id: m.round_id,
        passport_id: m.passport_id,
        status: AssignmentStatus::parse(&m.status)
            .ok_or_else(|| StoreError::Corrupt(format!("assignment status {:?}", m.status)))?,
        expert: m.expert,
        conflict_note: m.conflict_note,
        scores: serde_json::from_str(&m.scores)?,
        submitted_at: m.submitted_at,
    })
}

/// Opens a round on an approved methodology.
pub async fn create(db: &DatabaseConnection, actor: &Actor, input: &RoundInput) -> StoreResult<Round> {
    let txn = crate::begin_write(db).await?;
    let methodology = crate::methodologies::get(&txn, input.methodology_id).await.map_err(|e| match e {
        StoreError::NotFound(_) => StoreError::invalid("methodology_id", "unknown_reference", "no such methodology"),
        other => other,
    })?;
    if methodology.status != MethodologyStatus::Approved {
        return Err(StoreError::invalid(
            "methodology_id",
            "not_approved",
            "a round needs an approved methodology version",
        ));
    }
    let now = crate::now();
    let model = round::Entity::insert(round::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(input.name.clone()),
        methodology_id: Set(input.methodology_id),
        deadline: Set(input.deadline),
        status: Set("open".into()),
        results: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        closed_at: Set(None),
    })
    .exec_with_returning(&txn)
    .await?;
    let record = to_round(model)?;
    audit::created(&txn, actor, "round.create", "evaluation_round", record.meta.id.to_string(), &record).await?;
    txn.commit().await?;
    Ok(record)
}

/// One round.
pub async fn get<C: ConnectionTrait>(conn: &C, id: Uuid) -> StoreResult<Round> {
    round::Entity::find_by_id(id).one(conn).await?.map(to_round).ok_or(StoreError::NotFound("evaluation round"))?
}

/// All rounds, oldest first.
pub async fn list<C: ConnectionTrait>(conn: &C) -> StoreResult<Vec<Round>> {
    round::Entity::find().order_by_asc(round::Column::Id).all(conn).await?.into_iter().map(to_round).collect()
}

/// Projects of a round, in the order they were added.
pub async fn projects<C: ConnectionTrait>(conn: &C, round_id: Uuid) -> StoreResult<Vec<RoundProject>> {
    round_project::Entity::find()
        .filter(round_project::Column::RoundId.eq(round_id))
        .order_by_asc(round_project::Column::AddedAt)
        .order_by_asc(round_project::Column::PassportId)
        .all(conn)
        .await?
        .into_iter()
        .map(to_project)
        .collect()
}

async fn project<C: ConnectionTrait>(conn: &C, round_id: Uuid, passport_id: Uuid) -> StoreResult<RoundProject> {
    round_project::Entity::find_by_id((round_id, passport_id))
        .one(conn)
        .await?
        .map(to_project)
        .ok_or(StoreError::NotFound("project in this round"))?
}

/// Assignments of a round (optionally of one project), by project then expert.
pub async fn assignments<C: ConnectionTrait>(
    conn: &C,
    round_id: Uuid,
    passport_id: Option<Uuid>,
) -> StoreResult<Vec<Assignment>> {
    let mut query = assignment::Entity::find().filter(assignment::Column::RoundId.eq(round_id));
    if let Some(p) = passport_id {
        query = query.filter(assignment::Column::PassportId.eq(p));
    }
    query
        .order_by_asc(assignment::Column::PassportId)
        .order_by_asc(assignment::Column::Expert)
        .all(conn)
        .await?
        .into_iter()
        .map(to_assignment)
        .collect()
}

/// Assignments of one expert across all rounds.
pub async fn assignments_of<C: ConnectionTrait>(conn: &C, expert: &str) -> StoreResult<Vec<Assignment>> {
    assignment::Entity::find()
        .filter(assignment::Column::Expert.eq(expert))
        .order_by_asc(assignment::Column::RoundId)
        .order_by_asc(assignment::Column::PassportId)
        .all(conn)
        .await?
        .into_iter()
        .map(to_assignment)
        .collect()
}

/// True when `expert` declared no conflict on this passport in some round and may see it.
pub async fn expert_can_see<C: ConnectionTrait>(conn: &C, expert: &str, passport_id: Uuid) -> StoreResult<bool> {
    Ok(assignment::Entity::find()
        .filter(assignment::Column::Expert.eq(expert))
        .filter(assignment::Column::PassportId.eq(passport_id))
        .filter(assignment::Column::Status.eq(AssignmentStatus::Active.as_str()))
        .one(conn)
        .await?
        .is_some())
}

/// Locks an open round at `expected_version` for a round-level change and bumps its version.
async fn bump<C: ConnectionTrait>(conn: &C, round_id: Uuid, expected_version: i32) -> StoreResult<Round> {
    let current = get(conn, round_id).await?;
    crate::check_version(current.meta.version, expected_version)?;
    if current.status != RoundStatus::Open {
        return Err(StoreError::Conflict("the round is closed; its results are frozen".into()));
    }
    update_row::<round::Entity, C>(conn, round_id, expected_version, round::ActiveModel::default(), "round").await?;
    Ok(current)
}

async fn require_open<C: ConnectionTrait>(conn: &C, round_id: Uuid) -> StoreResult<Round> {
    let r = get(conn, round_id).await?;
    if r.status == RoundStatus::Open {
        Ok(r)
    } else {
        Err(StoreError::Conflict("the round is closed; its results are frozen".into()))
    }
}

/// Adds submitted passports to an open round; submitted ones move to screening.
pub async fn add_projects(
    db: &DatabaseConnection,
    actor: &Actor,
    round_id: Uuid,
    expected_version: i32,
    passport_ids: &[Uuid],
) -> StoreResult<Vec<RoundProject>> {
    let txn = crate::begin_write(db).await?;
    bump(&txn, round_id, expected_version).await?;
    let mut errors = Vec::new();
    for (i, id) in passport_ids.iter().enumerate() {
        let field = format!("passport_ids[{i}]");
        let passport = match passports::get(&txn, *id).await {
            Ok(p) => p,
            Err(StoreError::NotFound(_)) => {
                errors.push(FieldError::new(field, "unknown_reference", format!("no passport with id {id}")));
                continue;
            }
            Err(e) => return Err(e),
        };
        if !matches!(passport.status, Status::Submitted | Status::Screening) {
            errors.push(FieldError::new(
                field,
                "wrong_state",
                format!("the passport is '{}'; only submitted passports join a round", passport.status),
            ));
            continue;
        }
        if round_project::Entity::find_by_id((round_id, *id)).one(&txn).await?.is_some() {
            errors.push(FieldError::new(field, "duplicate", "the passport is already in this round"));
            continue;
        }
        round_project::Entity::insert(round_project::ActiveModel {
            round_id: Set(round_id),
            passport_id: Set(*id),
            screening: Set(None),
            eligible: Set(None),
            consensus: Set("{}".into()),
            added_at: Set(crate::now()),
        })
        .exec(&txn)
        .await?;
        if passport.status == Status::Submitted {
            transition_in(&txn, actor, *id, passport.meta.version, Status::Screening, None).await?;
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    audit::created(&txn, actor, "round.add_projects", "evaluation_round", round_id.to_string(), &passport_ids).await?;
    let all = projects(&txn, round_id).await?;
    txn.commit().await?;
    Ok(all)
}

/// Runs the methodology's gates on every project of the round.
pub async fn screen(
    db: &DatabaseConnection,
    actor: &Actor,
    round_id: Uuid,
    expected_version: i32,
) -> StoreResult<Vec<RoundProject>> {
    let txn = crate::begin_write(db).await?;
    let r = bump(&txn, round_id, expected_version).await?;
    let methodology = crate::methodologies::get(&txn, r.data.methodology_id).await?.definition;
    for p in projects(&txn, round_id).await? {
        let passport = passports::get(&txn, p.passport_id).await?;
        let gates: Vec<_> = methodology.gates.iter().map(|g| g.check(&passport.content)).collect();
        let eligible = gates.iter().all(|g| g.passed);
        round_project::Entity::update_many()
            .col_expr(round_project::Column::Screening, serde_json::to_string(&gates)?.into())
            .col_expr(round_project::Column::Eligible, eligible.into())
            .filter(round_project::Column::RoundId.eq(round_id))
            .filter(round_project::Column::PassportId.eq(p.passport_id))
            .exec(&txn)
            .await?;
    }
    let after = projects(&txn, round_id).await?;
    audit::created(&txn, actor, "round.screen", "evaluation_round", round_id.to_string(), &after).await?;
    txn.commit().await?;
    Ok(after)
}

/// Assigns experts to every eligible project up to `per_project` (default: the
/// methodology's minimum), balancing load and never assigning an expert of the
/// initiating organisation or one who declared a conflict. All or nothing.
pub async fn assign(
    db: &DatabaseConnection,
    actor: &Actor,
    round_id: Uuid,
    expected_version: i32,
    experts: &[String],
    per_project: Option<u8>,
) -> StoreResult<Vec<Assignment>> {
    let txn = crate::begin_write(db).await?;
    let r = bump(&txn, round_id, expected_version).await?;
    let methodology = crate::methodologies::get(&txn, r.data.methodology_id).await?.definition;
    let mut offered = Vec::new();
    for sub in experts {
        let lookup = match crate::users::by_sub(&txn, sub).await? {
            Some(u) if u.data.roles.contains(&Role::Expert) => {
                ExpertLookup::Expert { organisation_id: u.data.organisation_id }
            }
            Some(_) => ExpertLookup::NotAnExpert,
            None => ExpertLookup::Unknown,
        };
        offered.push((sub.clone(), lookup));
    }
    let round_projects = projects(&txn, round_id).await?;
    check_screened(&round_projects).map_err(StoreError::Conflict)?;
    let mut staffed = Vec::new();
    let mut passports_by_id = BTreeMap::new();
    for p in round_projects.iter().filter(|p| p.eligible == Some(true)) {
        let passport = passports::get(&txn, p.passport_id).await?;
        staffed.push(ProjectToStaff { passport_id: p.passport_id, organisation_id: passport.organisation_id });
        passports_by_id.insert(p.passport_id, passport);
    }
    let existing = assignments(&txn, round_id, None).await?;
    let chosen = choose_experts(&offered, &staffed, &existing, experts_needed(&methodology, per_project))
        .map_err(StoreError::Invalid)?;
    let mut created = Vec::new();
    for new in chosen {
        let model = assignment::Entity::insert(assignment::ActiveModel {
            round_id: Set(round_id),
            passport_id: Set(new.passport_id),
            expert: Set(new.expert),
            status: Set(AssignmentStatus::AwaitingDeclaration.as_str().into()),
            conflict_note: Set(None),
            scores: Set("[]".into()),
            submitted_at: Set(None),
            updated_at: Set(crate::now()),
        })
        .exec_with_returning(&txn)
        .await?;
        created.push(to_assignment(model)?);
    }
    for passport in passports_by_id.values().filter(|p| p.status == Status::Screening) {
        transition_in(&txn, actor, passport.meta.id, passport.meta.version, Status::UnderEvaluation, None).await?;
    }
    audit::created(&txn, actor, "round.assign", "evaluation_round", round_id.to_string(), &created).await?;
    txn.commit().await?;
    Ok(created)
}

async fn own_assignment<C: ConnectionTrait>(
    conn: &C,
    round_id: Uuid,
    passport_id: Uuid,
    expert: &str,
) -> StoreResult<Assignment> {
    assignment::Entity::find_by_id((round_id, passport_id, expert.to_owned()))
        .one(conn)
        .await?
        .map(to_assignment)
        .ok_or(StoreError::NotFound("assignment"))?
}

async fn write_assignment<C: ConnectionTrait>(conn: &C, a: &Assignment) -> StoreResult<()> {
    assignment::Entity::update_many()
        .set(assignment::ActiveModel {
            status: Set(a.status.as_str().into()),
            conflict_note: Set(a.conflict_note.clone()),
            scores: Set(serde_json::to_string(&a.scores)?),
            submitted_at: Set(a.submitted_at),
            updated_at: Set(crate::now()),
            ..Default::default()
        })
        .filter(assignment::Column::RoundId.eq(a.round_id))
        .filter(assignment::Column::PassportId.eq(a.passport_id))
        .filter(assignment::Column::Expert.eq(a.expert.as_str()))
        .exec(conn)
        .await?;
    Ok(())
}

/// An expert declares whether it has a conflict of interest with a project.
pub async fn declare(
    db: &DatabaseConnection,
    actor: &Actor,
    round_id: Uuid,
    passport_id: Uuid,
    conflict: bool,
    note: Option<String>,
) -> StoreResult<Assignment> {
    let txn = crate::begin_write(db).await?;
    require_open(&txn, round_id).await?;
    let before = own_assignment(&txn, round_id, passport_id, &actor.sub).await?;
    if before.status != AssignmentStatus::AwaitingDeclaration {
        return Err(StoreError::Conflict("the declaration for this project has been made already".into()));
    }
    let mut after = before.clone();
    after.status = if conflict { AssignmentStatus::Conflict } else { AssignmentStatus::Active };
    after.conflict_note = note;
    write_assignment(&txn, &after).await?;
    audit::updated(
        &txn,
        actor,
        "assignment.declare",
        "assignment",
        format!("{round_id}/{passport_id}/{}", actor.sub),
        &before,
        &after,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// An expert saves (and with `submit`, finalises) its scores on a project.
pub async fn save_scores(
    db: &DatabaseConnection,
    actor: &Actor,
    round_id: Uuid,
    passport_id: Uuid,
    scores: Vec<ExpertScore>,
    submit: bool,
) -> StoreResult<Assignment> {
    let txn = crate::begin_write(db).await?;
    let r = require_open(&txn, round_id).await?;
    let before = own_assignment(&txn, round_id, passport_id, &actor.sub).await?;
    match before.status {
        AssignmentStatus::AwaitingDeclaration => {
            return Err(StoreError::Conflict("declare whether you have a conflict of interest first".into()));
        }
        AssignmentStatus::Conflict => {
            return Err(StoreError::Conflict("you declared a conflict of interest on this project".into()));
        }
        AssignmentStatus::Active => {}
    }
    if before.submitted_at.is_some() {
        return Err(StoreError::Conflict("your scores are submitted; the PIM unit may reopen them".into()));
    }
    let methodology = crate::methodologies::get(&txn, r.data.methodology_id).await?.definition;
    let errors = check_scores(&methodology, &scores, submit);
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let mut after = before.clone();
    after.scores = scores;
    after.submitted_at = submit.then(crate::now);
    write_assignment(&txn, &after).await?;
    let action = if submit { "assignment.submit" } else { "assignment.save" };
    audit::updated(
        &txn,
        actor,
        action,
        "assignment",
        format!("{round_id}/{passport_id}/{}", actor.sub),
        &before,
        &after,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// The PIM unit reopens an expert's submitted scores, giving a reason.
pub async fn reopen(
    db: &DatabaseConnection,
    actor: &Actor,
    round_id: Uuid,
    passport_id: Uuid,
    expert: &str,
    reason: &str,
) -> StoreResult<Assignment> {
    let txn = crate::begin_write(db).await?;
    require_open(&txn, round_id).await?;
    let before = own_assignment(&txn, round_id, passport_id, expert).await?;
    if before.submitted_at.is_none() {
        return Err(StoreError::Conflict("these scores are not submitted".into()));
    }
    let mut after = before.clone();
    after.submitted_at = None;
    write_assignment(&txn, &after).await?;
    audit::record(
        &txn,
        actor,
        audit::Change {
            action: "assignment.reopen",
            entity_type: "assignment",
            entity_id: format!("{round_id}/{passport_id}/{expert}"),
            before: Some(&before),
            after: Some(&after),
            reason: Some(reason),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// The PIM unit records a consensus note resolving disagreement on a criterion.
pub async fn resolve(
    db: &DatabaseConnection,
    actor: &Actor,
    round_id: Uuid,
    passport_id: Uuid,
    criterion: &str,
    note: &str,
) -> StoreResult<RoundProject> {
    let txn = crate::begin_write(db).await?;
    let r = require_open(&txn, round_id).await?;
    let methodology = crate::methodologies::get(&txn, r.data.methodology_id).await?.definition;
    if !methodology.criterion(criterion).is_some_and(|c| matches!(c.kind, CriterionKind::Expert { .. })) {
        return Err(StoreError::invalid(
            "criterion",
            "unknown_criterion",
            format!("{criterion} is not an expert criterion of the methodology"),
        ));
    }
    let before = project(&txn, round_id, passport_id).await?;
    let mut after = before.clone();
    after
        .consensus
        .insert(criterion.to_owned(), ConsensusNote { note: note.to_owned(), by: actor.sub.clone(), at: crate::now() });
    round_project::Entity::update_many()
        .col_expr(round_project::Column::Consensus, serde_json::to_string(&after.consensus)?.into())
        .filter(round_project::Column::RoundId.eq(round_id))
        .filter(round_project::Column::PassportId.eq(passport_id))
        .exec(&txn)
        .await?;
    audit::updated(
        &txn,
        actor,
        "round.resolve_disagreement",
        "evaluation_round",
        round_id.to_string(),
        &before,
        &after,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Submitted assignments on one project.
/// Disagreements among submitted scores of the round.
pub async fn disagreements_of<C: ConnectionTrait>(conn: &C, round_id: Uuid) -> StoreResult<Vec<Disagreement>> {
    let r = get(conn, round_id).await?;
    let methodology = crate::methodologies::get(conn, r.data.methodology_id).await?.definition;
    let all = assignments(conn, round_id, None).await?;
    let mut out = Vec::new();
    for p in projects(conn, round_id).await? {
        let submitted: Vec<&Assignment> = submitted_on(&all, p.passport_id).collect();
        out.extend(disagreements(&methodology, &p, &submitted));
    }
    Ok(out)
}

/// Closes the round: every eligible project must have enough submitted scores
/// and no unresolved disagreement. Computes and freezes the results; evaluated
/// projects move to `evaluated`.
pub async fn close(
    db: &DatabaseConnection,
    actor: &Actor,
    round_id: Uuid,
    expected_version: i32,
    sensitivity: &SensitivityConfig,
) -> StoreResult<(Round, RoundResults)> {
    let txn = crate::begin_write(db).await?;
    let r = bump(&txn, round_id, expected_version).await?;
    let methodology = crate::methodologies::get(&txn, r.data.methodology_id).await?.definition;
    let round_projects = projects(&txn, round_id).await?;
    let all = assignments(&txn, round_id, None).await?;
    let mut passports_by_id = BTreeMap::new();
    for p in &round_projects {
        passports_by_id.insert(p.passport_id, passports::get(&txn, p.passport_id).await?);
    }
    let results =
        close_round(&methodology, &round_projects, &all, &passports_by_id, sensitivity).map_err(StoreError::Invalid)?;
    let now = crate::now();
    round::Entity::update_many()
        .set(round::ActiveModel {
            status: Set("closed".into()),
            results: Set(Some(serde_json::to_string(&results)?)),
            closed_at: Set(Some(now)),
            updated_at: Set(now),
            ..Default::default()
        })
        .filter(round::Column::Id.eq(round_id))
        .exec(&txn)
        .await?;
    for e in results.evaluations.iter().filter(|e| e.eligible) {
        let passport = &passports_by_id[&e.id];
        if passport.status == Status::UnderEvaluation {
            transition_in(&txn, actor, e.id, passport.meta.version, Status::Evaluated, None).await?;
        }
    }
    let closed = get(&txn, round_id).await?;
    audit::updated(&txn, actor, "round.close", "evaluation_round", round_id.to_string(), &r, &closed).await?;
    txn.commit().await?;
    Ok((closed, results))
}

/// The frozen results of a closed round.
pub async fn results<C: ConnectionTrait>(conn: &C, round_id: Uuid) -> StoreResult<RoundResults> {
    let model = round::Entity::find_by_id(round_id).one(conn).await?.ok_or(StoreError::NotFound("evaluation round"))?;
    let json = model.results.ok_or_else(|| StoreError::Conflict("the round is not closed yet".into()))?;
    Ok(serde_json::from_str(&json)?)
}
