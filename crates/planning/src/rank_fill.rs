//! Rank-order fill: the procedure councils use. Continuing projects are
//! committed first; then projects are taken by rank, each at the earliest
//! start year at which its whole schedule fits every remaining ceiling.
//! The same fill in order of value per unit of ceiling used gives the
//! optimal builder a strong starting solution.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use uuid::Uuid;

use crate::input::{Candidate, PlanInput};
use crate::outcome::{Ledger, Plan, PlanBuilder};

/// Builds a plan by rank-order fill.
pub fn rank_order_fill(input: &PlanInput) -> Plan {
    let mut order: Vec<&Candidate> = input.candidates.iter().collect();
    order.sort_by_key(|c| (c.rank, c.id));
    fill(input, order, &BTreeMap::new(), PlanBuilder::RankOrder)
}

/// Fills in order of value per share of the period's ceilings used.
pub(crate) fn density_fill(input: &PlanInput) -> Plan {
    let usage = |c: &Candidate| -> f64 {
        c.amounts(c.earliest_start)
            .map(|(year, _, amount)| match input.ceilings.total.get(&year) {
                Some(ceiling) if *ceiling > Decimal::ZERO => (amount / ceiling).to_f64().unwrap_or(0.0),
                _ => 0.0,
            })
            .sum::<f64>()
            .max(1e-12)
    };
    let mut order: Vec<(&Candidate, f64)> =
        input.candidates.iter().map(|c| (c, input.value(c).to_f64().unwrap_or(0.0) / usage(c))).collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.rank.cmp(&b.0.rank)));
    fill(input, order.into_iter().map(|(c, _)| c).collect(), &BTreeMap::new(), PlanBuilder::RankOrder)
}

/// Fills in a given order, trying each project's preferred start year first
/// (used with the order and starts of a linear relaxation).
pub(crate) fn fill_in<'a>(input: &'a PlanInput, order: Vec<&'a Candidate>, prefer: &BTreeMap<Uuid, i32>) -> Plan {
    fill(input, order, prefer, PlanBuilder::RankOrder)
}

/// Takes candidates in `order` (continuing and forced ones first), each at its
/// earliest fitting start, skipping those whose links or ceilings forbid them.
fn fill<'a>(
    input: &'a PlanInput,
    mut order: Vec<&'a Candidate>,
    prefer: &BTreeMap<Uuid, i32>,
    builder: PlanBuilder,
) -> Plan {
    let mut ledger = Ledger::new(input);
    let mut warnings = Vec::new();
    let k = &input.constraints;
    order.sort_by_key(|c| (!c.continuing, !k.forced_in.contains(&c.id)));
    for c in order {
        if k.forced_out.contains(&c.id) && !c.continuing {
            continue;
        }
        let committed = c.continuing || k.forced_in.contains(&c.id);
        let partner_in =
            k.excludes.iter().any(|(a, b)| (*a == c.id && ledger.contains(*b)) || (*b == c.id && ledger.contains(*a)));
        let missing = k.requires.iter().any(|(a, b)| *a == c.id && !ledger.contains(*b));
        if !committed && (partner_in || missing) {
            continue;
        }
        let fitting = prefer
            .get(&c.id)
            .copied()
            .into_iter()
            .chain(c.starts())
            .find(|s| ledger.blocker(c, *s).is_none() && ledger.sector_blocker(c, *s).is_none());
        match (fitting, committed) {
            (Some(start), _) => ledger.add(c, start),
            (None, true) => {
                warnings.push(format!("проєкт {} включено обов'язково, хоча він перевищує граничні обсяги", c.id));
                ledger.add(c, c.earliest_start);
            }
            (None, false) => {}
        }
    }
    ledger.into_plan(builder, warnings)
}
