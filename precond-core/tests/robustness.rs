//! Robustness of the parsers and of the evaluation on hostile input, round-trip properties of
//! entity tags, lists and dates, and huge inputs with their documented answers.
//!
//! "No panic" is checked by simply calling the function: a panic fails the property.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderName, HeaderValue, Method};
use precond_core::date::{fmt_http_date, parse_http_date, truncate_to_seconds};
use precond_core::list::{Comparison, ListMatch, for_each_tag, match_list};
use precond_core::{
    Decision, ETag, Field, Policy, Preconditions, Requirement, Validators, evaluate, evaluate_at,
};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::Config;

const NOW: u64 = 1_700_000_000;
const LM: u64 = NOW - 3_600;
/// 9999-12-31T23:59:59Z, the latest HTTP date.
const LATEST: u64 = 253_402_300_799;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Generators.
// ---------------------------------------------------------------------------------------------

/// Bytes biased towards the characters the parsers branch on, plus any byte at all.
fn hostile_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        3 => select(b"\"W/,* \t1a\\w".to_vec()),
        1 => select(vec![0x00, 0x7f, 0x80, 0xe9, 0xff, b'\r', b'\n', b':', b'-']),
        2 => any::<u8>(),
    ]
}

fn hostile_bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(hostile_byte(), 0..max)
}

fn hostile_lines() -> impl Strategy<Value = Vec<Vec<u8>>> {
    proptest::collection::vec(hostile_bytes(40), 0..5)
}

/// Bytes allowed in an opaque tag (`etagc`).
fn etagc() -> impl Strategy<Value = u8> {
    prop_oneof![
        4 => 0x23u8..=0x7e,
        1 => Just(0x21u8),
        1 => 0x80u8..=0xff,
    ]
}

fn opaque() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => proptest::collection::vec(etagc(), 0..12),
        1 => proptest::collection::vec(etagc(), 30..80),
    ]
}

/// Valid HTTP dates in all three formats, and mutations of them.
fn date_like() -> impl Strategy<Value = Vec<u8>> {
    let valid = (0u64..=LATEST).prop_map(|secs| fmt_http_date(at(secs)).into_bytes());
    let mutated = (valid.clone(), any::<prop::sample::Index>(), hostile_byte()).prop_map(
        |(mut date, index, byte)| {
            let i = index.index(date.len());
            date[i] = byte;
            date
        },
    );
    // Valid IMF-fixdates with a digit or the day of the week changed: mostly well-formed
    // dates that do not exist (31 Apr, 29 Feb 2100, 24:00:00) or name the wrong weekday.
    let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let near_miss = (
        valid.clone(),
        select(vec![5usize, 6, 12, 13, 14, 15, 17, 18, 20, 21, 23, 24]),
        b'0'..=b'9',
        select(days.to_vec()),
        any::<bool>(),
    )
        .prop_map(|(mut date, at, digit, day, change_day)| {
            if change_day {
                date[..3].copy_from_slice(day.as_bytes());
            } else {
                date[at] = digit;
            }
            date
        });
    let fixed = select(vec![
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Sat, 01 Jan 10000 00:00:00 GMT",
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "Wed, 31 Dec 1969 23:59:59 GMT",
        "Mon, 29 Feb 2100 00:00:00 GMT",
        "Tue, 29 Feb 2000 00:00:00 GMT",
        "Sun, 06 Nov 1994 08:49:60 GMT",
        "Sunday, 06-Nov-99999 08:49:37 GMT",
    ])
    .prop_map(|s| s.as_bytes().to_vec());
    prop_oneof![valid, near_miss, mutated, fixed, hostile_bytes(48)]
}

fn method() -> impl Strategy<Value = Method> {
    let standard = select(vec![
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::POST,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
        Method::CONNECT,
        Method::TRACE,
    ]);
    let extension = proptest::string::string_regex("[A-Z]{1,10}")
        .unwrap()
        .prop_filter_map("a method token", |s| Method::from_bytes(s.as_bytes()).ok());
    prop_oneof![3 => standard, 1 => extension]
}

fn policy() -> impl Strategy<Value = Policy> {
    select(vec![
        Policy::none(),
        Policy::lost_update(),
        Policy::always(Requirement::IF_MATCH),
        Policy::always(Requirement::LOST_UPDATE),
        Policy::none().put(Requirement::IF_NONE_MATCH_STAR),
        Policy::none().other(Requirement::IF_UNMODIFIED_SINCE),
    ])
}

