//! The axum runtime by hand, without the macro: `ConditionalRequest`, `Tagged`, `Rejected`,
//! byte ranges, and the `__private::axum` functions that `#[conditional]` expands to, called
//! exactly as the generated code calls them.
#![cfg(feature = "axum")]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Path, State};
use axum::http::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_LOCATION, CONTENT_RANGE, CONTENT_TYPE, ETAG,
    LAST_MODIFIED, VARY,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use precond::__private::axum::Load;
use precond::__private::axum::{AnswerTagged, OtherKind, check, finish};
use precond::__private::{ExtraHeaders, hint};
use precond::axum::{ConditionalRequest, Rejected, Tagged};
use precond::{
    Decision, ETag, Field, Policy, Rejection, RejectionKind, Requirement, Validators, Versioned,
};
use serde::Serialize;
use serde_json::{Value, json};
use tower::ServiceExt;

// ---------------------------------------------------------------------------------------------
// Allocation counting (the request side of an unconditional request allocates nothing)

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocations_of;

// ---------------------------------------------------------------------------------------------
// Fixtures

#[derive(Clone, Debug, PartialEq, Serialize, Versioned)]
struct Doc {
    id: u64,
    title: String,
    #[versioned(version)]
    version: u64,
    #[serde(skip)]
    #[versioned(last_modified, skip)]
    modified: SystemTime,
}

/// Wed, 01 Jan 2025 00:00:00 GMT.
const MODIFIED_SECS: u64 = 1_735_689_600;
const MODIFIED: &str = "Wed, 01 Jan 2025 00:00:00 GMT";
const BEFORE: &str = "Tue, 31 Dec 2024 23:59:59 GMT";

fn doc(version: u64) -> Doc {
    Doc {
        id: 1,
        title: "Hello".into(),
        version,
        // Sub-second part: dropped from Last-Modified.
        modified: UNIX_EPOCH + Duration::from_millis(MODIFIED_SECS * 1000 + 250),
    }
}

/// The JSON body of `doc(version)`.
fn doc_json(version: u64) -> String {
    format!(r#"{{"id":1,"title":"Hello","version":{version}}}"#)
}

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for &(name, value) in pairs {
        let name = HeaderName::from_bytes(name.as_bytes()).expect("header name");
        map.append(name, HeaderValue::from_str(value).expect("header value"));
    }
    map
}

fn request(method: Method, pairs: &[(&str, &str)]) -> ConditionalRequest {
    ConditionalRequest::new(&method, &headers(pairs))
}

async fn body_of(response: Response) -> Vec<u8> {
    to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body")
        .to_vec()
}

async fn text_of(response: Response) -> String {
    String::from_utf8(body_of(response).await).expect("UTF-8 body")
}

fn header(response: &Response, name: HeaderName) -> Option<&str> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().expect("ASCII header"))
}

fn declared() -> ExtraHeaders {
    let mut extra = ExtraHeaders::new();
    extra.push_static(CACHE_CONTROL, "no-cache");
    extra.push_static(VARY, "Accept-Encoding");
    extra.push(CONTENT_LOCATION, format!("/docs/{}", 1));
    extra
}

/// `check` then `finish` around a handler answer, as the generated code does: the body runs
/// only when `check` lets it.
fn around(
    request: &ConditionalRequest,
    current: Option<&Doc>,
    policy: &Policy,
    extra: ExtraHeaders,
    body: impl FnOnce() -> Response,
) -> Response {
    let validators = current.map(Versioned::validators);
    let proceed = match check(request, validators.as_ref(), policy, &extra) {
        Ok(proceed) => proceed,
        Err(response) => return response,
    };
    let answer = OtherKind.answer(body(), request, validators.as_ref());
    finish(answer, request, proceed, validators, extra)
}

fn tagged_get(request: &ConditionalRequest) -> Response {
    let current = doc(3);
    around(request, Some(&current), &Policy::none(), declared(), || {
        Tagged::new(current.clone()).into_response()
    })
}

// ---------------------------------------------------------------------------------------------
// ConditionalRequest

