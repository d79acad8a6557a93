//! A reference model of precondition evaluation, written from the text of RFC 9110 §13.1.1–
//! §13.1.5 and §13.2 (plus RFC 6585 §3 for 428) and the leniencies documented on
//! `precond_core::evaluate`, and a property test that the engine agrees with it.
//!
//! The model is deliberately written differently from the engine: header lines are tokenised
//! into `Vec<Element>` (split on commas outside quotes, per line), dates go straight to
//! `httpdate`, the policy is a table of booleans, and the evaluation is one plain if/else chain
//! over `Option`s. It shares nothing with the engine but the public types it reports through.
//!
//! Leniencies of the engine that the model reproduces on purpose (see the doc comment of
//! `evaluate`):
//! - an `If-Match` that is not a valid list is false (412), fail closed;
//! - an `If-None-Match` that is not a valid list is true for GET/HEAD and false (412) otherwise;
//! - an `If-Modified-Since` date in the future is ignored;
//! - an `If-Range` date matches when it equals `Last-Modified` (the server cannot tell whether the
//!   client's date was strong, §8.8.2.2, so it trusts the client, §13.1.5 "MUST NOT generate");
//! - an `If-Range` with several lines is false;
//! - a `Range` on any method but GET is ignored (§14.2);
//! - GET/HEAD of a resource that does not exist proceeds (its unconditional response is 404,
//!   §13.2.1), before the policy is consulted;
//! - the policy (428) is checked before the preconditions; `If-Unmodified-Since` only satisfies
//!   it when it would actually be evaluated (valid single date, resource with `Last-Modified`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderValue, Method};
use precond_core::{
    Decision, ETag, Field, Policy, Preconditions, Rejection, Requirement, Validators, evaluate_at,
};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::Config;

/// The server's clock during the tests (2023-11-14T22:13:20Z).
const NOW: u64 = 1_700_000_000;
/// The usual current `Last-Modified`, a while before `NOW`.
const LM: u64 = NOW - 86_400;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn now() -> SystemTime {
    at(NOW)
}

// ---------------------------------------------------------------------------------------------
// The model.
// ---------------------------------------------------------------------------------------------

/// An element of an entity-tag list field (RFC 9110 §13.1.1: `"*" / #entity-tag`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Element {
    Star,
    Tag { weak: bool, opaque: Vec<u8> },
}

/// `etagc = %x21 / %x23-7E / obs-text` (RFC 9110 §8.8.3).
fn etagc(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x7E | 0x80..=0xFF)
}

/// OWS = *( SP / HTAB ) (RFC 9110 §5.6.3).
fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// `entity-tag = [ W/ ] DQUOTE *etagc DQUOTE`, the whole of `s`.
fn parse_tag(s: &[u8]) -> Option<(bool, Vec<u8>)> {
    let (weak, rest) = match s.strip_prefix(b"W/") {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    if rest.len() < 2 || rest[0] != b'"' || rest[rest.len() - 1] != b'"' {
        return None;
    }
    let opaque = &rest[1..rest.len() - 1];
    if opaque.iter().all(|&b| etagc(b)) {
        Some((weak, opaque.to_vec()))
    } else {
        None
    }
}

/// Splits one line on the commas that are outside double quotes.
fn split_outside_quotes(line: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, &b) in line.iter().enumerate() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == b',' && !quoted {
            parts.push(&line[start..i]);
            start = i + 1;
        }
    }
    parts.push(&line[start..]);
    parts
}

/// A list field: each line is a list (RFC 9110 §5.3 combines them); empty elements are
/// skipped (§5.6.1). `None` when the field is not a valid `"*" / #entity-tag`: an element
/// that is neither `*` nor an entity tag, no element at all, or `*` with anything else
/// (§13.1.1 last paragraph).
fn parse_list(lines: &[Vec<u8>]) -> Option<Vec<Element>> {
    let mut elements = Vec::new();
    for line in lines {
        for part in split_outside_quotes(line) {
            let part = trim_ows(part);
            if part.is_empty() {
                continue;
            }
            if part == b"*" {
                elements.push(Element::Star);
            } else {
                let (weak, opaque) = parse_tag(part)?;
                elements.push(Element::Tag { weak, opaque });
            }
        }
    }
    let stars = elements.iter().filter(|e| **e == Element::Star).count();
    if elements.is_empty() || (stars > 0 && elements.len() > 1) {
        None
    } else {
        Some(elements)
    }
}

