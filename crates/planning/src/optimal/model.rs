//! The programme in neutral form: one column per (project, start year), the
//! objective, and rows. One model feeds the integer programme, its linear
//! relaxation and the relaxation's dual.

use std::collections::BTreeMap;

use good_lp::{Constraint, Expression, ProblemVariables, Variable, constraint, variable};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use uuid::Uuid;

use super::backend::{Programme, Solved};
use super::{OptimalError, SolveOptions, Starts};
use crate::input::{Candidate, Ceilings, PlanInput};

/// Direction of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sense {
    /// Sum ≤ right-hand side.
    AtMost,
    /// Sum = right-hand side.
    Exactly,
    /// Sum ≥ right-hand side.
    AtLeast,
}

/// What a column is in a programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fix {
    /// Left to the solver.
    Free,
    /// Fixed out.
    Out,
    /// Fixed in.
    In,
}

/// One row: Σ coefficient × column, compared with `rhs`.
#[derive(Debug, Clone)]
pub(super) struct Row {
    pub terms: Vec<(usize, f64)>,
    pub sense: Sense,
    pub rhs: f64,
}

/// Columns, objective and rows; `project_rows[i]` is the row choosing at most
/// one start of a project.
#[derive(Debug, Clone)]
pub(super) struct Model<'a> {
    pub columns: Vec<(&'a Candidate, i32)>,
    pub objective: Vec<f64>,
    /// Value of the committed (continuing) projects, outside the columns.
    pub committed_value: f64,
    pub rows: Vec<Row>,
    pub project_rows: Vec<usize>,
}

/// The free columns' variables, in column order.
pub(super) fn free_variables(x: &[Option<Variable>]) -> Vec<Variable> {
    x.iter().flatten().copied().collect()
}

/// Each column's value in a solution of the programme over `status` (read
/// for [`free_variables`]): 1 for columns fixed in, 0 for those fixed out.
pub(super) fn column_values(status: &[Fix], x: &[Option<Variable>], solved: &Solved) -> Vec<f64> {
    let mut free = solved.values.iter();
    status
        .iter()
        .zip(x)
        .map(|(fix, x)| match (fix, x) {
            (_, Some(_)) => free.next().copied().unwrap_or(0.0),
            (Fix::In, None) => 1.0,
            _ => 0.0,
        })
        .collect()
}

/// The columns a solution takes: those fixed in, and the free ones the solver sets.
pub(super) fn chosen(status: &[Fix], x: &[Option<Variable>], solved: &Solved) -> Vec<usize> {
    column_values(status, x, solved).iter().enumerate().filter(|(_, v)| **v > 0.5).map(|(j, _)| j).collect()
}

/// Amounts in the solver are thousands of hryvnias.
fn thousands(amount: Decimal) -> f64 {
    (amount / Decimal::from(1000)).to_f64().unwrap_or(0.0)
}

