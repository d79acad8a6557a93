//! The `Range` request field (RFC 9110 §14.1 and §14.2), for a single byte range.
//!
//! Grammar (§14.1.1, §14.1.2):
//!
//! ```text
//! Range           = ranges-specifier
//! ranges-specifier = range-unit "=" range-set
//! range-set       = 1#range-spec
//! range-spec      = int-range / suffix-range / other-range
//! int-range       = first-pos "-" [ last-pos ]
//! suffix-range    = "-" suffix-length
//! ```
//!
//! What [`byte_range`] makes of a field, for a representation of `len` bytes:
//!
//! | field | outcome |
//! |---|---|
//! | unit other than `bytes` (ASCII case-insensitive) | ignored: 200 |
//! | invalid syntax, or an `int-range` whose last-pos is below its first-pos | ignored: 200 |
//! | several ranges | ignored: 200 (no `multipart/byteranges`; §14.2 lets a server ignore `Range`) |
//! | `a-b`, `a-`, with `a < len` | 206, bytes `a` to `min(b, len - 1)` |
//! | `a-b`, `a-`, with `a ≥ len` | 416, `Content-Range: bytes */len` |
//! | `-n`, `n > 0` | 206, the last `min(n, len)` bytes |
//! | `-0` | 416 (§14.1.1: a suffix range is satisfiable only with a non-zero length) |
//! | `-n` on an empty representation | ignored: 200 (nothing to send; 206 could not name the range) |
//!
//! Numbers may have any number of digits: a first-pos beyond `u64::MAX` is past any end (416), a
//! last-pos beyond it stands for the last byte, a suffix-length beyond it for the whole
//! representation; the comparison of first-pos and last-pos is exact at any size.
//!
//! Leniencies: optional whitespace (SP, HTAB) around the field value and around each list
//! element, empty list elements skipped (§5.6.1), leading zeros in numbers (the grammar's
//! `1*DIGIT` allows them).

use std::cmp::Ordering;

/// What a `Range` field asks of a representation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ByteRange {
    /// Send the whole representation with 200: not a usable single byte range.
    Ignore,
    /// Send bytes `start..=end` (`start <= end < len`) with 206.
    Partial {
        /// First byte, counted from 0.
        start: u64,
        /// Last byte, inclusive.
        end: u64,
    },
    /// Answer 416 Range Not Satisfiable.
    Unsatisfiable,
}

/// Decides a `Range` field value against a representation of `len` bytes (see the module's
/// table). Never panics; linear in the value's length.
pub(crate) fn byte_range(value: &[u8], len: u64) -> ByteRange {
    match parse(value) {
        Some(spec) => spec.against(len),
        None => ByteRange::Ignore,
    }
}

/// A single byte range as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spec<'a> {
    /// `first-` or `first-last`.
    Int {
        first: Number<'a>,
        last: Option<Number<'a>>,
    },
    /// `-length`.
    Suffix(Number<'a>),
}

impl Spec<'_> {
    fn against(self, len: u64) -> ByteRange {
        match self {
            Spec::Int { first, last } => {
                if last.is_some_and(|last| last < first) {
                    return ByteRange::Ignore;
                }
                match first.value() {
                    Some(start) if start < len => {
                        let end = last.and_then(Number::value).map_or(len - 1, |last| {
                            // last >= first, and start < len, so end >= start.
                            last.min(len - 1)
                        });
                        ByteRange::Partial { start, end }
                    }
                    _ => ByteRange::Unsatisfiable,
                }
            }
            Spec::Suffix(length) => {
                let length = length.value().unwrap_or(u64::MAX);
                if length == 0 {
                    ByteRange::Unsatisfiable
                } else if len == 0 {
                    ByteRange::Ignore
                } else {
                    ByteRange::Partial {
                        start: len - length.min(len),
                        end: len - 1,
                    }
                }
            }
        }
    }
}