/// A date field: exactly one line holding a valid HTTP-date (OWS around it is not part of the
/// value, §5.5); otherwise `None` (§13.1.3, §13.1.4: invalid, or more than one member).
fn parse_date(lines: &[Vec<u8>]) -> Option<SystemTime> {
    let [line] = lines else { return None };
    let text = std::str::from_utf8(trim_ows(line)).ok()?;
    httpdate::parse_http_date(text).ok()
}

/// The resource's current state as the model sees it.
#[derive(Debug, Clone)]
struct State {
    etag: Option<(bool, Vec<u8>)>,
    /// Whole seconds: the precision of the `Last-Modified` field value.
    last_modified: Option<SystemTime>,
}

/// A request's conditional fields: `None` for absent, otherwise its lines.
#[derive(Debug, Clone, Default)]
struct Request {
    if_match: Option<Vec<Vec<u8>>>,
    if_none_match: Option<Vec<Vec<u8>>>,
    if_modified_since: Option<Vec<Vec<u8>>>,
    if_unmodified_since: Option<Vec<Vec<u8>>>,
    if_range: Option<Vec<Vec<u8>>>,
    range: Option<Vec<Vec<u8>>>,
}

/// What the model expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    Proceed { ignore_range: bool },
    NotModified(Field),
    Failed(Field),
    Required,
}

/// Policies under test: each one built for the engine and described as a table for the model.
#[derive(Debug, Clone, Copy)]
enum PolicyCase {
    Nothing,
    LostUpdate,
    AlwaysIfMatch,
    AlwaysLostUpdate,
    AlwaysIfUnmodifiedSince,
    PutCreateOnly,
    GetIfMatch,
    OtherMatchOrDate,
    PostCreatePatchMatch,
}

/// Which preconditions are acceptable: `(If-Match, If-Unmodified-Since, If-None-Match: *)`.
type Needs = (bool, bool, bool);

impl PolicyCase {
    const ALL: [PolicyCase; 9] = [
        PolicyCase::Nothing,
        PolicyCase::LostUpdate,
        PolicyCase::AlwaysIfMatch,
        PolicyCase::AlwaysLostUpdate,
        PolicyCase::AlwaysIfUnmodifiedSince,
        PolicyCase::PutCreateOnly,
        PolicyCase::GetIfMatch,
        PolicyCase::OtherMatchOrDate,
        PolicyCase::PostCreatePatchMatch,
    ];

    fn engine(self) -> Policy {
        match self {
            PolicyCase::Nothing => Policy::none(),
            PolicyCase::LostUpdate => Policy::lost_update(),
            PolicyCase::AlwaysIfMatch => Policy::always(Requirement::IF_MATCH),
            PolicyCase::AlwaysLostUpdate => Policy::always(Requirement::LOST_UPDATE),
            PolicyCase::AlwaysIfUnmodifiedSince => Policy::always(Requirement::IF_UNMODIFIED_SINCE),
            PolicyCase::PutCreateOnly => Policy::none().put(Requirement::IF_NONE_MATCH_STAR),
            PolicyCase::GetIfMatch => Policy::none().get(Requirement::IF_MATCH),
            PolicyCase::OtherMatchOrDate => {
                Policy::none().other(Requirement::IF_MATCH | Requirement::IF_UNMODIFIED_SINCE)
            }
            PolicyCase::PostCreatePatchMatch => Policy::none()
                .post(Requirement::IF_NONE_MATCH_STAR)
                .patch(Requirement::IF_MATCH),
        }
    }

    fn needs(self, method: &str) -> Needs {
        const NONE: Needs = (false, false, false);
        const ALL: Needs = (true, true, true);
        let write = matches!(method, "PUT" | "PATCH" | "DELETE");
        let standard = matches!(
            method,
            "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "CONNECT" | "OPTIONS" | "TRACE"
        );
        match self {
            PolicyCase::Nothing => NONE,
            PolicyCase::LostUpdate if write => ALL,
            PolicyCase::AlwaysIfMatch => (true, false, false),
            PolicyCase::AlwaysLostUpdate => ALL,
            PolicyCase::AlwaysIfUnmodifiedSince => (false, true, false),
            PolicyCase::PutCreateOnly if method == "PUT" => (false, false, true),
            PolicyCase::GetIfMatch if matches!(method, "GET" | "HEAD") => (true, false, false),
            PolicyCase::OtherMatchOrDate if !standard => (true, true, false),
            PolicyCase::PostCreatePatchMatch if method == "POST" => (false, false, true),
            PolicyCase::PostCreatePatchMatch if method == "PATCH" => (true, false, false),
            _ => NONE,
        }
    }
}