impl<'a> Model<'a> {
    /// The programme of a plan input: continuing projects are committed (they
    /// take room, they are not columns); forced-out projects have no column.
    pub fn build(input: &'a PlanInput) -> Self {
        let k = &input.constraints;
        let period = input.first_year..=input.last_year;
        let mut committed_year: BTreeMap<i32, f64> = BTreeMap::new();
        let mut committed_source: BTreeMap<String, f64> = BTreeMap::new();
        let mut committed_sector: BTreeMap<&str, f64> = BTreeMap::new();
        for c in input.candidates.iter().filter(|c| c.continuing) {
            for (year, source, amount) in c.amounts(c.earliest_start).filter(|(y, _, _)| period.contains(y)) {
                *committed_year.entry(year).or_default() += thousands(amount);
                *committed_source.entry(Ceilings::source_key(year, source)).or_default() += thousands(amount);
                *committed_sector.entry(c.sector.as_str()).or_default() += thousands(amount);
            }
        }

        let columns: Vec<(&Candidate, i32)> = input
            .candidates
            .iter()
            .filter(|c| !c.continuing && !k.forced_out.contains(&c.id))
            .flat_map(|c| c.starts().map(move |s| (c, s)))
            .collect();
        let objective = columns.iter().map(|(c, _)| input.value(c).to_f64().unwrap_or(0.0)).collect();

        let mut rows = Vec::new();
        let mut project_rows = Vec::new();
        let mut per_project: BTreeMap<Uuid, Vec<(usize, f64)>> = BTreeMap::new();
        for (j, (c, _)) in columns.iter().enumerate() {
            per_project.entry(c.id).or_default().push((j, 1.0));
        }
        for (id, terms) in &per_project {
            let sense = if k.forced_in.contains(id) { Sense::Exactly } else { Sense::AtMost };
            project_rows.push(rows.len());
            rows.push(Row { terms: terms.clone(), sense, rhs: 1.0 });
        }

        let mut per_year: BTreeMap<i32, Vec<(usize, f64)>> = BTreeMap::new();
        let mut per_source: BTreeMap<String, Vec<(usize, f64)>> = BTreeMap::new();
        let mut per_sector: BTreeMap<&str, Vec<(usize, f64)>> = BTreeMap::new();
        for (j, (c, start)) in columns.iter().enumerate() {
            for (year, source, amount) in c.amounts(*start).filter(|(y, _, _)| period.contains(y)) {
                let a = thousands(amount);
                per_year.entry(year).or_default().push((j, a));
                per_source.entry(Ceilings::source_key(year, source)).or_default().push((j, a));
                per_sector.entry(c.sector.as_str()).or_default().push((j, a));
            }
        }
        for (year, ceiling) in input.ceilings.total.iter().filter(|(y, _)| period.contains(y)) {
            if let Some(terms) = per_year.remove(year) {
                let rhs = (thousands(*ceiling) - committed_year.get(year).copied().unwrap_or(0.0)).max(0.0);
                rows.push(Row { terms, sense: Sense::AtMost, rhs });
            }
        }
        for (key, ceiling) in &input.ceilings.by_source {
            if let Some(terms) = per_source.remove(key) {
                let rhs = (thousands(*ceiling) - committed_source.get(key).copied().unwrap_or(0.0)).max(0.0);
                rows.push(Row { terms, sense: Sense::AtMost, rhs });
            }
        }
        let period_ceiling: f64 =
            input.ceilings.total.iter().filter(|(y, _)| period.contains(y)).map(|(_, c)| thousands(*c)).sum();
        for share in &input.ceilings.sectors {
            let terms = per_sector.get(share.sector.as_str()).cloned().unwrap_or_default();
            let committed = committed_sector.get(share.sector.as_str()).copied().unwrap_or(0.0);
            if let Some(max) = share.max_share {
                let rhs = (max.to_f64().unwrap_or(1.0) * period_ceiling - committed).max(0.0);
                rows.push(Row { terms: terms.clone(), sense: Sense::AtMost, rhs });
            }
            if let Some(min) = share.min_share {
                let rhs = min.to_f64().unwrap_or(0.0) * period_ceiling - committed;
                rows.push(Row { terms, sense: Sense::AtLeast, rhs });
            }
        }

        let chosen = |id: &Uuid, sign: f64| -> Vec<(usize, f64)> {
            per_project.get(id).map(|t| t.iter().map(|(j, _)| (*j, sign)).collect()).unwrap_or_default()
        };
        let continuing = |id: &Uuid| input.candidates.iter().any(|c| c.id == *id && c.continuing);
        for (a, b) in &k.requires {
            if !continuing(b) {
                let terms = [chosen(a, 1.0), chosen(b, -1.0)].concat();
                rows.push(Row { terms, sense: Sense::AtMost, rhs: 0.0 });
            }
        }
        for (a, b) in &k.excludes {
            let fixed = f64::from(u8::from(continuing(a))) + f64::from(u8::from(continuing(b)));
            let terms = [chosen(a, 1.0), chosen(b, 1.0)].concat();
            rows.push(Row { terms, sense: Sense::AtMost, rhs: 1.0 - fixed });
        }
        let committed_value =
            input.candidates.iter().filter(|c| c.continuing).map(|c| input.value(c).to_f64().unwrap_or(0.0)).sum();
        Model { columns, objective, committed_value, rows, project_rows }
    }

    /// The rows each column is in, with its coefficient there.
    pub fn rows_of_columns(&self) -> Vec<Vec<(usize, f64)>> {
        let mut rows_of = vec![Vec::new(); self.columns.len()];
        for (i, row) in self.rows.iter().enumerate() {
            for (j, a) in &row.terms {
                rows_of[*j].push((i, *a));
            }
        }
        rows_of
    }

    /// Whether each row is a project's own (choosing at most one start).
    pub fn is_project_row(&self) -> Vec<bool> {
        let mut flags = vec![false; self.rows.len()];
        self.project_rows.iter().for_each(|i| flags[*i] = true);
        flags
    }

    /// The value of every column in the linear relaxation.
    pub fn relax(&self, options: SolveOptions) -> Result<Vec<f64>, OptimalError> {
        let status = vec![Fix::Free; self.columns.len()];
        let (relaxed, x) = self.programme(&status, false, None);
        let solved = relaxed.solve(options.solver(), options, &free_variables(&x)).map_err(super::failed)?;
        Ok(column_values(&status, &x, &solved))
    }

