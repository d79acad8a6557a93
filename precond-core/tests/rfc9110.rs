//! Table-driven tests of `evaluate`: one row per rule, each citing its RFC section.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::Method;
use precond_core::{
    Decision, ETag, Field, Policy, Preconditions, Rejection, RejectionKind, Requirement,
    Validators, evaluate_at,
};

/// The current Last-Modified: Sun, 06 Nov 1994 08:49:37 GMT.
fn lm() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(784_111_777)
}
const LM: &str = "Sun, 06 Nov 1994 08:49:37 GMT";
const LM_850: &str = "Sunday, 06-Nov-94 08:49:37 GMT";
const LM_ASC: &str = "Sun Nov  6 08:49:37 1994";
const BEFORE: &str = "Sun, 06 Nov 1994 08:49:36 GMT";
const AFTER: &str = "Sun, 06 Nov 1994 08:49:38 GMT";
/// Later than `now()`.
const FUTURE: &str = "Fri, 01 Jan 2100 00:00:00 GMT";

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

/// What the resource looks like.
#[derive(Clone, Copy, Debug)]
enum State {
    /// Exists with strong ETag "v1" and Last-Modified LM.
    Strong,
    /// Exists with weak ETag W/"v1" and Last-Modified LM.
    Weak,
    /// Exists with no validators at all.
    Bare,
    /// Exists with Last-Modified LM only.
    DateOnly,
    /// Does not exist.
    Absent,
}

fn validators(state: State) -> Option<Validators> {
    let strong = || ETag::strong("v1").ok();
    match state {
        State::Strong => Some(
            Validators::none()
                .with_etag(strong())
                .with_last_modified(lm()),
        ),
        State::Weak => Some(
            Validators::none()
                .with_etag(strong().map(ETag::into_weak))
                .with_last_modified(lm()),
        ),
        State::Bare => Some(Validators::none()),
        State::DateOnly => Some(Validators::none().with_last_modified(lm())),
        State::Absent => None,
    }
}

/// The expected outcome, compactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Want {
    /// Proceed, Range honoured (or no Range).
    Go,
    /// Proceed, Range must be ignored.
    Full,
    /// 304.
    NotMod,
    /// 412.
    Fail,
    /// 428.
    Req,
}

fn outcome(decision: &Decision) -> Want {
    match decision {
        Decision::Proceed {
            ignore_range: false,
        } => Want::Go,
        Decision::Proceed { ignore_range: true } => Want::Full,
        Decision::NotModified(_) => Want::NotMod,
        Decision::PreconditionFailed(_) => Want::Fail,
        Decision::PreconditionRequired(_) => Want::Req,
        other => panic!("unknown decision {other:?}"),
    }
}

fn field(name: &str) -> Field {
    match Field::from_name(name.as_bytes()) {
        Some(f) => f,
        None => panic!("not a field: {name}"),
    }
}

struct Row {
    section: &'static str,
    method: Method,
    headers: &'static [(&'static str, &'static str)],
    state: State,
    policy: Policy,
    want: Want,
}

fn row(
    section: &'static str,
    method: Method,
    headers: &'static [(&'static str, &'static str)],
    state: State,
    want: Want,
) -> Row {
    Row {
        section,
        method,
        headers,
        state,
        policy: Policy::none(),
        want,
    }
}

