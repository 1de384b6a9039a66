//! Amounts as councils read them: thousand UAH with one decimal.
//!
//! Rounding rule: an amount is converted from exact hryvnias and rounded once,
//! half away from zero, to 0.1 thousand UAH (100 UAH). Subtotals and totals are
//! summed from exact hryvnias and then rounded, never summed from rounded
//! lines, so a total may differ from the sum of its printed lines by the
//! rounding of each (at most 0.05 thousand UAH a line).

use rust_decimal::{Decimal, RoundingStrategy};

/// `amount` hryvnias in thousand UAH, rounded to one decimal half away from zero.
pub fn thousand_uah(amount: Decimal) -> Decimal {
    one_decimal(amount / Decimal::ONE_THOUSAND)
}

/// Rounded half away from zero and written with exactly one decimal (`15.0`).
fn one_decimal(value: Decimal) -> Decimal {
    let mut v = value.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    v.rescale(1);
    v
}

/// A figure as Ukrainian text writes it: a decimal comma (`1250,0`).
pub fn written(value: Decimal) -> String {
    value.to_string().replace('.', ",")
}

/// `part` as a percentage of `whole`, to one decimal half away from zero;
/// none when `whole` is zero (no plan, so no rate) or the figures are too large.
pub fn rate(part: Decimal, whole: Decimal) -> Option<Decimal> {
    part.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(whole).map(one_decimal)
}

/// Which way a figure in a flag's reason is rounded: away from the rule's threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Toward zero: for figures that fell short of a threshold.
    Down,
    /// Away from zero: for figures that passed a threshold.
    Up,
}

impl Rounding {
    fn one_decimal(self, value: Decimal) -> Decimal {
        let strategy = match self {
            Rounding::Down => RoundingStrategy::ToZero,
            Rounding::Up => RoundingStrategy::AwayFromZero,
        };
        let mut v = value.round_dp_with_strategy(1, strategy);
        v.rescale(1);
        v
    }
}

/// `amount` hryvnias in thousand UAH with one decimal, rounded `way`.
pub fn thousand_uah_rounded(amount: Decimal, way: Rounding) -> Decimal {
    way.one_decimal(amount / Decimal::ONE_THOUSAND)
}

/// `part` as a percentage of `whole` with one decimal, rounded `way`; none when `whole` is zero.
pub fn rate_rounded(part: Decimal, whole: Decimal, way: Rounding) -> Option<Decimal> {
    part.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(whole).map(|v| way.one_decimal(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn amounts_round_once_half_away_from_zero() {
        assert_eq!(thousand_uah(d("1250000.00")), d("1250.0"));
        assert_eq!(thousand_uah(d("1234550.00")), d("1234.6"), "a half rounds up");
        assert_eq!(thousand_uah(d("1234549.99")), d("1234.5"));
        assert_eq!(thousand_uah(d("-50.00")), d("-0.1"), "and away from zero below it");
        assert_eq!(thousand_uah(d("49.99")), d("0.0"));
        assert_eq!(thousand_uah(d("15000.00")).to_string(), "15.0", "always one decimal");
    }

    #[test]
    fn figures_of_reasons_round_away_from_the_threshold() {
        assert_eq!(rate_rounded(d("499990"), d("1000000"), Rounding::Down), Some(d("49.9")));
        assert_eq!(thousand_uah_rounded(d("499990"), Rounding::Down), d("499.9"));
        assert_eq!(rate_rounded(d("1100100"), d("1000000"), Rounding::Up).map(|r| r - d("100")), Some(d("10.1")));
        assert_eq!(thousand_uah_rounded(d("1100001"), Rounding::Up), d("1100.1"));
    }

    #[test]
    fn rates_are_percentages_with_one_decimal() {
        assert_eq!(rate(d("2"), d("3")), Some(d("66.7")));
        assert_eq!(rate(d("1"), d("8")), Some(d("12.5")));
        assert_eq!(rate(d("5"), d("0")), None);
    }
}
