//! The `#[conditional]` runtime by hand, without the macro, for every framework:
//! `ConditionalRequest`, `Tagged`, `Rejected`, byte ranges, and the `__private::{axum,actix}`
//! functions that `#[conditional]` expands to (`check`, the answer kinds, `finish`), called as
//! the generated code calls them. A test file implements [`Runtime`] with its framework's types
//! and calls [`runtime_suite!`] with its test attribute and the runtime's constructor, e.g.
//!
//! ```ignore
//! #[macro_use]
//! #[path = "support/runtime_suite.rs"]
//! mod runtime_suite;
//! runtime_suite!(#[tokio::test] AxumRuntime);
//! ```
//!
//! The requests and answers here are framework-neutral: methods and statuses are `http` 1's,
//! headers are name/value pairs, and a handler's answer is a [`Handler`] that each runtime
//! turns into its own types.

#![allow(dead_code)] // each test binary uses the whole suite, but rustc checks per module

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use http::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_LOCATION, CONTENT_RANGE, CONTENT_TYPE, ETAG, EXPIRES,
    LAST_MODIFIED, VARY,
};
pub use http::{Method, StatusCode};
use precond::__private::ExtraHeaders;
use precond::{
    Decision, ETag, Field, Policy, Rejection, RejectionKind, Requirement, Validators, Versioned,
};
use serde::Serialize;
use serde_json::Value;

/// One test per case of this module, each with the attribute `#[$test]` (the framework's
/// runtime: `#[tokio::test]`, `#[actix_web::test]`) against the runtime `$runtime`.
#[macro_export]
macro_rules! runtime_suite {
    (#[$test:meta] $runtime:expr) => {
        $crate::runtime_suite!(@cases #[$test] $runtime;
            keeps_all_six_fields_and_nothing_else,
            evaluate_uses_the_method_and_fields,
            tagged_is_json_with_validators,
            tagged_created_and_with_status,
            tagged_without_last_modified_has_only_an_etag,
            tagged_serialization_failure_is_a_500,
            rejected_is_the_rejection_response,
            check_answers_304_with_validators_and_declared_headers,
            check_304_repeats_a_header_declared_twice,
            check_answers_412_and_428_without_declared_headers,
            finish_stamps_current_validators_on_untagged_get_and_head,
            finish_keeps_what_the_handler_set,
            finish_does_not_stamp_other_methods_or_absent_resources,
            finish_leaves_errors_alone,
            finish_with_declared_headers_that_failed_conversion,
            finish_adds_a_name_declared_twice_only_when_missing,
            tagged_get_and_head_accept_ranges,
            single_range_is_206,
            unsatisfiable_range_is_416,
            ignored_ranges_give_the_full_200,
            if_range_that_matches_gives_206,
            ranges_only_for_get_200_from_tagged,
            tagged_inside_another_type_serves_ranges_too,
            rejection_kinds_map_to_statuses,
            tagged_raw_is_its_bytes_of_its_media_type,
            tagged_raw_serves_a_range_of_its_bytes,
            tagged_created_with_a_location,
            tagged_with_an_invalid_location_is_a_500,
        );
    };
    (@cases #[$test:meta] $runtime:expr; $($case:ident),* $(,)?) => {
        $(
            #[$test]
            async fn $case() {
                $crate::runtime_suite::$case(&$runtime).await;
            }
        )*
    };
}

// ---------------------------------------------------------------------------------------------
// Fixtures

#[derive(Clone, Debug, PartialEq, Serialize, Versioned)]
pub struct Doc {
    pub id: u64,
    pub title: String,
    #[versioned(version)]
    pub version: u64,
    #[serde(skip)]
    #[versioned(last_modified, skip)]
    pub modified: SystemTime,
}

/// Wed, 01 Jan 2025 00:00:00 GMT.
pub const MODIFIED_SECS: u64 = 1_735_689_600;
pub const MODIFIED: &str = "Wed, 01 Jan 2025 00:00:00 GMT";
pub const BEFORE: &str = "Tue, 31 Dec 2024 23:59:59 GMT";

pub fn doc(version: u64) -> Doc {
    Doc {
        id: 1,
        title: "Hello".into(),
        version,
        // Sub-second part: dropped from Last-Modified.
        modified: UNIX_EPOCH + Duration::from_millis(MODIFIED_SECS * 1000 + 250),
    }
}

