//! Setting a round up: adding projects, screening them, assigning experts.

use std::collections::BTreeMap;

use portfel_domain::{FieldError, Role, Status};
use portfel_scoring::assignment::{ExpertLookup, ProjectToStaff, check_screened, choose_experts, experts_needed};
use portfel_scoring::round::{Assignment, AssignmentStatus, RoundProject};
use sea_orm::DatabaseConnection;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{assignments, bump, projects, to_assignment};
use crate::audit;
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
        transition_in(&txn, actor, Move::of(passport, Status::UnderEvaluation)).await?;
    }
    audit::created(&txn, actor, "round.assign", "evaluation_round", round_id.to_string(), &created).await?;
    txn.commit().await?;
    Ok(created)
}