#[tokio::test]
async fn extracts_with_any_state_and_never_fails() {
    #[derive(Clone)]
    struct AppState;

    let (mut parts, ()) = Request::builder()
        .method(Method::PATCH)
        .header("if-match", "\"1\"")
        .header("If-Match", "\"2\"")
        .header("range", "bytes=0-1")
        .header("accept", "*/*")
        .body(())
        .expect("request")
        .into_parts();
    let Ok(request) = ConditionalRequest::from_request_parts(&mut parts, &AppState).await;
    assert_eq!(request.method(), Method::PATCH);
    let pre = request.preconditions();
    assert_eq!(pre.lines(Field::IfMatch), [b"\"1\"", b"\"2\""]);
    assert_eq!(pre.lines(Field::Range), [b"bytes=0-1"]);
    assert!(!pre.has(Field::IfNoneMatch));
    // The parts are left as they were.
    assert_eq!(parts.headers.len(), 4);

    let Ok(unit) = ConditionalRequest::from_request_parts(&mut parts, &()).await;
    assert_eq!(unit.preconditions().lines(Field::IfMatch).len(), 2);
}

#[test]
fn keeps_all_six_fields_and_nothing_else() {
    let request = request(
        Method::GET,
        &[
            ("if-match", "\"a\""),
            ("if-none-match", "\"b\""),
            ("if-modified-since", MODIFIED),
            ("if-unmodified-since", MODIFIED),
            ("if-range", "\"c\""),
            ("range", "bytes=1-2"),
            ("authorization", "secret"),
        ],
    );
    let pre = request.preconditions();
    for field in Field::ALL {
        assert_eq!(pre.lines(field).len(), 1, "{field}");
    }
    assert!(!format!("{request:?}").contains("secret"));
}

#[test]
fn evaluate_uses_the_method_and_fields() {
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
    ];
    for (method, pairs, policy, expected) in cases {
        let decision = request(method.clone(), pairs).evaluate(Some(&current), policy);
        let status = decision
            .rejection()
            .map_or(StatusCode::OK, Rejection::status);
        assert_eq!(status, *expected, "{method} {pairs:?}");
    }
}

#[test]
fn unconditional_request_side_allocates_nothing() {
    let map = headers(&[
        ("host", "example.com"),
        ("accept", "application/json"),
        ("user-agent", "test"),
    ]);
    const POLICY: Policy = Policy::always(Requirement::NONE);
    let current = doc(1);
    let (proceed, allocations) = allocations_of(|| {
        let request = ConditionalRequest::new(&Method::GET, &map);
        let validators = Some(current.validators());
        let mut extra = ExtraHeaders::new();
        extra.push_static(CACHE_CONTROL, "no-cache");
        extra.push_static(VARY, "Accept-Encoding");
        check(&request, validators.as_ref(), &POLICY, &extra).is_ok()
    });
    assert!(proceed);
    assert_eq!(allocations, 0);

    // Conditional but satisfied: the header values are shared, not copied. Values that hyper
    // parses are slices of its shared read buffer; these were built from owned bytes, which the
    // first clone turns into a shared buffer, so clone them once before counting.
    let map = headers(&[("if-none-match", "\"0\""), ("if-modified-since", BEFORE)]);
    let _shared = map.clone();
    let (proceed, allocations) = allocations_of(|| {
        let request = ConditionalRequest::new(&Method::GET, &map);
        check(
            &request,
            Some(current.validators()).as_ref(),
            &POLICY,
            &ExtraHeaders::new(),
        )
        .is_ok()
    });
    assert!(proceed);
    assert_eq!(allocations, 0);
}

// ---------------------------------------------------------------------------------------------
// Tagged

#[tokio::test]
async fn tagged_is_json_with_validators() {
    let response = Tagged::new(doc(3)).into_response();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, ETAG), Some("\"3\""));
    assert_eq!(header(&response, LAST_MODIFIED), Some(MODIFIED));
    assert_eq!(header(&response, CONTENT_TYPE), Some("application/json"));
    // Not under `#[conditional]`: no claim of range support.
    assert_eq!(header(&response, ACCEPT_RANGES), None);
    assert_eq!(text_of(response).await, doc_json(3));
}

