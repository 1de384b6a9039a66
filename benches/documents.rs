//! The papers people sign, built: the annual programme report as DOCX and
//! XLSX (a real city's size — 18 measures with narratives of 4,625
//! characters — and a programme of 300 measures), and the council's decision
//! on a portfolio of 1,000 projects. Pure: no database, no HTTP.
//!
//! `cargo bench --bench documents` (set `BENCH_RUNS` to change the runs, 20 by default).

use std::time::Instant;

use chrono::NaiveDate;
use portfel_documents::portfolio_decision::{PortfolioPaper, PortfolioRow};
use portfel_documents::{Letterhead, portfolio_decision, programme_report};
use portfel_monitoring::annual::{AnnualReport, annual_report};
use portfel_monitoring::programme::{MeasureFact, Programme};
use rust_decimal::Decimal;
use serde_json::json;

fn runs() -> usize {
    std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(20)
}

/// A report of `measures` measures in two sections, each with a narrative of `chars` characters.
fn report(measures: usize, chars: usize) -> AnnualReport {
    let measure = |n: usize| {
        json!({"number": format!("{}.{}", 1 + n % 2, n + 1), "text": format!("Захід №{n}: капітальний ремонт об'єкта соціальної інфраструктури"),
               "planned": [{"year": 2025, "source": "localBudget", "amount": format!("{}.50", 100_000 + n * 7_919)}]})
    };
    let sections: Vec<_> = (0..2)
        .map(|s| {
            json!({"number": (s + 1).to_string(), "title": format!("Розділ {}", s + 1),
                        "measures": (0..measures).filter(|n| n % 2 == s).map(measure).collect::<Vec<_>>()})
        })
        .collect();
    let programme: Programme = serde_json::from_value(json!({
        "title": "Програма соціально-економічного розвитку громади на 2025–2027 роки", "decision_number": "12/2024",
        "decision_date": "2024-12-20", "period_start": 2025, "period_end": 2027, "responsible": "Відділ економічного розвитку",
        "sections": sections
    }))
    .expect("a programme");
    let narrative: String = "Виконано роботи відповідно до договору підряду; ".chars().cycle().take(chars).collect();
    let facts: Vec<MeasureFact> = programme
        .measures()
        .map(|(_, m)| MeasureFact {
            measure: m.number.clone(),
            year: 2025,
            amount: "90000.00".parse().unwrap(),
            narrative: narrative.clone(),
        })
        .collect();
    annual_report(&programme, &facts, &Default::default(), 2025)
}

fn portfolio(projects: u32) -> PortfolioPaper {
    let rows = (1..=projects)
        .map(|n| PortfolioRow {
            place: Some(n),
            code: Some(format!("UA-{n:05}")),
            title: format!("Реконструкція об'єкта №{n}"),
            initiator: "Управління житлово-комунального господарства".into(),
            sector: "Водопостачання".into(),
            score: Some(Decimal::new(9_000 - i64::from(n), 2)),
            cost: Decimal::from(1_000_000 + u64::from(n) * 13_331),
        })
        .collect();
    PortfolioPaper {
        version: 1,
        decision: Some(("7/2026".into(), NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())),
        rows,
    }
}

/// Builds with `build` `runs` times; prints the median and the slowest in milliseconds and the size.
fn time(name: &str, build: impl Fn() -> Vec<u8>) {
    let mut ms = Vec::new();
    let mut size = 0;
    for _ in 0..runs() {
        let start = Instant::now();
        size = build().len();
        ms.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    println!("{name:<48} p50 {:>7.1} ms   max {:>7.1} ms   {:>8} bytes", ms[ms.len() / 2], ms[ms.len() - 1], size);
}

fn main() {
    let head = Letterhead { hromada: "Соснівська міська рада".into() };
    for (label, r) in [
        ("18 measures, 4,625-character narratives", report(18, 4_625)),
        ("300 measures, 600-character narratives", report(300, 600)),
    ] {
        time(&format!("programme report DOCX, {label}"), || programme_report::docx(&r, &head).expect("docx"));
        time(&format!("programme report XLSX, {label}"), || programme_report::xlsx(&r, &head).expect("xlsx"));
    }
    let p = portfolio(1_000);
    time("portfolio decision DOCX, 1,000 projects", || portfolio_decision::docx(&p, &head).expect("docx"));
}
