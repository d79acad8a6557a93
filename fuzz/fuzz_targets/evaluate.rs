//! The evaluator (`precond_core::evaluate_at`, `evaluate`) on arbitrary requests: a method, up to
//! eight header lines of the six fields, the resource's current validators (or none), a policy
//! and a "now". Checked against a model of RFC 9110 §13.2.2 written from the documentation of
//! `evaluate`, plus properties that hold whatever the model says.
//!
//! Input: read through `arbitrary::Unstructured`; header values are either raw bytes or built
//! from the current validators (their tags, dates near them), so that matches are common.
#![no_main]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use precond_core::date::{fmt_http_date, parse_http_date};
use precond_core::http::header::LAST_MODIFIED;
use precond_core::http::{HeaderMap, HeaderValue, Method};
use precond_core::list::{Comparison, ListMatch, match_list};
use precond_core::{
    Decision, ETag, Field, Policy, Preconditions, RejectionKind, Requirement, Validators, evaluate,
    evaluate_at,
};

/// 9999-12-31T23:59:59Z.
const LATEST_SECS: u64 = 253_402_300_799;
/// About now (2025), where real dates are.
const RECENT_SECS: u64 = 1_750_000_000;

struct Case {
    method: Method,
    policy: Policy,
    current: Option<Validators>,
    now: SystemTime,
    lines: Vec<(Field, Vec<u8>)>,
}

/// A byte of the input (0 once it is used up).
fn byte(u: &mut Unstructured<'_>) -> Result<u8> {
    u.arbitrary()
}

/// Up to `max - 1` bytes of the input, their count read first.
fn some_bytes<'a>(u: &mut Unstructured<'a>, max: u8) -> Result<&'a [u8]> {
    let len = usize::from(byte(u)? % max);
    u.bytes(len)
}

fn requirement(u: &mut Unstructured<'_>) -> Result<Requirement> {
    let bits = byte(u)?;
    let mut r = Requirement::NONE;
    for (bit, one) in [
        (1, Requirement::IF_MATCH),
        (2, Requirement::IF_UNMODIFIED_SINCE),
        (4, Requirement::IF_NONE_MATCH_STAR),
    ] {
        if bits & bit != 0 {
            r = r | one;
        }
    }
    Ok(r)
}

fn secs_at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// Whole seconds, over 1970 to 9999 and a little beyond (clamped by `Validators`).
fn instant(u: &mut Unstructured<'_>) -> Result<SystemTime> {
    let raw: u64 = u.arbitrary()?;
    let secs = match byte(u)? % 7 {
        0 => 0,
        1 => raw % 100_000,
        2 => raw % (LATEST_SECS + 1),
        3 => RECENT_SECS + raw % 100_000,
        4 => LATEST_SECS,
        5 => LATEST_SECS + raw % 1_000,
        _ => raw % (1 << 40),
    };
    let mut t = secs_at(secs);
    if u.arbitrary::<bool>()? {
        t += Duration::from_nanos(raw % 1_000_000_000);
    }
    Ok(t)
}

fn etag(u: &mut Unstructured<'_>) -> Result<Option<ETag>> {
    Ok(match byte(u)? % 8 {
        0 => None,
        1 => Some(ETag::from_version(u.arbitrary()?)),
        2 => Some(ETag::from_version(u64::from(byte(u)? % 4))),
        3 => ETag::strong(some_bytes(u, 40)?).ok(),
        4 => ETag::weak(some_bytes(u, 40)?).ok(),
        5 => Some(ETag::for_bytes(some_bytes(u, 8)?)),
        6 => Some(ETag::from_version(u64::from(byte(u)? % 4)).into_weak()),
        _ => Some(ETag::from_digest(u.arbitrary()?)),
    })
}

fn policy(u: &mut Unstructured<'_>) -> Result<Policy> {
    Ok(match byte(u)? % 5 {
        0 => Policy::none(),
        1 => Policy::lost_update(),
        2 => Policy::always(requirement(u)?),
        3 => Policy::lost_update().get(requirement(u)?),
        _ => Policy::none()
            .get(requirement(u)?)
            .post(requirement(u)?)
            .put(requirement(u)?)
            .patch(requirement(u)?)
            .delete(requirement(u)?)
            .other(requirement(u)?),
    })
}

