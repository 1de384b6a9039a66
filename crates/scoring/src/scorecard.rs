//! Score cards: every contribution to a project's score, as JSON and as
//! Markdown for the council and the initiator.

use std::collections::BTreeMap;
use std::fmt::Write;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::evaluate::CriterionResult;
use crate::gates::GateResult;
use crate::methodology::Methodology;
use crate::round::{ConsensusNote, RoundResults};
use crate::sensitivity::ProjectSensitivity;

/// A project's score card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ScoreCard {
    /// Round.
    pub round_id: Uuid,
    /// Passport.
    pub passport_id: Uuid,
    /// Project title.
    pub title: String,
    /// Methodology name.
    pub methodology: String,
    /// Rank, absent when ineligible.
    pub rank: Option<u32>,
    /// True when every gate passed.
    pub eligible: bool,
    /// Final score on 0–100.
    pub final_score: Decimal,
    /// Index per group on 0–100.
    pub group_indices: BTreeMap<String, Decimal>,
    /// Gate outcomes with reasons.
    pub gates: Vec<GateResult>,
    /// Contribution of every criterion.
    pub criteria: Vec<CriterionResult>,
    /// Consensus notes that resolved disagreements.
    pub consensus: BTreeMap<String, ConsensusNote>,
    /// How stable the rank is under weight changes (eligible projects).
    pub sensitivity: Option<ProjectSensitivity>,
    /// Size of the top group the sensitivity analysis tracked.
    pub sensitivity_top_k: usize,
}

impl ScoreCard {
    /// Builds the card of `passport_id` from a closed round's results.
    pub fn build(
        round_id: Uuid,
        passport_id: Uuid,
        title: String,
        m: &Methodology,
        results: &RoundResults,
        consensus: BTreeMap<String, ConsensusNote>,
    ) -> Option<ScoreCard> {
        let e = results.evaluations.iter().find(|e| e.id == passport_id)?;
        Some(ScoreCard {
            round_id,
            passport_id,
            title,
            methodology: m.name.clone(),
            rank: results.ranking.iter().find(|r| r.id == passport_id).and_then(|r| r.rank),
            eligible: e.eligible,
            final_score: e.final_score,
            group_indices: e.group_indices.clone(),
            gates: e.gates.clone(),
            criteria: e.criteria.clone(),
            consensus,
            sensitivity: results.sensitivity.projects.iter().find(|p| p.id == passport_id).cloned(),
            sensitivity_top_k: results.sensitivity.config.top_k,
        })
    }

    /// Markdown rendering.
    pub fn to_markdown(&self, m: &Methodology) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# Картка оцінювання: {}\n", self.title);
        let _ = writeln!(out, "- Методика: {}", self.methodology);
        let rank = self.rank.map_or("—".to_owned(), |r| r.to_string());
        let _ = writeln!(out, "- Підсумковий бал: **{}** з 100; місце в рейтингу: {rank}", self.final_score);
        for (code, index) in &self.group_indices {
            let name = m.groups.iter().find(|g| &g.code == code).map_or(code.as_str(), |g| g.name.as_str());
            let _ = writeln!(out, "- {name} ({code}): {index}");
        }
        let _ = writeln!(out, "\n## Обов'язкові умови\n");
        for g in &self.gates {
            let mark = if g.passed { "виконано" } else { "НЕ виконано" };
            let gate = serde_json::to_value(&g.gate)
                .ok()
                .and_then(|v| v["gate"].as_str().map(str::to_owned))
                .unwrap_or_default();
            let _ =
                writeln!(out, "- {gate}: {mark}{}", g.reason.as_deref().map(|r| format!(" — {r}")).unwrap_or_default());
        }
        let _ = writeln!(out, "\n## Внесок критеріїв\n");
        let _ = writeln!(out, "| Критерій | Вага | Оцінки експертів / значення | Агреговано | Бали |");
        let _ = writeln!(out, "| --- | ---: | --- | ---: | ---: |");
        for c in &self.criteria {
            let name = m.criterion(&c.code).map_or(c.code.as_str(), |k| k.name.as_str());
            let raw = if c.raw_scores.is_empty() {
                c.value.map_or("—".to_owned(), |v| v.to_string())
            } else {
                c.raw_scores.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", ")
            };
            let agg = c.aggregate.map_or("—".to_owned(), |a| a.to_string());
            let flag = if c.disagreement { " ⚠" } else { "" };
            let _ =
                writeln!(out, "| {} {name}{flag} | {} | {raw} | {agg} | {} |", c.code, c.weight.normalize(), c.points);
        }
        if !self.consensus.is_empty() {
            let _ = writeln!(out, "\n## Узгодження розбіжностей\n");
            for (code, note) in &self.consensus {
                let _ = writeln!(out, "- {code}: {} ({}, {})", note.note, note.by, note.at.format("%Y-%m-%d"));
            }
        }
        if let Some(s) = &self.sensitivity {
            let _ = writeln!(out, "\n## Чутливість до ваг\n");
            let _ = writeln!(
                out,
                "Імовірність залишитися серед перших {}: {:.1}%; діапазон місць (5–95%): {}–{}; min–max: {}–{}.",
                self.sensitivity_top_k,
                s.top_k_probability * 100.0,
                s.rank_p05,
                s.rank_p95,
                s.rank_min,
                s.rank_max
            );
        }
        out
    }
}