/// RFC 9110 §8.8.3.2.
fn strong_match(a: &(bool, Vec<u8>), b: &(bool, Vec<u8>)) -> bool {
    !a.0 && !b.0 && a.1 == b.1
}

/// RFC 9110 §8.8.3.2.
fn weak_match(a: &(bool, Vec<u8>), b: &(bool, Vec<u8>)) -> bool {
    a.1 == b.1
}

/// RFC 9110 §13.2, one if/else chain.
fn model(method: &str, req: &Request, state: Option<&State>, policy: PolicyCase) -> Expected {
    let is_get = method == "GET";
    let safe_read = method == "GET" || method == "HEAD";
    let exists = state.is_some();
    let etag = state.and_then(|s| s.etag.clone());
    let last_modified = state.and_then(|s| s.last_modified);
    // §14.2: "A server MUST ignore a Range header field received with a request method that
    // is unrecognized or for which range handling is not defined" (only GET).
    let range_ignored_by_method = !is_get && req.range.is_some();

    // §13.2.1: methods that involve no selected representation ignore every precondition.
    if matches!(method, "CONNECT" | "OPTIONS" | "TRACE") {
        return Expected::Proceed {
            ignore_range: range_ignored_by_method,
        };
    }
    // §13.2.1: the unconditional response (404) is not 2xx/412, so preconditions are ignored.
    if safe_read && !exists {
        return Expected::Proceed {
            ignore_range: range_ignored_by_method,
        };
    }

    // RFC 6585 §3.
    let (need_match, need_date, need_star) = policy.needs(method);
    if need_match || need_date || need_star {
        let has_match = req.if_match.is_some();
        let has_date = last_modified.is_some()
            && req
                .if_unmodified_since
                .as_deref()
                .and_then(parse_date)
                .is_some();
        let has_star = req
            .if_none_match
            .as_deref()
            .and_then(parse_list)
            .is_some_and(|list| list == [Element::Star]);
        if !((need_match && has_match) || (need_date && has_date) || (need_star && has_star)) {
            return Expected::Required;
        }
    }

    // Step 1 and 2.
    if let Some(lines) = &req.if_match {
        let holds = match parse_list(lines) {
            None => false,
            Some(list) if list == [Element::Star] => exists,
            Some(list) => list.iter().any(|e| match (e, &etag) {
                (Element::Tag { weak, opaque }, Some(current)) => {
                    strong_match(&(*weak, opaque.clone()), current)
                }
                _ => false,
            }),
        };
        if !holds {
            return Expected::Failed(Field::IfMatch);
        }
    } else if let Some(lines) = &req.if_unmodified_since {
        // `None`: ignored (not a valid single date, or no Last-Modified).
        let holds = match (parse_date(lines), last_modified) {
            (Some(date), Some(lm)) => Some(lm <= date),
            _ => None,
        };
        if holds == Some(false) {
            return Expected::Failed(Field::IfUnmodifiedSince);
        }
    }

    // Step 3 and 4.
    if let Some(lines) = &req.if_none_match {
        let holds = match parse_list(lines) {
            None => safe_read,
            Some(list) if list == [Element::Star] => !exists,
            Some(list) => !list.iter().any(|e| match (e, &etag) {
                (Element::Tag { weak, opaque }, Some(current)) => {
                    weak_match(&(*weak, opaque.clone()), current)
                }
                _ => false,
            }),
        };
        if !holds {
            return if safe_read {
                Expected::NotModified(Field::IfNoneMatch)
            } else {
                Expected::Failed(Field::IfNoneMatch)
            };
        }
    } else if safe_read && let Some(lines) = &req.if_modified_since {
        // `None`: ignored (not a valid single date, a date in the future, or no Last-Modified).
        let holds = match (parse_date(lines), last_modified) {
            (Some(date), Some(lm)) if date <= now() => Some(lm > date),
            _ => None,
        };
        if holds == Some(false) {
            return Expected::NotModified(Field::IfModifiedSince);
        }
    }

    // Step 5.
    if is_get && req.range.is_some() {
        if let Some(lines) = &req.if_range {
            let holds = match lines.as_slice() {
                [value] => {
                    // OWS around it is not part of the value (§5.5); then "examining the
                    // first three characters for a DQUOTE".
                    let value = trim_ows(value);
                    if value.iter().take(3).any(|&b| b == b'"') {
                        match (parse_tag(value), &etag) {
                            (Some(given), Some(current)) => strong_match(&given, current),
                            _ => false,
                        }
                    } else {
                        match (parse_date(&[value.to_vec()]), last_modified) {
                            (Some(date), Some(lm)) => date == lm,
                            _ => false,
                        }
                    }
                }
                _ => false,
            };
            return Expected::Proceed {
                ignore_range: !holds,
            };
        }
        return Expected::Proceed {
            ignore_range: false,
        };
    }
    Expected::Proceed {
        ignore_range: range_ignored_by_method,
    }
}

