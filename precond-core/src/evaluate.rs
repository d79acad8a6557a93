//! The evaluation of preconditions, RFC 9110 §13.2 step by step.
//!
//! The shape is that of Go's net/http `checkPreconditions`: one function per step, each taking
//! the same [`Request`] and answering with a [`Condition`] (absent, true or false), and one
//! driver, [`decide`], that calls them in the order of RFC 9110 §13.2.2 and turns the first
//! false one into a response. Every field is parsed at most once per evaluation: the only
//! fields two steps read (`If-Unmodified-Since` and `If-None-Match`, by the policy's step and by
//! their own) are parsed by the [`Request`] when first asked, and kept.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use http::Method;

use crate::date::HttpDate;
use crate::decision::{Context, Decision, Reason, Rejection, RejectionKind};
use crate::etag::ETag;
use crate::list::{
    Comparison, ListMatch, Notes, for_each_tag, match_lines, match_lines_noting, trim_ows,
};
use crate::policy::{Policy, Requirement};
use crate::preconditions::{Field, Preconditions};
use crate::validators::Validators;

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
#[inline]
pub fn evaluate(
    method: &Method,
    preconditions: &Preconditions<'_>,
    current: Option<&Validators>,
    policy: &Policy,
) -> Decision {
    decide(&Request::new(
        method,
        preconditions,
        current,
        policy,
        Clock::System,
    ))
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
    decide(&Request::new(
        method,
        preconditions,
        current,
        policy,
        Clock::At(now),
    ))
}

/// RFC 9110 §13.2.2, in its order, with the two checks that come before it: whether the method
/// has preconditions at all (§13.2.1), and whether the request carries those the policy
/// requires (RFC 6585 §3).
#[inline(always)]
fn decide(request: &Request<'_, '_>) -> Decision {
    // §13.2.1: CONNECT, OPTIONS and TRACE ignore preconditions, and so does a GET or HEAD whose
    // unconditional response would be 404.
    if ignores_preconditions(request) {
        return Decision::Proceed {
            ignore_range: range_ignored_for_method(request),
        };
    }
    // RFC 6585 §3: a precondition the policy requires is missing → 428.
    if required_preconditions(request) == Condition::False {
        return request.precondition_required();
    }
    match if_match(request) {
        // 1. If-Match is present: if true, continue to step 3; if false, respond 412.
        Condition::True => {}
        Condition::False => return request.precondition_failed(Field::IfMatch),
        // 2. If-Match is not present and If-Unmodified-Since is: if true, continue to step 3;
        //    if false, respond 412.
        Condition::Absent => {
            if if_unmodified_since(request) == Condition::False {
                return request.precondition_failed(Field::IfUnmodifiedSince);
            }
        }
    }
    match if_none_match(request) {
        // 3. If-None-Match is present: if true, continue to step 5; if false, respond 304 for
        //    GET and HEAD, 412 for other methods.
        Condition::True => {}
        Condition::False if request.method.is_get_or_head() => {
            return request.not_modified(Field::IfNoneMatch);
        }
        Condition::False => return request.precondition_failed(Field::IfNoneMatch),
        // 4. GET or HEAD, If-None-Match not present, If-Modified-Since present: if true,
        //    continue to step 5; if false, respond 304.
        Condition::Absent => {
            if if_modified_since(request) == Condition::False {
                return request.not_modified(Field::IfModifiedSince);
            }
        }
    }
    // 5. GET with Range and If-Range: if true, the range applies (206); otherwise ignore the
    //    Range (200). A Range on any other method is ignored too (§14.2).
    Decision::Proceed {
        ignore_range: range_ignored_for_method(request) || if_range(request) == Condition::False,
    }
}

/// The value of one step's condition: absent (the field is not there, or is to be ignored),
/// true or false.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Condition {
    Absent,
    True,
    False,
}

impl Condition {
    #[inline]
    fn from_bool(holds: bool) -> Self {
        if holds {
            Condition::True
        } else {
            Condition::False
        }
    }
}