    /// The programme over the free columns (columns fixed in take their room
    /// from the rows); `binary` false gives its linear relaxation. Returns the
    /// variable of each free column.
    pub fn programme(&self, status: &[Fix], binary: bool, warm: Option<&Starts>) -> (Programme, Vec<Option<Variable>>) {
        let mut status = status.to_vec();
        let mut rhs: Vec<f64> = self.rows.iter().map(|r| r.rhs).collect();
        for (row, rhs) in self.rows.iter().zip(rhs.iter_mut()) {
            *rhs -= row.terms.iter().filter(|(j, _)| status[*j] == Fix::In).map(|(_, a)| a).sum::<f64>();
        }
        // A project in at one start is out at the others.
        for i in &self.project_rows {
            if rhs[*i] <= 0.5 {
                for (j, _) in &self.rows[*i].terms {
                    if status[*j] == Fix::Free {
                        status[*j] = Fix::Out;
                    }
                }
            }
        }
        // A project row left with one column is a bound, not a row; an empty
        // row that holds is dropped. Fewer rows make every node's relaxation cheaper.
        let free = |row: &Row| row.terms.iter().filter(|(j, _)| status[*j] == Fix::Free).count();
        let mut required = vec![false; self.columns.len()];
        let mut skip = vec![false; self.rows.len()];
        for i in &self.project_rows {
            let row = &self.rows[*i];
            if free(row) == 1 && rhs[*i] > 0.5 {
                skip[*i] = true;
                if row.sense == Sense::Exactly {
                    let (j, _) = row.terms.iter().find(|(j, _)| status[*j] == Fix::Free).expect("one free column");
                    required[*j] = true;
                }
            }
        }
        for ((row, skip), rhs) in self.rows.iter().zip(skip.iter_mut()).zip(&rhs) {
            let tol = 1e-9 * row.rhs.abs().max(1.0);
            *skip |= free(row) == 0
                && match row.sense {
                    Sense::AtMost => *rhs >= -tol,
                    Sense::AtLeast => *rhs <= tol,
                    Sense::Exactly => rhs.abs() <= tol,
                };
        }
        let mut vars = ProblemVariables::new();
        let x: Vec<Option<Variable>> = status
            .iter()
            .zip(&required)
            .map(|(fix, required)| {
                let lower = if *required { 1.0 } else { 0.0 };
                (*fix == Fix::Free).then(|| {
                    vars.add(if binary { variable().binary().min(lower) } else { variable().min(lower).max(1.0) })
                })
            })
            .collect();
        let objective: Expression = x.iter().zip(&self.objective).filter_map(|(x, c)| x.map(|x| *c * x)).sum();
        let initial = warm.map(|warm| {
            self.columns
                .iter()
                .zip(&x)
                .filter_map(|((c, s), x)| x.map(|x| (x, if warm.get(&c.id) == Some(s) { 1.0 } else { 0.0 })))
                .collect()
        });
        let rows = self
            .rows
            .iter()
            .zip(rhs)
            .zip(&skip)
            .filter(|(_, skip)| !**skip)
            .map(|((row, rhs), _)| {
                row.constraint(row.terms.iter().filter_map(|(j, a)| x[*j].map(|x| *a * x)).sum(), rhs)
            })
            .collect();
        (Programme { problem: vars.maximise(objective), rows, initial }, x)
    }

    /// The linear relaxation with every row, in the order of `rows` (so the
    /// solver's row duals are the rows' prices): columns at least 0, held to
    /// at most 1 by their project rows. Returns each column's variable.
    pub fn relaxation_with_every_row(&self) -> (Programme, Vec<Variable>) {
        let mut vars = ProblemVariables::new();
        let x: Vec<Variable> = self.columns.iter().map(|_| vars.add(variable().min(0.0))).collect();
        let objective: Expression = x.iter().zip(&self.objective).map(|(x, c)| *c * *x).sum();
        let rows = self
            .rows
            .iter()
            .map(|row| row.constraint(row.terms.iter().map(|(j, a)| *a * x[*j]).sum(), row.rhs))
            .collect();
        (Programme { problem: vars.maximise(objective), rows, initial: None }, x)
    }
}

impl Row {
    /// `sum` compared with `rhs` in this row's sense.
    fn constraint(&self, sum: Expression, rhs: f64) -> Constraint {
        match self.sense {
            Sense::AtMost => constraint!(sum <= rhs),
            Sense::Exactly => constraint!(sum == rhs),
            Sense::AtLeast => constraint!(sum >= rhs),
        }
    }
}
