//! Numbers as Ukrainian readers write them: thousands separated by a narrow
//! no-break space, a decimal comma; amounts in UAH or thousand UAH.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// `amount` rounded to `places` decimals, grouped, with a decimal comma
/// (as the message catalogue writes Ukrainian figures).
pub fn number(amount: Decimal, places: u32) -> String {
    portfel_domain::messages::figure(amount, places, portfel_domain::messages::Lang::Uk)
}

/// An amount in UAH with kopecks.
pub fn uah(amount: Decimal) -> String {
    number(amount, 2)
}

/// An amount in thousand UAH with one decimal, as councils' plan tables use
/// (rounded by [`portfel_monitoring::thousands::thousand_uah`]).
pub fn thousands(amount: Decimal) -> String {
    number(portfel_monitoring::thousands::thousand_uah(amount), 1)
}

/// An amount in UAH as thousand UAH for a form to show, every kopeck kept
/// (`99 950,50` → `99,9505`); [`crate::forms::thousand_uah`] reads it back.
pub fn thousands_exact(amount: Decimal) -> String {
    let t = (amount / Decimal::ONE_THOUSAND).normalize();
    number(t, t.scale().max(1))
}

/// A score.
pub fn score(value: Decimal) -> String {
    number(value, 2)
}

/// A share as a percentage.
pub fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

/// An amount as a float, for drawing.
pub fn to_f64(amount: Decimal) -> f64 {
    amount.to_f64().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_grouped_with_a_decimal_comma() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(uah(d("2500000")), "2\u{202f}500\u{202f}000,00");
        assert_eq!(uah(d("999.5")), "999,50");
        assert_eq!(thousands(d("2380000")), "2\u{202f}380,0");
        assert_eq!(thousands(d("-1250")), "−1,3");
        assert_eq!(number(d("0"), 0), "0");
        assert_eq!(number(d("100000"), 0), "100\u{202f}000");
    }
}