#[tokio::test]
async fn tagged_constructors_and_accessors() {
    let created = Tagged::created(doc(1));
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.value(), &doc(1));
    assert_eq!(created.clone().into_inner(), doc(1));
    let response = created.into_response();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(header(&response, ETAG), Some("\"1\""));

    let accepted = Tagged::new(doc(1)).with_status(StatusCode::ACCEPTED);
    assert_eq!(accepted.into_response().status(), StatusCode::ACCEPTED);
}

#[tokio::test]
async fn tagged_without_last_modified_has_only_an_etag() {
    #[derive(Serialize, Versioned)]
    struct Plain {
        #[versioned(version)]
        version: u64,
    }
    let response = Tagged::new(Plain { version: 9 }).into_response();
    assert_eq!(header(&response, ETAG), Some("\"9\""));
    assert_eq!(header(&response, LAST_MODIFIED), None);
    assert_eq!(text_of(response).await, r#"{"version":9}"#);
}

#[tokio::test]
async fn tagged_serialization_failure_is_a_500() {
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
    let response = Tagged::new(Bad {
        map: BTreeMap::from([((1, 2), 3)]),
    })
    .into_response();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(header(&response, ETAG), None);
    assert_eq!(
        header(&response, CONTENT_TYPE),
        Some("text/plain; charset=utf-8")
    );
    let text = text_of(response).await;
    assert!(!text.is_empty() && text.len() < 100, "{text}");
}

// ---------------------------------------------------------------------------------------------
// Rejected

#[tokio::test]
async fn rejected_is_the_rejection_response() {
    let current = doc(4).validators();
    let rejection = match request(Method::PUT, &[("if-match", "\"3\"")])
        .evaluate(Some(&current), &Policy::none())
    {
        Decision::PreconditionFailed(rejection) => rejection,
        other => panic!("expected 412, got {other:?}"),
    };
    let rejected: Rejected = rejection.clone().into();
    assert_eq!(rejected, Rejected(rejection));
    let response = rejected.into_response();
    assert_eq!(response.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(header(&response, ETAG), Some("\"4\""));
    assert_eq!(header(&response, LAST_MODIFIED), Some(MODIFIED));
    let body: Value = serde_json::from_slice(&body_of(response).await).expect("JSON");
    assert_eq!(body["error"], "precondition_failed");
    assert_eq!(body["current_etag"], "\"4\"");

    // A compare-and-swap that lost the race, through `?`.
    fn write() -> Result<(), Rejected> {
        Err(Rejection::precondition_failed(Some(&Validators::new(
            ETag::from_version(8),
        ))))?
    }
    let response = write().into_response();
    assert_eq!(response.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(header(&response, ETAG), Some("\"8\""));
}

// ---------------------------------------------------------------------------------------------
// Load, hint

#[test]
fn load_passes_values_and_answers_errors() {
    let value: Result<Option<Doc>, Response> = <_ as Load<Option<Doc>>>::load(Some(doc(1)));
    assert_eq!(value.ok().flatten(), Some(doc(1)));
    let loaded = <_ as Load<Doc>>::load(Ok::<_, StatusCode>(doc(2)));
    assert_eq!(loaded.ok(), Some(doc(2)));
    let failed = <_ as Load<Doc>>::load(Err::<Doc, _>((StatusCode::BAD_GATEWAY, "store down")));
    assert_eq!(
        failed.err().map(|response| response.status()),
        Some(StatusCode::BAD_GATEWAY)
    );
    // A parameter that is itself a Result takes the value whole.
    let whole = <_ as Load<Result<u8, StatusCode>>>::load(Err::<u8, _>(StatusCode::NOT_FOUND));
    assert_eq!(whole.ok(), Some(Err(StatusCode::NOT_FOUND)));
}

#[tokio::test]
async fn hint_and_validators() {
    let out = hint::<Result<u8, StatusCode>, _>(async {
        let n: u8 = "7".parse().map_err(|_| StatusCode::BAD_REQUEST)?;
        Ok(n)
    })
    .await;
    assert_eq!(out, Ok(7));
}

// ---------------------------------------------------------------------------------------------
// check

#[tokio::test]
async fn check_answers_304_with_validators_and_declared_headers() {
    let current = doc(3);
    for pairs in [
        &[("if-none-match", "\"3\"")][..],
        &[("if-none-match", "W/\"1\", W/\"3\"")],
        &[("if-modified-since", MODIFIED)],
    ] {
        for method in [Method::GET, Method::HEAD] {
            let request = request(method.clone(), pairs);
            let response = check(
                &request,
                Some(current.validators()).as_ref(),
                &Policy::none(),
                &declared(),
            )
            .expect_err("304");
            assert_eq!(response.status(), StatusCode::NOT_MODIFIED, "{pairs:?}");
            assert_eq!(header(&response, ETAG), Some("\"3\""));
            assert_eq!(header(&response, LAST_MODIFIED), Some(MODIFIED));
            assert_eq!(header(&response, CACHE_CONTROL), Some("no-cache"));
            assert_eq!(header(&response, VARY), Some("Accept-Encoding"));
            assert_eq!(header(&response, CONTENT_LOCATION), Some("/docs/1"));
            assert_eq!(header(&response, CONTENT_TYPE), None);
            assert!(body_of(response).await.is_empty());
        }
    }
}

#[tokio::test]
async fn check_answers_412_and_428_without_declared_headers() {
    let current = doc(3);
    let policy = Policy::always(Requirement::IF_MATCH.or(Requirement::IF_NONE_MATCH_STAR));

    let stale = request(Method::PUT, &[("if-match", "\"2\"")]);
    let response = check(
        &stale,
        Some(current.validators()).as_ref(),
        &policy,
        &declared(),
    )
    .expect_err("412");
    assert_eq!(response.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(header(&response, ETAG), Some("\"3\""));
    assert_eq!(header(&response, CACHE_CONTROL), None);
    let body: Value = serde_json::from_slice(&body_of(response).await).expect("JSON");
    assert_eq!(body["current_etag"], "\"3\"");

    let bare = request(Method::PUT, &[]);
    let response = check(
        &bare,
        Some(current.validators()).as_ref(),
        &policy,
        &declared(),
    )
    .expect_err("428");
    assert_eq!(response.status(), StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(header(&response, CACHE_CONTROL), Some("no-store"));
    assert_eq!(header(&response, CONTENT_TYPE), Some("application/json"));
    let body: Value = serde_json::from_slice(&body_of(response).await).expect("JSON");
    assert_eq!(body["error"], "precondition_required");

    // Create only if absent: proceeds when absent, 412 when it exists.
    let create = request(Method::PUT, &[("if-none-match", "*")]);
    assert!(check(&create, None, &policy, &ExtraHeaders::new()).is_ok());
    let response = check(
        &create,
        Some(current.validators()).as_ref(),
        &policy,
        &ExtraHeaders::new(),
    )
    .expect_err("412");
    assert_eq!(response.status(), StatusCode::PRECONDITION_FAILED);
}

// ---------------------------------------------------------------------------------------------
// finish

#[tokio::test]
async fn finish_stamps_current_validators_on_untagged_get_and_head() {
    let current = doc(6);
    for method in [Method::GET, Method::HEAD] {
        let request = request(method, &[]);
        let response = around(
            &request,
            Some(&current),
            &Policy::none(),
            declared(),
            || "plain text".into_response(),
        );
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, ETAG), Some("\"6\""));
        assert_eq!(header(&response, LAST_MODIFIED), Some(MODIFIED));
        assert_eq!(header(&response, CACHE_CONTROL), Some("no-cache"));
        assert_eq!(header(&response, VARY), Some("Accept-Encoding"));
        assert_eq!(header(&response, CONTENT_LOCATION), Some("/docs/1"));
        // Not from Tagged: no range support claimed.
        assert_eq!(header(&response, ACCEPT_RANGES), None);
    }
}

#[tokio::test]
async fn finish_keeps_what_the_handler_set() {
    let current = doc(6);
    let request = request(Method::GET, &[]);
    // Only Last-Modified set by the handler: no ETag is added (the handler chose its validators).
    let response = around(
        &request,
        Some(&current),
        &Policy::none(),
        declared(),
        || {
            (
                [
                    (LAST_MODIFIED, "Thu, 01 Jan 1970 00:00:00 GMT"),
                    (CACHE_CONTROL, "max-age=60"),
                ],
                "x",
            )
                .into_response()
        },
    );
    assert_eq!(header(&response, ETAG), None);
    assert_eq!(
        header(&response, LAST_MODIFIED),
        Some("Thu, 01 Jan 1970 00:00:00 GMT")
    );
    let cache: Vec<_> = response.headers().get_all(CACHE_CONTROL).iter().collect();
    assert_eq!(cache, ["max-age=60"]);
    assert_eq!(header(&response, VARY), Some("Accept-Encoding"));

    // A Tagged answer keeps its own (new) validators.
    let response = around(
        &request,
        Some(&current),
        &Policy::none(),
        declared(),
        || Tagged::new(doc(7)).into_response(),
    );
    assert_eq!(header(&response, ETAG), Some("\"7\""));
}

#[tokio::test]
async fn finish_does_not_stamp_other_methods_or_absent_resources() {
    let current = doc(6);
    let put = request(Method::PUT, &[]);
    let response = around(&put, Some(&current), &Policy::none(), declared(), || {
        StatusCode::NO_CONTENT.into_response()
    });
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&response, ETAG), None);
    assert_eq!(header(&response, CACHE_CONTROL), Some("no-cache"));

    let get = request(Method::GET, &[("if-none-match", "\"6\"")]);
    let response = around(&get, None, &Policy::none(), declared(), || {
        "created elsewhere".into_response()
    });
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, ETAG), None);

    // A Tagged answer to a PUT: its validators, and no Accept-Ranges.
    let response = around(&put, Some(&current), &Policy::none(), declared(), || {
        Tagged::new(doc(7)).into_response()
    });
    assert_eq!(header(&response, ETAG), Some("\"7\""));
    assert_eq!(header(&response, ACCEPT_RANGES), None);
}

