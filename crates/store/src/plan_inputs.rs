//! Builds what the council decides on from stored data: the portfolio from a
//! closed evaluation round, and plan candidates from a portfolio's passports.

use portfel_domain::Status;
use portfel_domain::access::Visibility;
use portfel_monitoring::rolling::{Line, remaining, spent_by_source};
use portfel_planning::council::{PlanRequest, PortfolioContent, PortfolioItem, Ranked};
use portfel_planning::schedule::schedule;
use portfel_planning::{Candidate, Exclusion};
use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::StoreResult;
use crate::passports::{self, PassportFilter};

/// The portfolio of a closed round, composed by
/// [`PortfolioContent::compose`]: continuing projects (in implementation)
/// apart and always included, then the round's ranked projects scoring at
/// least `min_score` that may still enter a portfolio, by rank, each once.
pub async fn build_portfolio<C: ConnectionTrait>(
    conn: &C,
    round_id: Uuid,
    min_score: Decimal,
) -> StoreResult<PortfolioContent> {
    let results = crate::rounds::results(conn, round_id).await?;
    let item = |p: &portfel_domain::records::Passport, rank: Option<u32>, score: Option<Decimal>| PortfolioItem {
        passport_id: p.meta.id,
        title: p.content.title.uk.clone(),
        organisation_id: p.organisation_id,
        sector: p.content.sector.clone().unwrap_or_default(),
        rank,
        score,
        total_cost: p.total_cost.value(),
        continuing: rank.is_none(),
    };
    let filter = PassportFilter {
        visibility: Visibility { all: true, ..Default::default() },
        status: Some(Status::Implementation),
        limit: 10_000,
        ..Default::default()
    };
    let continuing = passports::list(conn, &filter).await?.0.iter().map(|p| item(p, None, None)).collect();
    let mut ranked = Vec::new();
    for r in results.ranking.iter().filter(|r| r.rank.is_some()) {
        let p = passports::get(conn, r.id).await?;
        ranked.push(Ranked { item: item(&p, r.rank, Some(r.final_score)), status: p.status });
    }
    Ok(PortfolioContent::compose(round_id, min_score, continuing, ranked))
}

/// Plan candidates from a portfolio: each passport's financing plan becomes a
/// schedule relative to its start year. New projects may start from their
/// planned start (or the period's first year, if later) up to `start_window`
/// years after; continuing projects keep their start and bring only what they
/// still need from the period's first year: their financing minus what their
/// reports spent, the unspent part of earlier years carried into the first
/// when the request says so (see [`portfel_monitoring::rolling`]). A project
/// whose data cannot be scheduled is returned apart, as the plan's exclusion
/// with the reason ([`portfel_planning::schedule`]).
pub async fn plan_candidates<C: ConnectionTrait>(
    conn: &C,
    portfolio: &PortfolioContent,
    req: &PlanRequest,
) -> StoreResult<(Vec<Candidate>, Vec<Exclusion>)> {
    let mut out = Vec::with_capacity(portfolio.items.len());
    let mut unplannable = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for item in portfolio.items.iter().filter(|i| seen.insert(i.passport_id)) {
        let p = passports::get(conn, item.passport_id).await?;
        let mut financing: Vec<Line> =
            p.content.financing.iter().map(|f| (f.year, f.source.clone(), f.amount.value())).collect();
        if item.continuing {
            let mut reports = crate::reports::facts_by_project(conn, Some(item.passport_id)).await?;
            let spent = spent_by_source(&reports.remove(&item.passport_id).unwrap_or_default());
            financing = remaining(&financing, &spent, req.first_year, req.carry_unspent);
        }
        let (start, schedule) = match schedule(p.content.start_year, financing) {
            Ok(scheduled) => scheduled,
            Err(why) => {
                unplannable.push(why.exclusion(item.passport_id));
                continue;
            }
        };
        let earliest = if item.continuing { start } else { start.max(req.first_year) };
        out.push(Candidate {
            id: item.passport_id,
            rank: item.rank.unwrap_or(0),
            score: item.score.unwrap_or_default(),
            sector: item.sector.clone(),
            schedule,
            earliest_start: earliest,
            latest_start: if item.continuing {
                earliest
            } else {
                (earliest + i32::from(req.start_window)).min(req.last_year).max(earliest)
            },
            continuing: item.continuing,
        });
    }
    Ok((out, unplannable))
}
