//! Charts drawn on the server as SVG, each with a text alternative.

use maud::{Markup, html};

/// Colours of funding sources, in order of appearance (distinct, AA on white).
const PALETTE: [&str; 6] = ["#0b4f8a", "#d17a00", "#1d6b35", "#7b3294", "#a4161a", "#4a5563"];

/// One year's bar: allocations by source, stacked, against the year's ceiling.
#[derive(Debug, Clone)]
pub struct YearBar {
    /// Label under the bar (the year).
    pub label: String,
    /// (source label, allocated) in drawing order.
    pub parts: Vec<(String, f64)>,
    /// The year's total ceiling, if the year has one.
    pub ceiling: Option<f64>,
}

/// Horizontal stacked bars of allocations per year with each year's ceiling
/// drawn as a line; amounts in thousand UAH in the labels.
pub fn ceiling_usage(bars: &[YearBar], description: &str) -> Markup {
    let max =
        bars.iter().map(|b| b.ceiling.unwrap_or(0.0).max(b.parts.iter().map(|p| p.1).sum())).fold(1.0_f64, f64::max);
    let (left, width, row) = (70.0, 640.0, 46.0);
    let mut sources: Vec<&str> = Vec::new();
    for b in bars {
        for (s, _) in &b.parts {
            if !sources.contains(&s.as_str()) {
                sources.push(s);
            }
        }
    }
    let colour = |s: &str| PALETTE[sources.iter().position(|x| *x == s).unwrap_or(0) % PALETTE.len()];
    let height = row * bars.len() as f64 + 30.0 + 20.0 * sources.len() as f64;
    let scale = |v: f64| v / max * width;
    html! {
        svg.chart role="img" aria-label=(description) viewBox=(format!("0 0 {} {height}", left + width + 150.0))
            width=(left + width + 150.0) {
            title { (description) }
            @for (i, b) in bars.iter().enumerate() {
                @let y = 10.0 + row * i as f64;
                text x="0" y=(y + 18.0) { (b.label) }
                rect x=(left) y=(y) width=(width) height="26" fill="#eef1f5" {}
                @for (x, source, amount) in segments(&b.parts, left, &scale) {
                    rect x=(x) y=(y) width=(scale(amount)) height="26" fill=(colour(source)) {
                        title { (source) ": " (thousand(amount)) " тис. грн" }
                    }
                }
                @let used: f64 = b.parts.iter().map(|p| p.1).sum();
                @if let Some(ceiling) = b.ceiling {
                    line x1=(left + scale(ceiling)) x2=(left + scale(ceiling)) y1=(y - 4.0) y2=(y + 30.0)
                        stroke="#a4161a" stroke-width="3" {}
                    text x=(left + width + 8.0) y=(y + 12.0) { (thousand(used)) " з " (thousand(ceiling)) }
                } @else {
                    text x=(left + width + 8.0) y=(y + 12.0) { (thousand(used)) ", без стелі" }
                }
                text x=(left + width + 8.0) y=(y + 27.0) { "тис. грн" }
            }
            @let legend_y = 20.0 + row * bars.len() as f64;
            line x1=(left) x2=(left + 24.0) y1=(legend_y) y2=(legend_y) stroke="#a4161a" stroke-width="3" {}
            text x=(left + 30.0) y=(legend_y + 4.0) { "стеля року" }
            @for (i, s) in sources.iter().enumerate() {
                rect x=(left) y=(legend_y + 10.0 + 20.0 * i as f64) width="14" height="14" fill=(colour(s)) {}
                text x=(left + 20.0) y=(legend_y + 22.0 + 20.0 * i as f64) { (s) }
            }
        }
    }
}

/// Where each stacked part starts.
fn segments<'a>(parts: &'a [(String, f64)], left: f64, scale: &impl Fn(f64) -> f64) -> Vec<(f64, &'a str, f64)> {
    let mut x = left;
    parts
        .iter()
        .map(|(source, amount)| {
            let start = x;
            x += scale(*amount);
            (start, source.as_str(), *amount)
        })
        .collect()
}

fn thousand(v: f64) -> String {
    crate::format::number(rust_decimal::Decimal::from_f64_retain(v / 1000.0).unwrap_or_default(), 1)
}

/// A project's rank under weight changes: the range seen, the 5–95 % band
/// and its rank under the methodology's weights, on a scale of `projects` ranks,
/// with the top-k boundary.
pub fn rank_interval(base: u32, min: u32, max: u32, p05: u32, p95: u32, projects: u32, top_k: u32) -> Markup {
    let n = projects.max(max).max(1) as f64;
    let (left, width) = (20.0, 600.0);
    let x = |rank: u32| left + (f64::from(rank) - 1.0) / (n - 1.0).max(1.0) * width;
    let description = format!(
        "Місце в рейтингу: базове {base}; у 90 % випробувань від {p05} до {p95}; найкраще {min}, найгірше {max}"
    );
    html! {
        svg.chart role="img" aria-label=(description) viewBox="0 0 660 90" width="660" {
            title { (description) }
            line x1=(left) x2=(left + width) y1="40" y2="40" stroke="#c9d1db" stroke-width="2" {}
            rect x=(left) y="22" width=(x(top_k.min(projects).max(1)) - left) height="36" fill="#e3f3e6" {}
            text x=(left) y="16" { "топ-" (top_k) }
            line x1=(x(min)) x2=(x(max)) y1="40" y2="40" stroke="#4a5563" stroke-width="2" {}
            rect x=(x(p05)) y="32" width=((x(p95) - x(p05)).max(3.0)) height="16" fill="#0b4f8a" {}
            circle cx=(x(base)) cy="40" r="7" fill="#ffd500" stroke="#1b1f24" {}
            text x=(left) y="78" { "1" }
            text x=(left + width - 20.0) y="78" { (projects) }
            text x=(x(base) - 4.0) y="78" { (base) }
        }
    }
}

/// A horizontal bar of a probability.
pub fn probability(p: f64, description: &str) -> Markup {
    let w = (p.clamp(0.0, 1.0) * 300.0).round();
    html! {
        svg.chart role="img" aria-label=(description) viewBox="0 0 380 24" width="380" height="24" {
            title { (description) }
            rect x="0" y="4" width="300" height="16" fill="#eef1f5" {}
            rect x="0" y="4" width=(w) height="16" fill="#1d6b35" {}
            text x="308" y="17" { (crate::format::percent(p)) }
        }
    }
}