#[tokio::test]
async fn finish_leaves_errors_alone() {
    let current = doc(6);
    let request = request(Method::GET, &[("range", "bytes=0-1")]);
    for status in [
        StatusCode::NOT_FOUND,
        StatusCode::FOUND,
        StatusCode::INTERNAL_SERVER_ERROR,
    ] {
        let response = around(
            &request,
            Some(&current),
            &Policy::none(),
            declared(),
            || (status, Tagged::new(doc(6))).into_response(),
        );
        assert_eq!(response.status(), status);
        assert_eq!(header(&response, CACHE_CONTROL), None);
        assert_eq!(header(&response, ACCEPT_RANGES), None);
        assert_eq!(header(&response, CONTENT_RANGE), None);
    }
}

#[tokio::test]
async fn finish_with_declared_headers_that_failed_conversion() {
    let current = doc(6);
    let request = request(Method::GET, &[]);
    let mut extra = ExtraHeaders::new();
    extra.push(CONTENT_LOCATION, String::from("/bad\npath"));
    let response = around(&request, Some(&current), &Policy::none(), extra, || {
        Tagged::new(doc(6)).into_response()
    });
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, CONTENT_LOCATION), None);
}

// ---------------------------------------------------------------------------------------------
// Ranges

#[tokio::test]
async fn tagged_get_and_head_accept_ranges() {
    for method in [Method::GET, Method::HEAD] {
        let response = tagged_get(&request(method, &[]));
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, ACCEPT_RANGES), Some("bytes"));
        assert_eq!(header(&response, CONTENT_RANGE), None);
    }
}

