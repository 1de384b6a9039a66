//! Slowing down password guessing without locking anybody else out.
//!
//! Failed sign-ins are counted three ways: per account and client address
//! pair, per account (from every address: a distributed attack) and per
//! address (over every account: password spraying). An attempt on account
//! `A` from address `X` waits only when `X` has itself failed on `A`
//! recently; then it waits the longest delay any of the three counts has
//! earned: one second once a count is past its allowance, twice as long
//! after every further failure, at most [`MAX_WAIT`]. So the right password
//! of an account the address never failed on always goes through — whoever
//! hammers other accounts, or this one from elsewhere, and however many
//! people share an office's address — while every guess after the first few
//! costs the guesser more and more time. Signing in forgets the account's
//! failures (the pair's and the account's); the address keeps its count.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures one address may have on one account before it must wait.
pub const PAIR_ALLOWANCE: u32 = 3;
/// Failures an account may have from all addresses together.
pub const ACCOUNT_ALLOWANCE: u32 = 10;
/// Failures an address may have over all accounts.
pub const ADDRESS_ALLOWANCE: u32 = 10;
/// Longest wait.
pub const MAX_WAIT: Duration = Duration::from_secs(15 * 60);
/// Most counts kept; past it the oldest are forgotten first.
const MAX_ENTRIES: usize = 100_000;

/// What a count is kept for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Pair(String, Option<IpAddr>),
    Account(String),
    Address(Option<IpAddr>),
}

impl Key {
    fn allowance(&self) -> u32 {
        match self {
            Key::Pair(..) => PAIR_ALLOWANCE,
            Key::Account(_) => ACCOUNT_ALLOWANCE,
            Key::Address(_) => ADDRESS_ALLOWANCE,
        }
    }
}

/// Failure counts and the time of the last failure, by key.
#[derive(Debug, Default)]
pub struct Throttle {
    failures: Mutex<HashMap<Key, (u32, Instant)>>,
}

fn keys(account: &str, address: Option<IpAddr>) -> [Key; 3] {
    [Key::Pair(account.to_owned(), address), Key::Account(account.to_owned()), Key::Address(address)]
}

impl Throttle {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, (u32, Instant)>> {
        self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How long an attempt on `account` from `address` must still wait at
    /// `now` (zero when it may go ahead).
    pub fn wait(&self, account: &str, address: Option<IpAddr>, now: Instant) -> Duration {
        let failures = self.lock();
        let [pair, ..] = &keys(account, address);
        if !failures.contains_key(pair) {
            return Duration::ZERO;
        }
        keys(account, address)
            .iter()
            .filter_map(|k| failures.get(k).map(|&(n, last)| (k.allowance(), n, last)))
            .filter(|&(free, n, _)| n >= free)
            .map(|(free, n, last)| {
                let wait = Duration::from_secs(1u64 << (n - free).min(10)).min(MAX_WAIT);
                (last + wait).saturating_duration_since(now)
            })
            .max()
            .unwrap_or_default()
    }

    /// Counts a failed attempt on `account` from `address`.
    pub fn fail(&self, account: &str, address: Option<IpAddr>, now: Instant) {
        let mut failures = self.lock();
        failures.retain(|_, (_, last)| now.saturating_duration_since(*last) < MAX_WAIT * 2);
        if failures.len() >= MAX_ENTRIES {
            let mut by_age: Vec<(Instant, Key)> = failures.iter().map(|(k, (_, last))| (*last, k.clone())).collect();
            by_age.sort_by_key(|(last, _)| *last);
            for (_, key) in by_age.into_iter().take(MAX_ENTRIES / 10) {
                failures.remove(&key);
            }
        }
        for key in keys(account, address) {
            let entry = failures.entry(key).or_insert((0, now));
            *entry = (entry.0 + 1, now);
        }
    }

    /// Forgets the account's failures after it signed in from `address`.
    pub fn succeed(&self, account: &str, address: Option<IpAddr>) {
        let mut failures = self.lock();
        let [pair, account, _] = keys(account, address);
        failures.remove(&pair);
        failures.remove(&account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> Option<IpAddr> {
        Some(IpAddr::from([192, 0, 2, last]))
    }

    #[test]
    fn waits_grow_after_the_allowance_and_reset_on_success() {
        let t = Throttle::default();
        let start = Instant::now();
        for _ in 0..PAIR_ALLOWANCE {
            assert_eq!(t.wait("a", ip(1), start), Duration::ZERO);
            t.fail("a", ip(1), start);
        }
        assert_eq!(t.wait("a", ip(1), start), Duration::from_secs(1));
        t.fail("a", ip(1), start);
        assert_eq!(t.wait("a", ip(1), start), Duration::from_secs(2));
        assert_eq!(t.wait("a", ip(1), start + Duration::from_secs(2)), Duration::ZERO);
        assert_eq!(t.wait("b", ip(1), start), Duration::ZERO, "other accounts are free");
        assert_eq!(t.wait("a", ip(2), start), Duration::ZERO, "the account's owner elsewhere is free");
        t.succeed("a", ip(1));
        assert_eq!(t.wait("a", ip(1), start), Duration::ZERO);
    }

    #[test]
    fn an_address_that_guesses_never_blocks_accounts_it_did_not_attack() {
        let t = Throttle::default();
        let start = Instant::now();
        for n in 0..50 {
            t.fail(&format!("victim-{n}"), ip(9), start);
        }
        assert_eq!(t.wait("someone-else", ip(9), start), Duration::ZERO, "a colleague behind the same address");
        assert!(t.wait("victim-7", ip(9), start) > Duration::ZERO, "a sprayed account waits for the sprayer");
        for _ in 0..100 {
            t.fail("owner", ip(9), start);
        }
        assert_eq!(t.wait("owner", ip(1), start), Duration::ZERO, "the owner at their own address signs in");
        assert!(t.wait("owner", ip(9), start) >= Duration::from_secs(60), "the attacker waits");
        assert!(t.wait("owner", ip(9), start) <= MAX_WAIT);
    }

    #[test]
    fn a_distributed_attack_on_one_account_slows_every_attacking_address() {
        let t = Throttle::default();
        let start = Instant::now();
        for n in 0..=ACCOUNT_ALLOWANCE as u8 {
            t.fail("a", ip(n), start);
        }
        assert!(t.wait("a", ip(0), start) > Duration::ZERO, "one failure each, but the account is under attack");
        assert_eq!(t.wait("a", ip(200), start), Duration::ZERO, "an address that never failed goes ahead");
    }
}
