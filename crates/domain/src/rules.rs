//! Domain rules over whole documents: what must hold for a passport to be
//! saved, and what more must hold for it to be submitted.

use std::collections::{BTreeMap, BTreeSet};

use validator::{Validate, ValidationErrors, ValidationErrorsKind};

use crate::codelist::{Codelist, Codelists};
use crate::field_error::FieldError;
use crate::money::{MAX_LINE_AMOUNT, Uah};
use crate::passport::PassportContent;

/// Earliest budget year accepted.
pub const MIN_YEAR: i32 = 2000;
/// Latest budget year accepted.
pub const MAX_YEAR: i32 = 2100;

/// Flattens `validator` errors into field errors with dotted paths.
pub fn validation_errors(errors: &ValidationErrors) -> Vec<FieldError> {
    let mut out = Vec::new();
    flatten(errors, "", &mut out);
    out.sort_by(|a, b| a.field.cmp(&b.field));
    out
}

fn flatten(errors: &ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() { field.to_string() } else { format!("{prefix}.{field}") };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    let message = e.message.as_ref().map(|m| m.to_string()).unwrap_or_else(|| describe(e));
                    out.push(FieldError::new(path.clone(), &e.code, message));
                }
            }
            ValidationErrorsKind::Struct(inner) => flatten(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    flatten(inner, &format!("{path}[{i}]"), out);
                }
            }
        }
    }
}

fn describe(e: &validator::ValidationError) -> String {
    let params =
        e.params.iter().filter(|(k, _)| *k != "value").map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ");
    match (e.code.as_ref(), params.is_empty()) {
        (code, true) => format!("failed the '{code}' check"),
        (code, false) => format!("failed the '{code}' check ({params})"),
    }
}

/// Rules that hold for every stored passport, draft or not: field formats,
/// known codes, amounts within bounds, years inside the project's span.
pub fn check_content(content: &PassportContent, codes: &Codelists) -> Vec<FieldError> {
    let mut errors = match content.validate() {
        Ok(()) => Vec::new(),
        Err(e) => validation_errors(&e),
    };
    let mut code = |field: String, list: Codelist, value: &str| check_code(&mut errors, codes, field, list, value);
    if let Some(v) = &content.project_type {
        code("project_type".into(), Codelist::InitiationTypes, v);
    }
    if let Some(v) = &content.purpose {
        code("purpose".into(), Codelist::InitiationPurpose, v);
    }
    if let Some(v) = &content.sector {
        code("sector".into(), Codelist::WbEco, v);
    }
    for (i, v) in content.nature.iter().enumerate() {
        code(format!("nature[{i}]"), Codelist::InitiationNature, v);
    }
    for (i, line) in content.financing.iter().enumerate() {
        code(format!("financing[{i}].source"), Codelist::FundingSourceCategories, &line.source);
    }
    for (i, goal) in content.goals.iter().enumerate() {
        if goal.trim().is_empty() || goal.chars().count() > 2000 {
            errors.push(FieldError::new(format!("goals[{i}]"), "length", "a goal must have 1 to 2000 characters"));
        }
    }
    if let Some(start) = content.start_year {
        check_year(&mut errors, "start_year", start);
    }
    let span = content.years();
    let check_line_year = |errors: &mut Vec<FieldError>, field: String, year: i32| {
        if check_year(errors, &format!("{field}.year"), year)
            && let Some(span) = &span
            && !span.contains(&year)
        {
            errors.push(FieldError::of(
                format!("{field}.year"),
                "year_outside_duration",
                &[("year", year.to_string()), ("first", span.start().to_string()), ("last", span.end().to_string())],
            ));
        }
    };
    let mut cost_keys = BTreeSet::new();
    for (i, line) in content.costs.iter().enumerate() {
        check_line_year(&mut errors, format!("costs[{i}]"), line.year);
        check_amount(&mut errors, format!("costs[{i}].amount"), line.amount);
        if !cost_keys.insert((line.year, line.item, line.cost_type)) {
            errors.push(FieldError::new(
                format!("costs[{i}]"),
                "duplicate_line",
                "another cost line has the same year, item and cost type",
            ));
        }
    }
    let mut finance_keys = BTreeSet::new();
    for (i, line) in content.financing.iter().enumerate() {
        check_line_year(&mut errors, format!("financing[{i}]"), line.year);
        check_amount(&mut errors, format!("financing[{i}].amount"), line.amount);
        if !finance_keys.insert((line.year, line.source.as_str())) {
            errors.push(FieldError::new(
                format!("financing[{i}]"),
                "duplicate_line",
                "another financing line has the same year and source",
            ));
        }
    }
    if let Some(om) = content.om_cost_per_year {
        check_amount(&mut errors, "om_cost_per_year".into(), om);
    }
    if content.beneficiaries.idps > content.beneficiaries.total {
        errors.push(FieldError::new(
            "beneficiaries.idps",
            "exceeds_total",
            "internally displaced beneficiaries cannot outnumber all beneficiaries",
        ));
    }
    errors
}