#[tokio::test]
async fn single_range_is_206() {
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
        let response = tagged_get(&request(Method::GET, &[("range", range)]));
        if start == usize::MAX {
            assert_eq!(response.status(), StatusCode::OK, "{range}");
            continue;
        }
        assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        let content_range = format!("bytes {start}-{end}/{len}");
        assert_eq!(header(&response, CONTENT_RANGE), Some(&*content_range));
        assert_eq!(header(&response, ACCEPT_RANGES), Some("bytes"));
        assert_eq!(header(&response, ETAG), Some("\"3\""));
        assert_eq!(header(&response, CONTENT_TYPE), Some("application/json"));
        assert_eq!(header(&response, CACHE_CONTROL), Some("no-cache"));
        assert_eq!(text_of(response).await, json[start..=end], "{range}");
    }
}

#[tokio::test]
async fn unsatisfiable_range_is_416() {
    let len = doc_json(3).len();
    for range in [
        format!("bytes={len}-"),
        format!("bytes={len}-{}", len + 10),
        "bytes=-0".to_owned(),
        "bytes=18446744073709551616-".to_owned(),
    ] {
        let response = tagged_get(&request(Method::GET, &[("range", &range)]));
        assert_eq!(
            response.status(),
            StatusCode::RANGE_NOT_SATISFIABLE,
            "{range}"
        );
        let expected = format!("bytes */{len}");
        assert_eq!(header(&response, CONTENT_RANGE), Some(&*expected));
        assert_eq!(header(&response, CONTENT_TYPE), None);
        assert!(body_of(response).await.is_empty());
    }
}

