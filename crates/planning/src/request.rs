//! A plan request as the PIM unit sends it: the rules it must meet, the
//! portfolio it may start from, and the plan it builds.

use std::time::Duration;

use portfel_domain::rules::check_year;
use portfel_domain::{Codelist, Codelists, FieldError};

use crate::council::{DocumentStatus, PlanRequest};
use crate::input::{Candidate, PlanInput};
use crate::optimal::{SolveOptions, optimal_plan};
use crate::outcome::{Plan, PlanBuilder};
use crate::rank_fill::rank_order_fill;

/// Longest plan period, in years.
pub const MAX_PERIOD_YEARS: i32 = 5;
/// Solver time limits accepted, seconds.
pub const TIME_LIMIT_SECONDS: std::ops::RangeInclusive<u32> = 1..=60;
/// Solver time limit when the request names none, seconds.
pub const DEFAULT_TIME_LIMIT_SECONDS: u32 = 10;

impl PlanRequest {
    /// Every rule the request itself must meet: budget years of 2000–2100, a
    /// forward period of at most five years, ceilings for years of the period
    /// and DREAM funding sources, no negative ceiling, a time limit of 1 to 60 seconds.
    pub fn check(&self, codes: &Codelists) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let period = self.first_year..=self.last_year;
        let first = check_year(&mut errors, "first_year", self.first_year);
        let last = check_year(&mut errors, "last_year", self.last_year);
        if first && last && (self.last_year < self.first_year || self.last_year - self.first_year >= MAX_PERIOD_YEARS) {
            errors.push(FieldError::new(
                "last_year",
                "bad_period",
                "the plan period must run forward and last at most five years",
            ));
        }
        for (key, amount) in &self.ceilings.by_source {
            let field = format!("ceilings.by_source.{key}");
            let valid = key.split_once('/').is_some_and(|(y, s)| {
                y.parse::<i32>().is_ok_and(|y| period.contains(&y))
                    && codes.contains(Codelist::FundingSourceCategories, s)
            });
            if !valid {
                errors.push(FieldError::new(
                    field.clone(),
                    "bad_key",
                    "keys are YEAR/source inside the period, with a DREAM funding source code",
                ));
            }
            if amount.is_sign_negative() {
                errors.push(FieldError::new(field, "negative_amount", "ceilings must not be negative"));
            }
        }
        for (year, amount) in &self.ceilings.total {
            if !period.contains(year) || amount.is_sign_negative() {
                errors.push(FieldError::new(
                    format!("ceilings.total.{year}"),
                    "bad_ceiling",
                    "total ceilings are non-negative amounts for years of the period",
                ));
            }
        }
        if self.time_limit_seconds.is_some_and(|t| !TIME_LIMIT_SECONDS.contains(&t)) {
            errors.push(FieldError::new("time_limit_seconds", "out_of_range", "between 1 and 60 seconds"));
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    /// The plan input: this request's period, ceilings, links and objective over `candidates`.
    pub fn input(&self, candidates: Vec<Candidate>) -> PlanInput {
        PlanInput {
            first_year: self.first_year,
            last_year: self.last_year,
            ceilings: self.ceilings.clone(),
            candidates,
            constraints: self.constraints.clone(),
            objective: self.objective,
        }
    }

    /// Solver options: the requested time limit, or the default.
    pub fn solve_options(&self) -> SolveOptions {
        let seconds = self.time_limit_seconds.unwrap_or(DEFAULT_TIME_LIMIT_SECONDS);
        SolveOptions { time_limit: Duration::from_secs(u64::from(seconds)), ..Default::default() }
    }
}

/// A plan is built from a portfolio version the council approved and that is in force.
pub fn check_source_portfolio(status: DocumentStatus) -> Result<(), Vec<FieldError>> {
    if status == DocumentStatus::Approved {
        Ok(())
    } else {
        Err(vec![FieldError::new("portfolio_id", "not_approved", "a plan is built from an approved portfolio")])
    }
}

/// Builds the plan with `builder`; infeasible constraints are a field error.
pub fn build(input: &PlanInput, builder: PlanBuilder, options: SolveOptions) -> Result<Plan, Vec<FieldError>> {
    match builder {
        PlanBuilder::RankOrder => Ok(rank_order_fill(input)),
        PlanBuilder::Optimal => {
            optimal_plan(input, options).map_err(|e| vec![FieldError::new("constraints", "infeasible", e.to_string())])
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use rust_decimal::Decimal;
    use uuid::Uuid;

    use super::*;
    use crate::input::{Ceilings, Constraints, Objective};

    fn request() -> PlanRequest {
        PlanRequest {
            portfolio_id: Uuid::nil(),
            first_year: 2027,
            last_year: 2029,
            ceilings: Ceilings::default(),
            constraints: Constraints::default(),
            objective: Objective::default(),
            builder: PlanBuilder::RankOrder,
            start_window: 0,
            time_limit_seconds: None,
            carry_unspent: true,
        }
    }

    fn fields(result: Result<(), Vec<FieldError>>) -> Vec<String> {
        result.err().unwrap_or_default().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_plain_request_passes() {
        assert_eq!(request().check(Codelists::embedded()), Ok(()));
        assert_eq!(request().solve_options().time_limit, Duration::from_secs(10));
    }

    #[test]
    fn periods_run_forward_for_at_most_five_years() {
        let codes = Codelists::embedded();
        assert_eq!(fields(PlanRequest { last_year: 2026, ..request() }.check(codes)), ["last_year"]);
        assert_eq!(fields(PlanRequest { last_year: 2032, ..request() }.check(codes)), ["last_year"]);
        assert_eq!(PlanRequest { last_year: 2031, ..request() }.check(codes), Ok(()));
        // Years far apart are refused as years, never subtracted past what an i32 holds.
        let far = PlanRequest { first_year: -5_878_606, last_year: i32::MAX, ..request() };
        assert_eq!(fields(far.check(codes)), ["first_year", "last_year"]);
        assert_eq!(fields(PlanRequest { first_year: 1999, last_year: 2001, ..request() }.check(codes)), ["first_year"]);
    }

    #[test]
    fn ceilings_name_years_of_the_period_and_known_sources() {
        let mut req = request();
        req.ceilings.by_source = BTreeMap::from([
            ("2027/localBudget".to_owned(), Decimal::from(100)),
            ("2031/localBudget".to_owned(), Decimal::from(100)),
            ("2028/gold".to_owned(), Decimal::from(100)),
            ("2028/stateSubsidies".to_owned(), Decimal::from(-1)),
        ]);
        req.ceilings.total = BTreeMap::from([(2027, Decimal::from(5)), (2035, Decimal::from(5))]);
        req.time_limit_seconds = Some(61);
        let mut got = fields(req.check(Codelists::embedded()));
        got.sort();
        assert_eq!(
            got,
            [
                "ceilings.by_source.2028/gold",
                "ceilings.by_source.2028/stateSubsidies",
                "ceilings.by_source.2031/localBudget",
                "ceilings.total.2035",
                "time_limit_seconds"
            ]
        );
    }

    #[test]
    fn only_a_portfolio_in_force_feeds_a_plan() {
        assert!(check_source_portfolio(DocumentStatus::Approved).is_ok());
        for status in
            [DocumentStatus::Draft, DocumentStatus::Submitted, DocumentStatus::Returned, DocumentStatus::Superseded]
        {
            assert_eq!(check_source_portfolio(status).unwrap_err()[0].code, "not_approved");
        }
    }
}
