//! Figures and quotes as Ukrainian documents write them: a decimal comma,
//! thousands grouped by a narrow no-break space, «» quotes.

use rust_decimal::Decimal;

/// `amount` with `places` decimals, grouped, with a decimal comma.
pub fn figure(amount: Decimal, places: u32) -> String {
    portfel_domain::messages::figure(amount, places, portfel_domain::messages::Lang::Uk)
}

/// `text` in «» quotes, unless it is quoted already.
pub fn quoted(text: &str) -> String {
    let t = text.trim();
    if t.starts_with('«') && t.ends_with('»') { t.to_owned() } else { format!("«{t}»") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_take_a_comma_and_narrow_spaces_and_names_take_angle_quotes() {
        assert_eq!(figure(Decimal::new(12345675, 1), 1), "1\u{202f}234\u{202f}567,5");
        assert_eq!(quoted("Програма розвитку"), "«Програма розвитку»");
        assert_eq!(quoted("«Програма»"), "«Програма»");
    }
}