fn method(u: &mut Unstructured<'_>) -> Result<Method> {
    Ok(match byte(u)? % 11 {
        0 | 1 => Method::GET,
        2 => Method::HEAD,
        3 => Method::PUT,
        4 => Method::DELETE,
        5 => Method::POST,
        6 => Method::PATCH,
        7 => Method::OPTIONS,
        8 => Method::CONNECT,
        9 => Method::TRACE,
        _ => Method::from_bytes(b"PROPPATCH").expect("a token"),
    })
}

/// A date near `base` as an HTTP date, in one of its forms.
fn date_near(u: &mut Unstructured<'_>, base: SystemTime) -> Result<Vec<u8>> {
    let delta = i64::from(u.arbitrary::<i8>()? / 32); // -4..=3 seconds
    let t = if delta < 0 {
        base.checked_sub(Duration::from_secs(delta.unsigned_abs()))
    } else {
        base.checked_add(Duration::from_secs(delta.unsigned_abs()))
    }
    .unwrap_or(base);
    let imf = fmt_http_date(t);
    Ok(match byte(u)? % 3 {
        0 => imf.into_bytes(),
        1 => format!(" \t{imf} ").into_bytes(),
        // asctime, from the IMF-fixdate's fields.
        _ => {
            let day = &imf[5..7];
            let day = day
                .strip_prefix('0')
                .map_or(day.to_owned(), |d| format!(" {d}"));
            format!(
                "{} {} {day} {} {}",
                &imf[0..3],
                &imf[8..11],
                &imf[17..25],
                &imf[12..16]
            )
            .into_bytes()
        }
    })
}

fn value(
    u: &mut Unstructured<'_>,
    current: Option<&Validators>,
    now: SystemTime,
) -> Result<Vec<u8>> {
    let tag = current.and_then(Validators::etag);
    let wire = tag.map_or(b"\"x\"".to_vec(), |t| t.as_bytes().to_vec());
    let opaque = tag.map_or(b"x".to_vec(), |t| t.opaque().to_vec());
    let modified = current.and_then(Validators::last_modified).unwrap_or(now);
    Ok(match byte(u)? % 12 {
        0 | 1 => some_bytes(u, 48)?.to_vec(),
        2 => wire,
        3 => [b"W/\"".as_slice(), &opaque, b"\""].concat(),
        4 => [b"\"".as_slice(), &opaque, b"\""].concat(),
        5 => b"*".to_vec(),
        6 => date_near(u, modified)?,
        7 => date_near(u, now)?,
        8 => [b"\"a\", ".as_slice(), &wire].concat(),
        9 => b"bytes=0-1".to_vec(),
        10 => [b" ".as_slice(), &wire, b"\t"].concat(),
        _ => [b"W/\"".as_slice(), some_bytes(u, 8)?, b"\""].concat(),
    })
}

fn case(u: &mut Unstructured<'_>) -> Result<Case> {
    let method = method(u)?;
    let policy = policy(u)?;
    let current = if byte(u)? % 5 == 0 {
        None
    } else {
        let modified = if u.arbitrary::<bool>()? {
            Some(instant(u)?)
        } else {
            None
        };
        Some(
            Validators::none()
                .with_etag(etag(u)?)
                .with_last_modified_opt(modified),
        )
    };
    let base = current
        .as_ref()
        .and_then(Validators::last_modified)
        .unwrap_or(secs_at(RECENT_SECS));
    let now = match byte(u)? % 4 {
        0 => base,
        1 => base + Duration::from_secs(u64::from(byte(u)?)),
        2 => base
            .checked_sub(Duration::from_secs(u64::from(byte(u)?)))
            .unwrap_or(base),
        _ => instant(u)?,
    };
    let count = byte(u)? % 9;
    let mut lines = Vec::new();
    for _ in 0..count {
        let field = Field::ALL[usize::from(byte(u)? % 6)];
        lines.push((field, value(u, current.as_ref(), now)?));
    }
    Ok(Case {
        method,
        policy,
        current,
        now,
        lines,
    })
}

fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// What the model decides: `Ok(ignore_range)` to proceed, or the rejection's kind and cause.
type Outcome = std::result::Result<bool, (RejectionKind, Option<Field>)>;

/// RFC 9110 §13.2.2 as `evaluate`'s documentation states it, step by step.
fn model(case: &Case, pre: &Preconditions<'_>) -> Outcome {
    let method = &case.method;
    let current = case.current.as_ref();
    let get_or_head = *method == Method::GET || *method == Method::HEAD;
    let range_not_for_this_method = *method != Method::GET && pre.has(Field::Range);
    // Step 0.
    if matches!(*method, Method::CONNECT | Method::OPTIONS | Method::TRACE)
        || (get_or_head && current.is_none())
    {
        return Ok(range_not_for_this_method);
    }
    if !case
        .policy
        .requirement(method)
        .is_satisfied_by(pre, current)
    {
        return Err((RejectionKind::PreconditionRequired, None));
    }
    let exists = current.is_some();
    let etag = current.and_then(Validators::etag);
    let last_modified = current.and_then(Validators::last_modified);
    let date = |field: Field| match pre.lines(field) {
        [one] => parse_http_date(one),
        _ => None,
    };
    let lines = |field: Field| pre.lines(field).iter().copied();
    let failed = |field| Err((RejectionKind::PreconditionFailed, Some(field)));
    // Step 1.
    if pre.has(Field::IfMatch) {
        let list = match_list(lines(Field::IfMatch), etag, Comparison::Strong);
        let holds = (list == ListMatch::Any && exists) || list == ListMatch::Match;
        if !holds {
            return failed(Field::IfMatch);
        }
    } else if let (Some(date), Some(modified)) = (date(Field::IfUnmodifiedSince), last_modified) {
        // Step 2.
        if modified > date {
            return failed(Field::IfUnmodifiedSince);
        }
    }
    // Step 3.
    if pre.has(Field::IfNoneMatch) {
        let list = match_list(lines(Field::IfNoneMatch), etag, Comparison::Weak);
        let false_ = (list == ListMatch::Any && exists)
            || list == ListMatch::Match
            || (list == ListMatch::Invalid && !get_or_head);
        if false_ {
            return if get_or_head {
                Err((RejectionKind::NotModified, Some(Field::IfNoneMatch)))
            } else {
                failed(Field::IfNoneMatch)
            };
        }
    } else if get_or_head
        && let (Some(date), Some(modified)) = (date(Field::IfModifiedSince), last_modified)
        && modified <= date
        && date <= case.now
    {
        // Step 4.
        return Err((RejectionKind::NotModified, Some(Field::IfModifiedSince)));
    }
    // Step 5.
    if *method == Method::GET && pre.has(Field::Range) {
        let matches = match pre.lines(Field::IfRange) {
            [] => true,
            [one] => {
                let v = trim_ows(one);
                if v.first() == Some(&b'"') || v.starts_with(b"W/\"") {
                    etag.is_some_and(|t| !t.is_weak() && v == t.as_bytes())
                } else {
                    matches!((parse_http_date(v), last_modified), (Some(d), Some(m)) if d == m)
                }
            }
            _ => false,
        };
        return Ok(!matches);
    }
    Ok(range_not_for_this_method)
}

fn outcome(decision: &Decision) -> Outcome {
    match decision {
        Decision::Proceed { ignore_range } => Ok(*ignore_range),
        other => {
            let r = other.rejection().expect("not Proceed");
            Err((r.kind(), r.cause()))
        }
    }
}