/// A non-negative decimal of any size: its digits without leading zeros (empty for 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Number<'a>(&'a [u8]);

impl<'a> Number<'a> {
    /// `1*DIGIT`.
    fn parse(digits: &'a [u8]) -> Option<Self> {
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let zeros = digits.iter().take_while(|&&d| d == b'0').count();
        Some(Self(&digits[zeros..]))
    }

    /// The value, or `None` beyond `u64::MAX`.
    fn value(self) -> Option<u64> {
        if self.0.len() > 20 {
            return None;
        }
        self.0.iter().try_fold(0u64, |n, &d| {
            n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        })
    }
}

impl PartialOrd for Number<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Number<'_> {
    /// Exact at any size: more digits is larger, then digit by digit.
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.cmp(other.0))
    }
}

const fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s
        && is_ows(*first)
    {
        s = rest;
    }
    while let [rest @ .., last] = s
        && is_ows(*last)
    {
        s = rest;
    }
    s
}

/// The single byte range of a field value, or `None` to ignore the field.
fn parse(value: &[u8]) -> Option<Spec<'_>> {
    let value = trim_ows(value);
    let equals = value.iter().position(|&b| b == b'=')?;
    let (unit, set) = (&value[..equals], &value[equals + 1..]);
    if !unit.eq_ignore_ascii_case(b"bytes") {
        return None;
    }
    let mut specs = set
        .split(|&b| b == b',')
        .map(trim_ows)
        .filter(|s| !s.is_empty());
    let spec = specs.next()?;
    if specs.next().is_some() {
        return None;
    }
    let dash = spec.iter().position(|&b| b == b'-')?;
    let (first, last) = (&spec[..dash], &spec[dash + 1..]);
    if first.is_empty() {
        return Number::parse(last).map(Spec::Suffix);
    }
    let first = Number::parse(first)?;
    let last = if last.is_empty() {
        None
    } else {
        Some(Number::parse(last)?)
    };
    Some(Spec::Int { first, last })
}

#[cfg(test)]
mod tests {
    use super::ByteRange::{Ignore, Partial, Unsatisfiable};
    use super::*;
    use proptest::prelude::*;

    fn range(value: &str, len: u64) -> ByteRange {
        byte_range(value.as_bytes(), len)
    }

