//! The evaluation of preconditions, RFC 9110 §13.2 step by step.

use std::cell::OnceCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use http::Method;

use crate::date::parse_http_date;
use crate::decision::{Decision, Rejection, RejectionKind};
use crate::etag::ETag;
use crate::list::{Comparison, ListMatch, match_list};
use crate::policy::Policy;
use crate::preconditions::{Field, Preconditions};
use crate::validators::Validators;

/// The value of one condition: absent (or ignored), true or false.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Condition {
    Absent,
    True,
    False,
}

/// Decides a request's preconditions against the current state of the target resource.
///
/// - `method`: the request method.
/// - `preconditions`: the request's conditional header fields.
/// - `current`: the selected representation's validators, or `None` when the resource has no
///   current representation (it does not exist).
/// - `policy`: which preconditions the method must carry (428 otherwise).
///
/// Call it where RFC 9110 §13.2.1 says: after the request's ordinary checks (authentication,
/// routing, validation of the request) and just before the method's action. If the
/// unconditional response would not be 2xx or 412, answer that instead and do not call this:
/// for example a DELETE of a resource that does not exist is a 404 whatever its preconditions.
/// A GET or HEAD of a resource that does not exist is handled here: the preconditions are
/// ignored and the decision is to proceed (to the handler's 404).
///
/// The order is that of RFC 9110 §13.2.2:
///
/// 0. CONNECT, OPTIONS and TRACE: proceed, every precondition ignored (§13.2.1).
///    GET or HEAD of a resource that does not exist: proceed (the response will be 404).
///    Then the policy: a required precondition missing → 428 (RFC 6585 §3).
/// 1. `If-Match` present: true if `*` and the resource exists, or if a listed tag matches the
///    current one by strong comparison; otherwise → 412. A value that cannot be parsed is false
///    (fail closed).
/// 2. `If-Match` absent, `If-Unmodified-Since` present: true if the current `Last-Modified` is
///    at or before the date; otherwise → 412. Ignored if the date is invalid, the field has
///    several lines, or the resource has no `Last-Modified`.
/// 3. `If-None-Match` present: false if `*` and the resource exists, or if a listed tag matches
///    by weak comparison; false → 304 for GET and HEAD, 412 for other methods. A value that
///    cannot be parsed is true for GET and HEAD (the full response, never a false 304) and
///    false for other methods (412, fail closed).
/// 4. GET or HEAD, `If-None-Match` absent, `If-Modified-Since` present: false → 304 when the
///    current `Last-Modified` is at or before the date. Ignored if the date is invalid, in the
///    future, in several lines, or the resource has no `Last-Modified`.
/// 5. GET with `Range` and `If-Range`: if the validator is a strong entity tag equal to the
///    current one (strong comparison), or a date exactly equal to the current `Last-Modified`,
///    proceed with the range; otherwise proceed with `ignore_range`. A weak entity tag, an
///    invalid value, or several lines never match. A `Range` on any method other than GET is
///    always to be ignored (RFC 9110 §14.2).
///
/// ```
/// use http::{HeaderMap, HeaderValue, Method};
/// use precond_core::{evaluate, Decision, ETag, Policy, Preconditions, Validators};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("if-none-match", HeaderValue::from_static("W/\"7\""));
/// let pre = Preconditions::from_headers(&headers);
/// let current = Validators::new(ETag::from_version(7));
///
/// let decision = evaluate(&Method::GET, &pre, Some(&current), &Policy::none());
/// assert!(matches!(decision, Decision::NotModified(_)));
/// ```
pub fn evaluate(
    method: &Method,
    preconditions: &Preconditions<'_>,
    current: Option<&Validators>,
    policy: &Policy,
) -> Decision {
    evaluate_with_clock(method, preconditions, current, policy, not_in_future)
}

/// The latest "now" (whole seconds since the epoch) this process has read, so that the common
/// `If-Modified-Since` date, one in the past, is known not to be in the future without reading
/// the clock (a clock read costs about as much as the rest of the evaluation).
static LATEST_NOW: AtomicU64 = AtomicU64::new(0);