// ---------------------------------------------------------------------------------------------
// Running the engine.
// ---------------------------------------------------------------------------------------------

fn engine_state(state: &State) -> Validators {
    let etag = state.etag.as_ref().map(|(weak, opaque)| {
        if *weak {
            ETag::weak(opaque).unwrap()
        } else {
            ETag::strong(opaque).unwrap()
        }
    });
    Validators::none()
        .with_etag(etag)
        .with_last_modified_opt(state.last_modified)
}

fn fields(req: &Request) -> [(Field, &Option<Vec<Vec<u8>>>); 6] {
    [
        (Field::IfMatch, &req.if_match),
        (Field::IfNoneMatch, &req.if_none_match),
        (Field::IfModifiedSince, &req.if_modified_since),
        (Field::IfUnmodifiedSince, &req.if_unmodified_since),
        (Field::IfRange, &req.if_range),
        (Field::Range, &req.range),
    ]
}

/// The request as an `http::HeaderMap`, or `None` if it refuses one of the values.
fn header_map(req: &Request) -> Option<HeaderMap> {
    let mut map = HeaderMap::new();
    for (field, lines) in fields(req) {
        for line in lines.iter().flatten() {
            let value = HeaderValue::from_bytes(line).ok()?;
            map.append(field.header_name(), value);
        }
    }
    Some(map)
}

fn run_engine(
    method: &str,
    req: &Request,
    state: Option<&State>,
    policy: PolicyCase,
    sub_second_lm: bool,
) -> Decision {
    // Through an `http::HeaderMap` when it accepts every value, else line by line.
    let headers = header_map(req);
    let pre = match &headers {
        Some(headers) => Preconditions::from_headers(headers),
        None => {
            let mut pre = Preconditions::new();
            for (field, lines) in fields(req) {
                for line in lines.iter().flatten() {
                    pre.add(field, line);
                }
            }
            pre
        }
    };
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let current = state.map(|s| {
        let v = engine_state(s);
        // The engine must truncate a sub-second Last-Modified itself.
        match (sub_second_lm, s.last_modified) {
            (true, Some(lm)) => v.with_last_modified(lm + Duration::from_millis(999)),
            _ => v,
        }
    });
    evaluate_at(&method, &pre, current.as_ref(), &policy.engine(), now())
}

fn check_rejection(rejection: &Rejection, state: Option<&State>) -> Result<(), TestCaseError> {
    let etag = state.and_then(|s| s.etag.as_ref());
    prop_assert_eq!(
        rejection.etag().map(|t| (t.is_weak(), t.opaque().to_vec())),
        etag.cloned(),
        "rejection carries the current ETag"
    );
    prop_assert_eq!(
        rejection.last_modified(),
        state.and_then(|s| s.last_modified),
        "rejection carries the current Last-Modified"
    );
    Ok(())
}