fn validators() -> impl Strategy<Value = Option<Validators>> {
    let etag = prop_oneof![
        Just(None),
        opaque().prop_map(|o| ETag::strong(o).ok()),
        opaque().prop_map(|o| ETag::weak(o).ok()),
    ];
    let last_modified = prop_oneof![
        Just(None),
        Just(Some(at(LM))),
        (0u64..u64::MAX / 2).prop_map(|s| Some(at(s))),
    ];
    prop_oneof![
        1 => Just(None),
        4 => (etag, last_modified)
            .prop_map(|(e, lm)| Some(Validators::none().with_etag(e).with_last_modified_opt(lm))),
    ]
}

/// A header name: a conditional field in any letter case, or anything else.
fn name() -> impl Strategy<Value = Vec<u8>> {
    let field = (
        select(Field::ALL.to_vec()),
        proptest::collection::vec(any::<bool>(), 20),
    )
        .prop_map(|(field, upper)| {
            field
                .as_str()
                .bytes()
                .zip(upper)
                .map(|(b, up)| {
                    if up {
                        b.to_ascii_uppercase()
                    } else {
                        b.to_ascii_lowercase()
                    }
                })
                .collect()
        });
    prop_oneof![4 => field, 1 => hostile_bytes(20)]
}

fn value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![hostile_bytes(48), date_like(), any::<Vec<u8>>()]
}