/// The JSON body of `doc(version)`.
pub fn doc_json(version: u64) -> String {
    format!(r#"{{"id":1,"title":"Hello","version":{version}}}"#)
}

/// The headers a `#[conditional(cache_control = "no-cache", vary = "Accept-Encoding",
/// content_location = format!("/docs/{id}"))]` declares.
pub fn declared() -> ExtraHeaders {
    let mut extra = ExtraHeaders::new();
    extra.push_static(CACHE_CONTROL, "no-cache");
    extra.push_static(VARY, "Accept-Encoding");
    extra.push(CONTENT_LOCATION, format!("/docs/{}", 1));
    extra
}

/// What a handler body answers, in each framework's own types.
#[derive(Clone, Copy, Debug)]
pub enum Handler {
    /// A plain text body (`&'static str`).
    Text(&'static str),
    /// `Tagged::new(doc(version))`.
    Tagged(u64),
    /// `Tagged::created(doc(version))`.
    Created(u64),
    /// An empty 204.
    NoContent,
    /// A 200 with these headers set by the handler and this body.
    WithHeaders(&'static [(&'static str, &'static str)], &'static str),
    /// `Tagged::new(doc(version))` with the status overridden by the framework's tuple form.
    TaggedWithStatus(StatusCode, u64),
    /// `Tagged::new(doc(version))` made a response, then its body replaced.
    TaggedReplaced(u64, &'static str),
    /// `Tagged::new(Raw::new(bytes, content_type).with_validators(doc(version).validators()))`.
    Raw(&'static [u8], &'static str, u64),
    /// `Tagged::created(doc(version)).with_location(location)`.
    CreatedAt(u64, &'static str),
}

#[path = "exchange.rs"]
mod exchange;
pub use exchange::Answer;

/// A framework's runtime, driven by hand as `#[conditional]`'s generated code drives it.
pub trait Runtime {
    /// `ConditionalRequest` of the request `method` with `headers`: the lines of `field`.
    fn lines(&self, method: &Method, headers: &[(&str, &str)], field: Field) -> Vec<Vec<u8>>;

    /// `ConditionalRequest` of the request, as `{:?}`.
    fn debug(&self, method: &Method, headers: &[(&str, &str)]) -> String;

    /// `ConditionalRequest::evaluate`.
    fn evaluate(
        &self,
        method: &Method,
        headers: &[(&str, &str)],
        current: Option<&Validators>,
        policy: &Policy,
    ) -> Decision;

    /// `check` alone: `Ok` when the handler may proceed, else the response it answers.
    fn check(
        &self,
        method: &Method,
        headers: &[(&str, &str)],
        current: Option<&Validators>,
        policy: &Policy,
        extra: &ExtraHeaders,
    ) -> impl Future<Output = Result<(), Answer>>;

    /// `check` then `finish` around a handler answer, as the generated code does: the body
    /// runs only when `check` lets it.
    fn around(
        &self,
        method: &Method,
        headers: &[(&str, &str)],
        current: Option<&Doc>,
        policy: &Policy,
        extra: ExtraHeaders,
        handler: Handler,
    ) -> impl Future<Output = Answer>;

    /// `Tagged::new(value)` (with `status`, if any) as a response, outside `#[conditional]`.
    fn tagged<T: Serialize + Versioned>(
        &self,
        value: T,
        status: Option<StatusCode>,
    ) -> impl Future<Output = Answer>;

    /// `Tagged::created(value)` as a response, outside `#[conditional]`.
    fn created<T: Serialize + Versioned>(&self, value: T) -> impl Future<Output = Answer>;

    /// `Rejected::from(rejection)` (checking it equals `Rejected(rejection)`) as a response.
    fn rejected(&self, rejection: Rejection) -> impl Future<Output = Answer>;

    /// A handler returning `Result<_, Rejected>` that answers `Err(rejection)?`.
    fn rejected_through_question_mark(&self, rejection: Rejection) -> impl Future<Output = Answer>;
}

/// `tagged_get`: `Tagged::new(doc(3))` under the declared headers.
pub async fn tagged_get(rt: &impl Runtime, method: Method, headers: &[(&str, &str)]) -> Answer {
    rt.around(
        &method,
        headers,
        Some(&doc(3)),
        &Policy::none(),
        declared(),
        Handler::Tagged(3),
    )
    .await
}

pub fn stale_put(rt: &impl Runtime) -> Rejection {
    let current = doc(4).validators();
    match rt.evaluate(
        &Method::PUT,
        &[("if-match", "\"3\"")],
        Some(&current),
        &Policy::none(),
    ) {
        Decision::PreconditionFailed(rejection) => rejection,
        other => panic!("expected 412, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// ConditionalRequest

pub async fn keeps_all_six_fields_and_nothing_else(rt: &impl Runtime) {
    let pairs = &[
        ("if-match", "\"a\""),
        ("if-none-match", "\"b\""),
        ("if-modified-since", MODIFIED),
        ("if-unmodified-since", MODIFIED),
        ("if-range", "\"c\""),
        ("range", "bytes=1-2"),
        ("authorization", "secret"),
    ];
    for field in Field::ALL {
        assert_eq!(rt.lines(&Method::GET, pairs, field).len(), 1, "{field}");
    }
    let debug = rt.debug(&Method::GET, pairs);
    assert!(!debug.contains("secret"), "{debug}");
    assert!(debug.contains("bytes=1-2"), "{debug}");
}

pub async fn evaluate_uses_the_method_and_fields(rt: &impl Runtime) {
    let current = doc(2).validators();
    type Case<'a> = (Method, &'a [(&'a str, &'a str)], Policy, StatusCode);
    let cases: &[Case<'_>] = &[
        (Method::GET, &[], Policy::none(), StatusCode::OK),
        (
            Method::GET,
            &[("if-none-match", "\"2\"")],
            Policy::none(),
            StatusCode::NOT_MODIFIED,
        ),
        (
            Method::GET,
            &[("if-modified-since", MODIFIED)],
            Policy::none(),
            StatusCode::NOT_MODIFIED,
        ),
        (
            Method::HEAD,
            &[("if-none-match", "\"2\"")],
            Policy::none(),
            StatusCode::NOT_MODIFIED,
        ),
        (
            Method::PUT,
            &[("if-match", "\"1\"")],
            Policy::none(),
            StatusCode::PRECONDITION_FAILED,
        ),
        (
            Method::PUT,
            &[],
            Policy::lost_update(),
            StatusCode::PRECONDITION_REQUIRED,
        ),
        (
            Method::PUT,
            &[("if-match", "\"2\"")],
            Policy::lost_update(),
            StatusCode::OK,
        ),
        // An extension method is neither GET nor HEAD: If-None-Match that matches is a 412.
        (
            Method::from_bytes(b"PROPPATCH").expect("method"),
            &[("if-none-match", "\"2\"")],
            Policy::none(),
            StatusCode::PRECONDITION_FAILED,
        ),
        // OPTIONS is exempt from `require` (RFC 9110 §13.2.1).
        (
            Method::OPTIONS,
            &[],
            Policy::always(Requirement::IF_MATCH),
            StatusCode::OK,
        ),
    ];
    for (method, pairs, policy, expected) in cases {
        let decision = rt.evaluate(method, pairs, Some(&current), policy);
        let status = decision
            .rejection()
            .map_or(StatusCode::OK, Rejection::status);
        assert_eq!(status, *expected, "{method} {pairs:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Tagged

pub async fn tagged_is_json_with_validators(rt: &impl Runtime) {
    let answer = rt.tagged(doc(3), None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header(ETAG), Some("\"3\""));
    assert_eq!(answer.header(LAST_MODIFIED), Some(MODIFIED));
    assert_eq!(answer.header(CONTENT_TYPE), Some("application/json"));
    // Not under `#[conditional]`: no claim of range support.
    assert_eq!(answer.header(ACCEPT_RANGES), None);
    assert_eq!(answer.text(), doc_json(3));
}

pub async fn tagged_created_and_with_status(rt: &impl Runtime) {
    let answer = rt.created(doc(1)).await;
    assert_eq!(answer.status, StatusCode::CREATED);
    assert_eq!(answer.header(ETAG), Some("\"1\""));
    let answer = rt.tagged(doc(1), Some(StatusCode::ACCEPTED)).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED);
}

pub async fn tagged_without_last_modified_has_only_an_etag(rt: &impl Runtime) {
    #[derive(Serialize, Versioned)]
    struct Plain {
        #[versioned(version)]
        version: u64,
    }
    let answer = rt.tagged(Plain { version: 9 }, None).await;
    assert_eq!(answer.header(ETAG), Some("\"9\""));
    assert_eq!(answer.header(LAST_MODIFIED), None);
    assert_eq!(answer.text(), r#"{"version":9}"#);
}

pub async fn tagged_serialization_failure_is_a_500(rt: &impl Runtime) {
    /// JSON object keys must be strings; a tuple key fails to serialize.
    #[derive(Serialize)]
    struct Bad {
        map: BTreeMap<(u8, u8), u8>,
    }
    impl Versioned for Bad {
        fn etag(&self) -> ETag {
            ETag::from_version(1)
        }
    }
    let answer = rt
        .tagged(
            Bad {
                map: BTreeMap::from([((1, 2), 3)]),
            },
            None,
        )
        .await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(answer.header(ETAG), None);
    assert_eq!(
        answer.header(CONTENT_TYPE),
        Some("text/plain; charset=utf-8")
    );
    let text = answer.text();
    assert!(!text.is_empty() && text.len() < 100, "{text}");
}

// ---------------------------------------------------------------------------------------------
// Rejected

pub async fn rejected_is_the_rejection_response(rt: &impl Runtime) {
    let answer = rt.rejected(stale_put(rt)).await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(answer.header(ETAG), Some("\"4\""));
    assert_eq!(answer.header(LAST_MODIFIED), Some(MODIFIED));
    assert_eq!(answer.header(CONTENT_TYPE), Some("application/json"));
    let body = answer.json();
    assert_eq!(body["error"], "precondition_failed");
    assert_eq!(body["current_etag"], "\"4\"");

    // A compare-and-swap that lost the race, through `?`.
    let answer = rt
        .rejected_through_question_mark(Rejection::precondition_failed(Some(&Validators::new(
            ETag::from_version(8),
        ))))
        .await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(answer.header(ETAG), Some("\"8\""));
}

// ---------------------------------------------------------------------------------------------
// check

pub async fn check_answers_304_with_validators_and_declared_headers(rt: &impl Runtime) {
    let current = doc(3).validators();
    for pairs in [
        &[("if-none-match", "\"3\"")][..],
        &[("if-none-match", "W/\"1\", W/\"3\"")],
        &[("if-modified-since", MODIFIED)],
    ] {
        for method in [Method::GET, Method::HEAD] {
            let answer = rt
                .check(&method, pairs, Some(&current), &Policy::none(), &declared())
                .await
                .expect_err("304");
            assert_eq!(answer.status, StatusCode::NOT_MODIFIED, "{pairs:?}");
            assert_eq!(answer.header(ETAG), Some("\"3\""));
            assert_eq!(answer.header(LAST_MODIFIED), Some(MODIFIED));
            assert_eq!(answer.header(CACHE_CONTROL), Some("no-cache"));
            assert_eq!(answer.header(VARY), Some("Accept-Encoding"));
            assert_eq!(answer.header(CONTENT_LOCATION), Some("/docs/1"));
            assert_eq!(answer.header(CONTENT_TYPE), None);
            assert!(answer.body.is_empty());
        }
    }
}

pub async fn check_304_repeats_a_header_declared_twice(rt: &impl Runtime) {
    let current = doc(3).validators();
    let mut extra = ExtraHeaders::new();
    extra.push_static(VARY, "Accept");
    extra.push_static(VARY, "Accept-Encoding");
    let answer = rt
        .check(
            &Method::GET,
            &[("if-none-match", "\"3\"")],
            Some(&current),
            &Policy::none(),
            &extra,
        )
        .await
        .expect_err("304");
    assert_eq!(answer.all(VARY), ["Accept", "Accept-Encoding"]);
}

pub async fn check_answers_412_and_428_without_declared_headers(rt: &impl Runtime) {
    let current = doc(3).validators();
    let policy = Policy::always(Requirement::IF_MATCH.or(Requirement::IF_NONE_MATCH_STAR));

    let stale = &[("if-match", "\"2\"")][..];
    let answer = rt
        .check(&Method::PUT, stale, Some(&current), &policy, &declared())
        .await
        .expect_err("412");
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(answer.header(ETAG), Some("\"3\""));
    assert_eq!(answer.header(LAST_MODIFIED), Some(MODIFIED));
    assert_eq!(answer.header(CONTENT_TYPE), Some("application/json"));
    assert_eq!(answer.header(CACHE_CONTROL), None);
    let body = answer.json();
    assert_eq!(body["error"], "precondition_failed");
    assert_eq!(body["current_etag"], "\"3\"");

    let answer = rt
        .check(&Method::PUT, &[], Some(&current), &policy, &declared())
        .await
        .expect_err("428");
    assert_eq!(answer.status, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(answer.header(CACHE_CONTROL), Some("no-store"));
    assert_eq!(answer.header(CONTENT_TYPE), Some("application/json"));
    assert_eq!(answer.header(VARY), None);
    assert_eq!(answer.json()["error"], "precondition_required");

    // Create only if absent: proceeds when absent, 412 when it exists.
    let create = &[("if-none-match", "*")][..];
    let none = ExtraHeaders::new();
    assert!(
        rt.check(&Method::PUT, create, None, &policy, &none)
            .await
            .is_ok()
    );
    let answer = rt
        .check(&Method::PUT, create, Some(&current), &policy, &none)
        .await
        .expect_err("412");
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);

    // If-Match on an absent resource: 412 with no current tag.
    let answer = rt
        .check(&Method::PUT, stale, None, &policy, &none)
        .await
        .expect_err("412");
    assert_eq!(answer.header(ETAG), None);
    assert_eq!(answer.json()["current_etag"], Value::Null);
}

// ---------------------------------------------------------------------------------------------
// finish

pub async fn finish_stamps_current_validators_on_untagged_get_and_head(rt: &impl Runtime) {
    let current = doc(6);
    for method in [Method::GET, Method::HEAD] {
        let answer = rt
            .around(
                &method,
                &[],
                Some(&current),
                &Policy::none(),
                declared(),
                Handler::Text("plain text"),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.header(ETAG), Some("\"6\""));
        assert_eq!(answer.header(LAST_MODIFIED), Some(MODIFIED));
        assert_eq!(answer.header(CACHE_CONTROL), Some("no-cache"));
        assert_eq!(answer.header(VARY), Some("Accept-Encoding"));
        assert_eq!(answer.header(CONTENT_LOCATION), Some("/docs/1"));
        // Not from Tagged: no range support claimed.
        assert_eq!(answer.header(ACCEPT_RANGES), None);
        assert_eq!(answer.text(), "plain text");
    }
}

pub async fn finish_keeps_what_the_handler_set(rt: &impl Runtime) {
    let current = doc(6);
    let (method, policy) = (Method::GET, Policy::none());
    let get = |handler| rt.around(&method, &[], Some(&current), &policy, declared(), handler);
    // Only Last-Modified set by the handler: no ETag is added (the handler chose its validators).
    let answer = get(Handler::WithHeaders(
        &[
            ("last-modified", "Thu, 01 Jan 1970 00:00:00 GMT"),
            ("cache-control", "max-age=60"),
        ],
        "x",
    ))
    .await;
    assert_eq!(answer.header(ETAG), None);
    assert_eq!(
        answer.header(LAST_MODIFIED),
        Some("Thu, 01 Jan 1970 00:00:00 GMT")
    );
    assert_eq!(answer.all(CACHE_CONTROL), ["max-age=60"]);
    assert_eq!(answer.header(VARY), Some("Accept-Encoding"));

    // Only an ETag set by the handler: kept, no Last-Modified added.
    let answer = get(Handler::WithHeaders(&[("etag", "\"mine\"")], "")).await;
    assert_eq!(answer.header(ETAG), Some("\"mine\""));
    assert_eq!(answer.header(LAST_MODIFIED), None);

    // A Tagged answer keeps its own (new) validators.
    let answer = get(Handler::Tagged(7)).await;
    assert_eq!(answer.header(ETAG), Some("\"7\""));
}

pub async fn finish_does_not_stamp_other_methods_or_absent_resources(rt: &impl Runtime) {
    let current = doc(6);
    let (method, policy) = (Method::PUT, Policy::none());
    let put = |handler| rt.around(&method, &[], Some(&current), &policy, declared(), handler);
    let answer = put(Handler::NoContent).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert_eq!(answer.header(ETAG), None);
    assert_eq!(answer.header(CACHE_CONTROL), Some("no-cache"));

    let answer = rt
        .around(
            &Method::GET,
            &[("if-none-match", "\"6\"")],
            None,
            &Policy::none(),
            declared(),
            Handler::Text("created elsewhere"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header(ETAG), None);

    // A Tagged answer to a PUT: its validators, and no Accept-Ranges.
    let answer = put(Handler::Tagged(7)).await;
    assert_eq!(answer.header(ETAG), Some("\"7\""));
    assert_eq!(answer.header(ACCEPT_RANGES), None);
}

pub async fn finish_leaves_errors_alone(rt: &impl Runtime) {
    let current = doc(6);
    for status in [
        StatusCode::NOT_FOUND,
        StatusCode::FOUND,
        StatusCode::NOT_MODIFIED,
        StatusCode::INTERNAL_SERVER_ERROR,
    ] {
        let answer = rt
            .around(
                &Method::GET,
                &[("range", "bytes=0-1")],
                Some(&current),
                &Policy::none(),
                declared(),
                Handler::TaggedWithStatus(status, 6),
            )
            .await;
        assert_eq!(answer.status, status);
        assert_eq!(answer.header(CACHE_CONTROL), None, "{status}");
        assert_eq!(answer.header(ACCEPT_RANGES), None, "{status}");
        assert_eq!(answer.header(CONTENT_RANGE), None, "{status}");
        // The handler's own validators stay; the current ones are not added.
        assert_eq!(answer.header(ETAG), Some("\"6\""), "{status}");
    }
}

pub async fn finish_with_declared_headers_that_failed_conversion(rt: &impl Runtime) {
    let current = doc(6);
    let mut extra = ExtraHeaders::new();
    extra.push(CONTENT_LOCATION, String::from("/bad\npath"));
    extra.push(EXPIRES, "Thu, 01 Jan 2099 00:00:00 GMT");
    let answer = rt
        .around(
            &Method::GET,
            &[],
            Some(&current),
            &Policy::none(),
            extra,
            Handler::Tagged(6),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header(CONTENT_LOCATION), None);
    assert_eq!(
        answer.header(EXPIRES),
        Some("Thu, 01 Jan 2099 00:00:00 GMT")
    );
}

pub async fn finish_adds_a_name_declared_twice_only_when_missing(rt: &impl Runtime) {
    let current = doc(6);
    let (method, policy) = (Method::GET, Policy::none());
    let get = |handler| {
        let mut extra = ExtraHeaders::new();
        extra.push_static(VARY, "Accept");
        extra.push_static(VARY, "Accept-Encoding");
        rt.around(&method, &[], Some(&current), &policy, extra, handler)
    };
    let answer = get(Handler::Text("x")).await;
    assert_eq!(answer.all(VARY), ["Accept", "Accept-Encoding"]);

    let answer = get(Handler::WithHeaders(&[("vary", "Origin")], "x")).await;
    assert_eq!(answer.all(VARY), ["Origin"]);
}

// ---------------------------------------------------------------------------------------------
// Ranges

pub async fn tagged_get_and_head_accept_ranges(rt: &impl Runtime) {
    for method in [Method::GET, Method::HEAD] {
        let answer = tagged_get(rt, method, &[]).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.header(ACCEPT_RANGES), Some("bytes"));
        assert_eq!(answer.header(CONTENT_RANGE), None);
    }
}

pub async fn single_range_is_206(rt: &impl Runtime) {
    let json = doc_json(3);
    let len = json.len();
    let cases = [
        ("bytes=0-4", 0, 4),
        ("bytes=0-0", 0, 0),
        ("bytes=2-", 2, len - 1),
        ("bytes=-5", len - 5, len - 1),
        ("BYTES = 1-3", usize::MAX, 0), // not the grammar: full 200
        ("bytes=5-99999999999999999999999", 5, len - 1),
        ("bytes=-99999999999999999999999", 0, len - 1),
    ];
    for (range, start, end) in cases {
        let answer = tagged_get(rt, Method::GET, &[("range", range)]).await;
        if start == usize::MAX {
            assert_eq!(answer.status, StatusCode::OK, "{range}");
            continue;
        }
        assert_eq!(answer.status, StatusCode::PARTIAL_CONTENT, "{range}");
        let content_range = format!("bytes {start}-{end}/{len}");
        assert_eq!(answer.header(CONTENT_RANGE), Some(&*content_range));
        assert_eq!(answer.header(ACCEPT_RANGES), Some("bytes"));
        assert_eq!(answer.header(ETAG), Some("\"3\""));
        assert_eq!(answer.header(CONTENT_TYPE), Some("application/json"));
        assert_eq!(answer.header(CACHE_CONTROL), Some("no-cache"));
        assert_eq!(answer.exact_size, Some((end - start + 1) as u64), "{range}");
        assert_eq!(answer.text(), &json[start..=end], "{range}");
    }
}

pub async fn unsatisfiable_range_is_416(rt: &impl Runtime) {
    let len = doc_json(3).len();
    for range in [
        format!("bytes={len}-"),
        format!("bytes={len}-{}", len + 10),
        "bytes=-0".to_owned(),
        "bytes=18446744073709551616-".to_owned(),
    ] {
        let answer = tagged_get(rt, Method::GET, &[("range", &range)]).await;
        assert_eq!(answer.status, StatusCode::RANGE_NOT_SATISFIABLE, "{range}");
        let expected = format!("bytes */{len}");
        assert_eq!(answer.header(CONTENT_RANGE), Some(&*expected));
        assert_eq!(answer.header(CONTENT_TYPE), Some("application/json"));
        assert_eq!(answer.header(ETAG), Some("\"3\""));
        let body = answer.json();
        assert_eq!(body["error"], "range_not_satisfiable", "{body}");
        assert_eq!(body["length"], len, "{body}");
    }
}

pub async fn ignored_ranges_give_the_full_200(rt: &impl Runtime) {
    let json = doc_json(3);
    let cases: &[&[(&str, &str)]] = &[
        &[("range", "bytes=0-1,3-4")],
        &[("range", "bytes=4-2")],
        &[("range", "bytes=x-y")],
        &[("range", "items=0-1")],
        &[("range", "bytes=0-1"), ("range", "bytes=2-3")],
        // If-Range that does not match: the whole representation (RFC 9110 §13.1.5).
        &[("range", "bytes=0-1"), ("if-range", "\"2\"")],
        &[("range", "bytes=0-1"), ("if-range", "W/\"3\"")],
        &[("range", "bytes=0-1"), ("if-range", BEFORE)],
        &[("range", "bytes=0-1"), ("if-range", "garbage")],
    ];
    for pairs in cases {
        let answer = tagged_get(rt, Method::GET, pairs).await;
        assert_eq!(answer.status, StatusCode::OK, "{pairs:?}");
        assert_eq!(answer.header(CONTENT_RANGE), None);
        assert_eq!(answer.header(ACCEPT_RANGES), Some("bytes"));
        assert_eq!(answer.text(), json, "{pairs:?}");
    }
}

pub async fn if_range_that_matches_gives_206(rt: &impl Runtime) {
    for if_range in ["\"3\"", MODIFIED] {
        let answer = tagged_get(
            rt,
            Method::GET,
            &[("range", "bytes=0-1"), ("if-range", if_range)],
        )
        .await;
        assert_eq!(answer.status, StatusCode::PARTIAL_CONTENT, "{if_range}");
        assert_eq!(answer.text(), "{\"");
    }
}

pub async fn ranges_only_for_get_200_from_tagged(rt: &impl Runtime) {
    let current = doc(3);
    let range = &[("range", "bytes=0-1")][..];
    // HEAD: the full 200 (a Range is for GET only).
    let answer = tagged_get(rt, Method::HEAD, range).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header(CONTENT_RANGE), None);
    let (method, policy) = (Method::GET, Policy::none());
    let get = |handler| rt.around(&method, range, Some(&current), &policy, declared(), handler);
    // 201 from Tagged: not a 200, untouched.
    let answer = get(Handler::Created(3)).await;
    assert_eq!(answer.status, StatusCode::CREATED);
    assert_eq!(answer.header(CONTENT_RANGE), None);
    // Not from Tagged: untouched.
    let answer = get(Handler::Text("plain text")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.text(), "plain text");
    // Tagged's body replaced by the handler: the bytes would not be the body's, untouched.
    let answer = get(Handler::TaggedReplaced(3, "replaced body")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.text(), "replaced body");
}

/// A `Tagged` inside another type (the framework's tuple with a status) is a response before
/// the runtime sees it: it still gets `Accept-Ranges` on GET and HEAD, and its range on a GET
/// with `Range`, and nothing of the kind on other methods.
pub async fn tagged_inside_another_type_serves_ranges_too(rt: &impl Runtime) {
    let current = doc(3);
    let policy = Policy::none();
    let handler = || Handler::TaggedWithStatus(StatusCode::OK, 3);
    for method in [Method::GET, Method::HEAD] {
        let answer = rt
            .around(&method, &[], Some(&current), &policy, declared(), handler())
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{method}");
        assert_eq!(answer.header(ACCEPT_RANGES), Some("bytes"), "{method}");
    }
    let range = &[("range", "bytes=0-1")][..];
    let answer = rt
        .around(
            &Method::GET,
            range,
            Some(&current),
            &policy,
            declared(),
            handler(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::PARTIAL_CONTENT, "{answer:?}");
    assert_eq!(answer.text(), "{\"");
    let answer = rt
        .around(
            &Method::POST,
            range,
            Some(&current),
            &policy,
            declared(),
            handler(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header(ACCEPT_RANGES), None);
    assert_eq!(answer.header(CONTENT_RANGE), None);
}

pub async fn rejection_kinds_map_to_statuses(rt: &impl Runtime) {
    // `check` turns every kind into its status; the table of `Rejection` holds for all three.
    let current = doc(1).validators();
    type Case<'a> = (Method, &'a [(&'a str, &'a str)], RejectionKind);
    let cases: [Case<'_>; 3] = [
        (
            Method::GET,
            &[("if-none-match", "*")],
            RejectionKind::NotModified,
        ),
        (
            Method::DELETE,
            &[("if-match", "\"0\"")],
            RejectionKind::PreconditionFailed,
        ),
        (Method::DELETE, &[], RejectionKind::PreconditionRequired),
    ];
    for (method, pairs, kind) in cases {
        let decision = rt.evaluate(&method, pairs, Some(&current), &Policy::lost_update());
        let rejection = decision.rejection().expect("rejected");
        assert_eq!(rejection.kind(), kind);
        let answer = rt
            .check(
                &method,
                pairs,
                Some(&current),
                &Policy::lost_update(),
                &ExtraHeaders::new(),
            )
            .await
            .expect_err("rejected");
        assert_eq!(answer.status, rejection.status());
    }
}

// ---------------------------------------------------------------------------------------------
// Tagged bodies that are not JSON, and Location

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n-not-really-an-image";

pub async fn tagged_raw_is_its_bytes_of_its_media_type(rt: &impl Runtime) {
    for (method, body) in [(Method::GET, PNG), (Method::HEAD, &b""[..])] {
        let answer = rt
            .around(
                &method,
                &[],
                Some(&doc(3)),
                &Policy::none(),
                ExtraHeaders::new(),
                Handler::Raw(PNG, "image/png", 3),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{method}");
        assert_eq!(answer.header(CONTENT_TYPE), Some("image/png"));
        assert_eq!(answer.header(ETAG), Some("\"3\""));
        assert_eq!(answer.header(LAST_MODIFIED), Some(MODIFIED));
        assert_eq!(answer.header(ACCEPT_RANGES), Some("bytes"));
        if method == Method::GET {
            assert_eq!(answer.body, body);
        }
    }
    // A fresh copy: 304, whatever the body's media type.
    let answer = rt
        .around(
            &Method::GET,
            &[("if-none-match", "\"3\"")],
            Some(&doc(3)),
            &Policy::none(),
            ExtraHeaders::new(),
            Handler::Raw(PNG, "image/png", 3),
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_MODIFIED);
    assert!(answer.body.is_empty());
}

pub async fn tagged_raw_serves_a_range_of_its_bytes(rt: &impl Runtime) {
    let answer = rt
        .around(
            &Method::GET,
            &[("range", "bytes=1-3")],
            Some(&doc(3)),
            &Policy::none(),
            ExtraHeaders::new(),
            Handler::Raw(PNG, "image/png", 3),
        )
        .await;
    assert_eq!(answer.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(answer.body, b"PNG");
    let expected = format!("bytes 1-3/{}", PNG.len());
    assert_eq!(answer.header(CONTENT_RANGE), Some(expected.as_str()));
    assert_eq!(answer.header(CONTENT_TYPE), Some("image/png"));
}

pub async fn tagged_created_with_a_location(rt: &impl Runtime) {
    let answer = rt
        .around(
            &Method::PUT,
            &[("if-none-match", "*")],
            None,
            &Policy::none(),
            ExtraHeaders::new(),
            Handler::CreatedAt(1, "/docs/1"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED);
    assert_eq!(answer.header(http::header::LOCATION), Some("/docs/1"));
    assert_eq!(answer.header(ETAG), Some("\"1\""));
    assert_eq!(answer.header(CONTENT_TYPE), Some("application/json"));
}

pub async fn tagged_with_an_invalid_location_is_a_500(rt: &impl Runtime) {
    let answer = rt
        .around(
            &Method::PUT,
            &[("if-none-match", "*")],
            None,
            &Policy::none(),
            ExtraHeaders::new(),
            Handler::CreatedAt(1, "/docs/1\r\nSet-Cookie: x=1"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(answer.header(http::header::LOCATION), None);
    assert_eq!(answer.header("set-cookie"), None);
    assert_eq!(
        answer.header(CONTENT_TYPE),
        Some("text/plain; charset=utf-8")
    );
}
