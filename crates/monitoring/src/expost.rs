//! The ex-post evaluation of a project's results: when it is due, the form
//! its conclusion follows (sections as data, with a default after the 2026
//! procedure), the people's judgements per section, and when it may be
//! signed off. The figures it judges come from [`crate::completion::figures`].

use chrono::{DateTime, Days, NaiveDate, Utc};
use portfel_domain::{FieldError, Status};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::completion::Outcome;

/// A judgement on a four-point scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// Achieved or exceeded what was promised.
    High,
    /// Mostly achieved.
    Satisfactory,
    /// Achieved in part.
    Low,
    /// Not achieved.
    Unsatisfactory,
}

impl Rating {
    /// Every rating, best first.
    pub const ALL: [Rating; 4] = [Rating::High, Rating::Satisfactory, Rating::Low, Rating::Unsatisfactory];

    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::High => "high",
            Rating::Satisfactory => "satisfactory",
            Rating::Low => "low",
            Rating::Unsatisfactory => "unsatisfactory",
        }
    }

    /// The rating as the conclusion writes it.
    pub fn label(self) -> &'static str {
        match self {
            Rating::High => "висока",
            Rating::Satisfactory => "задовільна",
            Rating::Low => "низька",
            Rating::Unsatisfactory => "незадовільна",
        }
    }

    /// From the wire name.
    pub fn parse(s: &str) -> Option<Rating> {
        Rating::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The rating an achievement share suggests (1 is the promise): at least
    /// 0.95 high, 0.75 satisfactory, 0.5 low, below that unsatisfactory.
    pub fn suggested(achievement: Decimal) -> Rating {
        match achievement {
            a if a >= Decimal::new(95, 2) => Rating::High,
            a if a >= Decimal::new(75, 2) => Rating::Satisfactory,
            a if a >= Decimal::new(5, 1) => Rating::Low,
            _ => Rating::Unsatisfactory,
        }
    }
}

/// One section of the conclusion's form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormSection {
    /// Stable key (`efficiency`).
    pub key: String,
    /// Heading in the conclusion.
    pub title: String,
    /// What the evaluator considers.
    pub guidance: String,
}

/// The form of the conclusion: its sections, in order. An evaluation keeps
/// the form it began with, so a later form never changes a signed one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationForm {
    /// Form name and version (`expost-2026`).
    pub code: String,
    /// Title of the conclusion.
    pub title: String,
    /// The sections.
    pub sections: Vec<FormSection>,
}

fn section(key: &str, title: &str, guidance: &str) -> FormSection {
    FormSection { key: key.to_owned(), title: title.to_owned(), guidance: guidance.to_owned() }
}

impl EvaluationForm {
    /// The default form: efficiency, effectiveness, economic benefit, social
    /// effect and environmental impact, as the 2026 procedure names them.
    pub fn standard() -> EvaluationForm {
        EvaluationForm {
            code: "expost-2026".to_owned(),
            title: "Висновок за результатами оцінки результативності публічного інвестиційного проєкту".to_owned(),
            sections: vec![
                section(
                    "efficiency",
                    "Ефективність",
                    "Відхилення фактичної вартості та строків від запланованих у концепції",
                ),
                section("effectiveness", "Результативність", "Досягнення показників, визначених у концепції"),
                section("economic", "Економічна вигода", "Економічний ефект для громади порівняно з очікуваним"),
                section("social", "Соціальний ефект", "Отримувачі послуг, доступність, вплив на вразливі групи"),
                section("environmental", "Вплив на довкілля", "Енергоефективність, викиди, адаптація до змін клімату"),
            ],
        }
    }
}

/// A section's judgement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionJudgement {
    /// The form section's key.
    pub key: String,
    /// The rating, once judged.
    #[serde(default)]
    pub rating: Option<Rating>,
    /// What the evaluators conclude.
    #[serde(default)]
    pub judgement: String,
    /// What it rests on (documents, measurements, surveys).
    #[serde(default)]
    pub evidence: String,
}

/// What the evaluators write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationContent {
    /// One judgement per form section.
    #[serde(default)]
    pub sections: Vec<SectionJudgement>,
    /// The overall rating.
    #[serde(default)]
    pub overall: Option<Rating>,
    /// The conclusion's text.
    #[serde(default)]
    pub conclusion: String,
    /// Lessons for the next round of projects.
    #[serde(default)]
    pub lessons: Vec<String>,
    /// Experts who took part (user names).
    #[serde(default)]
    pub experts: Vec<String>,
}

