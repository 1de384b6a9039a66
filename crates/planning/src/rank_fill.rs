//! Rank-order fill: the procedure councils use. Continuing projects are
//! committed first; then projects are taken by rank, each at the earliest
//! start year at which its whole schedule fits every remaining ceiling.

use crate::input::{Candidate, PlanInput};
use crate::outcome::{Ledger, Plan, PlanBuilder};

/// Builds a plan by rank-order fill.
pub fn rank_order_fill(input: &PlanInput) -> Plan {
    let mut ledger = Ledger::new(input);
    let mut warnings = Vec::new();
    let k = &input.constraints;
    let mut order: Vec<&Candidate> = input.candidates.iter().collect();
    order.sort_by_key(|c| (!c.continuing, !k.forced_in.contains(&c.id), c.rank, c.id));
    for c in order {
        if k.forced_out.contains(&c.id) && !c.continuing {
            continue;
        }
        let committed = c.continuing || k.forced_in.contains(&c.id);
        let partner_in = k.excludes.iter().any(|(a, b)| (*a == c.id && ledger.contains(*b)) || (*b == c.id && ledger.contains(*a)));
        let missing = k.requires.iter().any(|(a, b)| *a == c.id && !ledger.contains(*b));
        if !committed && (partner_in || missing) {
            continue;
        }
        let fitting = c.starts().find(|s| ledger.blocker(c, *s).is_none() && ledger.sector_blocker(c, *s).is_none());
        match (fitting, committed) {
            (Some(start), _) => ledger.add(c, start),
            (None, true) => {
                warnings.push(format!("проєкт {} включено обов'язково, хоча він перевищує граничні обсяги", c.id));
                ledger.add(c, c.earliest_start);
            }
            (None, false) => {}
        }
    }
    ledger.into_plan(PlanBuilder::RankOrder, warnings)
}
