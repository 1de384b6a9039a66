//! The linear relaxation solved near its margin. At national scale most
//! projects are plainly in or plainly out of the relaxation's solution, and
//! the simplex spends its time on them. A first estimate (one price per unit
//! of every ceiling's room) ranks the projects; all but the [`FREE`] nearest
//! the estimated margin are fixed — in at their densest start, or out — and
//! only the rest is solved. Prices read off that solution then either prove
//! it optimal for the whole relaxation, or show which fixed projects they
//! disagree with, and those are freed for another round.

use super::SolveOptions;
use super::fixing::{Prices, proves, read_prices};
use super::model::{Fix, Model, Sense, column_values, free_variables};

/// Columns from which the relaxation is first solved near its margin.
const FROM_COLUMNS: usize = 2_000;
/// Projects left free around the estimated margin.
const FREE: usize = 1_000;
/// Share of a row's room that projects fixed in may take.
const FIXED_SHARE: f64 = 0.9;
/// Rounds of freeing before the whole relaxation is solved instead.
const ROUNDS: usize = 4;

/// The relaxation's solution and the prices proving it optimal, or `None`
/// (a small programme, or no proof within [`ROUNDS`]): then solve it whole.
pub(super) fn relax(model: &Model<'_>, options: SolveOptions) -> Option<(Vec<f64>, Prices)> {
    if model.columns.len() < FROM_COLUMNS {
        return None;
    }
    let mut status = first_estimate(model);
    for _ in 0..ROUNDS {
        let (programme, x) = model.programme(&status, false, None);
        let solved = programme.solve(options.solver(), options, &free_variables(&x)).ok()?;
        let relaxed = column_values(&status, &x, &solved);
        let prices = read_prices(model, &relaxed, options)?;
        if proves(model, &prices, &relaxed) {
            return Some((relaxed, prices));
        }
        if !free_disagreeing(model, &prices, &mut status) {
            return None;
        }
    }
    None
}

/// Fixes all but the [`FREE`] projects nearest the margin of a single price
/// per unit of room, each row's room counted as one unit.
fn first_estimate(model: &Model<'_>) -> Vec<Fix> {
    let is_project = model.is_project_row();
    let mut room = vec![0.0; model.columns.len()];
    let mut capacity = 0.0;
    for (i, row) in model.rows.iter().enumerate() {
        if is_project[i] || row.sense != Sense::AtMost || row.rhs <= 0.0 {
            continue;
        }
        capacity += 1.0;
        for (j, a) in &row.terms {
            room[*j] += a / row.rhs;
        }
    }
    let density = |j: usize| model.objective[j] / room[j].max(1e-12);
    // Each project at its densest start, densest projects first.
    let mut projects: Vec<(usize, usize)> = model
        .project_rows
        .iter()
        .map(|p| {
            let best = model.rows[*p].terms.iter().map(|(j, _)| *j).max_by(|a, b| density(*a).total_cmp(&density(*b)));
            (*p, best.expect("a project row has a column"))
        })
        .collect();
    projects.sort_by(|a, b| density(b.1).total_cmp(&density(a.1)));
    let mut used = 0.0;
    let cut = projects
        .iter()
        .position(|(_, j)| {
            used += room[*j];
            used > capacity
        })
        .unwrap_or(projects.len());
    let free = cut.saturating_sub(FREE / 2)..(cut + FREE / 2).min(projects.len());
    // What is fixed in takes at most this share of any row's room, so the rest stays feasible.
    let mut taken = vec![0.0; model.rows.len()];
    let rows_of = model.rows_of_columns();
    let fits = |j: usize, taken: &[f64]| {
        rows_of[j].iter().filter(|(i, _)| !is_project[*i]).all(|(i, a)| {
            let row = &model.rows[*i];
            row.sense != Sense::AtMost || taken[*i] + a <= FIXED_SHARE * row.rhs
        })
    };
    let mut status = vec![Fix::Free; model.columns.len()];
    for (k, (p, best)) in projects.iter().enumerate() {
        let row = &model.rows[*p];
        if free.contains(&k) || row.sense == Sense::Exactly {
            continue;
        }
        let fixed_in = k < free.start;
        if fixed_in && !fits(*best, &taken) {
            continue;
        }
        for (j, _) in &row.terms {
            status[*j] = if fixed_in && j == best { Fix::In } else { Fix::Out };
        }
        if fixed_in {
            rows_of[*best].iter().filter(|(i, _)| !is_project[*i]).for_each(|(i, a)| taken[*i] += a);
        }
    }
    status
}