/// What the evaluation needs to know of the request method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MethodKind {
    Get,
    Head,
    /// CONNECT, OPTIONS and TRACE, which select no representation (§13.2.1).
    NoPreconditions,
    /// DELETE: like every other method, but a 412 to it does not suggest creating.
    Delete,
    /// Every other method: POST, PUT, PATCH, DELETE and extension methods.
    Other,
}

impl MethodKind {
    #[inline]
    fn of(method: &Method) -> Self {
        match *method {
            Method::GET => MethodKind::Get,
            Method::HEAD => MethodKind::Head,
            Method::CONNECT | Method::OPTIONS | Method::TRACE => MethodKind::NoPreconditions,
            Method::DELETE => MethodKind::Delete,
            _ => MethodKind::Other,
        }
    }

    #[inline]
    fn is_get_or_head(self) -> bool {
        matches!(self, MethodKind::Get | MethodKind::Head)
    }
}

/// Where "now" comes from, for the one step that needs it (`If-Modified-Since`, whose dates in
/// the future are ignored).
#[derive(Debug, Clone, Copy)]
enum Clock {
    /// The system clock, read only when needed ([`not_in_future`]).
    System,
    /// A fixed instant ([`evaluate_at`]).
    At(SystemTime),
}

impl Clock {
    /// Whether `date` is not later than now.
    #[inline(always)]
    fn not_in_future(self, date: HttpDate) -> bool {
        match self {
            Clock::System => not_in_future(date),
            Clock::At(now) => date.to_system_time() <= now,
        }
    }
}

/// The latest "now" (whole seconds since the epoch) this process has read, so that the common
/// `If-Modified-Since` date, one in the past, is known not to be in the future without reading
/// the clock (a clock read costs about as much as the rest of the evaluation).
static LATEST_NOW: AtomicU64 = AtomicU64::new(0);

/// Whether an HTTP date is not in the future. Reads the clock only for a date later than the
/// latest "now" seen. If the system clock is set back, dates up to the latest "now" seen before
/// that still count as not in the future.
#[inline]
fn not_in_future(date: HttpDate) -> bool {
    date.seconds() <= LATEST_NOW.load(Ordering::Relaxed) || not_in_future_now(date)
}

/// [`not_in_future`] for a date later than the latest "now" seen: reads the clock.
#[cold]
fn not_in_future_now(date: HttpDate) -> bool {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    LATEST_NOW.fetch_max(now, Ordering::Relaxed);
    date.seconds() <= now
}

/// Everything the steps read: the request (method and conditional fields), what the policy
/// requires of it, the target resource's current validators and the clock. The two fields that
/// more than one step reads are parsed here, on first use, and kept.
struct Request<'r, 'a> {
    method: MethodKind,
    /// The preconditions the policy requires for the method.
    required: Requirement,
    fields: &'r Preconditions<'a>,
    /// `None` when the resource does not exist.
    current: Option<&'r Validators>,
    clock: Clock,
    /// `If-Unmodified-Since` as a date, once read.
    if_unmodified_since: Cell<Option<Option<HttpDate>>>,
    /// `If-None-Match` compared with the current entity tag, once read.
    if_none_match: Cell<Option<Option<ListMatch>>>,
    /// What the scan of `If-Match` saw, for a 412's diagnosis.
    if_match_notes: Cell<Notes>,
    /// How many times each field (in the order of [`Field::ALL`]) has been parsed, for the
    /// tests that check it is at most once.
    #[cfg(test)]
    parsed: Cell<[u8; 6]>,
}

impl<'r, 'a> Request<'r, 'a> {
    #[inline]
    fn new(
        method: &'r Method,
        fields: &'r Preconditions<'a>,
        current: Option<&'r Validators>,
        policy: &'r Policy,
        clock: Clock,
    ) -> Self {
        Self {
            method: MethodKind::of(method),
            required: policy.requirement(method),
            fields,
            current,
            clock,
            if_unmodified_since: Cell::new(None),
            if_none_match: Cell::new(None),
            if_match_notes: Cell::new(Notes::default()),
            #[cfg(test)]
            parsed: Cell::new([0; 6]),
        }
    }