fn check(
    method: &str,
    req: &Request,
    state: Option<&State>,
    policy: PolicyCase,
    sub_second_lm: bool,
) -> Result<(), TestCaseError> {
    let expected = model(method, req, state, policy);
    let decision = run_engine(method, req, state, policy, sub_second_lm);
    match (&decision, expected) {
        (Decision::Proceed { ignore_range }, Expected::Proceed { ignore_range: want }) => {
            prop_assert_eq!(*ignore_range, want, "ignore_range");
        }
        (Decision::NotModified(r), Expected::NotModified(cause)) => {
            prop_assert_eq!(r.status(), 304);
            prop_assert_eq!(r.cause(), Some(cause));
            check_rejection(r, state)?;
        }
        (Decision::PreconditionFailed(r), Expected::Failed(cause)) => {
            prop_assert_eq!(r.status(), 412);
            prop_assert_eq!(r.cause(), Some(cause));
            check_rejection(r, state)?;
        }
        (Decision::PreconditionRequired(r), Expected::Required) => {
            prop_assert_eq!(r.status(), 428);
            prop_assert_eq!(r.cause(), None);
            prop_assert_eq!(
                r.requirement(),
                policy
                    .engine()
                    .requirement(&method.parse::<Method>().unwrap())
            );
            check_rejection(r, state)?;
        }
        (got, want) => {
            return Err(TestCaseError::fail(format!(
                "engine {got:?}, model {want:?}\nmethod {method} policy {policy:?}\nstate {state:?}\nrequest {}",
                show(req)
            )));
        }
    }
    Ok(())
}

