//! Aggregating several experts' scores on one criterion, and measuring how
//! far they disagree.

use rust_decimal::Decimal;

use crate::methodology::Aggregation;

/// One score from several: mean, median or trimmed mean. `None` for no scores.
pub fn aggregate(scores: &[Decimal], how: Aggregation) -> Option<Decimal> {
    kept(scores, how).map(|(sum, count)| sum / Decimal::from(count))
}

/// What an aggregate divides: the sum of the scores it keeps, and their
/// count (the two middle ones of an even median). `None` for no scores.
pub fn kept(scores: &[Decimal], how: Aggregation) -> Option<(Decimal, usize)> {
    let mut sorted = scores.to_vec();
    sorted.sort();
    kept_of_sorted(&sorted, how)
}

/// [`kept`] of scores already in ascending order, in any exact number type.
pub fn kept_of_sorted<T>(sorted: &[T], how: Aggregation) -> Option<(T, usize)>
where
    T: Copy + std::iter::Sum<T> + std::ops::Add<Output = T>,
{
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let all = |s: &[T]| (s.iter().copied().sum::<T>(), s.len());
    Some(match how {
        Aggregation::Mean => all(sorted),
        Aggregation::Median if n % 2 == 1 => (sorted[n / 2], 1),
        Aggregation::Median => (sorted[n / 2 - 1] + sorted[n / 2], 2),
        Aggregation::TrimmedMean if n >= 3 => all(&sorted[1..n - 1]),
        Aggregation::TrimmedMean => all(sorted),
    })
}

/// Spread of scores: highest minus lowest (0 for fewer than two).
pub fn spread(scores: &[Decimal]) -> Decimal {
    match (scores.iter().min(), scores.iter().max()) {
        (Some(lo), Some(hi)) => hi - lo,
        _ => Decimal::ZERO,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(v: &[i64]) -> Vec<Decimal> {
        v.iter().map(|x| Decimal::from(*x)).collect()
    }

    #[test]
    fn hand_computed_aggregates() {
        let s = d(&[4, 1, 5, 4]);
        assert_eq!(aggregate(&s, Aggregation::Mean), Some(Decimal::new(35, 1)));
        assert_eq!(aggregate(&s, Aggregation::Median), Some(Decimal::from(4)));
        assert_eq!(aggregate(&s, Aggregation::TrimmedMean), Some(Decimal::from(4)));
        assert_eq!(aggregate(&d(&[2, 3]), Aggregation::TrimmedMean), Some(Decimal::new(25, 1)));
        assert_eq!(aggregate(&d(&[1, 2, 2]), Aggregation::Mean).unwrap().round_dp(4), Decimal::new(16667, 4));
        assert_eq!(aggregate(&[], Aggregation::Mean), None);
        assert_eq!(spread(&s), Decimal::from(4));
    }

    proptest! {
        #[test]
        fn raising_a_score_never_lowers_the_aggregate(scores in prop::collection::vec(0i64..=5, 1..7), i in 0usize..7, how in 0usize..3) {
            let how = [Aggregation::Mean, Aggregation::Median, Aggregation::TrimmedMean][how];
            let before = d(&scores);
            let mut after = before.clone();
            let i = i % after.len();
            after[i] += Decimal::ONE;
            prop_assert!(aggregate(&after, how) >= aggregate(&before, how));
        }

        #[test]
        fn order_of_experts_does_not_matter(mut scores in prop::collection::vec(0i64..=5, 1..7), how in 0usize..3) {
            let how = [Aggregation::Mean, Aggregation::Median, Aggregation::TrimmedMean][how];
            let before = aggregate(&d(&scores), how);
            scores.reverse();
            scores.rotate_left(1);
            prop_assert_eq!(aggregate(&d(&scores), how), before);
        }
    }
}