    /// Notes that `field` is being parsed (in tests; nothing otherwise).
    #[inline(always)]
    fn parsing(&self, field: Field) {
        #[cfg(test)]
        {
            let mut parsed = self.parsed.get();
            parsed[Field::ALL.iter().position(|f| *f == field).unwrap_or(0)] += 1;
            self.parsed.set(parsed);
        }
        let _ = field;
    }

    /// Whether the target resource exists (has a current representation).
    #[inline]
    fn exists(&self) -> bool {
        self.current.is_some()
    }

    #[inline]
    fn etag(&self) -> Option<&'r ETag> {
        self.current.and_then(Validators::etag)
    }

    #[inline]
    fn last_modified(&self) -> Option<HttpDate> {
        self.current.and_then(Validators::last_modified_date)
    }

    /// The `If-Unmodified-Since` date: `None` when the field is absent, not a valid date, or in
    /// several lines (RFC 9110 §13.1.4). Parsed on the first call only.
    #[inline]
    fn if_unmodified_since_date(&self) -> Option<HttpDate> {
        if !self.fields.has(Field::IfUnmodifiedSince) {
            return None;
        }
        if let Some(date) = self.if_unmodified_since.get() {
            return date;
        }
        self.parsing(Field::IfUnmodifiedSince);
        let date = self
            .fields
            .single(Field::IfUnmodifiedSince)
            .and_then(HttpDate::parse);
        self.if_unmodified_since.set(Some(date));
        date
    }

    /// `If-None-Match` compared with the current entity tag by the weak comparison (RFC 9110
    /// §13.1.2); `None` when the field is absent. Scanned on the first call only.
    #[inline]
    fn if_none_match_list(&self) -> Option<ListMatch> {
        if !self.fields.has(Field::IfNoneMatch) {
            return None;
        }
        if let Some(list) = self.if_none_match.get() {
            return list;
        }
        self.parsing(Field::IfNoneMatch);
        let lines = self.fields.lines(Field::IfNoneMatch);
        let list = Some(match_lines(lines, self.etag(), Comparison::Weak));
        self.if_none_match.set(Some(list));
        list
    }

    /// 428, naming what the policy requires.
    #[inline(always)]
    fn precondition_required(&self) -> Decision {
        Decision::PreconditionRequired(Rejection::required(self.required, self.current))
    }

    /// 412 because the condition of `cause` is false, with the current validators and why.
    #[cold]
    #[inline(never)]
    fn precondition_failed(&self, cause: Field) -> Decision {
        let reason = match cause {
            _ if !self.exists() => Reason::NotFound,
            Field::IfMatch => diagnose_if_match(
                self.fields.lines(Field::IfMatch),
                self.etag(),
                self.if_match_notes.get(),
            ),
            Field::IfUnmodifiedSince => Reason::ModifiedSince,
            Field::IfNoneMatch => Reason::Exists,
            _ => Reason::Changed,
        };
        let context = Context {
            accepts: self.required,
            delete: self.method == MethodKind::Delete,
        };
        Decision::PreconditionFailed(Rejection::failed(cause, reason, context, self.current))
    }

    /// 304 because the condition of `cause` is false, with the current validators.
    #[inline(always)]
    fn not_modified(&self, cause: Field) -> Decision {
        let kind = RejectionKind::NotModified;
        Decision::NotModified(Rejection::new(kind, Some(cause), self.current))
    }
}

/// §13.2.1: whether the request's preconditions are all to be ignored. CONNECT, OPTIONS and
/// TRACE select no representation; a GET or HEAD of a resource that does not exist is a 404
/// whatever its preconditions.
#[inline(always)]
fn ignores_preconditions(request: &Request<'_, '_>) -> bool {
    request.method == MethodKind::NoPreconditions
        || (request.method.is_get_or_head() && !request.exists())
}