fn show(req: &Request) -> String {
    let mut out = String::new();
    let fields = [
        ("If-Match", &req.if_match),
        ("If-None-Match", &req.if_none_match),
        ("If-Modified-Since", &req.if_modified_since),
        ("If-Unmodified-Since", &req.if_unmodified_since),
        ("If-Range", &req.if_range),
        ("Range", &req.range),
    ];
    for (name, lines) in fields {
        for line in lines.iter().flatten() {
            out.push_str(&format!("\n  {name}: {:?}", String::from_utf8_lossy(line)));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Generators: small pools that make matches likely.
// ---------------------------------------------------------------------------------------------

const METHODS: [&str; 10] = [
    "GET", "HEAD", "PUT", "POST", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE", "PROPFIND",
];

/// Every method, GET and HEAD (the ones with 304s and ranges) more often.
fn method() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        3 => Just("GET"),
        1 => Just("HEAD"),
        4 => select(METHODS.to_vec()),
    ]
}

/// Every policy, "nothing required" more often (the others mostly answer 428).
fn policy() -> impl Strategy<Value = PolicyCase> {
    prop_oneof![
        1 => Just(PolicyCase::Nothing),
        1 => select(PolicyCase::ALL.to_vec()),
    ]
}

/// Entity tags the current representation may have.
fn current_etag() -> impl Strategy<Value = Option<(bool, Vec<u8>)>> {
    select(vec![
        None,
        Some((false, b"1".to_vec())),
        Some((true, b"1".to_vec())),
        Some((false, b"2".to_vec())),
        Some((false, Vec::new())),
        Some((false, b"x,y".to_vec())),
        Some((false, b"caf\xe9".to_vec())),
    ])
}

fn state() -> impl Strategy<Value = Option<State>> {
    let last_modified = select(vec![None, Some(at(LM)), Some(at(NOW)), Some(at(LM - 1))]);
    prop_oneof![
        1 => Just(None),
        6 => (current_etag(), last_modified)
            .prop_map(|(etag, last_modified)| Some(State { etag, last_modified })),
    ]
}

/// Values of `If-Match` / `If-None-Match` lines, with matches and junk.
fn list_line() -> BoxedStrategy<Vec<u8>> {
    let fixed = select(vec![
        "*",
        " * ",
        "\"1\"",
        "\"2\"",
        "W/\"1\"",
        "W/\"2\"",
        "\"1\", \"2\"",
        "\"2\", \"1\"",
        "W/\"1\", \"2\"",
        "\"\"",
        "\"x,y\"",
        "\"x\", \"y\"",
        "1",
        "\"a",
        "*, \"1\"",
        "*, *",
        "**",
        "",
        " ",
        ",",
        " , \"1\" ,",
        "\"1\" \"2\"",
        "\"1\"\"2\"",
        "w/\"1\"",
        "W/ \"1\"",
        "\"1\", junk",
        "\"1\"\t,\t\"3\"",
        "W/\"\"",
        "\"1\\\"",
    ])
    .prop_map(|s| s.as_bytes().to_vec());
    let element = select(vec![
        "\"1\"",
        "W/\"1\"",
        "\"2\"",
        "W/\"2\"",
        "*",
        "\"\"",
        "\"x,y\"",
        "\"caf\u{e9}\"",
        "junk",
        "\"",
        "W/",
    ]);
    let separator = select(vec![",", ", ", " ,", ",,", " , ,\t", "\t,", " ", ""]);
    let built = (
        proptest::collection::vec((element, separator), 1..5),
        any::<bool>(),
    )
        .prop_map(|(parts, leading_comma)| {
            let mut line = Vec::new();
            if leading_comma {
                line.extend_from_slice(b", ");
            }
            for (i, (element, separator)) in parts.iter().enumerate() {
                if i > 0 {
                    line.extend_from_slice(separator.as_bytes());
                }
                line.extend_from_slice(element.as_bytes());
            }
            line
        });
    let latin = Just(b"\"caf\xe9\"".to_vec());
    let likely =
        select(vec!["\"1\"", "W/\"1\"", "*", "\"2\", \"1\""]).prop_map(|s| s.as_bytes().to_vec());
    prop_oneof![4 => likely, 5 => fixed, 4 => built, 1 => latin].boxed()
}

/// `"Sun, 06 Nov 1994 08:49:37 GMT"` in the three formats of RFC 9110 §5.6.7.
fn formats(secs: u64) -> [String; 3] {
    let imf = httpdate::fmt_http_date(at(secs));
    let wday = &imf[0..3];
    let day = &imf[5..7];
    let mon = &imf[8..11];
    let year = &imf[12..16];
    let time = &imf[17..25];
    let long_day = match wday {
        "Mon" => "Monday",
        "Tue" => "Tuesday",
        "Wed" => "Wednesday",
        "Thu" => "Thursday",
        "Fri" => "Friday",
        "Sat" => "Saturday",
        _ => "Sunday",
    };
    let rfc850 = format!("{long_day}, {day}-{mon}-{} {time} GMT", &year[2..]);
    let day_sp = day.trim_start_matches('0');
    let asctime = format!("{wday} {mon} {day_sp:>2} {time} {year}");
    [imf, rfc850, asctime]
}

/// Values of date fields: around the current `Last-Modified` and `now`, all three formats,
/// whitespace, and garbage.
fn date_line() -> BoxedStrategy<Vec<u8>> {
    let instants = select(vec![
        LM - 100_000,
        LM - 1,
        LM,
        LM + 1,
        NOW - 1,
        NOW,
        NOW + 1,
        NOW + 86_400,
    ]);
    let valid = (instants, 0..3usize, select(vec!["", " ", "\t", "  \t "])).prop_map(
        |(secs, format, pad)| format!("{pad}{}{pad}", formats(secs)[format]).into_bytes(),
    );
    let imf_lm = httpdate::fmt_http_date(at(LM));
    let garbage = select(vec![
        String::new(),
        " ".to_owned(),
        "yesterday".to_owned(),
        "0".to_owned(),
        imf_lm.to_lowercase(),
        imf_lm.replace("GMT", "UTC"),
        format!("{imf_lm}, {imf_lm}"),
        // A valid date with the wrong day of the week.
        imf_lm.replacen(
            &imf_lm[0..3],
            if &imf_lm[0..3] == "Mon" { "Tue" } else { "Mon" },
            1,
        ),
        "Sun, 06 Nov 1969 08:49:37 GMT".to_owned(),
        "Fri, 31 Dec 9999 23:59:59 GMT".to_owned(),
        "\"1\"".to_owned(),
        format!("{}{imf_lm}{}", " ".repeat(40), " ".repeat(40)),
    ])
    .prop_map(String::into_bytes);
    prop_oneof![4 => valid, 1 => garbage].boxed()
}

/// Values of `If-Range`: entity tags and dates.
fn if_range_line() -> BoxedStrategy<Vec<u8>> {
    let tags = select(vec![
        "\"1\"",
        "W/\"1\"",
        "\"2\"",
        "\"\"",
        "\"x,y\"",
        "\"1\", \"2\"",
        "\"1",
        "1",
        "",
        "*",
        "a\"1\"",
    ])
    .prop_map(|s| s.as_bytes().to_vec());
    prop_oneof![tags, date_line()].boxed()
}

/// A field: absent (most often), one line, or several.
fn field(line: BoxedStrategy<Vec<u8>>) -> impl Strategy<Value = Option<Vec<Vec<u8>>>> {
    prop_oneof![
        6 => Just(None),
        3 => line.clone().prop_map(|l| Some(vec![l])),
        1 => proptest::collection::vec(line, 2..4).prop_map(Some),
    ]
}

fn request() -> impl Strategy<Value = Request> {
    let range = prop_oneof![Just(None), Just(Some(vec![b"bytes=0-9".to_vec()]))];
    (
        field(list_line()),
        field(list_line()),
        field(date_line()),
        field(date_line()),
        field(if_range_line()),
        range,
    )
        .prop_map(
            |(if_match, if_none_match, if_modified_since, if_unmodified_since, if_range, range)| {
                Request {
                    if_match,
                    if_none_match,
                    if_modified_since,
                    if_unmodified_since,
                    if_range,
                    range,
                }
            },
        )
}

/// A request whose values have gone through a few random byte edits.
fn mutated_request() -> impl Strategy<Value = Request> {
    let edit = (
        0..6usize,
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        0..3u8,
        prop_oneof![any::<u8>(), select(b"\",W/* \t".to_vec())],
    );
    (request(), proptest::collection::vec(edit, 1..4)).prop_map(|(mut req, edits)| {
        for (field, line, at, kind, byte) in edits {
            let lines = match field {
                0 => &mut req.if_match,
                1 => &mut req.if_none_match,
                2 => &mut req.if_modified_since,
                3 => &mut req.if_unmodified_since,
                4 => &mut req.if_range,
                _ => &mut req.range,
            };
            let Some(lines) = lines else { continue };
            let i = line.index(lines.len());
            let line = &mut lines[i];
            apply(line, (at, kind, byte));
        }
        req
    })
}

fn apply(line: &mut Vec<u8>, (at, kind, byte): (prop::sample::Index, u8, u8)) {
    match kind {
        0 if !line.is_empty() => {
            let i = at.index(line.len());
            line[i] = byte;
        }
        1 if !line.is_empty() => {
            line.remove(at.index(line.len()));
        }
        _ => line.insert(at.index(line.len() + 1), byte),
    }
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(20_000))]

    /// The engine and the model agree on every generated request.
    #[test]
    fn engine_agrees_with_the_model(
        method in method(),
        req in request(),
        state in state(),
        policy in policy(),
        sub_second_lm in any::<bool>(),
    ) {
        check(method, &req, state.as_ref(), policy, sub_second_lm)?;
    }
}