// ---------------------------------------------------------------------------------------------
// No panics.
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(4_000))]

    /// `ETag::parse` never panics; what it accepts is kept byte for byte.
    #[test]
    fn etag_parse_any_bytes(bytes in prop_oneof![hostile_bytes(48), any::<Vec<u8>>()]) {
        if let Ok(tag) = ETag::parse(&bytes) {
            prop_assert_eq!(tag.as_bytes(), &bytes[..]);
            prop_assert_eq!(ETag::parse(tag.as_bytes()), Ok(tag.clone()));
            let _ = tag.to_string();
            let _ = tag.to_header_value();
            prop_assert_eq!(tag.is_weak(), bytes.starts_with(b"W/"));
        }
    }

    /// `str::parse::<ETag>` never panics, on any string (multi-byte characters included).
    #[test]
    fn etag_from_str_any_string(text in any::<String>()) {
        if let Ok(tag) = text.parse::<ETag>() {
            prop_assert_eq!(tag.to_string(), text);
        }
    }

    /// `match_list` and `for_each_tag` never panic on any lines, and agree with each other.
    #[test]
    fn lists_any_bytes(
        lines in hostile_lines(),
        current in prop_oneof![Just(None), opaque().prop_map(|o| ETag::strong(o).ok()),
                               opaque().prop_map(|o| ETag::weak(o).ok())],
    ) {
        let lines: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
        let mut members = Vec::new();
        let valid = for_each_tag(lines.iter().copied(), |member| {
            members.push(member.map(|t| (t.weak, t.opaque.to_vec())));
        });
        for comparison in [Comparison::Strong, Comparison::Weak] {
            let got = match_list(lines.iter().copied(), current.as_ref(), comparison);
            let expected = if !valid {
                ListMatch::Invalid
            } else if members == [None] {
                ListMatch::Any
            } else {
                let hit = current.as_ref().is_some_and(|current| {
                    members.iter().flatten().any(|(weak, opaque)| {
                        let tag = if *weak { ETag::weak(opaque) } else { ETag::strong(opaque) };
                        let Ok(tag) = tag else { return false };
                        match comparison {
                            Comparison::Strong => tag.strong_eq(current),
                            Comparison::Weak => tag.weak_eq(current),
                        }
                    })
                });
                if hit { ListMatch::Match } else { ListMatch::NoMatch }
            };
            prop_assert_eq!(got, expected, "{:?}", comparison);
        }
    }

    /// `parse_http_date` never panics, and a date it accepts formats back to the same instant.
    #[test]
    fn dates_any_bytes(bytes in date_like()) {
        if let Some(time) = parse_http_date(&bytes) {
            prop_assert_eq!(truncate_to_seconds(time), time);
            prop_assert_eq!(parse_http_date(fmt_http_date(time).as_bytes()), Some(time));
        }
    }

    /// `parse_http_date` is `httpdate` on the value without surrounding whitespace, whatever
    /// shortcut it takes: the same answer on valid dates, near misses and garbage.
    #[test]
    fn dates_agree_with_httpdate(bytes in date_like(), pad in select(vec!["", " ", "\t", " \t "])) {
        let mut padded = pad.as_bytes().to_vec();
        padded.extend_from_slice(&bytes);
        padded.extend_from_slice(pad.as_bytes());
        let reference = std::str::from_utf8(bytes.trim_ascii())
            .ok()
            .and_then(|text| httpdate::parse_http_date(text).ok());
        prop_assert_eq!(parse_http_date(&padded), reference);
    }

    /// `Preconditions::from_pairs` + `evaluate` never panic on any header names and values, for
    /// any method, state and policy; neither does rendering the rejection.
    #[test]
    fn evaluate_any_pairs(
        pairs in proptest::collection::vec((name(), value()), 0..8),
        method in method(),
        current in validators(),
        policy in policy(),
        now in (0u64..u64::MAX / 2).prop_map(at),
    ) {
        let pre = Preconditions::from_pairs(
            pairs.iter().map(|(n, v)| (n.as_slice(), v.as_slice())),
        );
        let decision = evaluate_at(&method, &pre, current.as_ref(), &policy, now);
        let _ = evaluate(&method, &pre, current.as_ref(), &policy);
        if let Some(rejection) = decision.rejection() {
            let _ = rejection.headers();
            let _ = rejection.body();
            let _: http::Response<String> = rejection.to_response();
            prop_assert_eq!(rejection.etag(), current.as_ref().and_then(Validators::etag));
        }

        // The same pairs through an `http::HeaderMap`, for the values it accepts, give the
        // same decision as `from_pairs` on those values.
        let mut map = HeaderMap::new();
        let mut kept = Vec::new();
        for (n, v) in &pairs {
            if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(n), HeaderValue::from_bytes(v)) {
                kept.push((n.as_str().as_bytes().to_vec(), v.as_bytes().to_vec()));
                map.append(n, v);
            }
        }
        let from_map = Preconditions::from_headers(&map);
        let from_kept = Preconditions::from_pairs(
            kept.iter().map(|(n, v)| (n.as_slice(), v.as_slice())),
        );
        prop_assert_eq!(
            evaluate_at(&method, &from_map, current.as_ref(), &policy, now),
            evaluate_at(&method, &from_kept, current.as_ref(), &policy, now)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Round trips and algebra.
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(2_000))]

    /// Any valid opaque tag survives `strong`/`weak` → wire form → `parse`.
    #[test]
    fn etag_round_trip(opaque in opaque(), weak in any::<bool>()) {
        let tag = if weak { ETag::weak(&opaque) } else { ETag::strong(&opaque) }.unwrap();
        prop_assert_eq!(tag.opaque(), &opaque[..]);
        prop_assert_eq!(tag.is_weak(), weak);
        let parsed = ETag::parse(tag.as_bytes()).unwrap();
        prop_assert_eq!(&parsed, &tag);
        prop_assert_eq!(parsed.opaque(), &opaque[..]);
        let value = tag.to_header_value();
        prop_assert_eq!(value.as_bytes(), tag.as_bytes());
        if opaque.is_ascii() {
            // Display of an ASCII tag is its wire form, and parses back.
            let text = tag.to_string();
            prop_assert_eq!(text.as_bytes(), tag.as_bytes());
            prop_assert_eq!(text.parse::<ETag>().unwrap(), tag);
        } else if let Ok(utf8) = std::str::from_utf8(tag.as_bytes()) {
            // Valid UTF-8 obs-text is displayed as is.
            prop_assert_eq!(tag.to_string(), utf8);
        } else {
            // Other obs-text is displayed as Latin-1 characters (so Display is not injective
            // there: `"\x80"` and `"\xc2\x80"` both display as `"\u{80}"`).
            let latin: Vec<u8> = tag.to_string().chars().map(|c| c as u32 as u8).collect();
            prop_assert_eq!(latin, tag.as_bytes().to_vec());
        }
    }

    /// An opaque value with a byte outside `etagc` is refused.
    #[test]
    fn etag_refuses_non_etagc(mut opaque in opaque(), bad in select(
        (0u8..=0x20).chain([b'"', 0x7f]).collect::<Vec<u8>>()
    ), at in any::<prop::sample::Index>()) {
        let i = at.index(opaque.len() + 1);
        opaque.insert(i, bad);
        prop_assert!(ETag::strong(&opaque).is_err());
        prop_assert!(ETag::weak(&opaque).is_err());
    }

    /// A list built from valid tags joined by commas, OWS and empty elements, over several
    /// lines, is read back as exactly those tags.
    #[test]
    fn list_round_trip(
        lines in proptest::collection::vec(
            proptest::collection::vec(
                (opaque(), any::<bool>(),
                 select(vec!["", " ", "\t", " \t "]),
                 select(vec![",", " ,", ", ", ",,", " , , ", "\t,\t"])),
                0..6,
            ),
            1..4,
        ),
        leading in select(vec!["", ",", " , ", "\t"]),
    ) {
        let mut wire: Vec<Vec<u8>> = Vec::new();
        let mut expected = Vec::new();
        for line in &lines {
            let mut bytes = leading.as_bytes().to_vec();
            for (i, (opaque, weak, ows, comma)) in line.iter().enumerate() {
                if i > 0 {
                    bytes.extend_from_slice(comma.as_bytes());
                }
                bytes.extend_from_slice(ows.as_bytes());
                let tag = if *weak { ETag::weak(opaque) } else { ETag::strong(opaque) }.unwrap();
                bytes.extend_from_slice(tag.as_bytes());
                bytes.extend_from_slice(ows.as_bytes());
                expected.push((*weak, opaque.clone()));
            }
            bytes.extend_from_slice(leading.as_bytes());
            wire.push(bytes);
        }
        let mut seen = Vec::new();
        let valid = for_each_tag(wire.iter().map(Vec::as_slice), |member| {
            seen.push(member.map(|t| (t.weak, t.opaque.to_vec())));
        });
        // A field with no member at all is invalid; otherwise valid with exactly the members.
        prop_assert_eq!(valid, !expected.is_empty());
        if valid {
            let seen: Vec<_> = seen.into_iter().map(Option::unwrap).collect();
            prop_assert_eq!(seen, expected.clone());
        }
        // The last member always matches itself by weak comparison.
        if let Some((weak, opaque)) = expected.last() {
            let current = if *weak { ETag::weak(opaque) } else { ETag::strong(opaque) }.unwrap();
            prop_assert_eq!(
                match_list(wire.iter().map(Vec::as_slice), Some(&current), Comparison::Weak),
                ListMatch::Match
            );
        }
    }

    /// `fmt_http_date` → `parse_http_date` is the identity at second precision, over the whole
    /// range of HTTP dates.
    #[test]
    fn date_round_trip(secs in 0u64..=LATEST, nanos in 0u32..1_000_000_000) {
        let time = UNIX_EPOCH + Duration::new(secs, nanos);
        let text = fmt_http_date(time);
        prop_assert_eq!(text.len(), 29);
        prop_assert_eq!(parse_http_date(text.as_bytes()), Some(at(secs)));
        prop_assert_eq!(truncate_to_seconds(time), at(secs));
    }

    /// Times outside the HTTP-date range are clamped, never a panic.
    #[test]
    fn date_format_never_panics(secs in any::<u64>(), before_epoch in any::<bool>()) {
        let time = if before_epoch {
            UNIX_EPOCH.checked_sub(Duration::from_secs(secs)).unwrap_or(UNIX_EPOCH)
        } else {
            UNIX_EPOCH.checked_add(Duration::from_secs(secs)).unwrap_or(UNIX_EPOCH)
        };
        let text = fmt_http_date(time);
        prop_assert!(parse_http_date(text.as_bytes()).is_some());
    }

    /// RFC 9110 §8.8.3.2: both comparisons are symmetric and reflexive where the table says,
    /// strong is weak plus "neither is weak", weak is equality of the opaque tags.
    #[test]
    fn comparisons(
        a in opaque(), b in prop_oneof![opaque(), Just(Vec::new())],
        same in any::<bool>(), wa in any::<bool>(), wb in any::<bool>(),
    ) {
        let b = if same { a.clone() } else { b };
        let make = |weak: bool, o: &[u8]| if weak { ETag::weak(o) } else { ETag::strong(o) }.unwrap();
        let (x, y) = (make(wa, &a), make(wb, &b));
        prop_assert_eq!(x.strong_eq(&y), y.strong_eq(&x));
        prop_assert_eq!(x.weak_eq(&y), y.weak_eq(&x));
        prop_assert_eq!(x.weak_eq(&y), a == b);
        prop_assert_eq!(x.strong_eq(&y), !wa && !wb && a == b);
        prop_assert!(x.weak_eq(&x));
        prop_assert_eq!(x.strong_eq(&x), !wa);
        // Strong implies weak.
        prop_assert!(!x.strong_eq(&y) || x.weak_eq(&y));
        // Equality of values is strong comparison plus equal weakness.
        prop_assert_eq!(x == y, a == b && wa == wb);
    }
}