/// RFC 6585 §3: whether the request carries one of the preconditions the policy requires for
/// its method (absent when it requires none). See [`Requirement`] for what counts.
#[inline(always)]
fn required_preconditions(request: &Request<'_, '_>) -> Condition {
    if request.required.is_none() {
        return Condition::Absent;
    }
    Condition::from_bool(request.required.is_satisfied(
        request.fields.has(Field::IfMatch),
        || crate::policy::if_match_is_star(request.fields),
        || request.if_unmodified_since_date().is_some(),
        request.last_modified().is_some(),
        || request.if_none_match_list() == Some(ListMatch::Any),
    ))
}

/// Why an `If-Match` on an existing resource was false: its members are unquoted tags, weak
/// tags (or the current tag is weak, which the strong comparison never matches), not a list at
/// all, or valid tags of other versions. Only on the way to a 412; linear in the field's size.
fn diagnose_if_match(lines: &[&[u8]], current: Option<&ETag>, notes: Notes) -> Reason {
    if current.is_some_and(ETag::is_weak) {
        return Reason::WeakEtag;
    }
    // A valid list that matched nothing was scanned once already: its notes say whether a
    // member was weak or looked like a shallow tag (then checked exactly, rarely).
    let shallow = notes.shallow && !current.is_some_and(|etag| is_shallow(etag.opaque())) && {
        let mut found = false;
        for_each_tag(lines.iter().copied(), |tag| {
            found |= tag.is_some_and(|tag| is_shallow(tag.opaque));
        });
        found
    };
    if !notes.invalid {
        return match (shallow, notes.weak) {
            (true, _) => Reason::ShallowEtag,
            (false, true) => Reason::WeakEtag,
            (false, false) => Reason::Changed,
        };
    }
    // Not a list: unquoted if some member is a bare run of tag characters, such as `abc123` or
    // `2` (what a client that strips the quotes sends).
    let unquoted = lines
        .iter()
        .flat_map(|line| line.split(|&b| b == b','))
        .any(|member| {
            let member = trim_ows(member);
            let member = member.strip_prefix(b"W/").unwrap_or(member);
            !member.is_empty()
                && member != b"*"
                && member.iter().all(|&b| b > b' ' && b != b'"' && b != 0x7f)
        });
    if unquoted {
        Reason::EtagNotQuoted
    } else {
        Reason::Malformed
    }
}

