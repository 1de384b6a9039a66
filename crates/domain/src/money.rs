//! Money in hryvnias: exact decimals, never floats, serialised as strings.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Sub};
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::ToSchema;

/// Largest amount accepted on a single line: one trillion hryvnias.
pub const MAX_LINE_AMOUNT: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0);

/// An amount in UAH with at most two decimal places (kopiykas).
///
/// Serialised as a decimal string (`"1250000.00"`); parsing refuses floats
/// in JSON numbers so no amount is ever rounded on the way in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, ToSchema)]
#[schema(value_type = String, example = "1250000.00", pattern = r"^-?\d{1,13}(\.\d{1,2})?$")]
pub struct Uah(Decimal);

/// Why a string is not a valid UAH amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UahParseError {
    /// Not a decimal number.
    #[error("not a decimal number")]
    NotANumber,
    /// More than two decimal places.
    #[error("more than two decimal places")]
    TooPrecise,
    /// Not written as canonical digits: a sign other than a leading minus,
    /// white space or an exponent.
    #[error("write amounts as digits with an optional minus and at most two decimals, e.g. \"1250000.50\"")]
    NotCanonical,
}

impl Uah {
    /// Zero hryvnias.
    pub const ZERO: Uah = Uah(Decimal::ZERO);

    /// Wraps a decimal, rejecting more than two decimal places.
    pub fn new(value: Decimal) -> Result<Self, UahParseError> {
        if value.normalize().scale() > 2 {
            return Err(UahParseError::TooPrecise);
        }
        Ok(Uah(value.round_dp(2)))
    }

    /// The amount as a decimal.
    pub fn value(self) -> Decimal {
        self.0
    }

    /// True when below zero.
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }
}

impl FromStr for Uah {
    type Err = UahParseError;

    /// Parses the canonical form only: `-?\d+(\.\d{1,2})?`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = s.strip_prefix('-').unwrap_or(s);
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !all_digits(whole)
            || !all_digits(fraction)
            || (digits.contains('.') && fraction.is_empty())
        {
            return Err(if Decimal::from_str_exact(s.trim()).is_ok() {
                UahParseError::NotCanonical
            } else {
                UahParseError::NotANumber
            });
        }
        if fraction.len() > 2 {
            return Err(UahParseError::TooPrecise);
        }
        Uah::new(Decimal::from_str_exact(s).map_err(|_| UahParseError::NotANumber)?)
    }
}

impl fmt::Display for Uah {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut v = self.0;
        v.rescale(2);
        write!(f, "{v}")
    }
}

impl Add for Uah {
    type Output = Uah;
    fn add(self, rhs: Uah) -> Uah {
        Uah(self.0 + rhs.0)
    }
}

impl Sub for Uah {
    type Output = Uah;
    fn sub(self, rhs: Uah) -> Uah {
        Uah(self.0 - rhs.0)
    }
}

impl Sum for Uah {
    fn sum<I: Iterator<Item = Uah>>(iter: I) -> Uah {
        iter.fold(Uah::ZERO, Add::add)
    }
}

impl Serialize for Uah {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Why a JSON number is not an amount.
const NUMBER_REFUSED: &str = "amounts must be decimal strings, e.g. \"1250000.50\", never JSON numbers";

impl<'de> Deserialize<'de> for Uah {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Uah;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal string with at most two decimal places, e.g. \"1250000.00\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Uah, E> {
                v.parse().map_err(|e: UahParseError| E::custom(format!("invalid amount {v:?}: {e}")))
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Uah, E> {
                Err(E::custom(NUMBER_REFUSED))
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Uah, E> {
                Err(E::custom(NUMBER_REFUSED))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Uah, E> {
                Err(E::custom(NUMBER_REFUSED))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_two_decimals() {
        let a: Uah = "1250000.5".parse().unwrap();
        assert_eq!(a.to_string(), "1250000.50");
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"1250000.50\"");
    }

    #[test]
    fn refuses_three_decimals_and_floats() {
        assert_eq!("1.005".parse::<Uah>(), Err(UahParseError::TooPrecise));
        assert!(serde_json::from_str::<Uah>("1.5").is_err());
        assert!(serde_json::from_str::<Uah>("\"abc\"").is_err());
        assert!(serde_json::from_str::<Uah>("42").is_err(), "numbers are refused");
        assert_eq!("1.500".parse::<Uah>(), Err(UahParseError::TooPrecise));
    }

    #[test]
    fn only_canonical_strings_are_amounts() {
        for ok in ["0", "42", "-5.5", "1250000.50", "9999999999999.99"] {
            assert!(ok.parse::<Uah>().is_ok(), "{ok}");
        }
        for bad in ["+1000.00", " 1000.00", "1000.00 ", "1e3", "1.", ".5", "1_000", "--1", "１"] {
            assert!(bad.parse::<Uah>().is_err(), "{bad}");
        }
        assert_eq!("+1000.00".parse::<Uah>(), Err(UahParseError::NotCanonical));
        assert_eq!("abc".parse::<Uah>(), Err(UahParseError::NotANumber));
    }

    #[test]
    fn sums_exactly() {
        let total: Uah = ["0.10", "0.20"].iter().map(|s| s.parse::<Uah>().unwrap()).sum();
        assert_eq!(total, "0.30".parse().unwrap());
    }

    #[test]
    fn max_line_amount_is_one_trillion() {
        assert_eq!(MAX_LINE_AMOUNT, Decimal::from(1_000_000_000_000u64));
    }
}
