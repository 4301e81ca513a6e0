//! Reconnect delays: exponential backoff with jitter, and a slow lane for bad credentials.
//!
//! A mailbox whose server is down is retried quickly at first (2 s) and then ever more
//! patiently (up to 5 min), with random jitter so that several mailboxes on one provider do
//! not reconnect in lock-step. A refused login is different: retrying every few seconds only
//! gets the account locked (Tencent Exmail and NetEase lock after a handful of failures), and a
//! person must fix the password anyway — so it waits 15 minutes between attempts. Either way
//! the other mailboxes keep running: each has its own [`Backoff`].

use std::time::Duration;

/// First delay after a failure.
pub const INITIAL: Duration = Duration::from_secs(2);
/// Longest delay after repeated network failures.
pub const MAX: Duration = Duration::from_secs(5 * 60);
/// Delay after the server refused the credentials.
pub const AUTH: Duration = Duration::from_secs(15 * 60);
/// Jitter: each delay is drawn from `[base * (1 - JITTER), base]`.
pub const JITTER: f64 = 0.25;

/// The retry schedule of one mailbox.
///
/// Exists so each mailbox task keeps its own failure count: one broken account never slows
/// the reconnects of another.
#[derive(Debug, Clone)]
pub struct Backoff {
    initial: Duration,
    max: Duration,
    auth: Duration,
    failures: u32,
    rng: u64,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff::new(INITIAL, MAX, AUTH)
    }
}

impl Backoff {
    /// A schedule with explicit bounds (the defaults are [`INITIAL`], [`MAX`], [`AUTH`]).
    pub fn new(initial: Duration, max: Duration, auth: Duration) -> Backoff {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15)
            ^ (std::process::id() as u64) << 32;
        Backoff {
            initial,
            max,
            auth,
            failures: 0,
            rng: seed | 1,
        }
    }

    /// The delay before the next attempt after a failure; `auth` when the login was refused.
    pub fn next_delay(&mut self, auth: bool) -> Duration {
        self.failures = self.failures.saturating_add(1);
        let base = if auth {
            self.auth
        } else {
            self.base(self.failures)
        };
        let factor = 1.0 - JITTER * self.random_unit();
        base.mul_f64(factor)
    }

    /// The un-jittered delay after `failures` consecutive network failures.
    pub fn base(&self, failures: u32) -> Duration {
        let exp = failures.saturating_sub(1).min(30);
        self.initial
            .saturating_mul(1u32 << exp.min(20))
            .min(self.max)
    }

    /// A success: the next failure starts again at the initial delay.
    pub fn reset(&mut self) {
        self.failures = 0;
    }

    /// Consecutive failures so far.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// xorshift64*: uniform in [0, 1). Jitter needs no cryptographic randomness.
    fn random_unit(&mut self) -> f64 {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_exponentially_from_initial_and_caps_at_max() {
        let b = Backoff::default();
        assert_eq!(b.base(1), INITIAL);
        assert_eq!(b.base(2), INITIAL * 2);
        assert_eq!(b.base(3), INITIAL * 4);
        assert_eq!(b.base(9), MAX, "2 s * 2^8 = 512 s is capped at 5 min");
        assert_eq!(b.base(1000), MAX, "no overflow after many failures");
    }

    #[test]
    fn every_delay_lies_in_its_jitter_range_and_varies() {
        let mut b = Backoff::default();
        let mut seen = std::collections::HashSet::new();
        for n in 1..=200u32 {
            let base = b.base(n);
            let d = b.next_delay(false);
            assert!(d <= base, "attempt {n}: {d:?} above {base:?}");
            assert!(
                d >= base.mul_f64(1.0 - JITTER),
                "attempt {n}: {d:?} below the jitter floor of {base:?}"
            );
            assert!(d <= MAX);
            seen.insert(d);
        }
        assert!(
            seen.len() > 50,
            "jitter should spread delays: {}",
            seen.len()
        );
    }

    #[test]
    fn auth_failures_wait_long_and_reset_restarts_fast() {
        let mut b = Backoff::default();
        let d = b.next_delay(true);
        assert!(d > MAX, "auth delay {d:?} should exceed the network cap");
        assert!(d <= AUTH && d >= AUTH.mul_f64(1.0 - JITTER), "{d:?}");
        b.next_delay(false);
        b.next_delay(false);
        assert_eq!(b.failures(), 3);
        b.reset();
        let d = b.next_delay(false);
        assert!(
            d <= INITIAL,
            "after reset the first delay is back to {INITIAL:?}: {d:?}"
        );
    }
}
