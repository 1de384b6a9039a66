//! Evaluation rounds as data: methodology versions, rounds, projects in a
//! round, expert assignments and scores, and the rules on them that need no IO.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use portfel_domain::FieldError;
use portfel_domain::records::Meta;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::aggregate::spread;
use crate::evaluate::ProjectEvaluation;
use crate::gates::GateResult;
use crate::methodology::{CriterionKind, Methodology};
use crate::rank::RankedProject;
use crate::sensitivity::SensitivityReport;

/// Whether a methodology version may still change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MethodologyStatus {
    /// Being prepared by the PIM unit.
    Draft,
    /// Approved and frozen; rounds may use it.
    Approved,
}

/// Why a frozen record refuses a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Frozen {
    /// An approved methodology never changes; a new version is made instead.
    #[error("an approved methodology is frozen; create a new version instead")]
    Methodology,
    /// A closed round's results are final.
    #[error("the round is closed; its results are frozen")]
    Round,
}

/// A stored methodology version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MethodologyRecord {
    /// Identity and version (for `If-Match`).
    #[serde(flatten)]
    pub meta: Meta,
    /// Version number within its line (1, 2, ...).
    pub number: i32,
    /// The version this one was derived from.
    pub previous_id: Option<Uuid>,
    /// Draft or approved.
    pub status: MethodologyStatus,
    /// When approved.
    pub approved_at: Option<DateTime<Utc>>,
    /// Who approved it.
    pub approved_by: Option<String>,
    /// The criteria, weights and rules.
    pub definition: Methodology,
}

impl MethodologyRecord {
    /// Refuses a change to an approved version.
    pub fn check_draft(&self) -> Result<(), Frozen> {
        if self.status == MethodologyStatus::Approved { Err(Frozen::Methodology) } else { Ok(()) }
    }
}

/// Whether a round still accepts work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundStatus {
    /// Projects, screening, assignments and scoring under way.
    Open,
    /// Results computed and frozen.
    Closed,
}

/// What the PIM unit gives to open a round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundInput {
    /// Name, e.g. "Оцінювання проєктів 2027".
    pub name: String,
    /// An approved methodology version.
    pub methodology_id: Uuid,
    /// Deadline for experts.
    pub deadline: NaiveDate,
}

/// A stored round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Round {
    /// Identity and version (for `If-Match`).
    #[serde(flatten)]
    pub meta: Meta,
    /// Data given when opened.
    #[serde(flatten)]
    pub data: RoundInput,
    /// Open or closed.
    pub status: RoundStatus,
    /// When closed.
    pub closed_at: Option<DateTime<Utc>>,
}

impl Frozen {
    /// The refusal with its catalogue code.
    pub fn refusal(&self) -> FieldError {
        let code = match self {
            Frozen::Methodology => "methodology_frozen",
            Frozen::Round => "round_closed",
        };
        FieldError::of("state", code, &[])
    }
}

impl Round {
    /// Refuses any work on a closed round.
    pub fn check_open(&self) -> Result<(), Frozen> {
        if self.status == RoundStatus::Open { Ok(()) } else { Err(Frozen::Round) }
    }
}

/// A note by which the PIM unit resolves experts' disagreement on a criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ConsensusNote {
    /// What was agreed and why.
    pub note: String,
    /// Who recorded it.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A project in a round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RoundProject {
    /// Passport.
    pub passport_id: Uuid,
    /// Gate results from screening (absent before screening).
    pub screening: Option<Vec<GateResult>>,
    /// True when every gate passed (absent before screening).
    pub eligible: Option<bool>,
    /// Consensus notes per criterion code.
    pub consensus: BTreeMap<String, ConsensusNote>,
    /// When added.
    pub added_at: DateTime<Utc>,
}

/// Where an expert stands on a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentStatus {
    /// The expert must declare whether there is a conflict of interest.
    AwaitingDeclaration,
    /// No conflict declared: the expert may see and score the project.
    Active,
    /// Conflict declared: the PIM unit must assign a replacement.
    Conflict,
}

impl AssignmentStatus {
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            AssignmentStatus::AwaitingDeclaration => "awaiting_declaration",
            AssignmentStatus::Active => "active",
            AssignmentStatus::Conflict => "conflict",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<AssignmentStatus> {
        [AssignmentStatus::AwaitingDeclaration, AssignmentStatus::Active, AssignmentStatus::Conflict]
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}

/// One expert's score on one criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpertScore {
    /// Expert criterion code.
    pub criterion: String,
    /// Score on the criterion's scale: a JSON number or a decimal string.
    #[serde(deserialize_with = "score_number")]
    #[schema(value_type = f64, example = 4)]
    pub score: Decimal,
    /// Written justification; mandatory for the scale's extremes.
    #[serde(default)]
    pub justification: Option<String>,
}

/// Reads a score given as a JSON number or a decimal string, exactly.
fn score_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Score {
        Integer(i64),
        Float(f64),
        Text(String),
    }
    match Score::deserialize(deserializer)? {
        Score::Integer(i) => Ok(Decimal::from(i)),
        Score::Float(f) => Decimal::try_from(f)
            .map(|d| d.round_dp(6).normalize())
            .map_err(|_| serde::de::Error::custom("score is not a finite number")),
        Score::Text(t) => {
            t.trim().parse().map_err(|_| serde::de::Error::custom(format!("score {t:?} is not a number")))
        }
    }
}

