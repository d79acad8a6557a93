//! Entity-tag lists: the values of `If-Match` and `If-None-Match` (RFC 9110 §13.1.1, §13.1.2).
//!
//! ```text
//! If-Match      = "*" / #entity-tag
//! If-None-Match = "*" / #entity-tag
//! ```
//!
//! Scanning is a single pass over the bytes with no allocation, linear in the input, and never
//! panics. What is accepted:
//!
//! - optional whitespace (space, horizontal tab) around elements and commas;
//! - empty list elements (`"a", , "b"` and leading or trailing commas), which RFC 9110 §5.6.1
//!   asks recipients to accept;
//! - several header lines, which combine into one list (RFC 9110 §5.3);
//! - any `etagc` byte inside the quotes, `obs-text` included, with backslashes taken literally.
//!
//! What makes a whole field [`invalid`](ListMatch::Invalid): an element that is not a quoted
//! entity tag (`abc`, `w/"a"` with a lower-case prefix, a missing closing quote, a control
//! character), two tags with no comma between them, `*` together with any other element (even
//! another `*`, RFC 9110 §13.1.1), or no element at all. How an invalid field is treated is
//! decided by the evaluator: see [`crate::evaluate`].

use crate::etag::{ETag, is_etagc};

// A count of the scanner's steps, for the linear-time test below: one per iteration of every
// loop over the bytes or lines. It exists only in test builds; elsewhere `step!()` is nothing.
#[cfg(test)]
thread_local! {
    static STEPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

macro_rules! step {
    () => {
        #[cfg(test)]
        STEPS.with(|steps| steps.set(steps.get() + 1));
    };
}

/// The outcome of comparing an entity-tag list field with the current entity tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListMatch {
    /// The field is exactly `*`.
    Any,
    /// The field is a valid list and one of its members matches.
    Match,
    /// The field is a valid list and none of its members matches.
    NoMatch,
    /// The field is not a valid entity-tag list (see the module documentation).
    Invalid,
}

/// Which comparison function to use (RFC 9110 §8.8.3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// Both strong and the opaque tags equal (`If-Match`, `If-Range`).
    Strong,
    /// The opaque tags equal (`If-None-Match`).
    Weak,
}

/// One member of an entity-tag list, borrowed from the header value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntityTagRef<'a> {
    /// Whether the member carries the `W/` prefix.
    pub weak: bool,
    /// The opaque tag, without quotes.
    pub opaque: &'a [u8],
}

impl EntityTagRef<'_> {
    /// Whether this member matches `current` under `comparison`.
    #[inline]
    #[must_use]
    pub fn matches(&self, current: &ETag, comparison: Comparison) -> bool {
        let weakness_ok = match comparison {
            Comparison::Strong => !self.weak && !current.is_weak(),
            Comparison::Weak => true,
        };
        weakness_ok && self.opaque == current.opaque()
    }
}

/// An element of a list as scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Element<'a> {
    Star,
    Tag(EntityTagRef<'a>),
}

/// The length of the run of `etagc` bytes that `bytes` starts with.
///
/// Sixteen bytes at a time while they are all `etagc` (a test the compiler vectorizes), then
/// byte by byte: the same answer as a plain loop, several times faster on long tags.
#[inline(always)]
fn etagc_run(bytes: &[u8]) -> usize {
    let mut i = 0;
    for chunk in bytes.chunks_exact(16) {
        step!();
        let bad = chunk
            .iter()
            .fold(0u8, |bad, &b| bad | u8::from(!is_etagc(b)));
        if bad != 0 {
            break;
        }
        i += 16;
    }
    while i < bytes.len() && is_etagc(bytes[i]) {
        step!();
        i += 1;
    }
    i
}

/// `bytes` without the optional whitespace (spaces and tabs) it starts with.
#[inline]
fn skip_ows(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        step!();
        bytes = rest;
    }
    bytes
}