impl EvaluationContent {
    /// An empty judgement for each section of `form`.
    pub fn blank(form: &EvaluationForm) -> EvaluationContent {
        EvaluationContent {
            sections: form
                .sections
                .iter()
                .map(|s| SectionJudgement {
                    key: s.key.clone(),
                    rating: None,
                    judgement: String::new(),
                    evidence: String::new(),
                })
                .collect(),
            overall: None,
            conclusion: String::new(),
            lessons: Vec::new(),
            experts: Vec::new(),
        }
    }

    /// What makes the content impossible under `form`: sections it does not
    /// have, or a section judged twice.
    pub fn check(&self, form: &EvaluationForm) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for (i, s) in self.sections.iter().enumerate() {
            if !form.sections.iter().any(|f| f.key == s.key) {
                errors.push(FieldError::of(format!("sections[{i}].key"), "unknown_section", &[("key", s.key.clone())]));
            } else if self.sections[..i].iter().any(|o| o.key == s.key) {
                errors.push(FieldError::of(format!("sections[{i}].key"), "duplicate", &[]));
            }
        }
        errors
    }

    /// What is missing before sign-off: every section rated and judged, the
    /// overall rating and the conclusion.
    pub fn check_sign_off(&self, form: &EvaluationForm) -> Vec<FieldError> {
        let mut errors = self.check(form);
        for (i, f) in form.sections.iter().enumerate() {
            match self.sections.iter().find(|s| s.key == f.key) {
                Some(s) if s.rating.is_some() && !s.judgement.trim().is_empty() => {}
                _ => errors.push(FieldError::of(
                    format!("sections[{i}]"),
                    "section_unjudged",
                    &[("section", f.title.clone())],
                )),
            }
        }
        if self.overall.is_none() {
            errors.push(FieldError::new("overall", "required", "the overall rating is required"));
        }
        if self.conclusion.trim().is_empty() {
            errors.push(FieldError::new("conclusion", "required", "the conclusion is required"));
        }
        errors
    }
}

/// Where an evaluation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EvaluationStatus {
    /// Being written.
    Draft,
    /// Signed off: frozen.
    SignedOff,
}

impl EvaluationStatus {
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            EvaluationStatus::Draft => "draft",
            EvaluationStatus::SignedOff => "signed_off",
        }
    }

    /// From the wire name.
    pub fn parse(s: &str) -> Option<EvaluationStatus> {
        [EvaluationStatus::Draft, EvaluationStatus::SignedOff].into_iter().find(|e| e.as_str() == s)
    }
}

/// When the evaluation of a project whose works ended on `ended` is due,
/// `after_days` later.
pub fn due(ended: NaiveDate, after_days: u32) -> NaiveDate {
    ended.checked_add_days(Days::new(u64::from(after_days))).unwrap_or(NaiveDate::MAX)
}

/// A stored ex-post evaluation: one per project.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct EvaluationRecord {
    /// Id.
    pub id: Uuid,
    /// The project.
    pub passport_id: Uuid,
    /// State.
    pub status: EvaluationStatus,
    /// The form the conclusion follows, as it was when the evaluation began.
    pub form: EvaluationForm,
    /// Who began it.
    pub created_by: String,
    /// Who signed it off.
    pub signed_by: Option<String>,
    /// When.
    pub signed_at: Option<DateTime<Utc>>,
    /// Concurrency version (`ETag`).
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// What the evaluators wrote.
    #[serde(flatten)]
    pub content: EvaluationContent,
}

/// Why a project in `project` cannot be evaluated: it is closed, with its
/// completion report (`accepted`) accepted.
pub fn check_start(project: Status, accepted: Option<Outcome>) -> Result<(), FieldError> {
    match accepted {
        Some(outcome) if outcome.status() == project => Ok(()),
        _ => Err(FieldError::of("state", "not_closed", &[("state", project.as_str().to_owned())])),
    }
}

/// Who changes an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evaluator<'a> {
    /// The PIM unit, which runs it.
    Unit,
    /// An expert it named (by user name).
    Expert(&'a str),
}

/// Why new content is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditRefusal {
    /// The conclusion is signed off: frozen.
    Signed,
    /// The content is wrong, by field.
    Invalid(Vec<FieldError>),
}

impl EditRefusal {
    /// The refusal of a signed-off conclusion, with its catalogue code.
    pub fn signed() -> FieldError {
        FieldError::of("state", "evaluation_signed", &[])
    }
}