fn check(rows: &[Row]) {
    let mut failures = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let mut pre = Preconditions::new();
        for (name, value) in r.headers {
            pre.add(field(name), value.as_bytes());
        }
        let current = validators(r.state);
        let decision = evaluate_at(&r.method, &pre, current.as_ref(), &r.policy, now());
        let got = outcome(&decision);
        if got != r.want {
            failures.push(format!(
                "row {i} ({}): {} {:?} on {:?}: want {:?}, got {:?}",
                r.section, r.method, r.headers, r.state, r.want, got
            ));
        }
        // Every rejection carries the current validators (RFC 9110 §15.4.5, §15.5.13).
        if let Some(rejection) = decision.rejection() {
            assert_eq!(
                rejection.etag(),
                current.as_ref().and_then(Validators::etag),
                "row {i}"
            );
            assert_eq!(
                rejection.last_modified(),
                current.as_ref().and_then(Validators::last_modified),
                "row {i}"
            );
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

use State::*;
use Want::*;

#[test]
#[rustfmt::skip]
fn if_match() {
    let put = || Method::PUT;
    check(&[
        row("§13.1.1 list match", put(), &[("If-Match", "\"v1\"")], Strong, Go),
        row("§13.1.1 list match", put(), &[("If-Match", "\"x\", \"v1\"")], Strong, Go),
        row("§13.1.1 no match → 412", put(), &[("If-Match", "\"v2\"")], Strong, Fail),
        row("§13.1.1 strong comparison: weak request tag", put(), &[("If-Match", "W/\"v1\"")], Strong, Fail),
        row("§13.1.1 strong comparison: weak current tag", put(), &[("If-Match", "\"v1\"")], Weak, Fail),
        row("§13.1.1 * with a current representation", put(), &[("If-Match", "*")], Strong, Go),
        row("§13.1.1 * even without validators", put(), &[("If-Match", "*")], Bare, Go),
        row("§13.1.1 * on an absent resource → 412", put(), &[("If-Match", "*")], Absent, Fail),
        row("§13.1.1 a tag on an absent resource → 412", put(), &[("If-Match", "\"v1\"")], Absent, Fail),
        row("§13.1.1 a tag, resource without ETag", put(), &[("If-Match", "\"v1\"")], DateOnly, Fail),
        row("§13.1.1 * mixed with tags is invalid → 412", put(), &[("If-Match", "*, \"v1\"")], Strong, Fail),
        row("§13.1.1 unparseable fails closed", put(), &[("If-Match", "v1")], Strong, Fail),
        row("§13.1.1 junk after a match fails closed", put(), &[("If-Match", "\"v1\", ???")], Strong, Fail),
        row("§13.1.1 empty value fails closed", put(), &[("If-Match", "")], Strong, Fail),
        row("§5.3 several lines are one list", put(), &[("If-Match", "\"a\""), ("If-Match", "\"v1\"")], Strong, Go),
        row("§5.6.1 empty list elements", put(), &[("If-Match", " , \"v1\" ,, ")], Strong, Go),
        row("§13.1.1 on GET too (true)", Method::GET, &[("If-Match", "\"v1\"")], Strong, Go),
        row("§13.1.1 on GET too (false → 412)", Method::GET, &[("If-Match", "\"v2\"")], Strong, Fail),
        row("§13.1.1 on DELETE", Method::DELETE, &[("If-Match", "\"v2\"")], Strong, Fail),
        row("§13.1.1 on POST", Method::POST, &[("If-Match", "\"v1\"")], Strong, Go),
    ]);
}

#[test]
#[rustfmt::skip]
fn if_unmodified_since() {
    let put = || Method::PUT;
    check(&[
        row("§13.1.4 equal → true", put(), &[("If-Unmodified-Since", LM)], Strong, Go),
        row("§13.1.4 later → true", put(), &[("If-Unmodified-Since", AFTER)], Strong, Go),
        row("§13.1.4 earlier → 412", put(), &[("If-Unmodified-Since", BEFORE)], Strong, Fail),
        row("§5.6.7 RFC 850 format", put(), &[("If-Unmodified-Since", LM_850)], Strong, Go),
        row("§5.6.7 asctime format", put(), &[("If-Unmodified-Since", LM_ASC)], Strong, Go),
        row("§13.1.4 invalid date ignored", put(), &[("If-Unmodified-Since", "yesterday")], Strong, Go),
        row("§13.1.4 list of dates is invalid, ignored", put(), &[ ("If-Unmodified-Since", BEFORE), ("If-Unmodified-Since", BEFORE), ], Strong, Go),
        row("§13.1.4 no modification date → ignored", put(), &[("If-Unmodified-Since", BEFORE)], Bare, Go),
        row("§13.1.4 absent resource has no date → ignored", put(), &[("If-Unmodified-Since", BEFORE)], Absent, Go),
        row("§13.2.2 step 2: ignored when If-Match is present", put(), &[("If-Match", "\"v1\""), ("If-Unmodified-Since", BEFORE)], Strong, Go),
        row("§13.2.2 step 1 before step 2", put(), &[("If-Match", "\"v2\""), ("If-Unmodified-Since", AFTER)], Strong, Fail),
        row("§13.1.4 on GET (false → 412)", Method::GET, &[("If-Unmodified-Since", BEFORE)], Strong, Fail),
    ]);
}

#[test]
#[rustfmt::skip]
fn if_none_match() {
    let get = || Method::GET;
    let put = || Method::PUT;
    check(&[
        row("§13.1.2 weak comparison: same tag → 304", get(), &[("If-None-Match", "\"v1\"")], Strong, NotMod),
        row("§13.1.2 weak comparison: W/ request tag → 304", get(), &[("If-None-Match", "W/\"v1\"")], Strong, NotMod),
        row("§13.1.2 weak comparison: weak current tag → 304", get(), &[("If-None-Match", "\"v1\"")], Weak, NotMod),
        row("§13.1.2 list with a match → 304", get(), &[("If-None-Match", "\"a\", \"b\", W/\"v1\"")], Strong, NotMod),
        row("§13.1.2 no match → 200", get(), &[("If-None-Match", "\"v2\"")], Strong, Go),
        row("§13.1.2 * on an existing resource → 304", get(), &[("If-None-Match", "*")], Strong, NotMod),
        row("§13.1.2 HEAD as GET → 304", Method::HEAD, &[("If-None-Match", "\"v1\"")], Strong, NotMod),
        row("§13.1.2 PUT, match → 412", put(), &[("If-None-Match", "\"v1\"")], Strong, Fail),
        row("§13.1.2 PUT, * on existing → 412", put(), &[("If-None-Match", "*")], Strong, Fail),
        row("§13.1.2 PUT, * on absent → create", put(), &[("If-None-Match", "*")], Absent, Go),
        row("§13.1.2 POST, * on absent → create", Method::POST, &[("If-None-Match", "*")], Absent, Go),
        row("§13.1.2 PUT, no match → proceed", put(), &[("If-None-Match", "\"v2\"")], Strong, Go),
        row("§13.1.2 DELETE, match → 412", Method::DELETE, &[("If-None-Match", "W/\"v1\"")], Strong, Fail),
        row("§13.1.2 resource without ETag: no tag matches", get(), &[("If-None-Match", "\"v1\"")], DateOnly, Go),
        row("§13.1.2 resource without ETag: * still false", get(), &[("If-None-Match", "*")], Bare, NotMod),
        row("leniency: invalid If-None-Match on GET serves 200", get(), &[("If-None-Match", "v1")], Strong, Go),
        row("leniency: invalid If-None-Match on PUT fails closed", put(), &[("If-None-Match", "v1")], Strong, Fail),
        row("leniency: * with tags is invalid on PUT", put(), &[("If-None-Match", "*, \"x\"")], Absent, Fail),
        row("§13.2.2 step 3 after step 1", put(), &[("If-Match", "\"v1\""), ("If-None-Match", "\"v1\"")], Strong, Fail),
        row("§13.2.2 step 3 after step 2", get(), &[("If-Unmodified-Since", LM), ("If-None-Match", "\"v1\"")], Strong, NotMod),
    ]);
}

#[test]
#[rustfmt::skip]
fn if_modified_since() {
    let get = || Method::GET;
    check(&[
        row("§13.1.3 not modified since (equal) → 304", get(), &[("If-Modified-Since", LM)], Strong, NotMod),
        row("§13.1.3 not modified since (later) → 304", get(), &[("If-Modified-Since", AFTER)], Strong, NotMod),
        row("§13.1.3 modified since → 200", get(), &[("If-Modified-Since", BEFORE)], Strong, Go),
        row("§5.6.7 RFC 850 format", get(), &[("If-Modified-Since", LM_850)], Strong, NotMod),
        row("§5.6.7 asctime format", get(), &[("If-Modified-Since", LM_ASC)], Strong, NotMod),
        row("§13.1.3 HEAD as GET", Method::HEAD, &[("If-Modified-Since", LM)], Strong, NotMod),
        row("§13.1.3 ignored for PUT", Method::PUT, &[("If-Modified-Since", LM)], Strong, Go),
        row("§13.1.3 ignored for POST", Method::POST, &[("If-Modified-Since", LM)], Strong, Go),
        row("§13.1.3 invalid date ignored", get(), &[("If-Modified-Since", "Sun, 32 Nov 1994 08:49:37 GMT")], Strong, Go),
        row("§13.1.3 more than one member ignored", get(), &[("If-Modified-Since", LM), ("If-Modified-Since", LM)], Strong, Go),
        row("§13.1.3 future date is invalid, ignored", get(), &[("If-Modified-Since", FUTURE)], Strong, Go),
        row("§13.1.3 no modification date → ignored", get(), &[("If-Modified-Since", LM)], Bare, Go),
        row("§13.1.3 ignored with If-None-Match (no match)", get(), &[("If-None-Match", "\"v2\""), ("If-Modified-Since", LM)], Strong, Go),
        row("§13.1.3 ignored with If-None-Match (invalid)", get(), &[("If-None-Match", "v1"), ("If-Modified-Since", LM)], Strong, Go),
        row("§13.1.3 date-only resource → 304", get(), &[("If-Modified-Since", LM)], DateOnly, NotMod),
        row("§13.2.2 412 from step 1 beats 304", get(), &[("If-Match", "\"v2\""), ("If-Modified-Since", LM)], Strong, Fail),
    ]);
}

#[test]
#[rustfmt::skip]
fn if_range() {
    let get = || Method::GET;
    check(&[
        row("§13.1.5 no If-Range: Range applies", get(), &[("Range", "bytes=0-1")], Strong, Go),
        row("§13.1.5 strong tag matches", get(), &[("Range", "bytes=0-1"), ("If-Range", "\"v1\"")], Strong, Go),
        row("§13.1.5 strong tag differs → full", get(), &[("Range", "bytes=0-1"), ("If-Range", "\"v2\"")], Strong, Full),
        row("§5.5 OWS around the tag is not part of it", get(), &[("Range", "bytes=0-1"), ("If-Range", " \t\"v1\" ")], Strong, Go),
        row("§13.1.5 weak request tag never matches", get(), &[("Range", "bytes=0-1"), ("If-Range", "W/\"v1\"")], Strong, Full),
        row("§13.1.5 weak current tag never matches", get(), &[("Range", "bytes=0-1"), ("If-Range", "\"v1\"")], Weak, Full),
        row("§13.1.5 date equal → range", get(), &[("Range", "bytes=0-1"), ("If-Range", LM)], Strong, Go),
        row("§13.1.5 date later is not exact → full", get(), &[("Range", "bytes=0-1"), ("If-Range", AFTER)], Strong, Full),
        row("§13.1.5 date earlier → full", get(), &[("Range", "bytes=0-1"), ("If-Range", BEFORE)], Strong, Full),
        row("§13.1.5 date without Last-Modified → full", get(), &[("Range", "bytes=0-1"), ("If-Range", LM)], Bare, Full),
        row("§13.1.5 garbage → full", get(), &[("Range", "bytes=0-1"), ("If-Range", "soon")], Strong, Full),
        row("§13.1.5 several lines → full", get(), &[ ("Range", "bytes=0-1"), ("If-Range", "\"v1\""), ("If-Range", "\"v1\""), ], Strong, Full),
        row("§13.1.5 If-Range without Range is ignored", get(), &[("If-Range", "\"v2\"")], Strong, Go),
        row("§14.2 Range only for GET: HEAD ignores it", Method::HEAD, &[("Range", "bytes=0-1")], Strong, Full),
        row("§14.2 HEAD with Range and matching If-Range", Method::HEAD, &[("Range", "bytes=0-1"), ("If-Range", "\"v1\"")], Strong, Full),
        row("§14.2 PUT with Range ignores it", Method::PUT, &[("Range", "bytes=0-1")], Strong, Full),
        row("§13.2.2 304 beats If-Range", get(), &[ ("Range", "bytes=0-1"), ("If-Range", "\"v2\""), ("If-None-Match", "\"v1\""), ], Strong, NotMod),
        row("§13.2.2 If-Range after a true If-Match", get(), &[ ("Range", "bytes=0-1"), ("If-Range", "\"v1\""), ("If-Match", "\"v1\""), ], Strong, Go),
    ]);
}

#[test]
#[rustfmt::skip]
fn when_to_evaluate() {
    check(&[
        row("§13.2.1 OPTIONS ignores preconditions", Method::OPTIONS, &[("If-Match", "\"v2\"")], Strong, Go),
        row("§13.2.1 TRACE ignores preconditions", Method::TRACE, &[("If-None-Match", "*")], Strong, Go),
        row("§13.2.1 CONNECT ignores preconditions", Method::CONNECT, &[("If-Match", "\"v2\"")], Strong, Go),
        row("§13.2.1 GET of a missing resource stays 404", Method::GET, &[("If-Match", "\"v1\"")], Absent, Go),
        row("§13.2.1 HEAD of a missing resource stays 404", Method::HEAD, &[("If-None-Match", "*")], Absent, Go),
        row("§13.2.1 PUT that would create: If-Match stays 412", Method::PUT, &[("If-Match", "\"v1\"")], Absent, Fail),
        row("§13.2.2 extension method evaluated like PUT", Method::from_bytes(b"PROPPATCH").unwrap_or(Method::PUT), &[("If-Match", "\"v2\"")], Strong, Fail),
        row("no preconditions: proceed", Method::PUT, &[], Strong, Go),
    ]);
}

fn with_policy(mut r: Row, policy: Policy) -> Row {
    r.policy = policy;
    r
}

#[test]
#[rustfmt::skip]
fn precondition_required() {
    let lu = Policy::lost_update();
    let put = || Method::PUT;
    check(&[
        with_policy(row("RFC 6585 §3: unconditional PUT → 428", put(), &[], Strong, Req), lu),
        with_policy(row("RFC 6585 §3: unconditional PUT to absent → 428", put(), &[], Absent, Req), lu),
        with_policy(row("RFC 6585 §3: unconditional DELETE → 428", Method::DELETE, &[], Strong, Req), lu),
        with_policy(row("RFC 6585 §3: unconditional PATCH → 428", Method::PATCH, &[], Strong, Req), lu),
        with_policy(row("lost_update leaves POST alone", Method::POST, &[], Strong, Go), lu),
        with_policy(row("lost_update leaves GET alone", Method::GET, &[], Strong, Go), lu),
        with_policy(row("If-Match satisfies, then evaluated", put(), &[("If-Match", "\"v1\"")], Strong, Go), lu),
        with_policy(row("If-Match satisfies even if stale → 412", put(), &[("If-Match", "\"v0\"")], Strong, Fail), lu),
        with_policy(row("invalid If-Match counts, fails closed → 412", put(), &[("If-Match", "v0")], Strong, Fail), lu),
        with_policy(row("valid If-Unmodified-Since satisfies", put(), &[("If-Unmodified-Since", LM)], Strong, Go), lu),
        with_policy(row("invalid If-Unmodified-Since does not satisfy", put(), &[("If-Unmodified-Since", "now")], Strong, Req), lu),
        with_policy(row("If-Unmodified-Since without Last-Modified does not satisfy", put(), &[("If-Unmodified-Since", LM)], Bare, Req), lu),
        with_policy(row("If-None-Match: * satisfies (create)", put(), &[("If-None-Match", "*")], Absent, Go), lu),
        with_policy(row("If-None-Match: * satisfies, exists → 412", put(), &[("If-None-Match", "*")], Strong, Fail), lu),
        with_policy(row("If-None-Match with tags does not satisfy", put(), &[("If-None-Match", "\"v2\"")], Strong, Req), lu),
        with_policy(row("If-Modified-Since does not satisfy", put(), &[("If-Modified-Since", BEFORE)], Strong, Req), lu),
        with_policy(row("OPTIONS is never required", Method::OPTIONS, &[], Strong, Go), Policy::always(Requirement::IF_MATCH)),
        with_policy(row("always(If-Match) on GET", Method::GET, &[], Strong, Req), Policy::always(Requirement::IF_MATCH)),
        with_policy(row("create-only policy", put(), &[("If-Match", "*")], Absent, Req), Policy::none().put(Requirement::IF_NONE_MATCH_STAR)),
    ]);
}

fn rejection_for(
    method: Method,
    headers: &[(&str, &str)],
    state: State,
    policy: Policy,
) -> Rejection {
    let mut pre = Preconditions::new();
    for (name, value) in headers {
        pre.add(field(name), value.as_bytes());
    }
    let current = validators(state);
    match evaluate_at(&method, &pre, current.as_ref(), &policy, now()).into_result() {
        Err(rejection) => rejection,
        Ok(ignore_range) => panic!("expected a rejection, got proceed ({ignore_range})"),
    }
}

fn header(rejection: &Rejection, name: &str) -> Option<String> {
    rejection
        .headers()
        .into_iter()
        .find(|(n, _)| n.as_str() == name)
        .map(|(_, v)| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

/// RFC 9110 §15.4.5: a 304 carries the validators a 200 would have, and no content.
#[test]
fn not_modified_response() {
    let r = rejection_for(
        Method::GET,
        &[("If-None-Match", "\"v1\"")],
        Strong,
        Policy::none(),
    );
    assert_eq!(r.kind(), RejectionKind::NotModified);
    assert_eq!(r.status(), 304);
    assert_eq!(r.cause(), Some(Field::IfNoneMatch));
    assert_eq!(header(&r, "etag").as_deref(), Some("\"v1\""));
    assert_eq!(header(&r, "last-modified").as_deref(), Some(LM));
    assert_eq!(header(&r, "content-type"), None);
    assert_eq!(r.body(), None);
    let response: http::Response<String> = r.to_response();
    assert_eq!(response.status(), 304);
    assert!(response.body().is_empty());
}

/// RFC 9110 §15.5.13 and the JSON contract for 412.
#[test]
fn precondition_failed_response() {
    let r = rejection_for(
        Method::PUT,
        &[("If-Match", "\"v0\"")],
        Strong,
        Policy::none(),
    );
    assert_eq!(r.status(), 412);
    assert_eq!(r.cause(), Some(Field::IfMatch));
    assert_eq!(header(&r, "etag").as_deref(), Some("\"v1\""));
    assert_eq!(
        header(&r, "content-type").as_deref(),
        Some("application/json")
    );
    let body = r.body().unwrap_or_default();
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["error"], "precondition_failed");
    assert!(
        json["message"]
            .as_str()
            .is_some_and(|m| m.contains("If-Match"))
    );
    // Exactly as in the ETag header, quotes included, so it can be pasted into If-Match.
    assert_eq!(json["current_etag"], "\"v1\"");
    assert_eq!(json["reason"], "changed");
    assert_eq!(json.as_object().map(|o| o.len()), Some(4));

    // Weak current tags keep their W/ prefix.
    let r = rejection_for(Method::PUT, &[("If-Match", "\"v1\"")], Weak, Policy::none());
    let json: serde_json::Value = serde_json::from_str(&r.body().unwrap_or_default()).unwrap();
    assert_eq!(json["current_etag"], "W/\"v1\"");

    // The resource does not exist: current_etag is null and no ETag header is sent.
    let r = rejection_for(Method::PUT, &[("If-Match", "*")], Absent, Policy::none());
    let json: serde_json::Value = serde_json::from_str(&r.body().unwrap_or_default()).unwrap();
    assert_eq!(json["current_etag"], serde_json::Value::Null);
    assert_eq!(header(&r, "etag"), None);

    // A tag with quotes-worthy characters round-trips through JSON.
    let current = Validators::new(ETag::strong("a\\b").unwrap());
    let mut pre = Preconditions::new();
    pre.add(Field::IfMatch, b"\"zz\"");
    let decision = evaluate_at(&Method::PUT, &pre, Some(&current), &Policy::none(), now());
    let body = decision
        .rejection()
        .and_then(Rejection::body)
        .unwrap_or_default();
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["current_etag"], "\"a\\b\"");
}

/// RFC 6585 §3: 428 says how to resubmit and must not be cached.
#[test]
fn precondition_required_response() {
    let r = rejection_for(Method::PUT, &[], Strong, Policy::lost_update());
    assert_eq!(r.status(), 428);
    assert_eq!(r.requirement(), Requirement::LOST_UPDATE);
    assert_eq!(header(&r, "cache-control").as_deref(), Some("no-store"));
    assert_eq!(
        header(&r, "content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(header(&r, "etag"), None);
    let json: serde_json::Value = serde_json::from_str(&r.body().unwrap_or_default()).unwrap();
    assert_eq!(json["error"], "precondition_required");
    let message = json["message"].as_str().unwrap_or_default();
    for name in ["If-Match", "If-Unmodified-Since", "If-None-Match: *"] {
        assert!(message.contains(name), "{message}");
    }
    assert_eq!(json.as_object().map(|o| o.len()), Some(2));

    let r = rejection_for(
        Method::PUT,
        &[],
        Strong,
        Policy::always(Requirement::IF_MATCH),
    );
    assert!(
        r.message().contains("with If-Match set to the ETag"),
        "{}",
        r.message()
    );
    assert!(
        !r.message().contains("If-Unmodified-Since"),
        "{}",
        r.message()
    );
}

/// RFC 9110 §8.8.2.1: a sub-second Last-Modified echoed back by the client must match.
#[test]
fn sub_second_last_modified_matches_its_echo() {
    let current = Validators::new(ETag::from_version(1))
        .with_last_modified(lm() + Duration::from_millis(750));
    let sent = precond_core::date::fmt_http_date(current.last_modified().unwrap_or(UNIX_EPOCH));
    assert_eq!(sent, LM);
    let mut pre = Preconditions::new();
    pre.add(Field::IfUnmodifiedSince, sent.as_bytes());
    let decision = evaluate_at(&Method::PUT, &pre, Some(&current), &Policy::none(), now());
    assert!(decision.is_proceed());
    let mut pre = Preconditions::new();
    pre.add(Field::IfModifiedSince, sent.as_bytes());
    let decision = evaluate_at(&Method::GET, &pre, Some(&current), &Policy::none(), now());
    assert!(matches!(decision, Decision::NotModified(_)));
    let mut pre = Preconditions::new();
    pre.add(Field::Range, b"bytes=0-0");
    pre.add(Field::IfRange, sent.as_bytes());
    let decision = evaluate_at(&Method::GET, &pre, Some(&current), &Policy::none(), now());
    assert_eq!(
        decision,
        Decision::Proceed {
            ignore_range: false
        }
    );
}

/// Preconditions built from an `http::HeaderMap` see every line, case-insensitively.
#[test]
fn from_header_map() {
    let mut headers = http::HeaderMap::new();
    headers.append("if-match", http::HeaderValue::from_static("\"a\""));
    headers.append("IF-MATCH", http::HeaderValue::from_static("\"v1\""));
    headers.append("range", http::HeaderValue::from_static("bytes=0-0"));
    headers.append("x-other", http::HeaderValue::from_static("1"));
    let pre = Preconditions::from_headers(&headers);
    assert_eq!(pre.lines(Field::IfMatch).len(), 2);
    assert!(pre.has(Field::Range));
    assert!(!pre.is_unconditional());
    let current = validators(Strong);
    let decision = evaluate_at(&Method::PUT, &pre, current.as_ref(), &Policy::none(), now());
    assert_eq!(decision, Decision::Proceed { ignore_range: true });
}

/// §13.1.3 with the real clock (`evaluate`, not `evaluate_at`): a date in the future is ignored,
/// a past one is honoured, however often they alternate (the clock is cached between calls).
#[test]
fn if_modified_since_with_the_system_clock() {
    let current = validators(Strong);
    for _ in 0..3 {
        for (date, want) in [(FUTURE, Go), (LM, NotMod), (AFTER, NotMod), (FUTURE, Go)] {
            let mut pre = Preconditions::new();
            pre.add(Field::IfModifiedSince, date.as_bytes());
            let decision =
                precond_core::evaluate(&Method::GET, &pre, current.as_ref(), &Policy::none());
            assert_eq!(outcome(&decision), want, "{date}");
        }
    }
    // A date one minute ahead of the real clock is in the future too.
    let ahead = precond_core::date::fmt_http_date(SystemTime::now() + Duration::from_secs(60));
    let recent = Validators::new(ETag::from_version(1)).with_last_modified(SystemTime::now());
    let mut pre = Preconditions::new();
    pre.add(Field::IfModifiedSince, ahead.as_bytes());
    let decision = precond_core::evaluate(&Method::GET, &pre, Some(&recent), &Policy::none());
    assert_eq!(outcome(&decision), Go);
}
