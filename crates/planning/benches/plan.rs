//! Optimal plans for a hromada (200 candidates) and at national scale (5,000
//! candidates × 3 years × 5 funding sources, with start-year windows), next to
//! rank-order fill. `cargo bench -p portfel-planning --bench plan`.

use std::time::{Duration, Instant};

use portfel_planning::{
    Candidate, Ceilings, PlanInput, ScheduleLine, SolveOptions, Solver, optimal_plan, rank_order_fill,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use uuid::Uuid;

const SOURCES: [&str; 5] =
    ["localBudget", "stateSubsidies", "stateCentralBudget", "internationalOrganization", "donorFunds"];

fn instance(n: usize, windows: bool, seed: u64) -> PlanInput {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let candidates: Vec<Candidate> = (0..n)
        .map(|i| {
            let duration = rng.random_range(1..=3u8);
            let mut schedule = Vec::new();
            for offset in 0..duration {
                for j in 0..rng.random_range(1..=3usize) {
                    schedule.push(ScheduleLine {
                        offset,
                        source: SOURCES[(i + j) % SOURCES.len()].into(),
                        amount: Decimal::from(rng.random_range(100..20_000) * 1000),
                    });
                }
            }
            let start = 2027 + rng.random_range(0..2);
            Candidate {
                id: Uuid::from_u128(i as u128 + 1),
                rank: i as u32 + 1,
                score: Decimal::new(rng.random_range(3000..9500), 2),
                sector: ["ES", "WC", "HQ", "TI", "LT"][i % 5].into(),
                schedule,
                earliest_start: start,
                latest_start: if windows { (start + rng.random_range(0..=1)).min(2029) } else { start },
                continuing: i.is_multiple_of(40),
            }
        })
        .collect();
    let demand: Decimal = candidates.iter().map(|c| c.total()).sum();
    let per_year = demand / Decimal::from(3) * Decimal::new(35, 2);
    let mut ceilings =
        Ceilings { total: (2027..=2029).map(|y| (y, per_year.round_dp(2))).collect(), ..Default::default() };
    for y in 2027..=2029 {
        for s in SOURCES {
            ceilings.by_source.insert(Ceilings::source_key(y, s), (per_year * Decimal::new(26, 2)).round_dp(2));
        }
    }
    PlanInput::new(2027, 2029, ceilings, candidates)
}

/// Builds both plans; returns the optimal builder's time in milliseconds.
fn run(label: &str, p: &PlanInput, limit: Duration, solver: Solver) -> f64 {
    let t = Instant::now();
    let fill = rank_order_fill(p);
    let fill_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let best =
        optimal_plan(p, SolveOptions { time_limit: limit, mip_gap: 0.001, solver: Some(solver) }).expect("feasible");
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    println!(
        "{label}: rank-order {fill_ms:.1} ms (value {}, {} in); optimal {ms:.0} ms (value {}, {} in, gap {}, proven {:?})",
        fill.objective_value,
        fill.included.len(),
        best.objective_value,
        best.included.len(),
        best.gap.map_or("n/a".into(), |g| format!("{:.4}%", g * 100.0)),
        best.optimal
    );
    ms
}

/// Runs one family of instances with `solver` and prints the median and the slowest time.
fn family(label: &str, n: usize, windows: bool, seeds: std::ops::RangeInclusive<u64>, solver: Solver) {
    let label = format!("{label}, {solver:?}");
    let mut times: Vec<f64> = seeds
        .map(|seed| {
            run(&format!("{label} (seed {seed})"), &instance(n, windows, seed), Duration::from_secs(10), solver)
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "{label}: median {:.0} ms, slowest {:.0} ms over {} instances\n",
        times[(times.len() - 1) / 2],
        times[times.len() - 1],
        times.len()
    );
}

/// Every instance family with each solver of the build (HiGHS with `--features highs`).
fn main() {
    let solvers: &[Solver] =
        if cfg!(feature = "highs") { &[Solver::Microlp, Solver::Highs] } else { &[Solver::Microlp] };
    for solver in solvers {
        family("hromada, 200 candidates, fixed starts", 200, false, 1..=8, *solver);
        family("hromada, 200 candidates, start windows", 200, true, 1..=8, *solver);
        family("national, 5000 candidates × 3 years × 5 sources, windows", 5000, true, 1..=2, *solver);
    }
}