#[tokio::test]
async fn ignored_ranges_give_the_full_200() {
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
    ];
    for pairs in cases {
        let response = tagged_get(&request(Method::GET, pairs));
        assert_eq!(response.status(), StatusCode::OK, "{pairs:?}");
        assert_eq!(header(&response, CONTENT_RANGE), None);
        assert_eq!(header(&response, ACCEPT_RANGES), Some("bytes"));
        assert_eq!(text_of(response).await, json, "{pairs:?}");
    }
}

#[tokio::test]
async fn if_range_that_matches_gives_206() {
    for if_range in ["\"3\"", MODIFIED] {
        let response = tagged_get(&request(
            Method::GET,
            &[("range", "bytes=0-1"), ("if-range", if_range)],
        ));
        assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT, "{if_range}");
        assert_eq!(text_of(response).await, "{\"");
    }
}

#[tokio::test]
async fn ranges_only_for_get_200_from_tagged() {
    let current = doc(3);
    let range = &[("range", "bytes=0-1")][..];
    // HEAD: the full 200 (a Range is for GET only).
    let response = tagged_get(&request(Method::HEAD, range));
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, CONTENT_RANGE), None);
    // 201 from Tagged: not a 200, untouched.
    let response = around(
        &request(Method::GET, range),
        Some(&current),
        &Policy::none(),
        declared(),
        || Tagged::created(doc(3)).into_response(),
    );
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(header(&response, CONTENT_RANGE), None);
    // Not from Tagged: untouched.
    let response = around(
        &request(Method::GET, range),
        Some(&current),
        &Policy::none(),
        declared(),
        || "plain text".into_response(),
    );
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(text_of(response).await, "plain text");
    // Tagged's body replaced by the handler: the bytes would not be the body's, untouched.
    let response = around(
        &request(Method::GET, range),
        Some(&current),
        &Policy::none(),
        declared(),
        || {
            let mut response = Tagged::new(doc(3)).into_response();
            *response.body_mut() = Body::from("replaced body");
            response
        },
    );
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(text_of(response).await, "replaced body");
}

// ---------------------------------------------------------------------------------------------
// A handler written as `#[conditional]` expands, served by axum

type Store = Arc<Mutex<BTreeMap<u64, Doc>>>;

static BODY_RUNS: AtomicUsize = AtomicUsize::new(0);