/// `bytes` without the optional whitespace (spaces and tabs, RFC 9110 §5.6.3) around it: what a
/// parser excludes from a field value (§5.5). Other control bytes are kept, and make the value
/// invalid where it is parsed.
#[inline]
pub(crate) fn trim_ows(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

/// `a == b`, compared inline sixteen bytes at a time, the last chunk overlapping the one
/// before it: no call into `memcmp` for the usual 32-digit tags, which differ from the current
/// one in their first bytes.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (Some(last_a), Some(last_b)) = (a.last_chunk::<16>(), b.last_chunk::<16>()) else {
        return same_short_bytes(a, b);
    };
    let (chunks_a, chunks_b) = (a.as_chunks::<16>().0, b.as_chunks::<16>().0);
    for (x, y) in chunks_a.iter().zip(chunks_b) {
        step!();
        if x != y {
            return false;
        }
    }
    last_a == last_b
}

/// [`same_bytes`] for slices of the same length, below sixteen bytes: the first and the last
/// eight (or four) bytes, overlapping, or byte by byte below four.
#[inline]
fn same_short_bytes(a: &[u8], b: &[u8]) -> bool {
    if let (Some(first_a), Some(first_b), Some(last_a), Some(last_b)) = (
        a.first_chunk::<8>(),
        b.first_chunk::<8>(),
        a.last_chunk::<8>(),
        b.last_chunk::<8>(),
    ) {
        return first_a == first_b && last_a == last_b;
    }
    if let (Some(first_a), Some(first_b), Some(last_a), Some(last_b)) = (
        a.first_chunk::<4>(),
        b.first_chunk::<4>(),
        a.last_chunk::<4>(),
        b.last_chunk::<4>(),
    ) {
        return first_a == first_b && last_a == last_b;
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}

/// The entity tag that `line` is exactly (`"…"` or `W/"…"`, nothing around it), if it is one.
///
/// The general scan below gives the same single member for such a line: a `"` inside the quotes
/// is not `etagc`, so a line holding several tags never passes for one.
#[inline]
fn whole_tag(line: &[u8]) -> Option<EntityTagRef<'_>> {
    let (weak, quoted) = match line.strip_prefix(b"W/") {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    let opaque = quoted.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    (etagc_run(opaque) == opaque.len()).then_some(EntityTagRef { weak, opaque })
}

/// Scans one field line, calling `each` for every non-empty element. Returns `false` on the
/// first syntax error. One pass, no allocation.
#[inline]
fn scan_line<'a>(line: &'a [u8], mut each: impl FnMut(Element<'a>)) -> bool {
    // The usual line is one entity tag and nothing else: recognise it in one vectorized pass.
    if let Some(tag) = whole_tag(line) {
        each(Element::Tag(tag));
        return true;
    }
    let mut rest = line;
    // Invariant at the top of the loop: `rest` starts a list element (after a comma or at the
    // start of the line).
    loop {
        step!();
        let after = match skip_ows(rest) {
            [] => return true,
            // Empty element.
            [b',', after @ ..] => {
                rest = after;
                continue;
            }
            [b'*', after @ ..] => {
                each(Element::Star);
                after
            }
            element => {
                let (weak, quoted) = match element {
                    [b'W', b'/', quoted @ ..] => (true, quoted),
                    quoted => (false, quoted),
                };
                let [b'"', tail @ ..] = quoted else {
                    return false;
                };
                let Some((opaque, [b'"', after @ ..])) = tail.split_at_checked(etagc_run(tail))
                else {
                    return false;
                };
                each(Element::Tag(EntityTagRef { weak, opaque }));
                after
            }
        };
        // After an element: optional whitespace, then a comma or the end.
        match skip_ows(after) {
            [] => return true,
            [b',', after @ ..] => rest = after,
            _ => return false,
        }
    }
}

/// Whether `line` is exactly one entity tag that matches `current` under `comparison`: its wire
/// form, or for the weak comparison the same opaque tag with the other weakness.
#[inline]
fn is_exactly(line: &[u8], current: &ETag, comparison: Comparison) -> bool {
    let wire = current.as_bytes();
    match comparison {
        Comparison::Strong => !current.is_weak() && same_bytes(line, wire),
        Comparison::Weak => {
            same_bytes(line, wire)
                || if current.is_weak() {
                    same_bytes(line, &wire[2..])
                } else {
                    line.len() == wire.len() + 2
                        && line.starts_with(b"W/")
                        && same_bytes(&line[2..], wire)
                }
        }
    }
}

/// Compares an entity-tag list field (one or more header lines) with `current`.
///
/// `current` is `None` when the selected representation has no entity tag; then no member can
/// match, but `*` is still reported as [`ListMatch::Any`] and syntax is still checked.
///
/// The whole field is always scanned, so that a syntax error after a matching member still makes
/// the field [`ListMatch::Invalid`].
///
/// ```
/// use precond_core::{ETag, list::{match_list, Comparison, ListMatch}};
///
/// let current = ETag::from_version(2);
/// let lines: [&[u8]; 2] = [b"\"1\", W/\"2\"", b"\"3\""];
/// assert_eq!(match_list(lines, Some(&current), Comparison::Weak), ListMatch::Match);
/// assert_eq!(match_list(lines, Some(&current), Comparison::Strong), ListMatch::NoMatch);
/// assert_eq!(match_list([b"*".as_slice()], None, Comparison::Strong), ListMatch::Any);
/// assert_eq!(match_list([b"1, 2".as_slice()], None, Comparison::Strong), ListMatch::Invalid);
/// ```
#[must_use]
pub fn match_list<'a, I>(lines: I, current: Option<&ETag>, comparison: Comparison) -> ListMatch
where
    I: IntoIterator<Item = &'a [u8]>,
{
    match_list_noting(lines, current, comparison, &mut Notes::default())
}

/// What the scan of a list saw besides the match, for a 412's diagnosis without a second scan:
/// a weak member, or one of the length of a shallow-ETag layer's tags (34 bytes: `s-` and 32
/// digits; the diagnosis then checks exactly).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Notes {
    pub(crate) weak: bool,
    pub(crate) shallow: bool,
    /// The list was not valid.
    pub(crate) invalid: bool,
}