// ---------------------------------------------------------------------------------------------
// Huge inputs.
// ---------------------------------------------------------------------------------------------

const MIB: usize = 1 << 20;

/// A list of `n` distinct strong tags `"t0", "t1", …`, then `last` if given.
fn tag_list(n: usize, last: Option<&str>) -> Vec<u8> {
    let mut out = Vec::with_capacity(n * 10 + 16);
    for i in 0..n {
        if i > 0 {
            out.extend_from_slice(b", ");
        }
        out.extend_from_slice(format!("\"t{i}\"").as_bytes());
    }
    if let Some(last) = last {
        out.extend_from_slice(b", ");
        out.extend_from_slice(last.as_bytes());
    }
    out
}

fn current() -> Validators {
    Validators::new(ETag::strong("current").unwrap()).with_last_modified(at(LM))
}

fn decide(method: Method, fields: &[(Field, &[u8])]) -> Decision {
    let mut pre = Preconditions::new();
    for (field, value) in fields {
        pre.add(*field, value);
    }
    evaluate_at(&method, &pre, Some(&current()), &Policy::none(), at(NOW))
}

const PROCEED: Decision = Decision::Proceed {
    ignore_range: false,
};

#[test]
fn huge_if_match_list() {
    // 100 000 tags, about 1 MiB, none of them current: 412.
    let without = tag_list(100_000, None);
    assert!(without.len() >= MIB - 200_000 && without.len() <= MIB + 200_000);
    assert!(matches!(
        decide(Method::PUT, &[(Field::IfMatch, &without)]),
        Decision::PreconditionFailed(_)
    ));
    // The current tag at the very end: proceed.
    let with = tag_list(100_000, Some("\"current\""));
    assert_eq!(decide(Method::PUT, &[(Field::IfMatch, &with)]), PROCEED);
    // The current tag at the end but weak: the strong comparison fails.
    let weak = tag_list(100_000, Some("W/\"current\""));
    assert!(matches!(
        decide(Method::PUT, &[(Field::IfMatch, &weak)]),
        Decision::PreconditionFailed(_)
    ));
    // A syntax error at the very end after a match: invalid, 412 (fail closed).
    let mut junk = tag_list(100_000, Some("\"current\""));
    junk.extend_from_slice(b", junk");
    assert!(matches!(
        decide(Method::PUT, &[(Field::IfMatch, &junk)]),
        Decision::PreconditionFailed(_)
    ));
    // One huge tag of 1 MiB.
    let mut huge = vec![b'"'];
    huge.resize(MIB, b'x');
    huge.push(b'"');
    assert!(matches!(
        decide(Method::DELETE, &[(Field::IfMatch, &huge)]),
        Decision::PreconditionFailed(_)
    ));
    assert_eq!(
        match_list(
            [&huge[..]],
            Some(&ETag::parse(&huge).unwrap()),
            Comparison::Strong
        ),
        ListMatch::Match
    );
}

