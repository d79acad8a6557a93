//! [`Retry`]: how many attempts, and the bounded exponential backoff with jitter between them.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How many times a conditional write is attempted, and how long to wait between attempts:
/// `initial`, multiplied by `factor` after each attempt, at most `max`, each wait lengthened by
/// a random part of up to `jitter` times itself (so that writers that collided do not collide
/// again in step).
///
/// The defaults are in the style of Kubernetes client-go's `retry.DefaultRetry` (5 steps of
/// 10 ms, 10% jitter), with exponential growth for contention that lasts:
///
/// | | default |
/// |---|---|
/// | `attempts` | 10 |
/// | `initial_delay` | 10 ms |
/// | `factor` | 2.0 |
/// | `max_delay` | 1 s |
/// | `jitter` | 0.5 |
///
/// so at most about 6 s of waiting in all before [`Error::Conflict`](super::Error::Conflict).
///
/// ```
/// use std::time::Duration;
/// use precond::client::Retry;
///
/// let retry = Retry::default().attempts(3).initial_delay(Duration::from_millis(50)).jitter(0.0);
/// assert_eq!(retry.delay(0), Duration::from_millis(50));
/// assert_eq!(retry.delay(1), Duration::from_millis(100));
/// assert_eq!(retry.delay(20), Duration::from_secs(1)); // capped
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Retry {
    pub(crate) attempts: u32,
    initial: Duration,
    factor: f64,
    pub(crate) max: Duration,
    jitter: f64,
}

impl Default for Retry {
    fn default() -> Self {
        Self {
            attempts: 10,
            initial: Duration::from_millis(10),
            factor: 2.0,
            max: Duration::from_secs(1),
            jitter: 0.5,
        }
    }
}

impl Retry {
    /// One attempt: no retry at all.
    #[must_use]
    pub fn never() -> Self {
        Self::default().attempts(1)
    }

    /// How many writes at most (at least 1).
    #[must_use]
    pub fn attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts.max(1);
        self
    }

    /// The wait after the first conflict.
    #[must_use]
    pub fn initial_delay(mut self, delay: Duration) -> Self {
        self.initial = delay;
        self
    }

    /// What each wait is multiplied by for the next (1.0: constant waits; at least 1.0).
    #[must_use]
    pub fn factor(mut self, factor: f64) -> Self {
        self.factor = if factor.is_finite() {
            factor.max(1.0)
        } else {
            1.0
        };
        self
    }

    /// The longest wait (before jitter), and the longest `Retry-After` honoured.
    #[must_use]
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max = delay;
        self
    }

    /// The random part added to each wait, as a fraction of it (0.0 to 1.0).
    #[must_use]
    pub fn jitter(mut self, jitter: f64) -> Self {
        self.jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self
    }

    /// The wait after the `n`-th failed attempt (0 for the first): `initial × factorⁿ`, at most
    /// `max`, plus up to `jitter` of itself at random.
    #[must_use]
    pub fn delay(&self, n: u32) -> Duration {
        let exponent = i32::try_from(n).unwrap_or(i32::MAX);
        let base = self.initial.as_secs_f64() * self.factor.powi(exponent);
        let base = base.min(self.max.as_secs_f64());
        let wait = base * (1.0 + self.jitter * unit_random());
        Duration::try_from_secs_f64(wait).unwrap_or(self.max)
    }
}

/// A number in `[0, 1)`, different on each call: std's randomly keyed hasher over a counter
/// (enough to spread retries; not for anything that needs unpredictability).
fn unit_random() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_to_the_cap_and_jitter_stays_within_its_fraction() {
        let retry = Retry::default();
        for n in 0..40 {
            let base = (0.010 * 2f64.powi(n as i32)).min(1.0);
            let delay = retry.delay(n).as_secs_f64();
            assert!(delay >= base && delay <= base * 1.5 + 1e-9, "{n}: {delay}");
        }
        let flat = Retry::default().factor(1.0).jitter(0.0);
        assert_eq!(flat.delay(7), Duration::from_millis(10));
        // Nonsense is clamped, never a panic.
        let odd = Retry::default()
            .factor(f64::NAN)
            .jitter(f64::INFINITY)
            .attempts(0);
        assert_eq!(odd.attempts, 1);
        assert_eq!(odd.delay(u32::MAX), Duration::from_millis(10));
        assert_eq!(Retry::default().delay(u32::MAX).as_secs_f64().floor(), 1.0);
    }

    #[test]
    fn jitter_spreads_waits() {
        let retry = Retry::default();
        let waits: std::collections::BTreeSet<Duration> = (0..50).map(|_| retry.delay(3)).collect();
        assert!(waits.len() > 40, "{waits:?}");
    }
}