/// Whether an HTTP date (whole seconds) is not in the future. Reads the clock only for a date
/// later than the latest "now" seen. If the system clock is set back, dates up to the latest
/// "now" seen before that still count as not in the future.
fn not_in_future(date: SystemTime) -> bool {
    let Ok(date) = date.duration_since(UNIX_EPOCH).map(|d| d.as_secs()) else {
        return true;
    };
    if date <= LATEST_NOW.load(Ordering::Relaxed) {
        return true;
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    LATEST_NOW.fetch_max(now, Ordering::Relaxed);
    date <= now
}

/// [`evaluate`] with an explicit "now", the instant after which an `If-Modified-Since` date is
/// in the future and therefore ignored (RFC 9110 §13.1.3). For tests and replay.
pub fn evaluate_at(
    method: &Method,
    preconditions: &Preconditions<'_>,
    current: Option<&Validators>,
    policy: &Policy,
    now: SystemTime,
) -> Decision {
    evaluate_with_clock(method, preconditions, current, policy, |date| date <= now)
}

fn evaluate_with_clock(
    method: &Method,
    pre: &Preconditions<'_>,
    current: Option<&Validators>,
    policy: &Policy,
    not_in_future: impl FnOnce(SystemTime) -> bool,
) -> Decision {
    let get_or_head = *method == Method::GET || *method == Method::HEAD;
    let range_not_for_this_method = *method != Method::GET && pre.has(Field::Range);

    // Step 0 (§13.2.1): methods that select no representation ignore preconditions, and so does
    // a GET or HEAD whose unconditional response would be 404.
    if matches!(*method, Method::CONNECT | Method::OPTIONS | Method::TRACE)
        || (get_or_head && current.is_none())
    {
        return Decision::Proceed {
            ignore_range: range_not_for_this_method,
        };
    }
    let etag = current.and_then(Validators::etag);
    let last_modified = current.and_then(Validators::last_modified);
    // If-Unmodified-Since and If-None-Match are parsed at most once, when first needed: by the
    // policy or by their step, whichever comes first.
    let if_unmodified_since_date = OnceCell::new();
    let if_unmodified_since_date = || {
        pre.has(Field::IfUnmodifiedSince)
            .then(|| {
                *if_unmodified_since_date.get_or_init(|| {
                    pre.single(Field::IfUnmodifiedSince)
                        .and_then(parse_http_date)
                })
            })
            .flatten()
    };
    let if_none_match_list = OnceCell::new();
    let if_none_match_list = || {
        pre.has(Field::IfNoneMatch).then(|| {
            *if_none_match_list.get_or_init(|| {
                let lines = pre.lines(Field::IfNoneMatch).iter().copied();
                match_list(lines, etag, Comparison::Weak)
            })
        })
    };

    let required = policy.requirement(method);
    if !required.is_satisfied(
        pre.has(Field::IfMatch),
        || if_unmodified_since_date().is_some(),
        last_modified.is_some(),
        || if_none_match_list() == Some(ListMatch::Any),
    ) {
        return Decision::PreconditionRequired(Rejection::required(required, current));
    }

    // Step 1: If-Match.
    let if_match = if_match(pre, current.is_some(), etag);
    if if_match == Condition::False {
        return failed(Field::IfMatch, current);
    }
    // Step 2: If-Unmodified-Since, only without If-Match.
    if if_match == Condition::Absent
        && if_unmodified_since(if_unmodified_since_date(), last_modified) == Condition::False
    {
        return failed(Field::IfUnmodifiedSince, current);
    }
    // Step 3: If-None-Match.
    let if_none_match = if_none_match(if_none_match_list(), current.is_some(), get_or_head);
    if if_none_match == Condition::False {
        return if get_or_head {
            not_modified(Field::IfNoneMatch, current)
        } else {
            failed(Field::IfNoneMatch, current)
        };
    }
    // Step 4: If-Modified-Since, only for GET/HEAD and only without If-None-Match.
    if get_or_head
        && if_none_match == Condition::Absent
        && if_modified_since(pre, last_modified, not_in_future) == Condition::False
    {
        return not_modified(Field::IfModifiedSince, current);
    }
    // Step 5: If-Range, only for GET with Range.
    let ignore_range = if *method == Method::GET && pre.has(Field::Range) {
        if_range(pre, etag, last_modified) == Condition::False
    } else {
        range_not_for_this_method
    };
    Decision::Proceed { ignore_range }
}

fn failed(cause: Field, current: Option<&Validators>) -> Decision {
    Decision::PreconditionFailed(Rejection::new(
        RejectionKind::PreconditionFailed,
        Some(cause),
        current,
    ))
}

fn not_modified(cause: Field, current: Option<&Validators>) -> Decision {
    Decision::NotModified(Rejection::new(
        RejectionKind::NotModified,
        Some(cause),
        current,
    ))
}

/// §13.1.1.
fn if_match(pre: &Preconditions<'_>, exists: bool, etag: Option<&ETag>) -> Condition {
    if !pre.has(Field::IfMatch) {
        return Condition::Absent;
    }
    let lines = pre.lines(Field::IfMatch).iter().copied();
    match match_list(lines, etag, Comparison::Strong) {
        ListMatch::Any if exists => Condition::True,
        ListMatch::Match => Condition::True,
        ListMatch::Any | ListMatch::NoMatch | ListMatch::Invalid => Condition::False,
    }
}

/// §13.1.4, given the field's date (`None` when absent, invalid or in several lines).
fn if_unmodified_since(date: Option<SystemTime>, last_modified: Option<SystemTime>) -> Condition {
    let (Some(date), Some(last_modified)) = (date, last_modified) else {
        return Condition::Absent;
    };
    if last_modified <= date {
        Condition::True
    } else {
        Condition::False
    }
}

/// §13.1.2, given the field compared with the current tag (`None` when absent).
fn if_none_match(list: Option<ListMatch>, exists: bool, get_or_head: bool) -> Condition {
    match list {
        None => Condition::Absent,
        Some(ListMatch::Any) if exists => Condition::False,
        Some(ListMatch::Any) => Condition::True,
        Some(ListMatch::Match) => Condition::False,
        Some(ListMatch::NoMatch) => Condition::True,
        Some(ListMatch::Invalid) if get_or_head => Condition::True,
        Some(ListMatch::Invalid) => Condition::False,
    }
}

/// §13.1.3.
fn if_modified_since(
    pre: &Preconditions<'_>,
    last_modified: Option<SystemTime>,
    not_in_future: impl FnOnce(SystemTime) -> bool,
) -> Condition {
    let (Some(date), Some(last_modified)) = (
        pre.single(Field::IfModifiedSince).and_then(parse_http_date),
        last_modified,
    ) else {
        return Condition::Absent;
    };
    // Modified since the date: true, and the request proceeds whether or not the date is in the
    // future (a future date makes the field ignored, which also proceeds), so the clock is read
    // only when the answer could be 304.
    if last_modified > date {
        return Condition::True;
    }
    if !not_in_future(date) {
        return Condition::Absent;
    }
    Condition::False
}

/// §13.1.5.
fn if_range(
    pre: &Preconditions<'_>,
    etag: Option<&ETag>,
    last_modified: Option<SystemTime>,
) -> Condition {
    // Surrounding whitespace is not part of a field value (RFC 9110 §5.5), for a tag as for a
    // date.
    let Some(value) = pre.single(Field::IfRange).map(crate::list::trim_ows) else {
        // Absent: the Range applies; several lines: invalid, so false.
        return if pre.has(Field::IfRange) {
            Condition::False
        } else {
            Condition::Absent
        };
    };
    let is_tag = value.first() == Some(&b'"') || value.starts_with(b"W/\"");
    let matches = if is_tag {
        // Strong comparison: only a strong current tag can match, and then only the same bytes
        // (valid by construction, so nothing to parse or allocate).
        etag.is_some_and(|current| !current.is_weak() && value == current.as_bytes())
    } else {
        matches!(
            (parse_http_date(value), last_modified),
            (Some(date), Some(last_modified)) if date == last_modified
        )
    };
    if matches {
        Condition::True
    } else {
        Condition::False
    }
}