/// Frees every project whose fixing `prices` disagree with: fixed in at a
/// column that does not pay for its room or is not its project's best, or
/// fixed out with a column that pays. Whether any was freed.
fn free_disagreeing(model: &Model<'_>, prices: &Prices, status: &mut [Fix]) -> bool {
    const TOLERANCE: f64 = 1e-9;
    let mut freed = false;
    for p in &model.project_rows {
        let row = &model.rows[*p];
        if row.terms.iter().all(|(j, _)| status[*j] == Fix::Free) {
            continue;
        }
        // Reduced costs before the project's own row.
        let own = prices.rows[*p];
        let best = row.terms.iter().map(|(j, _)| prices.reduced[*j] + own).fold(f64::NEG_INFINITY, f64::max);
        let agrees = match row.terms.iter().find(|(j, _)| status[*j] == Fix::In) {
            Some((j, _)) => {
                let r = prices.reduced[*j] + own;
                r >= -TOLERANCE && r >= best - TOLERANCE
            }
            None => best <= TOLERANCE,
        };
        if !agrees {
            for (j, _) in &row.terms {
                status[*j] = Fix::Free;
            }
            freed = true;
        }
    }
    freed
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;
    use uuid::Uuid;

    use super::*;
    use crate::input::{Candidate, Ceilings, PlanInput, ScheduleLine};

    /// 1,500 projects over three years and two sources, half of them with a
    /// choice of two start years, from a fixed pseudo-random sequence.
    fn national(seed: u64) -> PlanInput {
        let mut state = seed;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let sources = ["localBudget", "stateSubsidies"];
        let candidates: Vec<Candidate> = (0..1500u32)
            .map(|i| {
                let start = 2027 + next(2) as i32;
                Candidate {
                    id: Uuid::from_u128(u128::from(i) + 1),
                    rank: i + 1,
                    score: Decimal::new(3000 + next(6500) as i64, 2),
                    sector: "ES".into(),
                    schedule: (0..1 + next(3) as u8)
                        .map(|offset| ScheduleLine {
                            offset,
                            source: sources[next(2) as usize].into(),
                            amount: Decimal::from((100 + next(20_000)) * 1000),
                        })
                        .collect(),
                    earliest_start: start,
                    latest_start: (start + next(2) as i32).min(2029),
                    continuing: false,
                }
            })
            .collect();
        let demand: Decimal = candidates.iter().map(Candidate::total).sum();
        let per_year = (demand / Decimal::from(3) * Decimal::new(35, 2)).round_dp(2);
        let mut ceilings = Ceilings { total: (2027..=2029).map(|y| (y, per_year)).collect(), ..Default::default() };
        for y in 2027..=2029 {
            for s in sources {
                ceilings.by_source.insert(Ceilings::source_key(y, s), (per_year * Decimal::new(55, 2)).round_dp(2));
            }
        }
        PlanInput::new(2027, 2029, ceilings, candidates)
    }

    #[test]
    fn the_relaxation_near_its_margin_is_the_whole_relaxation() {
        let options = SolveOptions { solver: Some(super::super::Solver::Microlp), ..Default::default() };
        for seed in [1, 2, 3] {
            let input = national(seed);
            let model = Model::build(&input);
            assert!(model.columns.len() >= FROM_COLUMNS, "{}", model.columns.len());
            let (relaxed, prices) = relax(&model, options).expect("proved near the margin");
            let whole = model.relax(options).unwrap();
            let value = |x: &[f64]| model.objective.iter().zip(x).map(|(c, x)| c * x).sum::<f64>();
            let (near, all) = (value(&relaxed), value(&whole));
            assert!((near - all).abs() <= 1e-6 * all, "seed {seed}: {near} against {all}");
            assert!((prices.bound - all).abs() <= 1e-6 * all, "seed {seed}: bound {} against {all}", prices.bound);
            for row in &model.rows {
                let activity: f64 = row.terms.iter().map(|(j, a)| a * relaxed[*j]).sum();
                assert!(activity <= row.rhs + 1e-6 * row.rhs.abs().max(1.0), "seed {seed}: a row is broken");
            }
            assert!(relaxed.iter().all(|x| (-1e-9..=1.0 + 1e-9).contains(x)));
        }
    }
}