/// Everything [`check_content`] demands, plus completeness and the balance
/// of cost and financing, which a passport must meet to be submitted.
pub fn check_submission(content: &PassportContent, codes: &Codelists) -> Vec<FieldError> {
    let mut errors = check_content(content, codes);
    let mut require = |ok: bool, field: &str, what: &str| {
        if !ok {
            errors.push(FieldError::new(field, "required", format!("{what} is required for submission")));
        }
    };
    require(content.description.as_ref().is_some_and(|d| !d.uk.trim().is_empty()), "description", "a description");
    require(content.problem.as_ref().is_some_and(|p| !p.trim().is_empty()), "problem", "a problem statement");
    require(!content.goals.is_empty(), "goals", "at least one goal");
    require(content.project_type.is_some(), "project_type", "the project type");
    require(content.purpose.is_some(), "purpose", "the purpose");
    require(content.sector.is_some(), "sector", "the sector");
    require(content.balance_holder.is_some(), "balance_holder", "the balance holder");
    require(!content.locations.is_empty(), "locations", "at least one location");
    require(!content.strategy_goal_ids.is_empty(), "strategy_goal_ids", "a link to a strategy goal");
    require(content.start_year.is_some(), "start_year", "the start year");
    require(content.duration_years.is_some(), "duration_years", "the duration");
    require(!content.costs.is_empty(), "costs", "a cost breakdown");
    require(!content.financing.is_empty(), "financing", "a financing plan");
    require(content.beneficiaries.total > 0, "beneficiaries.total", "the number of beneficiaries");
    require(content.om_cost_per_year.is_some(), "om_cost_per_year", "the operating and maintenance cost");
    require(!content.contacts.is_empty(), "contacts", "a contact person");
    errors.extend(financing_balance(content));
    errors
}

/// Financing must match cost in every year (an uncovered part is declared
/// with the funding source `none`).
pub fn financing_balance(content: &PassportContent) -> Vec<FieldError> {
    let mut by_year: BTreeMap<i32, (Uah, Uah)> = BTreeMap::new();
    for c in &content.costs {
        let entry = by_year.entry(c.year).or_default();
        entry.0 = entry.0 + c.amount;
    }
    for f in &content.financing {
        let entry = by_year.entry(f.year).or_default();
        entry.1 = entry.1 + f.amount;
    }
    by_year
        .into_iter()
        .filter(|(_, (cost, finance))| cost != finance)
        .map(|(year, (cost, finance))| {
            FieldError::of(
                "financing",
                "financing_mismatch",
                &[("year", year.to_string()), ("financed", finance.to_string()), ("cost", cost.to_string())],
            )
        })
        .collect()
}

/// Adds an `unknown_code` error unless `value` is in `list`.
pub fn check_code(errors: &mut Vec<FieldError>, codes: &Codelists, field: String, list: Codelist, value: &str) {
    if !codes.contains(list, value) {
        errors.push(FieldError::of(
            field,
            "unknown_code",
            &[("value", value.to_owned()), ("codelist", list.name().to_owned())],
        ));
    }
}

/// Adds a `year_out_of_range` error unless the year is plausible; true when it is.
pub fn check_year(errors: &mut Vec<FieldError>, field: &str, year: i32) -> bool {
    let ok = (MIN_YEAR..=MAX_YEAR).contains(&year);
    if !ok {
        errors.push(FieldError::new(
            field,
            "year_out_of_range",
            format!("year must be between {MIN_YEAR} and {MAX_YEAR}"),
        ));
    }
    ok
}

fn check_amount(errors: &mut Vec<FieldError>, field: String, amount: Uah) {
    if amount.is_negative() {
        errors.push(FieldError::new(field, "negative_amount", "amount must not be negative"));
    } else if amount.value() > MAX_LINE_AMOUNT {
        errors.push(FieldError::new(field, "amount_too_large", "amount must not exceed 1 000 000 000 000.00 UAH"));
    }
}

#[cfg(test)]
mod tests;