#[test]
fn huge_if_none_match() {
    // Thousands of tags, the current one (weakly) last: 304 for GET, 412 for PUT.
    let list = tag_list(5_000, Some("W/\"current\""));
    assert!(matches!(
        decide(Method::GET, &[(Field::IfNoneMatch, &list)]),
        Decision::NotModified(_)
    ));
    assert!(matches!(
        decide(Method::PUT, &[(Field::IfNoneMatch, &list)]),
        Decision::PreconditionFailed(_)
    ));
    // 100 000 tags that do not match: the full response.
    let list = tag_list(100_000, None);
    assert_eq!(decide(Method::GET, &[(Field::IfNoneMatch, &list)]), PROCEED);
    // Thousands of header lines, the match on the last one.
    let mut lines: Vec<Vec<u8>> = (0..5_000)
        .map(|i| format!("\"t{i}\"").into_bytes())
        .collect();
    lines.push(b"\"current\"".to_vec());
    let fields: Vec<(Field, &[u8])> = lines
        .iter()
        .map(|l| (Field::IfNoneMatch, l.as_slice()))
        .collect();
    assert!(matches!(
        decide(Method::GET, &fields),
        Decision::NotModified(_)
    ));
    // 1 MiB of commas and spaces: no member, invalid; GET gets the full response, PUT 412.
    let empty = b", ".repeat(MIB / 2);
    assert_eq!(
        decide(Method::GET, &[(Field::IfNoneMatch, &empty)]),
        PROCEED
    );
    assert!(matches!(
        decide(Method::PUT, &[(Field::IfNoneMatch, &empty)]),
        Decision::PreconditionFailed(_)
    ));
}