fn check(case: &Case, pre: &Preconditions<'_>, decision: &Decision) {
    let method = &case.method;
    let current = case.current.as_ref();
    let get_or_head = *method == Method::GET || *method == Method::HEAD;
    let required = case.policy.requirement(method);
    match decision {
        Decision::Proceed { .. } => {}
        Decision::NotModified(r) => {
            assert!(get_or_head, "304 for {method}");
            assert_eq!(
                (r.kind(), r.status().as_u16()),
                (RejectionKind::NotModified, 304)
            );
        }
        Decision::PreconditionFailed(r) => {
            assert_eq!(
                (r.kind(), r.status().as_u16()),
                (RejectionKind::PreconditionFailed, 412)
            );
        }
        Decision::PreconditionRequired(r) => {
            assert_eq!(
                (r.kind(), r.status().as_u16()),
                (RejectionKind::PreconditionRequired, 428)
            );
            assert!(!required.is_none(), "428 with nothing required");
            assert!(
                !required.is_satisfied_by(pre, current),
                "428 though satisfied"
            );
            assert_eq!(r.requirement(), required);
            assert_eq!(r.cause(), None);
        }
        _ => panic!("a new kind of decision: {decision:?}"),
    }
    if let Some(r) = decision.rejection() {
        // The rejection carries the current validators, and its cause is a field present.
        assert_eq!(r.etag(), current.and_then(Validators::etag));
        assert_eq!(
            r.last_modified(),
            current.and_then(Validators::last_modified)
        );
        if let Some(field) = r.cause() {
            assert!(pre.has(field), "cause {field} absent");
        } else {
            assert_eq!(r.kind(), RejectionKind::PreconditionRequired);
        }
        let response: precond_core::http::Response<String> = r.to_response();
        assert_eq!(response.status(), r.status());
        for (name, value) in r.headers() {
            let sent = response.headers().get_all(&name);
            if name == LAST_MODIFIED {
                // A date in the future is sent as "now" (RFC 9110 §8.8.2.1), read from the clock
                // by each of `headers` and `to_response`: a second may pass between them.
                let date = |v: &HeaderValue| parse_http_date(v.as_bytes()).expect("a date");
                let modified = r.last_modified().expect("Last-Modified sent");
                assert!(date(&value) <= modified);
                assert!(sent.iter().any(|v| date(v) <= modified));
            } else {
                assert!(sent.iter().any(|v| *v == value), "{name}: {value:?}");
            }
        }
    }
    // Preconditions of CONNECT, OPTIONS, TRACE are ignored; so are those of a GET or HEAD of
    // nothing.
    if matches!(*method, Method::CONNECT | Method::OPTIONS | Method::TRACE)
        || (get_or_head && current.is_none())
    {
        assert!(
            decision.is_proceed(),
            "{method} with {current:?}: {decision:?}"
        );
    }
    // No precondition and no policy: proceed, with the Range only for GET.
    if pre.is_unconditional() && case.policy == Policy::none() {
        assert_eq!(
            *decision,
            Decision::Proceed {
                ignore_range: *method != Method::GET && pre.has(Field::Range)
            }
        );
    }
    // If-Match equal to the current strong tag, as the only line: never a 412 from step 1.
    if let Some(tag) = current.and_then(Validators::etag)
        && !tag.is_weak()
        && pre.lines(Field::IfMatch) == [tag.as_bytes()]
    {
        assert!(
            !matches!(decision, Decision::PreconditionFailed(r) if r.cause() == Some(Field::IfMatch)),
            "If-Match {tag} failed against {tag}"
        );
    }
    // If-Match on a resource that does not exist never proceeds (where preconditions apply).
    if pre.has(Field::IfMatch)
        && current.is_none()
        && !get_or_head
        && !matches!(*method, Method::CONNECT | Method::OPTIONS | Method::TRACE)
    {
        assert!(
            !decision.is_proceed(),
            "If-Match on nothing proceeded: {decision:?}"
        );
    }
    // A Range is ignored outside GET (RFC 9110 §14.2).
    if *method != Method::GET && pre.has(Field::Range) {
        assert!(!matches!(
            decision,
            Decision::Proceed {
                ignore_range: false
            }
        ));
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(case) = case(&mut u) else {
        return;
    };
    let mut pre = Preconditions::new();
    for (field, value) in &case.lines {
        pre.add(*field, value);
    }
    let current = case.current.as_ref();
    let decision = evaluate_at(&case.method, &pre, current, &case.policy, case.now);

    // Deterministic, and the model's answer.
    assert_eq!(
        decision,
        evaluate_at(&case.method, &pre, current, &case.policy, case.now)
    );
    check(&case, &pre, &decision);
    assert_eq!(
        outcome(&decision),
        model(&case, &pre),
        "{} {:?} on {current:?} with {:?} at {:?}",
        case.method,
        case.lines
            .iter()
            .map(|(f, v)| (f, String::from_utf8_lossy(v)))
            .collect::<Vec<_>>(),
        case.policy,
        case.now
    );

    // The policy only adds 428s: any other decision is the one without a policy, but for the
    // 412's message, which suggests only what the policy accepts.
    if !matches!(decision, Decision::PreconditionRequired(_)) {
        let unpoliced = evaluate_at(&case.method, &pre, current, &Policy::none(), case.now);
        assert_eq!(essence(&decision), essence(&unpoliced));
    }

    // The same lines read from name/value pairs (names in any case) and from a HeaderMap.
    let names: Vec<Vec<u8>> = case
        .lines
        .iter()
        .enumerate()
        .map(|(i, (field, _))| {
            let name = field.as_str().as_bytes();
            if i % 2 == 0 {
                name.to_ascii_lowercase()
            } else {
                name.to_ascii_uppercase()
            }
        })
        .collect();
    let pairs = Preconditions::from_pairs(
        names
            .iter()
            .zip(&case.lines)
            .map(|(n, (_, v))| (n.as_slice(), v.as_slice())),
    );
    assert_eq!(
        decision,
        evaluate_at(&case.method, &pairs, current, &case.policy, case.now)
    );
    let mut map = HeaderMap::new();
    let mut all_valid = true;
    for (field, value) in &case.lines {
        match HeaderValue::from_bytes(value) {
            Ok(v) => {
                map.append(field.header_name(), v);
            }
            Err(_) => all_valid = false,
        }
    }
    if all_valid {
        let from_map = Preconditions::from_headers(&map);
        assert_eq!(
            decision,
            evaluate_at(&case.method, &from_map, current, &case.policy, case.now)
        );
    }

    // `evaluate` reads the clock: its answer is the one at a "now" between the reads around it
    // (the clock is assumed not to go back during the call).
    let before = SystemTime::now();
    let live = evaluate(&case.method, &pre, current, &case.policy);
    let after = SystemTime::now();
    assert!(
        live == evaluate_at(&case.method, &pre, current, &case.policy, before)
            || live == evaluate_at(&case.method, &pre, current, &case.policy, after),
        "evaluate gave {live:?}"
    );
});

/// A decision without the words of its message: whether to proceed (and the range), or the
/// rejection's kind, cause, reason, status, current `Last-Modified` and header fields. The
/// `Last-Modified` field is left out of the fields: rendered, a future time is clamped to the
/// system clock of the moment (RFC 9110 §8.8.2.1), so two renderings a second apart can differ;
/// the time itself is compared instead.
#[allow(clippy::type_complexity)]
fn essence(
    decision: &Decision,
) -> (
    Option<bool>,
    Option<(
        precond_core::RejectionKind,
        Option<Field>,
        Option<precond_core::Reason>,
        u16,
        Option<SystemTime>,
        Vec<(precond_core::http::HeaderName, HeaderValue)>,
    )>,
) {
    match decision {
        Decision::Proceed { ignore_range } => (Some(*ignore_range), None),
        other => {
            let r = other.rejection().expect("a rejection");
            let mut headers = r.headers();
            headers.retain(|(name, _)| *name != LAST_MODIFIED);
            (
                None,
                Some((
                    r.kind(),
                    r.cause(),
                    r.reason(),
                    r.status().as_u16(),
                    r.last_modified(),
                    headers,
                )),
            )
        }
    }
}
