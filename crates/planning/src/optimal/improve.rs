//! Local search from a plan in hand: add any column that fits, and exchange a
//! chosen column for a more valuable one not chosen, while every row still
//! holds. A
//! better plan before reduced-cost fixing fixes more columns, so the search
//! that follows is smaller.

use std::time::Instant;

use super::model::{Model, Row, Sense};

/// Rows hold within this share of their right-hand side (never more than
/// the exact re-check of the plan allows: it drops what does not fit).
const TOLERANCE: f64 = 1e-9;

/// The chosen columns and each row's activity under them.
struct Selection<'m> {
    model: &'m Model<'m>,
    /// The rows each column is in, with its coefficient.
    rows_of: Vec<Vec<(usize, f64)>>,
    chosen: Vec<bool>,
    activity: Vec<f64>,
}

impl<'m> Selection<'m> {
    fn new(model: &'m Model<'m>, columns: &[usize]) -> Self {
        let mut selection = Selection {
            model,
            rows_of: model.rows_of_columns(),
            chosen: vec![false; model.columns.len()],
            activity: vec![0.0; model.rows.len()],
        };
        for j in columns {
            selection.set(*j, true);
        }
        selection
    }

    fn set(&mut self, j: usize, on: bool) {
        self.chosen[j] = on;
        let sign = if on { 1.0 } else { -1.0 };
        for (i, a) in &self.rows_of[j] {
            self.activity[*i] += sign * a;
        }
    }

    /// Whether every row that `changes` (columns set on or off) touches still holds after them.
    fn holds_after(&self, changes: &[(usize, bool)]) -> bool {
        let touched = changes.iter().flat_map(|(j, _)| self.rows_of[*j].iter().map(|(i, _)| *i));
        touched.into_iter().all(|i| {
            let after: f64 = self.activity[i]
                + changes
                    .iter()
                    .flat_map(|(j, on)| {
                        let sign = if *on { 1.0 } else { -1.0 };
                        self.rows_of[*j].iter().filter(move |(r, _)| *r == i).map(move |(_, a)| sign * a)
                    })
                    .sum::<f64>();
            holds(&self.model.rows[i], after)
        })
    }
}

/// Whether `activity` meets `row`, within the tolerance.
fn holds(row: &Row, activity: f64) -> bool {
    let tol = TOLERANCE * row.rhs.abs().max(1.0);
    match row.sense {
        Sense::AtMost => activity <= row.rhs + tol,
        Sense::AtLeast => activity >= row.rhs - tol,
        Sense::Exactly => (activity - row.rhs).abs() <= tol,
    }
}

/// The columns of a plan at least as valuable as `columns` (a feasible
/// selection), improved until no single addition or exchange helps or `deadline` passes.
pub(super) fn improve(model: &Model<'_>, columns: &[usize], deadline: Instant) -> Vec<usize> {
    let mut s = Selection::new(model, columns);
    let n = model.columns.len();
    // Columns by value, most valuable first: improvements are tried there first.
    let mut by_value: Vec<usize> = (0..n).collect();
    by_value.sort_by(|a, b| model.objective[*b].total_cmp(&model.objective[*a]));
    loop {
        let mut improved = false;
        for &j in &by_value {
            if s.chosen[j] {
                continue;
            }
            if s.holds_after(&[(j, true)]) {
                s.set(j, true);
                improved = true;
                continue;
            }
            // The least valuable chosen column whose exchange for `j` holds.
            let out = (0..n)
                .filter(|i| s.chosen[*i] && model.objective[*i] < model.objective[j])
                .filter(|i| s.holds_after(&[(*i, false), (j, true)]))
                .min_by(|a, b| model.objective[*a].total_cmp(&model.objective[*b]));
            if let Some(i) = out {
                s.set(i, false);
                s.set(j, true);
                improved = true;
            }
            if Instant::now() >= deadline {
                break;
            }
        }
        if !improved || Instant::now() >= deadline {
            break;
        }
    }
    (0..n).filter(|j| s.chosen[*j]).collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use rust_decimal::Decimal;
    use uuid::Uuid;

    use super::*;
    use crate::input::{Candidate, Ceilings, PlanInput, ScheduleLine};

    /// A project costing `thousands` in 2027, with `score`.
    fn project(i: u128, score: i64, thousands: i64) -> Candidate {
        Candidate {
            id: Uuid::from_u128(i),
            rank: i as u32,
            score: Decimal::from(score),
            sector: "ES".into(),
            schedule: vec![ScheduleLine {
                offset: 0,
                source: "localBudget".into(),
                amount: Decimal::from(thousands * 1000),
            }],
            earliest_start: 2027,
            latest_start: 2027,
            continuing: false,
        }
    }

    #[test]
    fn additions_and_exchanges_raise_the_value_and_keep_every_row() {
        // Room for 100 thousand: the plan in hand holds only the 60-thousand project worth 10.
        let candidates = vec![project(1, 10, 60), project(2, 40, 70), project(3, 25, 30), project(4, 5, 45)];
        let ceilings = Ceilings { total: [(2027, Decimal::from(100_000))].into(), ..Default::default() };
        let mut input = PlanInput::new(2027, 2027, ceilings, candidates);
        // Project 4 may only come with project 1.
        input.constraints.requires.push((Uuid::from_u128(4), Uuid::from_u128(1)));
        let model = Model::build(&input);
        let column = |id: u128| model.columns.iter().position(|(c, _)| c.id == Uuid::from_u128(id)).unwrap();
        let improved = improve(&model, &[column(1)], Instant::now() + Duration::from_secs(1));
        // 1 is exchanged for 2 (40 > 10), then 3 fits beside it; 4 needs 1.
        assert_eq!(improved, vec![column(2), column(3)]);
        let s = Selection::new(&model, &improved);
        assert!(model.rows.iter().zip(&s.activity).all(|(row, a)| holds(row, *a)));
        // Nothing improves on a plan that cannot be improved.
        assert_eq!(improve(&model, &improved, Instant::now() + Duration::from_secs(1)), improved);
    }
}