/// [`match_list`], noting what [`Notes`] records of the members scanned (members recognised
/// without a scan, the line that is exactly the current tag, are not noted: they match).
pub(crate) fn match_list_noting<'a, I>(
    lines: I,
    current: Option<&ETag>,
    comparison: Comparison,
    notes: &mut Notes,
) -> ListMatch
where
    I: IntoIterator<Item = &'a [u8]>,
{
    let (mut weak, mut shallow_length) = (false, false);
    let mut elements = 0usize;
    let mut stars = 0usize;
    let mut matched = false;
    let strong = comparison == Comparison::Strong;
    // What a member must equal, worked out once (when a line first needs a scan) rather than
    // per member: the opaque tag, or nothing when no member can match (no current tag, or a
    // weak one under strong comparison).
    let mut target = None;
    for line in lines {
        step!();
        // The usual matching line is exactly the current tag as we sent it. Such a line is valid
        // by construction (the current tag was validated when it was built), so it is one
        // matching member without a scan.
        if let Some(current) = current
            && is_exactly(line, current, comparison)
        {
            elements += 1;
            matched = true;
            continue;
        }
        let target = *target.get_or_insert_with(|| {
            current
                .filter(|current| !(strong && current.is_weak()))
                .map(ETag::opaque)
        });
        let ok = scan_line(line, |element| {
            elements += 1;
            match element {
                Element::Star => stars += 1,
                Element::Tag(tag) => {
                    // Two flags for the 412's diagnosis (checked exactly only then): a weak
                    // member, and one of a shallow tag's length (`s-` and 32 digits).
                    weak |= tag.weak;
                    shallow_length |= tag.opaque.len() == 34;
                    if !matched && let Some(opaque) = target {
                        matched = !(strong && tag.weak) && same_bytes(tag.opaque, opaque);
                    }
                }
            }
        });
        if !ok {
            *notes = Notes {
                weak,
                shallow: shallow_length,
                invalid: true,
            };
            return ListMatch::Invalid;
        }
    }
    let result = match (elements, stars) {
        (0, _) => ListMatch::Invalid,
        (1, 1) => ListMatch::Any,
        (_, 0) if matched => ListMatch::Match,
        (_, 0) => ListMatch::NoMatch,
        _ => ListMatch::Invalid,
    };
    *notes = Notes {
        weak,
        shallow: shallow_length,
        invalid: result == ListMatch::Invalid,
    };
    result
}