/// An expert assigned to a project in a round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Assignment {
    /// Round.
    pub round_id: Uuid,
    /// Passport.
    pub passport_id: Uuid,
    /// Expert's `sub`.
    pub expert: String,
    /// Declaration state.
    pub status: AssignmentStatus,
    /// The expert's note on a declared conflict.
    pub conflict_note: Option<String>,
    /// Scores so far (drafts until submitted).
    pub scores: Vec<ExpertScore>,
    /// When the scores were submitted (final unless reopened).
    pub submitted_at: Option<DateTime<Utc>>,
}

/// A criterion on which experts disagree beyond the methodology's threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Disagreement {
    /// Passport.
    pub passport_id: Uuid,
    /// Criterion code.
    pub criterion: String,
    /// Submitted scores.
    pub scores: Vec<Decimal>,
    /// Highest minus lowest.
    pub spread: Decimal,
    /// True when a consensus note resolves it.
    pub resolved: bool,
}

/// What a closed round computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RoundResults {
    /// Ranking: eligible projects by rank, then ineligible ones.
    pub ranking: Vec<RankedProject>,
    /// Every project's evaluation (the score card data).
    pub evaluations: Vec<ProjectEvaluation>,
    /// Weight sensitivity of the ranking.
    pub sensitivity: SensitivityReport,
}

/// Checks an expert's scores against the methodology: known expert criteria,
/// scores on the scale, justification at the extremes, and on submission a
/// score for every expert criterion.
pub fn check_scores(m: &Methodology, scores: &[ExpertScore], submit: bool) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (i, s) in scores.iter().enumerate() {
        let at = format!("scores[{i}]");
        let Some(criterion) = m.criterion(&s.criterion) else {
            errors.push(FieldError::of(
                format!("{at}.criterion"),
                "unknown_criterion",
                &[("criterion", s.criterion.clone())],
            ));
            continue;
        };
        let CriterionKind::Expert { scale_min, scale_max } = criterion.kind else {
            errors.push(FieldError::of(
                format!("{at}.criterion"),
                "computed_criterion",
                &[("criterion", s.criterion.clone())],
            ));
            continue;
        };
        if !seen.insert(s.criterion.as_str()) {
            errors.push(FieldError::new(
                format!("{at}.criterion"),
                "duplicate",
                format!("{} is scored twice", s.criterion),
            ));
        }
        if s.score < scale_min || s.score > scale_max || s.score.normalize().scale() > 2 {
            errors.push(FieldError::of(
                format!("{at}.score"),
                "out_of_scale",
                &[("min", scale_min.to_string()), ("max", scale_max.to_string())],
            ));
        } else if (s.score == scale_min || s.score == scale_max)
            && s.justification.as_deref().is_none_or(|j| j.trim().is_empty())
        {
            errors.push(FieldError::new(
                format!("{at}.justification"),
                "required",
                "an extreme score needs a written justification",
            ));
        }
    }
    if submit {
        for (_, criterion, _) in m.criteria().filter(|(_, c, _)| matches!(c.kind, CriterionKind::Expert { .. })) {
            if !seen.contains(criterion.code.as_str()) {
                errors.push(FieldError::of("scores", "missing_criterion", &[("criterion", criterion.code.clone())]));
            }
        }
    }
    errors
}

/// Disagreements among submitted scores of one project.
pub fn disagreements(m: &Methodology, project: &RoundProject, submitted: &[&Assignment]) -> Vec<Disagreement> {
    m.criteria()
        .filter(|(_, c, _)| matches!(c.kind, CriterionKind::Expert { .. }))
        .filter_map(|(_, c, _)| {
            let scores: Vec<Decimal> = submitted
                .iter()
                .filter_map(|a| a.scores.iter().find(|s| s.criterion == c.code))
                .map(|s| s.score)
                .collect();
            let spread = spread(&scores);
            (scores.len() > 1 && spread >= m.disagreement_threshold).then(|| Disagreement {
                passport_id: project.passport_id,
                criterion: c.code.clone(),
                resolved: project.consensus.contains_key(&c.code),
                scores,
                spread,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> Meta {
        Meta { id: Uuid::nil(), version: 1, created_at: Utc::now(), updated_at: Utc::now() }
    }

    #[test]
    fn approved_methodologies_are_frozen() {
        let mut record = MethodologyRecord {
            meta: meta(),
            number: 1,
            previous_id: None,
            status: MethodologyStatus::Draft,
            approved_at: None,
            approved_by: None,
            definition: crate::default_methodology(),
        };
        assert_eq!(record.check_draft(), Ok(()));
        record.status = MethodologyStatus::Approved;
        assert_eq!(record.check_draft(), Err(Frozen::Methodology));
    }

    #[test]
    fn closed_rounds_are_frozen() {
        let data = RoundInput { name: "2027".into(), methodology_id: Uuid::nil(), deadline: Utc::now().date_naive() };
        let mut round = Round { meta: meta(), data, status: RoundStatus::Open, closed_at: None };
        assert_eq!(round.check_open(), Ok(()));
        round.status = RoundStatus::Closed;
        assert_eq!(round.check_open(), Err(Frozen::Round));
    }
}