    #[test]
    fn edge_cases() {
        let table: &[(&str, u64, ByteRange)] = &[
            // §14.1.2 examples, on a 10000-byte representation.
            ("bytes=0-499", 10_000, Partial { start: 0, end: 499 }),
            (
                "bytes=500-999",
                10_000,
                Partial {
                    start: 500,
                    end: 999,
                },
            ),
            (
                "bytes=-500",
                10_000,
                Partial {
                    start: 9_500,
                    end: 9_999,
                },
            ),
            (
                "bytes=9500-",
                10_000,
                Partial {
                    start: 9_500,
                    end: 9_999,
                },
            ),
            ("bytes=0-0", 10_000, Partial { start: 0, end: 0 }),
            (
                "bytes=-1",
                10_000,
                Partial {
                    start: 9_999,
                    end: 9_999,
                },
            ),
            // The last byte, and just past it.
            (
                "bytes=9999-9999",
                10_000,
                Partial {
                    start: 9_999,
                    end: 9_999,
                },
            ),
            (
                "bytes=9999-",
                10_000,
                Partial {
                    start: 9_999,
                    end: 9_999,
                },
            ),
            ("bytes=10000-", 10_000, Unsatisfiable),
            ("bytes=10000-10001", 10_000, Unsatisfiable),
            // A last-pos beyond the end is clamped (§14.1.2).
            (
                "bytes=5-20000",
                10_000,
                Partial {
                    start: 5,
                    end: 9_999,
                },
            ),
            // A suffix longer than the representation: all of it.
            (
                "bytes=-20000",
                10_000,
                Partial {
                    start: 0,
                    end: 9_999,
                },
            ),
            // §14.1.1: `-0` is not satisfiable.
            ("bytes=-0", 10_000, Unsatisfiable),
            ("bytes=-000", 10_000, Unsatisfiable),
            // Invalid: last-pos below first-pos.
            ("bytes=5-4", 10_000, Ignore),
            // Huge numbers: past any end, the last byte, the whole representation.
            ("bytes=18446744073709551616-", 10, Unsatisfiable),
            ("bytes=99999999999999999999999999-", 10, Unsatisfiable),
            (
                "bytes=2-99999999999999999999999999",
                10,
                Partial { start: 2, end: 9 },
            ),
            (
                "bytes=-99999999999999999999999999",
                10,
                Partial { start: 0, end: 9 },
            ),
            ("bytes=18446744073709551615-", 10, Unsatisfiable),
            (
                "bytes=-18446744073709551615",
                10,
                Partial { start: 0, end: 9 },
            ),
            // Compared exactly even beyond u64::MAX: last < first is invalid, not 416.
            (
                "bytes=99999999999999999999-99999999999999999998",
                10,
                Ignore,
            ),
            (
                "bytes=99999999999999999998-99999999999999999999",
                10,
                Unsatisfiable,
            ),
            // Leading zeros.
            ("bytes=0005-0007", 10, Partial { start: 5, end: 7 }),
            (
                "bytes=000000000000000000000000000001-2",
                10,
                Partial { start: 1, end: 2 },
            ),
            // Empty representation: nothing is satisfiable except a suffix, which is ignored.
            ("bytes=0-", 0, Unsatisfiable),
            ("bytes=0-0", 0, Unsatisfiable),
            ("bytes=-5", 0, Ignore),
            ("bytes=-0", 0, Unsatisfiable),
            // Unit: case-insensitive; any other unit is ignored.
            ("BYTES=1-2", 10, Partial { start: 1, end: 2 }),
            ("Bytes=1-2", 10, Partial { start: 1, end: 2 }),
            ("items=1-2", 10, Ignore),
            ("bytes =1-2", 10, Ignore),
            ("=1-2", 10, Ignore),
            // Whitespace and empty list elements.
            ("  bytes=1-2\t", 10, Partial { start: 1, end: 2 }),
            ("bytes= 1-2 ", 10, Partial { start: 1, end: 2 }),
            ("bytes=,1-2,", 10, Partial { start: 1, end: 2 }),
            ("bytes=, ,\t1-2 , ", 10, Partial { start: 1, end: 2 }),
            // Several ranges: ignored.
            ("bytes=0-1,3-4", 10, Ignore),
            ("bytes=0-1, -2", 10, Ignore),
            // Invalid syntax: ignored.
            ("bytes=", 10, Ignore),
            ("bytes=,", 10, Ignore),
            ("bytes=-", 10, Ignore),
            ("bytes=1", 10, Ignore),
            ("bytes=1 - 2", 10, Ignore),
            ("bytes=a-b", 10, Ignore),
            ("bytes=+1-2", 10, Ignore),
            ("bytes=1-2-3", 10, Ignore),
            ("bytes=--1", 10, Ignore),
            ("bytes 1-2", 10, Ignore),
            ("", 10, Ignore),
            ("bytes=1-2=3", 10, Ignore),
        ];
        for &(value, len, expected) in table {
            assert_eq!(range(value, len), expected, "{value:?} of {len} bytes");
        }
        // u64::MAX-sized representation: no overflow at the boundaries.
        assert_eq!(
            range("bytes=-1", u64::MAX),
            Partial {
                start: u64::MAX - 1,
                end: u64::MAX - 1
            }
        );
        assert_eq!(
            range("bytes=0-", u64::MAX),
            Partial {
                start: 0,
                end: u64::MAX - 1
            }
        );
        assert_eq!(
            range("bytes=18446744073709551615-", u64::MAX),
            Unsatisfiable
        );
        // Non-ASCII bytes anywhere: ignored, not a panic.
        assert_eq!(byte_range(b"bytes=1-\xff", 10), Ignore);
        assert_eq!(byte_range(b"\xffbytes=1-2", 10), Ignore);
    }