/// Whether an opaque tag has the form of the shallow-ETag layers' tags: `s-` and 32 lowercase
/// hexadecimal digits.
fn is_shallow(opaque: &[u8]) -> bool {
    opaque.len() == 34
        && opaque.starts_with(b"s-")
        && opaque[2..]
            .iter()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Step 1, §13.1.1: true if `*` and the resource exists, or if a listed tag matches the current
/// one by strong comparison. A value that is not a valid list is false (fail closed).
#[inline(always)]
fn if_match(request: &Request<'_, '_>) -> Condition {
    if !request.fields.has(Field::IfMatch) {
        return Condition::Absent;
    }
    request.parsing(Field::IfMatch);
    let lines = request.fields.lines(Field::IfMatch);
    let mut notes = Notes::default();
    let matched = match_lines_noting(lines, request.etag(), Comparison::Strong, &mut notes);
    request.if_match_notes.set(notes);
    match matched {
        ListMatch::Any => Condition::from_bool(request.exists()),
        ListMatch::Match => Condition::True,
        ListMatch::NoMatch | ListMatch::Invalid => Condition::False,
    }
}

/// Step 2, §13.1.4: true if the current `Last-Modified` is at or before the date. Ignored
/// (absent) if the date is invalid or in several lines, or the resource has no `Last-Modified`.
#[inline(always)]
fn if_unmodified_since(request: &Request<'_, '_>) -> Condition {
    match (request.if_unmodified_since_date(), request.last_modified()) {
        (Some(date), Some(last_modified)) => Condition::from_bool(last_modified <= date),
        _ => Condition::Absent,
    }
}

/// Step 3, §13.1.2: false if `*` and the resource exists, or if a listed tag matches the
/// current one by weak comparison. A value that is not a valid list is true for GET and HEAD
/// (the full response, never a false 304) and false for other methods (412, fail closed).
#[inline(always)]
fn if_none_match(request: &Request<'_, '_>) -> Condition {
    match request.if_none_match_list() {
        None => Condition::Absent,
        Some(ListMatch::Any) => Condition::from_bool(!request.exists()),
        Some(ListMatch::Match) => Condition::False,
        Some(ListMatch::NoMatch) => Condition::True,
        Some(ListMatch::Invalid) => Condition::from_bool(request.method.is_get_or_head()),
    }
}

/// Step 4, §13.1.3: false if the current `Last-Modified` is at or before the date. Only for GET
/// and HEAD; ignored (absent) if the date is invalid, in several lines or in the future, or the
/// resource has no `Last-Modified`.
#[inline(always)]
fn if_modified_since(request: &Request<'_, '_>) -> Condition {
    if !request.method.is_get_or_head() {
        return Condition::Absent;
    }
    let (Some(value), Some(last_modified)) = (
        request.fields.single(Field::IfModifiedSince),
        request.last_modified(),
    ) else {
        return Condition::Absent;
    };
    request.parsing(Field::IfModifiedSince);
    let Some(date) = HttpDate::parse(value) else {
        return Condition::Absent;
    };
    // Modified since the date: true, and the request proceeds whether or not the date is in the
    // future (a future date makes the field ignored, which also proceeds), so the clock is read
    // only when the answer could be 304.
    if last_modified > date {
        Condition::True
    } else if request.clock.not_in_future(date) {
        Condition::False
    } else {
        Condition::Absent
    }
}

/// Step 5, §13.1.5, for a GET with `Range`: true if the validator is a strong entity tag equal
/// to the current one (strong comparison), or a date exactly equal to the current
/// `Last-Modified`. A weak entity tag, an invalid value, or several lines are false.
#[inline(always)]
fn if_range(request: &Request<'_, '_>) -> Condition {
    if request.method != MethodKind::Get
        || !request.fields.has(Field::Range)
        || !request.fields.has(Field::IfRange)
    {
        return Condition::Absent;
    }
    // Surrounding whitespace is not part of a field value (RFC 9110 §5.5), for a tag as for a
    // date.
    let Some(value) = request
        .fields
        .single(Field::IfRange)
        .map(crate::list::trim_ows)
    else {
        // Several lines: invalid, so false.
        return Condition::False;
    };
    request.parsing(Field::IfRange);
    let is_tag = value.first() == Some(&b'"') || value.starts_with(b"W/\"");
    Condition::from_bool(if is_tag {
        // Strong comparison: only a strong current tag can match, and then only the same bytes
        // (valid by construction, so nothing to parse or allocate).
        request
            .etag()
            .is_some_and(|current| !current.is_weak() && value == current.as_bytes())
    } else {
        matches!(
            (HttpDate::parse(value), request.last_modified()),
            (Some(date), Some(last_modified)) if date == last_modified
        )
    })
}

/// Whether a `Range` must be ignored because of the method alone: any method but GET (RFC 9110
/// §14.2).
#[inline(always)]
fn range_ignored_for_method(request: &Request<'_, '_>) -> bool {
    request.method != MethodKind::Get && request.fields.has(Field::Range)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use proptest::prelude::*;

    use super::*;

    /// Values of every kind the steps tell apart: tags that match or not, `*`, lists, junk,
    /// dates before, at and after the current `Last-Modified` (and in the future), in several
    /// formats.
    fn value() -> impl Strategy<Value = Vec<u8>> {
        let date = |secs: u64| {
            crate::date::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs)).into_bytes()
        };
        let mut values: Vec<Vec<u8>> = [
            "",
            "*",
            " * ",
            "*, *",
            "junk",
            "\"1\"",
            "W/\"1\"",
            "\"2\"",
            "\"2\", \"1\"",
            "W/\"2\", W/\"1\"",
            ", ,",
            "\"1\" \"2\"",
            "bytes=0-1",
            "Sunday, 06-Nov-94 08:49:37 GMT",
        ]
        .iter()
        .map(|v| v.as_bytes().to_vec())
        .collect();
        for secs in [LM - 1, LM, LM + 1, NOW + 86_400, 0] {
            values.push(date(secs));
            values.push([b" ".as_slice(), &date(secs)].concat());
        }
        proptest::sample::select(values)
    }

    const NOW: u64 = 1_700_000_000;
    const LM: u64 = NOW - 86_400;

    fn request() -> impl Strategy<Value = (Vec<(usize, Vec<u8>)>, Method, u8, Policy)> {
        let methods = [
            Method::GET,
            Method::HEAD,
            Method::PUT,
            Method::POST,
            Method::DELETE,
            Method::PATCH,
            Method::OPTIONS,
            Method::from_bytes(b"PROPPATCH").unwrap_or(Method::PUT),
        ];
        let policies = [
            Policy::none(),
            Policy::lost_update(),
            Policy::always(Requirement::IF_MATCH),
            Policy::always(Requirement::IF_UNMODIFIED_SINCE),
            Policy::always(Requirement::IF_NONE_MATCH_STAR),
            Policy::always(Requirement::LOST_UPDATE),
        ];
        (
            proptest::collection::vec((0usize..6, value()), 0..6),
            proptest::sample::select(methods.to_vec()),
            0u8..5,
            proptest::sample::select(policies.to_vec()),
        )
    }

    fn current(which: u8) -> Option<Validators> {
        let lm = UNIX_EPOCH + Duration::from_secs(LM);
        match which {
            0 => None,
            1 => Some(Validators::none()),
            2 => Some(Validators::new(ETag::from_version(1))),
            3 => Some(Validators::new(ETag::from_version(1)).with_last_modified(lm)),
            _ => Some(Validators::none().with_last_modified(lm)),
        }
    }

    proptest! {
        /// Whatever the request, each field is parsed at most once: `If-Unmodified-Since` and
        /// `If-None-Match`, which the policy's step and their own both read, included.
        #[test]
        fn each_field_is_parsed_at_most_once((lines, method, which, policy) in request()) {
            let mut fields = Preconditions::new();
            for (field, value) in &lines {
                fields.add(Field::ALL[*field], value);
            }
            let current = current(which);
            let now = Clock::At(UNIX_EPOCH + Duration::from_secs(NOW));
            let request = Request::new(&method, &fields, current.as_ref(), &policy, now);
            let decision = decide(&request);
            prop_assert!(
                request.parsed.get().iter().all(|&times| times <= 1),
                "{:?} for {:?}: parsed {:?}", decision, lines, request.parsed.get()
            );
        }
    }

    /// A date up to the latest "now" seen is known not to be in the future without the clock;
    /// a later one reads it, and a date later than the clock is in the future.
    #[test]
    fn not_in_future_reads_the_clock_only_past_the_latest_now() {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let date =
            |secs: u64| crate::date::HttpDate::truncating(UNIX_EPOCH + Duration::from_secs(secs));
        assert!(not_in_future(date(0)));
        assert!(not_in_future(date(now - 1)));
        assert!(LATEST_NOW.load(Ordering::Relaxed) >= now);
        assert!(not_in_future(date(now)));
        assert!(!not_in_future(date(now + 86_400)));
        // The latest "now" only grows.
        assert!(LATEST_NOW.load(Ordering::Relaxed) < now + 86_400);
    }
}
