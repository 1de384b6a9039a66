//! Slowing down password guessing: after a few failed sign-ins, an account
//! (and, with a larger allowance, a client address) must wait before the next
//! attempt, twice as long after every further failure.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures an account may have before it must wait.
pub const ACCOUNT_ALLOWANCE: u32 = 3;
/// Failures an address may have before it must wait.
pub const ADDRESS_ALLOWANCE: u32 = 10;
/// Longest wait.
pub const MAX_WAIT: Duration = Duration::from_secs(15 * 60);

/// Failure counts by key (`account:<sub>`, `address:<ip>`).
#[derive(Debug, Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

fn allowance(key: &str) -> u32 {
    if key.starts_with("account:") { ACCOUNT_ALLOWANCE } else { ADDRESS_ALLOWANCE }
}

impl Throttle {
    /// How long the keys must still wait at `now` (zero when an attempt may go ahead).
    pub fn wait(&self, keys: &[String], now: Instant) -> Duration {
        let failures = self.failures.lock().expect("throttle lock");
        keys.iter()
            .filter_map(|k| failures.get(k).map(|(n, last)| (allowance(k), *n, *last)))
            .filter(|(free, n, _)| n >= free)
            .map(|(free, n, last)| {
                let wait = Duration::from_secs(1u64 << (n - free).min(10)).min(MAX_WAIT);
                (last + wait).saturating_duration_since(now)
            })
            .max()
            .unwrap_or_default()
    }

    /// Counts a failed attempt against every key.
    pub fn fail(&self, keys: &[String], now: Instant) {
        let mut failures = self.failures.lock().expect("throttle lock");
        failures.retain(|_, (_, last)| now.saturating_duration_since(*last) < MAX_WAIT * 2);
        for key in keys {
            let entry = failures.entry(key.clone()).or_insert((0, now));
            *entry = (entry.0 + 1, now);
        }
    }

    /// Forgets an account's failures after it signed in.
    pub fn succeed(&self, account_key: &str) {
        self.failures.lock().expect("throttle lock").remove(account_key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_after_the_allowance_and_reset_on_success() {
        let t = Throttle::default();
        let keys = vec!["account:a".to_owned(), "address:1".to_owned()];
        let start = Instant::now();
        for _ in 0..ACCOUNT_ALLOWANCE {
            assert_eq!(t.wait(&keys, start), Duration::ZERO);
            t.fail(&keys, start);
        }
        assert_eq!(t.wait(&keys, start), Duration::from_secs(1));
        t.fail(&keys, start);
        assert_eq!(t.wait(&keys, start), Duration::from_secs(2));
        assert_eq!(t.wait(&keys, start + Duration::from_secs(2)), Duration::ZERO);
        assert_eq!(t.wait(&["account:b".to_owned()], start), Duration::ZERO, "other accounts are free");
        t.succeed("account:a");
        assert_eq!(t.wait(&keys, start), Duration::ZERO, "the address is under its allowance");
        for _ in 0..ADDRESS_ALLOWANCE {
            t.fail(&["address:1".to_owned()], start);
        }
        assert!(t.wait(&["account:c".to_owned(), "address:1".to_owned()], start) > Duration::ZERO);
    }
}
