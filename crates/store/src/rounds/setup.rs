//! Setting a round up: adding projects, screening them, assigning experts.

use std::collections::BTreeMap;

use portfel_domain::notices::{self, Notice};
use portfel_domain::{FieldError, Role, Status};
use portfel_scoring::assignment::{
    ExpertLookup, NewAssignment, ProjectToStaff, check_screened, choose_experts, experts_needed, staffing,
};
use portfel_scoring::round::{Assignment, AssignmentStatus, Round, RoundProject};
use sea_orm::DatabaseConnection;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{assignments, bump, projects, to_assignment};
use crate::audit;
use crate::audit::Change;
use crate::entity::{assignment, round_project};
use crate::passports::{self, Move, transition_in};
use crate::{Actor, StoreError, StoreResult};

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
            transition_in(&txn, actor, Move::of(&passport, Status::Screening)).await?;
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

/// Takes a project out of an open round for `reason`: its assignments and
/// scores go, and the passport returns to its initiator as a draft (the
/// reason is what the initiator reads in its history).
pub async fn withdraw(
    db: &DatabaseConnection,
    actor: &Actor,
    round_id: Uuid,
    expected_version: i32,
    passport_id: Uuid,
    reason: &str,
) -> StoreResult<Vec<RoundProject>> {
    let txn = crate::begin_write(db).await?;
    bump(&txn, round_id, expected_version).await?;
    let Some(row) = round_project::Entity::find_by_id((round_id, passport_id)).one(&txn).await? else {
        return Err(StoreError::NotFound("round project"));
    };
    let dropped = assignments(&txn, round_id, Some(passport_id)).await?;
    assignment::Entity::delete_many()
        .filter(assignment::Column::RoundId.eq(round_id))
        .filter(assignment::Column::PassportId.eq(passport_id))
        .exec(&txn)
        .await?;
    round_project::Entity::delete_by_id((row.round_id, row.passport_id)).exec(&txn).await?;
    let passport = passports::get(&txn, passport_id).await?;
    if matches!(passport.status, Status::Screening | Status::UnderEvaluation) {
        let back = Move { reason: Some(reason), ..Move::of(&passport, Status::Draft) };
        transition_in(&txn, actor, back).await?;
    }
    let change = Change {
        action: "round.withdraw_project",
        entity_type: "evaluation_round",
        entity_id: round_id.to_string(),
        before: Some(&serde_json::json!({"passport_id": passport_id, "assignments": dropped})),
        after: None::<&()>,
        reason: Some(reason),
    };
    audit::record(&txn, actor, change).await?;
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

/// Assigns the one expert `sub` to a screened, eligible project of an open
/// round: a new member, or the replacement of one who declared a conflict.
pub async fn add_expert(
    db: &DatabaseConnection,
    actor: &Actor,
    round_id: Uuid,
    expected_version: i32,
    passport_id: Uuid,
    sub: &str,
) -> StoreResult<Assignment> {
    let txn = crate::begin_write(db).await?;
    let round = bump(&txn, round_id, expected_version).await?;
    let Some(row) = round_project::Entity::find_by_id((round_id, passport_id)).one(&txn).await? else {
        return Err(StoreError::NotFound("round project"));
    };
    if row.eligible != Some(true) {
        return Err(StoreError::Conflict(FieldError::of("state", "not_eligible", &[])));
    }
    let lookup = expert_lookup(&txn, sub).await?;
    let passport = passports::get(&txn, passport_id).await?;
    let project = ProjectToStaff { passport_id, organisation_id: passport.organisation_id };
    let existing = assignments(&txn, round_id, Some(passport_id)).await?;
    let chosen = staffing::add_expert(sub, lookup, project, &existing).map_err(|e| StoreError::Invalid(vec![e]))?;
    let created = insert_assignment(&txn, &round, &passport.content.title.uk, chosen).await?;
    if passport.status == Status::Screening {
        transition_in(&txn, actor, Move::of(&passport, Status::UnderEvaluation)).await?;
    }
    audit::created(&txn, actor, "round.add_expert", "evaluation_round", round_id.to_string(), &created).await?;
    txn.commit().await?;
    Ok(created)
}

/// What the users table knows of `sub` as an expert.
async fn expert_lookup<C: sea_orm::ConnectionTrait>(conn: &C, sub: &str) -> StoreResult<ExpertLookup> {
    Ok(match crate::users::by_sub(conn, sub).await? {
        Some(u) if u.data.roles.contains(&Role::Expert) => {
            ExpertLookup::Expert { organisation_id: u.data.organisation_id }
        }
        Some(_) => ExpertLookup::NotAnExpert,
        None => ExpertLookup::Unknown,
    })
}

/// Stores a new assignment of project «`title`» in `round`, awaiting the
/// expert's declaration, and tells the expert.
async fn insert_assignment<C: sea_orm::ConnectionTrait>(
    conn: &C,
    round: &Round,
    title: &str,
    new: NewAssignment,
) -> StoreResult<Assignment> {
    let round_id = round.meta.id;
    let notice = Notice::expert_assigned(&notices::Assignment {
        round: round_id,
        round_name: &round.data.name,
        passport: new.passport_id,
        title,
        expert: &new.expert,
        deadline: round.data.deadline,
    });
    crate::notices::raise(conn, &notice).await?;
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
    .exec_with_returning(conn)
    .await?;
    to_assignment(model)
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
        offered.push((sub.clone(), expert_lookup(&txn, sub).await?));
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
        let title = &passports_by_id[&new.passport_id].content.title.uk;
        created.push(insert_assignment(&txn, &r, title, new).await?);
    }
    for passport in passports_by_id.values().filter(|p| p.status == Status::Screening) {
        transition_in(&txn, actor, Move::of(passport, Status::UnderEvaluation)).await?;
    }
    audit::created(&txn, actor, "round.assign", "evaluation_round", round_id.to_string(), &created).await?;
    txn.commit().await?;
    Ok(created)
}