/// [`match_list`] over a field's lines as [`Preconditions`](crate::Preconditions) keeps them,
/// with the usual field, one line that is exactly the current tag as we sent it, recognised
/// inline before any scanning (as [`match_list`] would recognise it, line by line).
#[inline(always)]
pub(crate) fn match_lines(
    lines: &[&[u8]],
    current: Option<&ETag>,
    comparison: Comparison,
) -> ListMatch {
    match_lines_noting(lines, current, comparison, &mut Notes::default())
}

/// [`match_lines`], noting what the scan saw ([`Notes`]).
#[inline(always)]
pub(crate) fn match_lines_noting(
    lines: &[&[u8]],
    current: Option<&ETag>,
    comparison: Comparison,
    notes: &mut Notes,
) -> ListMatch {
    if let ([line], Some(current)) = (lines, current)
        && is_exactly(line, current, comparison)
    {
        return ListMatch::Match;
    }
    match_list_noting(lines.iter().copied(), current, comparison, notes)
}

/// Calls `each` for every entity tag of a valid list field, in order, and returns whether the
/// field is valid. `*` is reported as `None`. Nothing is called for an invalid field's members
/// after the syntax error, but members before it may already have been reported.
///
/// ```
/// use precond_core::list::for_each_tag;
/// let mut seen = Vec::new();
/// let valid = for_each_tag([b"\"a\", W/\"b\"".as_slice()], |tag| {
///     seen.push(tag.map(|t| (t.weak, t.opaque.to_vec())));
/// });
/// assert!(valid);
/// assert_eq!(seen, vec![Some((false, b"a".to_vec())), Some((true, b"b".to_vec()))]);
/// ```
pub fn for_each_tag<'a, I>(lines: I, mut each: impl FnMut(Option<EntityTagRef<'a>>)) -> bool
where
    I: IntoIterator<Item = &'a [u8]>,
{
    let mut elements = 0usize;
    let mut stars = 0usize;
    for line in lines {
        step!();
        let ok = scan_line(line, |element| {
            elements += 1;
            match element {
                Element::Star => {
                    stars += 1;
                    each(None);
                }
                Element::Tag(tag) => each(Some(tag)),
            }
        });
        if !ok {
            return false;
        }
    }
    elements > 0 && (stars == 0 || elements == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ListMatch::*;

    fn m(lines: &[&[u8]], current: &str, cmp: Comparison) -> ListMatch {
        let current: Option<ETag> = current.parse().ok();
        match_list(lines.iter().copied(), current.as_ref(), cmp)
    }

    /// RFC 9110 §13.1.1 / §13.1.2 lists, with whitespace, empty elements and junk.
    #[test]
    fn lists() {
        use Comparison::*;
        let rows: &[(&[&[u8]], &str, Comparison, ListMatch)] = &[
            (&[b"*"], "\"a\"", Strong, Any),
            (&[b" * "], "\"a\"", Strong, Any),
            (&[b"*"], "", Strong, Any),
            (&[b"\"a\""], "\"a\"", Strong, Match),
            (
                &[b"\"xyzzy\", \"r2d2xxxx\", \"c3piozzzz\""],
                "\"c3piozzzz\"",
                Strong,
                Match,
            ),
            (&[b"\"x\",\"a\""], "\"a\"", Strong, Match),
            (&[b"  \"x\" ,\t\"a\"  "], "\"a\"", Strong, Match),
            (&[b", ,\"a\",,"], "\"a\"", Strong, Match),
            (&[b"\"x\""], "\"a\"", Strong, NoMatch),
            (&[b"W/\"a\""], "\"a\"", Strong, NoMatch),
            (&[b"W/\"a\""], "\"a\"", Weak, Match),
            (&[b"\"a\""], "W/\"a\"", Strong, NoMatch),
            (&[b"\"a\""], "W/\"a\"", Weak, Match),
            (&[b"\"a\""], "", Weak, NoMatch),
            // Several header lines are one list.
            (&[b"\"x\"", b"\"a\""], "\"a\"", Strong, Match),
            (&[b"\"x\"", b""], "\"a\"", Strong, NoMatch),
            // Junk.
            (&[b""], "\"a\"", Strong, Invalid),
            (&[b" , "], "\"a\"", Strong, Invalid),
            (&[b"a"], "\"a\"", Strong, Invalid),
            (&[b"\"a"], "\"a\"", Strong, Invalid),
            (&[b"\"a\" \"b\""], "\"a\"", Strong, Invalid),
            (&[b"\"a\", junk"], "\"a\"", Strong, Invalid),
            (&[b"w/\"a\""], "\"a\"", Weak, Invalid),
            (&[b"\"a\x01\""], "\"a\"", Weak, Invalid),
            (&[b"*, \"a\""], "\"a\"", Strong, Invalid),
            (&[b"*, *"], "\"a\"", Strong, Invalid),
            (&[b"*", b"\"a\""], "\"a\"", Strong, Invalid),
            (&[b"**"], "\"a\"", Strong, Invalid),
        ];
        for (lines, current, cmp, expected) in rows {
            assert_eq!(
                m(lines, current, *cmp),
                *expected,
                "{lines:?} vs {current} ({cmp:?})"
            );
        }
    }

    #[test]
    fn for_each_reports_stars_and_validity() {
        let mut count = 0;
        assert!(for_each_tag([b"*".as_slice()], |t| {
            assert!(t.is_none());
            count += 1;
        }));
        assert_eq!(count, 1);
        assert!(!for_each_tag([b"*, *".as_slice()], |_| {}));
        assert!(!for_each_tag([b"".as_slice()], |_| {}));
    }

    /// The steps of one call of `match_list` on `lines` (`for_each_tag` runs the same scanner).
    fn steps(lines: &[&[u8]]) -> u64 {
        let current = ETag::from_version(1);
        STEPS.with(|steps| steps.set(0));
        let _ = match_list(lines.iter().copied(), Some(&current), Comparison::Strong);
        STEPS.with(std::cell::Cell::get)
    }

    /// `unit` repeated up to `len` bytes, then `tail`.
    fn repeat(unit: &[u8], len: usize, tail: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(len + tail.len());
        while out.len() + unit.len() <= len {
            out.extend_from_slice(unit);
        }
        out.extend_from_slice(tail);
        out
    }

    /// The scanner is linear in its input whatever its shape, counted in steps (one per
    /// iteration of any loop over the bytes or lines), not in wall-clock time: at most two steps
    /// per byte (or line), and twice the input costs at most 2.1 times the steps.
    #[test]
    fn linear_in_steps() {
        type Shape = (&'static str, fn(usize) -> Vec<u8>);
        let shapes: [Shape; 12] = [
            ("many tiny tags", |n| repeat(b"\"a\",", n, b"")),
            ("many tiny weak tags", |n| repeat(b"W/\"\",", n, b"\"1\"")),
            ("one huge tag", |n| {
                let mut v = vec![b'"'];
                v.extend(repeat(b"x", n, b"\""));
                v
            }),
            ("one unterminated huge tag", |n| {
                let mut v = vec![b'"'];
                v.extend(repeat(b"x", n, b""));
                v
            }),
            ("many commas", |n| repeat(b",", n, b"")),
            ("many spaces", |n| repeat(b" \t", n, b"\"1\"")),
            ("junk after a match", |n| {
                let mut v = b"\"1\", ".to_vec();
                v.extend(repeat(b" , ", n, b"junk"));
                v
            }),
            ("spaces after a match", |n| {
                let mut v = b"\"1\"".to_vec();
                v.extend(repeat(b" ", n, b"x"));
                v
            }),
            ("W/ prefixes piled up (fails at once)", |n| {
                repeat(b"W/", n, b"\"1\"")
            }),
            ("many stars", |n| repeat(b"*,", n, b"")),
            ("matching tag after huge ones", |n| {
                repeat(
                    b"\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\", ",
                    n,
                    b"\"1\"",
                )
            }),
            ("obs-text", |n| repeat(b"\"\xe9\xff\x80\", ", n, b"")),
        ];
        const MIB: usize = 1 << 20;
        for (name, make) in shapes {
            let one = make(MIB);
            let two = make(2 * MIB);
            let (s1, s2) = (steps(&[&one]), steps(&[&two]));
            assert!(s1 > 0, "{name}: no steps counted");
            assert!(
                s1 <= 2 * one.len() as u64,
                "{name}: {s1} steps for {} bytes",
                one.len()
            );
            assert!(
                s2 <= 2 * two.len() as u64,
                "{name}: {s2} steps for {} bytes",
                two.len()
            );
            assert!(
                s2 * 10 <= s1 * 21,
                "{name}: {s1} steps for 1 MiB, {s2} for 2 MiB"
            );
        }

        // Many lines: a line costs a step even when it is empty.
        let units: [&[u8]; 5] = [b"", b"\"a\"", b" , ", b"W/\"1\"", b"*"];
        for unit in units {
            let lines = |count: usize| vec![unit; count];
            let (l1, l2) = (lines(MIB / 8), lines(MIB / 4));
            let (s1, s2) = (steps(&l1), steps(&l2));
            // A line costs what its bytes cost, plus at most two steps.
            let bytes = (unit.len() + 1) * l1.len();
            assert!(
                s1 <= 2 * bytes as u64,
                "{unit:?}: {s1} steps for {bytes} bytes"
            );
            assert!(s2 * 10 <= s1 * 21, "{unit:?}: {s1} steps, then {s2}");
        }
    }

    /// Entity tags, list punctuation and junk, for the properties below.
    fn line_strategy() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            Just(b"\"1\"".to_vec()),
            Just(b"W/\"1\"".to_vec()),
            Just(b"\"00000000000000000000000000000001\"".to_vec()),
            Just(b"W/\"00000000000000000000000000000001\"".to_vec()),
            Just(b"\"2\"".to_vec()),
            Just(b"*".to_vec()),
            Just(b", ".to_vec()),
            Just(b",".to_vec()),
            Just(b" ".to_vec()),
            Just(b"\"".to_vec()),
            Just(b"W/".to_vec()),
            proptest::collection::vec(any::<u8>(), 0..4),
        ];
        proptest::collection::vec(piece, 0..5).prop_map(|pieces| pieces.concat())
    }

    proptest::proptest! {
        /// `same_bytes` is `==`, whatever the lengths (below, at and across the sixteen-byte
        /// chunks) and wherever the first difference.
        #[test]
        fn same_bytes_is_eq(
            a in proptest::collection::vec(0u8..4, 0..70),
            flip in proptest::option::of(0usize..70),
            longer in proptest::bool::ANY,
        ) {
            let mut b = a.clone();
            if let Some(at) = flip.filter(|at| *at < b.len()) {
                b[at] ^= 1;
            }
            if longer {
                b.push(0);
            }
            proptest::prop_assert_eq!(same_bytes(&a, &b), a == b);
            proptest::prop_assert!(same_bytes(&a, &a));
        }

        /// The inline shortcut of `match_lines` (one line that is exactly the current tag)
        /// gives what `match_list` gives, for any lines and any current tag, strong or weak,
        /// under both comparisons.
        #[test]
        fn match_lines_is_match_list(
            lines in proptest::collection::vec(line_strategy(), 0..3),
            current in proptest::option::of(line_strategy()),
        ) {
            let current = current.and_then(|tag| ETag::parse(&tag).ok());
            let lines: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
            for cmp in [Comparison::Strong, Comparison::Weak] {
                proptest::prop_assert_eq!(
                    match_lines(&lines, current.as_ref(), cmp),
                    match_list(lines.iter().copied(), current.as_ref(), cmp),
                    "{:?} against {:?} ({:?})", lines, current, cmp
                );
            }
        }
    }
}