/// Refuses `content` for `record` from `by`: a signed-off conclusion never
/// changes; an expert may write only an evaluation naming them, and not
/// change who evaluates. `Ok(false)` means `by` is not among the evaluators.
pub fn check_edit(
    record: &EvaluationRecord,
    by: Evaluator<'_>,
    content: &EvaluationContent,
) -> Result<bool, EditRefusal> {
    if record.status == EvaluationStatus::SignedOff {
        return Err(EditRefusal::Signed);
    }
    if let Evaluator::Expert(name) = by {
        if !named(&record.content, name) {
            return Ok(false);
        }
        if content.experts != record.content.experts {
            return Err(EditRefusal::Invalid(vec![FieldError::of("experts", "experts_changed", &[])]));
        }
    }
    let errors = content.check(&record.form);
    if errors.is_empty() { Ok(true) } else { Err(EditRefusal::Invalid(errors)) }
}

/// Whether `user` is among the experts an evaluation names.
pub fn named(content: &EvaluationContent, user: &str) -> bool {
    content.experts.iter().any(|e| e == user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_off_needs_every_section_judged_and_a_conclusion() {
        let form = EvaluationForm::standard();
        let mut content = EvaluationContent::blank(&form);
        let missing = content.check_sign_off(&form);
        assert_eq!(missing.len(), form.sections.len() + 2);
        for s in &mut content.sections {
            s.rating = Some(Rating::Satisfactory);
            s.judgement = "Досягнуто".into();
        }
        content.overall = Some(Rating::Satisfactory);
        content.conclusion = "Проєкт результативний".into();
        assert!(content.check_sign_off(&form).is_empty());
        content.sections.push(SectionJudgement {
            key: "efficiency".into(),
            rating: None,
            judgement: String::new(),
            evidence: String::new(),
        });
        assert_eq!(content.check_sign_off(&form)[0].code, "duplicate");
    }

    #[test]
    fn due_counts_days_after_the_end() {
        let end = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        assert_eq!(due(end, 365), NaiveDate::from_ymd_opt(2027, 3, 31).unwrap());
    }

    #[test]
    fn suggested_ratings_follow_the_thresholds() {
        let r = |s: &str| Rating::suggested(s.parse().unwrap());
        assert_eq!(r("1.2"), Rating::High);
        assert_eq!(r("0.95"), Rating::High);
        assert_eq!(r("0.8"), Rating::Satisfactory);
        assert_eq!(r("0.5"), Rating::Low);
        assert_eq!(r("0.49"), Rating::Unsatisfactory);
    }

    fn record(status: EvaluationStatus, experts: &[&str]) -> EvaluationRecord {
        let form = EvaluationForm::standard();
        let mut content = EvaluationContent::blank(&form);
        content.experts = experts.iter().map(|e| (*e).to_owned()).collect();
        EvaluationRecord {
            id: Uuid::nil(),
            passport_id: Uuid::nil(),
            status,
            form,
            created_by: "pim".into(),
            signed_by: None,
            signed_at: None,
            version: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            content,
        }
    }

    #[test]
    fn a_signed_conclusion_is_frozen_and_experts_write_only_their_own() {
        let draft = record(EvaluationStatus::Draft, &["expert1"]);
        let mut content = draft.content.clone();
        content.conclusion = "Досягнуто".into();
        assert_eq!(check_edit(&draft, Evaluator::Unit, &content), Ok(true));
        assert_eq!(check_edit(&draft, Evaluator::Expert("expert1"), &content), Ok(true));
        assert_eq!(check_edit(&draft, Evaluator::Expert("expert2"), &content), Ok(false));
        content.experts.push("expert2".into());
        let refused = check_edit(&draft, Evaluator::Expert("expert1"), &content);
        assert!(matches!(refused, Err(EditRefusal::Invalid(e)) if e[0].code == "experts_changed"));
        assert_eq!(check_edit(&draft, Evaluator::Unit, &content), Ok(true));
        let signed = record(EvaluationStatus::SignedOff, &[]);
        assert_eq!(check_edit(&signed, Evaluator::Unit, &signed.content), Err(EditRefusal::Signed));
        content.sections[0].key = "beauty".into();
        let refused = check_edit(&draft, Evaluator::Unit, &content);
        assert!(matches!(refused, Err(EditRefusal::Invalid(e)) if e[0].code == "unknown_section"));
    }

    #[test]
    fn only_a_closed_project_with_its_accepted_report_is_evaluated() {
        assert!(check_start(Status::Completed, Some(Outcome::Completed)).is_ok());
        assert!(check_start(Status::Cancelled, Some(Outcome::Cancelled)).is_ok());
        assert_eq!(check_start(Status::Implementation, None).unwrap_err().code, "not_closed");
        assert_eq!(check_start(Status::Completed, None).unwrap_err().code, "not_closed");
    }
}
