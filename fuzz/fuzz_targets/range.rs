//! The `Range` parser of the facade crate (`src/conditional/range.rs`, `byte_range`), against a model of
//! RFC 9110 §14.1 written from the table in that module's documentation.
//!
//! `byte_range` is `pub(crate)` in `precond`, behind the `axum`/`actix` features, and
//! `precond::__private` re-exports a fixed list of items: the module is compiled into this
//! target from its source file instead, so the facade needs no change and the fuzz build no
//! web framework. The module uses nothing but `std`.
//!
//! Input: one byte choosing how the next eight give the representation's length (as is, small,
//! 0, 1, u64::MAX, near u64::MAX), then the field value.
#![no_main]

#[path = "../../src/conditional/range.rs"]
#[allow(dead_code)]
mod range;

use std::cmp::Ordering;

use libfuzzer_sys::fuzz_target;
use range::{ByteRange, byte_range};

/// A non-negative decimal of any size.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Num {
    /// At most 38 digits.
    Small(u128),
    /// More digits than fit in a u128, without leading zeros.
    Huge(Vec<u8>),
}

impl Num {
    fn parse(digits: &[u8]) -> Option<Num> {
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let first = digits
            .iter()
            .position(|&d| d != b'0')
            .unwrap_or(digits.len());
        let digits = &digits[first..];
        if digits.len() <= 38 {
            let text = std::str::from_utf8(digits).ok()?;
            Some(Num::Small(if text.is_empty() {
                0
            } else {
                text.parse().ok()?
            }))
        } else {
            Some(Num::Huge(digits.to_vec()))
        }
    }

    /// The value, saturated at u128::MAX (above any u64 length).
    fn saturated(&self) -> u128 {
        match self {
            Num::Small(n) => *n,
            Num::Huge(_) => u128::MAX,
        }
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Num::Small(a), Num::Small(b)) => a.cmp(b),
            (Num::Small(_), Num::Huge(_)) => Ordering::Less,
            (Num::Huge(_), Num::Small(_)) => Ordering::Greater,
            (Num::Huge(a), Num::Huge(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
        }
    }
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// The module's table, in u128 arithmetic.
fn model(value: &[u8], len: u64) -> ByteRange {
    let value = trim(value);
    let Some(eq) = value.iter().position(|&b| b == b'=') else {
        return ByteRange::Ignore;
    };
    if !value[..eq].eq_ignore_ascii_case(b"bytes") {
        return ByteRange::Ignore;
    }
    let specs: Vec<&[u8]> = value[eq + 1..]
        .split(|&b| b == b',')
        .map(trim)
        .filter(|s| !s.is_empty())
        .collect();
    let [spec] = specs.as_slice() else {
        return ByteRange::Ignore;
    };
    let Some(dash) = spec.iter().position(|&b| b == b'-') else {
        return ByteRange::Ignore;
    };
    let (first, last) = (&spec[..dash], &spec[dash + 1..]);
    let len = u128::from(len);
    let narrow = |n: u128| u64::try_from(n).expect("below a u64 length");
    if first.is_empty() {
        let Some(n) = Num::parse(last) else {
            return ByteRange::Ignore;
        };
        let n = n.saturated();
        return if n == 0 {
            ByteRange::Unsatisfiable
        } else if len == 0 {
            ByteRange::Ignore
        } else {
            ByteRange::Partial {
                start: narrow(len - n.min(len)),
                end: narrow(len - 1),
            }
        };
    }
    let Some(first) = Num::parse(first) else {
        return ByteRange::Ignore;
    };
    let last = if last.is_empty() {
        None
    } else {
        match Num::parse(last) {
            Some(last) => Some(last),
            None => return ByteRange::Ignore,
        }
    };
    if last.as_ref().is_some_and(|last| *last < first) {
        return ByteRange::Ignore;
    }
    let start = first.saturated();
    if start >= len {
        return ByteRange::Unsatisfiable;
    }
    let end = last.map_or(len - 1, |last| last.saturated().min(len - 1));
    ByteRange::Partial {
        start: narrow(start),
        end: narrow(end),
    }
}

fn check(value: &[u8], len: u64) -> ByteRange {
    let got = byte_range(value, len);
    match got {
        ByteRange::Partial { start, end } => {
            assert!(
                start <= end && end < len,
                "{start}-{end} of {len} for {value:?}"
            );
        }
        ByteRange::Unsatisfiable => {}
        ByteRange::Ignore => {}
    }
    assert_eq!(
        got,
        model(value, len),
        "{:?} of {len} bytes",
        String::from_utf8_lossy(value)
    );
    got
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let (raw, value) = match rest.split_first_chunk::<8>() {
        Some((raw, value)) => (u64::from_le_bytes(*raw), value),
        None => (0, rest),
    };
    let len = match mode % 6 {
        0 => raw,
        1 => raw % 1024,
        2 => 0,
        3 => 1,
        4 => u64::MAX,
        _ => u64::MAX - raw % 1024,
    };
    let got = check(value, len);
    // Every length at once for the lengths that sit on a boundary.
    for len in [0, 1, 2, len.wrapping_sub(1), len.wrapping_add(1), u64::MAX] {
        check(value, len);
    }
    // A satisfiable range written back in canonical form is the same range.
    if let ByteRange::Partial { start, end } = got {
        assert_eq!(check(format!("bytes={start}-{end}").as_bytes(), len), got);
        // OWS around the whole value changes nothing.
        let mut padded = b" \t".to_vec();
        padded.extend_from_slice(value);
        padded.extend_from_slice(b"\t ");
        assert_eq!(check(&padded, len), got);
    }
});