    /// A range-spec as the reference model sees it; numbers up to 2^100.
    #[derive(Debug, Clone)]
    enum Model {
        Int { first: u128, last: Option<u128> },
        Suffix(u128),
    }

    /// RFC 9110 §14.1.2 in u128 arithmetic, with no shortcut.
    fn reference(spec: &Model, len: u64) -> ByteRange {
        let len = u128::from(len);
        let (start, end) = match *spec {
            Model::Int { first, last } => {
                if last.is_some_and(|last| last < first) {
                    return Ignore;
                }
                if first >= len {
                    return Unsatisfiable;
                }
                (first, last.unwrap_or(len - 1).min(len - 1))
            }
            Model::Suffix(0) => return Unsatisfiable,
            Model::Suffix(_) if len == 0 => return Ignore,
            Model::Suffix(n) => (len - n.min(len), len - 1),
        };
        let narrow = |n: u128| u64::try_from(n).unwrap_or(u64::MAX);
        Partial {
            start: narrow(start),
            end: narrow(end),
        }
    }

    fn number() -> impl Strategy<Value = u128> {
        prop_oneof![
            0u128..64,
            any::<u64>().prop_map(u128::from),
            (0u128..1 << 100),
            Just(u128::from(u64::MAX)),
            Just(u128::from(u64::MAX) + 1),
        ]
    }

    fn model() -> impl Strategy<Value = Model> {
        prop_oneof![
            (number(), proptest::option::of(number()))
                .prop_map(|(first, last)| Model::Int { first, last }),
            number().prop_map(Model::Suffix),
        ]
    }

    fn length() -> impl Strategy<Value = u64> {
        prop_oneof![0u64..100, any::<u64>(), Just(u64::MAX)]
    }

    /// Writes the spec as a client might: any unit case, leading zeros, OWS, empty elements.
    fn written(spec: &Model, unit_case: u8, zeros: usize, ows: &str, empties: usize) -> String {
        let n = |n: u128| format!("{}{n}", "0".repeat(zeros));
        let spec = match *spec {
            Model::Int { first, last } => {
                format!("{}-{}", n(first), last.map(n).unwrap_or_default())
            }
            Model::Suffix(length) => format!("-{}", n(length)),
        };
        let unit: String = "bytes"
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if unit_case & (1 << i) != 0 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect();
        let empty = format!(",{ows}").repeat(empties);
        format!("{ows}{unit}={empty}{ows}{spec}{ows}{empty}{ows}")
    }

    proptest! {
        #[test]
        fn never_panics_and_stays_in_bounds(value in proptest::collection::vec(any::<u8>(), 0..64), len in length()) {
            if let Partial { start, end } = byte_range(&value, len) {
                prop_assert!(start <= end && end < len);
            }
        }

        #[test]
        fn never_panics_on_near_misses(value in "[ \t,bBytesY=0-9-]{0,40}", len in length()) {
            if let Partial { start, end } = byte_range(value.as_bytes(), len) {
                prop_assert!(start <= end && end < len);
            }
        }

        #[test]
        fn agrees_with_the_reference(
            spec in model(),
            len in length(),
            unit_case in any::<u8>(),
            zeros in 0usize..3,
            ows in "[ \t]{0,2}",
            empties in 0usize..3,
        ) {
            let value = written(&spec, unit_case, zeros, &ows, empties);
            prop_assert_eq!(range(&value, len), reference(&spec, len), "{:?}", value);
        }

        #[test]
        fn several_ranges_are_ignored(a in model(), b in model(), len in length()) {
            let value = format!("{}, {}", written(&a, 0, 0, "", 0), written(&b, 0, 0, "", 0).trim_start_matches("bytes="));
            prop_assert_eq!(range(&value, len), Ignore);
        }
    }
}
