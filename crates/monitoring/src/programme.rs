//! Local target programmes (місцеві цільові програми): sections of measures,
//! each with its planned financing per year and source, possibly tied to
//! investment passports, and its yearly fact.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use portfel_domain::codelist::Codelist;
use portfel_domain::rules::check_code;
use portfel_domain::{Codelists, FieldError, Uah};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Planned financing of a measure in one year from one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureAmount {
    /// Budget year.
    pub year: i32,
    /// Funding source category code.
    pub source: String,
    /// Amount.
    pub amount: Uah,
}

/// A measure (захід) of a programme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// Number as the programme writes it, e.g. `1.12`; unique in the programme.
    pub number: String,
    /// What is to be done.
    pub text: String,
    /// Who carries it out.
    #[serde(default)]
    pub executors: Vec<String>,
    /// Planned financing per year and source.
    #[serde(default)]
    pub planned: Vec<MeasureAmount>,
    /// Investment passports the measure finances (none for events, training, promotion).
    #[serde(default)]
    pub passport_ids: Vec<Uuid>,
    /// Organisations that carry it out and report its quarters (their initiators).
    #[serde(default)]
    pub organisation_ids: Vec<Uuid>,
    /// The last year of a measure an amendment closed: no plan or fact after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 2000, maximum = 2100)]
    pub closed_after: Option<i32>,
}

impl Measure {
    /// True when the measure runs in `year` (it was not closed before).
    pub fn runs_in(&self, year: i32) -> bool {
        self.closed_after.is_none_or(|last| year <= last)
    }
}

/// A section of a programme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Number, e.g. `1`.
    pub number: String,
    /// Title.
    pub title: String,
    /// Its measures.
    pub measures: Vec<Measure>,
}

/// A local target programme as the council approved it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Programme {
    /// Title.
    pub title: String,
    /// Number of the council's decision approving it.
    pub decision_number: String,
    /// Date of that decision.
    pub decision_date: NaiveDate,
    /// First year.
    #[schema(minimum = 2000, maximum = 2100, example = 2027)]
    pub period_start: i32,
    /// Last year.
    #[schema(minimum = 2000, maximum = 2100, example = 2029)]
    pub period_end: i32,
    /// The body responsible for it.
    pub responsible: String,
    /// Its sections.
    pub sections: Vec<Section>,
}

/// The fact of a measure in a year: what was spent and what was done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureFact {
    /// The measure's number.
    pub measure: String,
    /// Budget year.
    pub year: i32,
    /// Spent.
    pub amount: Uah,
    /// What was done.
    #[serde(default)]
    pub narrative: String,
}

impl Programme {
    /// Every measure, with its section.
    pub fn measures(&self) -> impl Iterator<Item = (&Section, &Measure)> {
        self.sections.iter().flat_map(|s| s.measures.iter().map(move |m| (s, m)))
    }

    /// What makes the programme inconsistent, by field path.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if !crate::period::Period::YEARS.contains(&self.period_start) {
            out.push(("period_start".to_owned(), "the year is 2000 to 2100".to_owned()));
        }
        if self.period_start > self.period_end || !crate::period::Period::YEARS.contains(&self.period_end) {
            out.push(("period_end".to_owned(), "the period ends in 2000 to 2100, not before it starts".to_owned()));
        }
        let mut numbers = BTreeSet::new();
        for (i, s) in self.sections.iter().enumerate() {
            for (j, m) in s.measures.iter().enumerate() {
                let at = format!("sections[{i}].measures[{j}]");
                if !numbers.insert(m.number.as_str()) {
                    out.push((format!("{at}.number"), format!("measure {} appears twice", m.number)));
                }
                if m.closed_after.is_some_and(|y| !(self.period_start..=self.period_end).contains(&y)) {
                    out.push((format!("{at}.closed_after"), "outside the programme's period".to_owned()));
                }
                for (k, a) in m.planned.iter().enumerate() {
                    if !(self.period_start..=self.period_end).contains(&a.year) {
                        out.push((format!("{at}.planned[{k}].year"), "outside the programme's period".to_owned()));
                    } else if !m.runs_in(a.year) {
                        out.push((format!("{at}.planned[{k}].year"), "after the measure was closed".to_owned()));
                    }
                    if a.amount.is_negative() {
                        out.push((format!("{at}.planned[{k}].amount"), "amounts are not negative".to_owned()));
                    }
                }
            }
        }
        out
    }

    /// Every rule the programme breaks, by field: [`Programme::problems`] and
    /// planned funding sources outside DREAM's codelist.
    pub fn check(&self, codes: &Codelists) -> Vec<FieldError> {
        let mut errors: Vec<FieldError> =
            self.problems().into_iter().map(|(field, message)| FieldError::new(field, "invalid", message)).collect();
        for (i, s) in self.sections.iter().enumerate() {
            for (j, m) in s.measures.iter().enumerate() {
                for (k, a) in m.planned.iter().enumerate() {
                    let field = format!("sections[{i}].measures[{j}].planned[{k}].source");
                    check_code(&mut errors, codes, field, Codelist::FundingSourceCategories, &a.source);
                }
            }
        }
        errors
    }

    /// Why this programme cannot replace one holding `facts`, if it cannot: a
    /// measure with a recorded fact stays (its fact would silently leave the
    /// report's totals), and so does every year with facts.
    /// A measure may be closed after its last year with facts, never before it.
    pub fn amendment_refusal(&self, facts: &[MeasureFact]) -> Option<FieldError> {
        let params = |f: &MeasureFact| [("measure", f.measure.clone()), ("year", f.year.to_string())];
        for f in facts {
            match self.measure(&f.measure) {
                None => return Some(FieldError::of("sections", "measure_has_facts", &params(f))),
                Some(m) if !m.runs_in(f.year) => {
                    return Some(FieldError::of("sections", "closed_before_fact", &params(f)));
                }
                Some(_) => {}
            }
        }
        facts.iter().find(|f| !(self.period_start..=self.period_end).contains(&f.year)).map(|f| {
            FieldError::of(
                "period_end",
                "year_has_facts",
                &[("measure", f.measure.clone()), ("year", f.year.to_string())],
            )
        })
    }

    /// The measure numbered `number`.
    pub fn measure(&self, number: &str) -> Option<&Measure> {
        self.measures().map(|(_, m)| m).find(|m| m.number == number)
    }

    /// What makes a fact impossible for this programme, if anything.
    pub fn fact_problem(&self, fact: &MeasureFact) -> Option<(&'static str, &'static str)> {
        let Some(measure) = self.measure(&fact.measure) else {
            return Some(("measure", "no such measure in the programme"));
        };
        if !measure.runs_in(fact.year) {
            Some(("year", "after the measure was closed"))
        } else if !(self.period_start..=self.period_end).contains(&fact.year) {
            Some(("year", "outside the programme's period"))
        } else if fact.amount.is_negative() {
            Some(("amount", "amounts are not negative"))
        } else {
            None
        }
    }
}