#[test]
fn huge_dates() {
    let garbage = vec![b'a'; MIB];
    let stale = fmt_http_date(at(LM - 1));
    // A 1 MiB date is not a date: If-Unmodified-Since and If-Modified-Since are ignored.
    assert_eq!(
        decide(Method::PUT, &[(Field::IfUnmodifiedSince, &garbage)]),
        PROCEED
    );
    assert_eq!(
        decide(Method::GET, &[(Field::IfModifiedSince, &garbage)]),
        PROCEED
    );
    // A 1 MiB date that starts like a valid one is not a date either.
    let mut long = stale.clone().into_bytes();
    long.resize(MIB, b'x');
    assert_eq!(
        decide(Method::PUT, &[(Field::IfUnmodifiedSince, &long)]),
        PROCEED
    );
    // A valid date padded with 1 MiB of whitespace is a date (OWS is not part of the value).
    let mut padded = vec![b' '; MIB / 2];
    padded.extend_from_slice(stale.as_bytes());
    padded.extend(std::iter::repeat_n(b'\t', MIB / 2));
    assert!(matches!(
        decide(Method::PUT, &[(Field::IfUnmodifiedSince, &padded)]),
        Decision::PreconditionFailed(_)
    ));
    // Thousands of valid lines: several lines, ignored.
    let lines = vec![stale.clone().into_bytes(); 5_000];
    let fields: Vec<(Field, &[u8])> = lines
        .iter()
        .map(|l| (Field::IfUnmodifiedSince, l.as_slice()))
        .collect();
    assert_eq!(decide(Method::PUT, &fields), PROCEED);
}

#[test]
fn huge_if_range() {
    let range: &[u8] = b"bytes=0-9";
    let ignore = Decision::Proceed { ignore_range: true };
    // 1 MiB of garbage, of a quoted tag, of a date-looking value: none match, the Range is
    // ignored.
    let garbage = vec![b'a'; MIB];
    let mut tag = vec![b'"'];
    tag.resize(MIB, b'x');
    tag.push(b'"');
    let mut date = fmt_http_date(at(LM)).into_bytes();
    date.resize(MIB, b' ');
    date.push(b'x');
    for value in [&garbage, &tag, &date] {
        assert_eq!(
            decide(
                Method::GET,
                &[(Field::Range, range), (Field::IfRange, value)]
            ),
            ignore
        );
    }
    // A 1 MiB-padded exact date does match (trailing OWS is not part of the value).
    let mut padded = fmt_http_date(at(LM)).into_bytes();
    padded.resize(MIB, b' ');
    assert_eq!(
        decide(
            Method::GET,
            &[(Field::Range, range), (Field::IfRange, &padded)]
        ),
        PROCEED
    );
}

/// A header map with a 1 MiB If-Match of 100 000 tags, built the way a server would.
#[test]
fn huge_header_map() {
    let mut headers = HeaderMap::new();
    let list = tag_list(100_000, Some("\"current\""));
    headers.insert(
        http::header::IF_MATCH,
        HeaderValue::from_bytes(&list).unwrap(),
    );
    let pre = Preconditions::from_headers(&headers);
    assert_eq!(
        evaluate(
            &Method::PATCH,
            &pre,
            Some(&current()),
            &Policy::lost_update()
        ),
        PROCEED
    );
}