/// What `#[conditional(cache_control = "no-cache", content_location = format!("/docs/{id}"))]`
/// makes of `async fn get_doc(State(store), Path(id), #[current(...)] current: Option<Doc>)`.
async fn get_doc(
    request: ConditionalRequest,
    State(store): State<Store>,
    Path(id): Path<u64>,
) -> precond::__private::axum::Response {
    let current: Option<Doc> = match <_ as Load<Option<Doc>>>::load(lookup(&store, id)) {
        Ok(value) => value,
        Err(response) => return response,
    };
    const POLICY: Policy = Policy::none();
    let validators: Option<Validators> = current.as_ref().map(Versioned::validators);
    let mut extra = ExtraHeaders::new();
    extra.push_static(CACHE_CONTROL, "no-cache");
    extra.push(CONTENT_LOCATION, format!("/docs/{id}"));
    let proceed = match check(&request, validators.as_ref(), &POLICY, &extra) {
        Ok(proceed) => proceed,
        Err(response) => return response,
    };
    let output = hint::<Result<Tagged<Doc>, StatusCode>, _>(async move {
        BODY_RUNS.fetch_add(1, Ordering::SeqCst);
        let doc = current.ok_or(StatusCode::NOT_FOUND)?;
        Ok(Tagged::new(doc))
    })
    .await;
    let answer = output
        .__precond_kind()
        .answer(output, &request, validators.as_ref());
    finish(answer, &request, proceed, validators, extra)
}

/// A store lookup that can fail: id 0 stands for a broken backend.
fn lookup(store: &Store, id: u64) -> Result<Option<Doc>, (StatusCode, &'static str)> {
    if id == 0 {
        return Err((StatusCode::SERVICE_UNAVAILABLE, "store unavailable"));
    }
    let store = store.lock().unwrap_or_else(PoisonError::into_inner);
    Ok(store.get(&id).cloned())
}

#[tokio::test]
async fn hand_expanded_handler_end_to_end() {
    let store: Store = Arc::new(Mutex::new(BTreeMap::from([(1, doc(3))])));
    let app = Router::new()
        .route("/docs/{id}", get(get_doc))
        .with_state(store);
    let send = |uri: &str, pairs: &[(&str, &str)]| {
        let mut builder = Request::builder().uri(uri);
        for &(name, value) in pairs {
            builder = builder.header(name, value);
        }
        app.clone()
            .oneshot(builder.body(Body::empty()).expect("request"))
    };

    let runs = || AtomicUsize::load(&BODY_RUNS, Ordering::SeqCst);
    let before = runs();
    let response = send("/docs/1", &[]).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, ETAG), Some("\"3\""));
    assert_eq!(header(&response, CONTENT_LOCATION), Some("/docs/1"));
    assert_eq!(header(&response, ACCEPT_RANGES), Some("bytes"));
    assert_eq!(
        serde_json::from_slice::<Value>(&body_of(response).await).expect("JSON"),
        json!({"id": 1, "title": "Hello", "version": 3})
    );
    assert_eq!(runs(), before + 1);

    let response = send("/docs/1", &[("if-none-match", "\"3\"")])
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&response, CONTENT_LOCATION), Some("/docs/1"));
    assert_eq!(header(&response, CACHE_CONTROL), Some("no-cache"));
    assert_eq!(runs(), before + 1, "the body must not run on 304");

    let response = send("/docs/1", &[("range", "bytes=-2")])
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(text_of(response).await, "3}");

    let response = send("/docs/2", &[("if-none-match", "*")])
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(&response, CACHE_CONTROL), None);

    let before = runs();
    let response = send("/docs/0", &[]).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(text_of(response).await, "store unavailable");
    assert_eq!(runs(), before, "the body must not run when loading fails");
}

#[test]
fn rejection_kinds_map_to_statuses() {
    // `check` turns every kind into its status; the table of `Rejection` holds for all three.
    let current = doc(1).validators();
    let cases = [
        (
            request(Method::GET, &[("if-none-match", "*")]),
            RejectionKind::NotModified,
        ),
        (
            request(Method::DELETE, &[("if-match", "\"0\"")]),
            RejectionKind::PreconditionFailed,
        ),
        (
            request(Method::DELETE, &[]),
            RejectionKind::PreconditionRequired,
        ),
    ];
    for (request, kind) in cases {
        let decision = request.evaluate(Some(&current), &Policy::lost_update());
        let rejection = decision.rejection().expect("rejected");
        assert_eq!(rejection.kind(), kind);
        let response = check(
            &request,
            Some(&current),
            &Policy::lost_update(),
            &ExtraHeaders::new(),
        )
        .expect_err("rejected");
        assert_eq!(response.status(), rejection.status());
    }
}