proptest! {
    #![proptest_config(config(10_000))]

    /// Fuzz-style: the same, after a few random byte edits (any byte, invalid UTF-8 and
    /// control characters included) in the values.
    #[test]
    fn engine_agrees_on_mutated_values(
        method in method(),
        req in mutated_request(),
        state in state(),
        policy in policy(),
    ) {
        check(method, &req, state.as_ref(), policy, false)?;
    }
}

// ---------------------------------------------------------------------------------------------
// The model itself, on the examples of the RFC, so that agreement means something.
// ---------------------------------------------------------------------------------------------

fn one(value: &str) -> Option<Vec<Vec<u8>>> {
    Some(vec![value.as_bytes().to_vec()])
}

#[test]
fn model_follows_the_rfc_examples() {
    let v1 = State {
        etag: Some((false, b"1".to_vec())),
        last_modified: Some(at(LM)),
    };
    let weak = State {
        etag: Some((true, b"1".to_vec())),
        last_modified: None,
    };
    let imf = |secs| httpdate::fmt_http_date(at(secs));
    let p = PolicyCase::Nothing;
    let req = |f: &dyn Fn(&mut Request)| {
        let mut r = Request::default();
        f(&mut r);
        r
    };
    let proceed = Expected::Proceed {
        ignore_range: false,
    };

    // §13.1.1: strong comparison; `*` needs a current representation.
    let r = req(&|r| r.if_match = one("\"1\""));
    assert_eq!(model("PUT", &r, Some(&v1), p), proceed);
    assert_eq!(
        model("PUT", &r, Some(&weak), p),
        Expected::Failed(Field::IfMatch)
    );
    let r = req(&|r| r.if_match = one("*"));
    assert_eq!(model("PUT", &r, None, p), Expected::Failed(Field::IfMatch));
    assert_eq!(model("PUT", &r, Some(&weak), p), proceed);
    // §13.1.2: weak comparison; 304 for GET/HEAD, 412 otherwise.
    let r = req(&|r| r.if_none_match = one("W/\"1\""));
    assert_eq!(
        model("GET", &r, Some(&v1), p),
        Expected::NotModified(Field::IfNoneMatch)
    );
    assert_eq!(
        model("DELETE", &r, Some(&v1), p),
        Expected::Failed(Field::IfNoneMatch)
    );
    let r = req(&|r| r.if_none_match = one("*"));
    assert_eq!(model("PUT", &r, None, p), proceed);
    // §13.1.3: If-None-Match wins; equal date → 304; future date ignored.
    let r = req(&|r| r.if_modified_since = one(&imf(LM)));
    assert_eq!(
        model("GET", &r, Some(&v1), p),
        Expected::NotModified(Field::IfModifiedSince)
    );
    assert_eq!(model("POST", &r, Some(&v1), p), proceed);
    let r = req(&|r| {
        r.if_modified_since = one(&imf(LM));
        r.if_none_match = one("\"2\"");
    });
    assert_eq!(model("GET", &r, Some(&v1), p), proceed);
    let r = req(&|r| r.if_modified_since = one(&imf(NOW + 1)));
    assert_eq!(model("GET", &r, Some(&v1), p), proceed);
    // §13.1.4: ignored with If-Match; earlier date → 412.
    let r = req(&|r| r.if_unmodified_since = one(&imf(LM - 1)));
    assert_eq!(
        model("PUT", &r, Some(&v1), p),
        Expected::Failed(Field::IfUnmodifiedSince)
    );
    let r = req(&|r| {
        r.if_unmodified_since = one(&imf(LM - 1));
        r.if_match = one("\"1\"");
    });
    assert_eq!(model("PUT", &r, Some(&v1), p), proceed);
    // §13.1.5: exact date, strong tag.
    let ranged = |if_range: &str| {
        req(&|r| {
            r.range = one("bytes=0-1");
            r.if_range = one(if_range);
        })
    };
    assert_eq!(model("GET", &ranged(&imf(LM)), Some(&v1), p), proceed);
    let ignore = Expected::Proceed { ignore_range: true };
    assert_eq!(model("GET", &ranged(&imf(LM + 1)), Some(&v1), p), ignore);
    assert_eq!(model("GET", &ranged("\"1\""), Some(&v1), p), proceed);
    assert_eq!(model("GET", &ranged("W/\"1\""), Some(&v1), p), ignore);
    assert_eq!(model("HEAD", &ranged("\"1\""), Some(&v1), p), ignore);
    // Lists.
    assert_eq!(
        parse_list(&[b" \"a,b\" , ,W/\"c\"".to_vec(), b"".to_vec()]),
        Some(vec![
            Element::Tag {
                weak: false,
                opaque: b"a,b".to_vec()
            },
            Element::Tag {
                weak: true,
                opaque: b"c".to_vec()
            },
        ])
    );
    assert_eq!(parse_list(&[b"\"a".to_vec(), b"b\"".to_vec()]), None);
    assert_eq!(parse_list(&[b"*".to_vec(), b"*".to_vec()]), None);
    // The generated date formats all parse to the same instant.
    for text in formats(LM) {
        assert_eq!(
            parse_date(&[text.clone().into_bytes()]),
            Some(at(LM)),
            "{text}"
        );
    }
}

/// The generators reach every outcome often enough for agreement to mean something.
#[test]
fn generators_cover_every_outcome() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use std::collections::BTreeMap;

    let strategy = (method(), request(), state(), policy());
    let mut runner = TestRunner::deterministic();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let samples = 5_000;
    for _ in 0..samples {
        let (method, req, state, policy) = strategy.new_tree(&mut runner).unwrap().current();
        let outcome = model(method, &req, state.as_ref(), policy);
        *seen.entry(format!("{outcome:?}")).or_default() += 1;
        if method == "GET"
            && req.range.is_some()
            && req.if_range.is_some()
            && let Expected::Proceed { ignore_range } = outcome
        {
            *seen
                .entry(format!("If-Range {}", !ignore_range))
                .or_default() += 1;
        }
    }
    let expected = [
        Expected::Proceed {
            ignore_range: false,
        },
        Expected::Proceed { ignore_range: true },
        Expected::NotModified(Field::IfNoneMatch),
        Expected::NotModified(Field::IfModifiedSince),
        Expected::Failed(Field::IfMatch),
        Expected::Failed(Field::IfUnmodifiedSince),
        Expected::Failed(Field::IfNoneMatch),
        Expected::Required,
    ];
    let keys = expected
        .iter()
        .map(|e| format!("{e:?}"))
        .chain(["If-Range true".to_owned(), "If-Range false".to_owned()]);
    for outcome in keys {
        let count = seen.get(&outcome).copied().unwrap_or(0);
        assert!(
            count * 100 >= samples,
            "{outcome} only {count} times in {samples}: {seen:#?}"
        );
    }
    println!("{seen:#?}");
}
