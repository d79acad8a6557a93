//! The actix-web runtime by hand, without the macro: `ConditionalRequest`, `Tagged`, `Rejected`,
//! byte ranges, and the `__private::actix` functions that `#[conditional]` expands to, called
//! exactly as the generated code calls them. The same cases as `axum_runtime.rs`, in actix-web's
//! types, plus actix-web's own ways in: `FromRequest`, `Responder`, `ResponseError`.
#![cfg(feature = "actix")]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::Payload;
use actix_web::http::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_LOCATION, CONTENT_RANGE, CONTENT_TYPE, ETAG, HeaderName,
    HeaderValue, LAST_MODIFIED, VARY,
};
use actix_web::http::{Method, StatusCode};
use actix_web::test::{TestRequest, call_service, init_service, read_body};
use actix_web::{
    App, FromRequest, HttpRequest, HttpResponse, Responder, ResponseError, error, guard, web,
};
use precond::__private::actix::Load;
use precond::__private::actix::{AnswerOther, AnswerTagged, OtherKind, Response, check, finish};
use precond::__private::http::header as h1;
use precond::__private::{ExtraHeaders, hint};
use precond::actix::{ConditionalRequest, Rejected, Tagged};
use precond::{
    Decision, ETag, Field, Policy, Rejection, RejectionKind, Requirement, Validators, Versioned,
};
use serde::Serialize;
use serde_json::{Value, json};

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

fn http_request(method: Method, pairs: &[(&str, &str)]) -> HttpRequest {
    let mut builder = TestRequest::default().method(method);
    for &(name, value) in pairs {
        builder = builder.append_header((name, value));
    }
    builder.to_http_request()
}

fn request(method: Method, pairs: &[(&str, &str)]) -> ConditionalRequest {
    ConditionalRequest::new(&http_request(method, pairs))
}

async fn body_of(response: Response) -> Vec<u8> {
    to_bytes(response.into_body())
        .await
        .map(|bytes| bytes.to_vec())
        .unwrap_or_else(|_| panic!("body"))
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
    extra.push_static(h1::CACHE_CONTROL, "no-cache");
    extra.push_static(h1::VARY, "Accept-Encoding");
    extra.push(h1::CONTENT_LOCATION, format!("/docs/{}", 1));
    extra
}

/// `check` then `finish` around a handler answer, as the generated code does: the body runs
/// only when `check` lets it.
fn around<R: Responder>(
    request: &ConditionalRequest,
    current: Option<&Doc>,
    policy: &Policy,
    extra: ExtraHeaders,
    body: impl FnOnce() -> R,
) -> Response {
    let validators = current.map(Versioned::validators);
    let proceed = match check(request, validators.as_ref(), policy, &extra) {
        Ok(proceed) => proceed,
        Err(response) => return response,
    };
    let value = body();
    let answer = (&value)
        .__precond_kind()
        .answer(value, request, validators.as_ref());
    finish(answer, request, proceed, validators, extra)
}

fn tagged_get(request: &ConditionalRequest) -> Response {
    let current = doc(3);
    around(request, Some(&current), &Policy::none(), declared(), || {
        Tagged::new(current.clone())
    })
}

/// A value as a response, outside `#[conditional]`.
fn respond(value: impl Responder) -> Response {
    value
        .respond_to(&TestRequest::default().to_http_request())
        .map_into_boxed_body()
}

// ---------------------------------------------------------------------------------------------
// ConditionalRequest

#[actix_web::test]
async fn extracts_and_never_fails() {
    let http = TestRequest::default()
        .method(Method::PATCH)
        .append_header(("if-match", "\"1\""))
        .append_header(("If-Match", "\"2\""))
        .append_header(("range", "bytes=0-1"))
        .append_header(("accept", "*/*"))
        .to_http_request();
    let Ok(request) = ConditionalRequest::from_request(&http, &mut Payload::None).await;
    assert_eq!(request.method(), Method::PATCH);
    let pre = request.preconditions();
    assert_eq!(pre.lines(Field::IfMatch), [b"\"1\"", b"\"2\""]);
    assert_eq!(pre.lines(Field::Range), [b"bytes=0-1"]);
    assert!(!pre.has(Field::IfNoneMatch));
    // The request is left as it was.
    assert_eq!(http.headers().len(), 4);

    let Ok(again) = ConditionalRequest::extract(&http).await;
    assert_eq!(again.preconditions().lines(Field::IfMatch).len(), 2);
    let copy = again.clone();
    assert_eq!(copy.method(), Method::PATCH);
}

#[actix_web::test]
async fn extracts_in_a_handler_with_any_app_data() {
    async fn handler(request: ConditionalRequest, data: web::Data<u8>) -> String {
        let lines = request.preconditions().lines(Field::IfNoneMatch).len();
        format!("{} {lines} {}", request.method(), data.get_ref())
    }
    let app = init_service(
        App::new()
            .app_data(web::Data::new(7u8))
            .route("/", web::get().to(handler)),
    )
    .await;
    let request = TestRequest::get()
        .uri("/")
        .append_header(("if-none-match", "\"a\""))
        .append_header(("if-none-match", "\"b\""))
        .to_request();
    let response = call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(read_body(response).await, "GET 2 7");
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
    let debug = format!("{request:?}");
    assert!(!debug.contains("secret"), "{debug}");
    assert!(debug.contains("bytes=1-2"), "{debug}");
}

#[test]
fn evaluate_uses_the_method_and_fields() {
    let current = doc(2).validators();
    type Case<'a> = (Method, &'a [(&'a str, &'a str)], Policy, u16);
    let cases: &[Case<'_>] = &[
        (Method::GET, &[], Policy::none(), 200),
        (
            Method::GET,
            &[("if-none-match", "\"2\"")],
            Policy::none(),
            304,
        ),
        (
            Method::GET,
            &[("if-modified-since", MODIFIED)],
            Policy::none(),
            304,
        ),
        (
            Method::HEAD,
            &[("if-none-match", "\"2\"")],
            Policy::none(),
            304,
        ),
        (Method::PUT, &[("if-match", "\"1\"")], Policy::none(), 412),
        (Method::PUT, &[], Policy::lost_update(), 428),
        (
            Method::PUT,
            &[("if-match", "\"2\"")],
            Policy::lost_update(),
            200,
        ),
        // An extension method is neither GET nor HEAD: If-None-Match that matches is a 412.
        (
            Method::from_bytes(b"PROPPATCH").expect("method"),
            &[("if-none-match", "\"2\"")],
            Policy::none(),
            412,
        ),
        // OPTIONS is exempt from `require` (RFC 9110 §13.2.1).
        (
            Method::OPTIONS,
            &[],
            Policy::always(Requirement::IF_MATCH),
            200,
        ),
    ];
    for (method, pairs, policy, expected) in cases {
        let decision = request(method.clone(), pairs).evaluate(Some(&current), policy);
        let status = decision
            .rejection()
            .map_or(200, |rejection| rejection.status().as_u16());
        assert_eq!(status, *expected, "{method} {pairs:?}");
    }
}

#[test]
fn unconditional_request_side_allocates_nothing() {
    let http = http_request(
        Method::GET,
        &[
            ("host", "example.com"),
            ("accept", "application/json"),
            ("user-agent", "test"),
        ],
    );
    const POLICY: Policy = Policy::always(Requirement::NONE);
    let current = doc(1);
    let (proceed, allocations) = allocations_of(|| {
        let request = ConditionalRequest::new(&http);
        let validators = Some(current.validators());
        let mut extra = ExtraHeaders::new();
        extra.push_static(h1::CACHE_CONTROL, "no-cache");
        extra.push_static(h1::VARY, "Accept-Encoding");
        check(&request, validators.as_ref(), &POLICY, &extra).is_ok()
    });
    assert!(proceed);
    assert_eq!(allocations, 0);

    // Conditional but satisfied: the header values are borrowed from the request, not copied.
    let http = http_request(
        Method::GET,
        &[("if-none-match", "\"0\""), ("if-modified-since", BEFORE)],
    );
    let (proceed, allocations) = allocations_of(|| {
        let request = ConditionalRequest::new(&http);
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

#[actix_web::test]
async fn tagged_is_json_with_validators() {
    let response = respond(Tagged::new(doc(3)));
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, ETAG), Some("\"3\""));
    assert_eq!(header(&response, LAST_MODIFIED), Some(MODIFIED));
    assert_eq!(header(&response, CONTENT_TYPE), Some("application/json"));
    // Not under `#[conditional]`: no claim of range support.
    assert_eq!(header(&response, ACCEPT_RANGES), None);
    assert_eq!(text_of(response).await, doc_json(3));
}

#[actix_web::test]
async fn tagged_constructors_and_accessors() {
    let created = Tagged::created(doc(1));
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.value(), &doc(1));
    assert_eq!(created.clone().into_inner(), doc(1));
    let response = respond(created);
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(header(&response, ETAG), Some("\"1\""));

    let accepted = Tagged::new(doc(1)).with_status(StatusCode::ACCEPTED);
    assert_eq!(respond(accepted).status(), StatusCode::ACCEPTED);
    assert_eq!(Tagged::<u8>::default().status(), StatusCode::OK);
}

#[actix_web::test]
async fn tagged_without_last_modified_has_only_an_etag() {
    #[derive(Serialize, Versioned)]
    struct Plain {
        #[versioned(version)]
        version: u64,
    }
    let response = respond(Tagged::new(Plain { version: 9 }));
    assert_eq!(header(&response, ETAG), Some("\"9\""));
    assert_eq!(header(&response, LAST_MODIFIED), None);
    assert_eq!(text_of(response).await, r#"{"version":9}"#);
}

#[actix_web::test]
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
    let response = respond(Tagged::new(Bad {
        map: BTreeMap::from([((1, 2), 3)]),
    }));
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

fn stale_put() -> Rejection {
    let current = doc(4).validators();
    match request(Method::PUT, &[("if-match", "\"3\"")]).evaluate(Some(&current), &Policy::none()) {
        Decision::PreconditionFailed(rejection) => rejection,
        other => panic!("expected 412, got {other:?}"),
    }
}

#[actix_web::test]
async fn rejected_is_the_rejection_response() {
    let rejection = stale_put();
    let rejected: Rejected = rejection.clone().into();
    assert_eq!(rejected, Rejected(rejection));
    let response = respond(rejected);
    assert_eq!(response.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(header(&response, ETAG), Some("\"4\""));
    assert_eq!(header(&response, LAST_MODIFIED), Some(MODIFIED));
    assert_eq!(header(&response, CONTENT_TYPE), Some("application/json"));
    let body: Value = serde_json::from_slice(&body_of(response).await).expect("JSON");
    assert_eq!(body["error"], "precondition_failed");
    assert_eq!(body["current_etag"], "\"4\"");
}

#[actix_web::test]
async fn rejected_is_a_response_error() {
    let rejected = Rejected(stale_put());
    assert_eq!(rejected.status_code(), StatusCode::PRECONDITION_FAILED);
    let text = rejected.to_string();
    assert!(
        text.starts_with("412 Precondition Failed: The resource has changed"),
        "{text}"
    );
    let error: &dyn std::error::Error = &rejected;
    assert!(error.source().is_none());

    // Through actix-web's `Error`, as `Result<_, Rejected>` answers an `Err`.
    let error = actix_web::Error::from(rejected.clone());
    let response = error.error_response();
    assert_eq!(response.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(header(&response, ETAG), Some("\"4\""));
    let body: Value = serde_json::from_slice(&body_of(response).await).expect("JSON");
    assert_eq!(body["current_etag"], "\"4\"");

    // A compare-and-swap that lost the race, through `?`.
    fn write() -> Result<HttpResponse, Rejected> {
        Err(Rejection::precondition_failed(Some(&Validators::new(
            ETag::from_version(8),
        ))))?
    }
    let response = respond(write());
    assert_eq!(response.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(header(&response, ETAG), Some("\"8\""));
    assert!(response.error().is_some(), "answered as an error");

    // The three kinds: 304 has no body and no Content-Type; 428 says no-store.
    let current = doc(1).validators();
    let not_modified = request(Method::GET, &[("if-none-match", "*")])
        .evaluate(Some(&current), &Policy::none())
        .into_result()
        .expect_err("304");
    let response = Rejected(not_modified).error_response();
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&response, ETAG), Some("\"1\""));
    assert_eq!(header(&response, CONTENT_TYPE), None);
    assert!(body_of(response).await.is_empty());
    let required = request(Method::DELETE, &[])
        .evaluate(Some(&current), &Policy::lost_update())
        .into_result()
        .expect_err("428");
    let rejected = Rejected(required);
    assert_eq!(rejected.status_code(), StatusCode::PRECONDITION_REQUIRED);
    let response = rejected.error_response();
    assert_eq!(header(&response, CACHE_CONTROL), Some("no-store"));
    assert_eq!(header(&response, ETAG), None);
    let body: Value = serde_json::from_slice(&body_of(response).await).expect("JSON");
    assert_eq!(body["error"], "precondition_required");
}

#[actix_web::test]
async fn rejected_through_question_mark_in_a_handler() {
    async fn delete(request: ConditionalRequest) -> Result<HttpResponse, Rejected> {
        let current = Validators::new(ETag::from_version(5));
        request
            .evaluate(Some(&current), &Policy::lost_update())
            .into_result()?;
        Ok(HttpResponse::NoContent().finish())
    }
    let app = init_service(App::new().route("/", web::delete().to(delete))).await;
    let send = |pairs: &[(&'static str, &'static str)]| {
        let mut builder = TestRequest::delete().uri("/");
        for &pair in pairs {
            builder = builder.append_header(pair);
        }
        call_service(&app, builder.to_request())
    };
    let response = send(&[]).await;
    assert_eq!(response.status(), StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(
        response
            .headers()
            .get(CACHE_CONTROL)
            .map(HeaderValue::as_bytes),
        Some(&b"no-store"[..])
    );
    let response = send(&[("if-match", "\"4\"")]).await;
    assert_eq!(response.status(), StatusCode::PRECONDITION_FAILED);
    let body: Value = serde_json::from_slice(&read_body(response).await).expect("JSON");
    assert_eq!(body["current_etag"], "\"5\"");
    let response = send(&[("if-match", "\"5\"")]).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

// ---------------------------------------------------------------------------------------------
// Load, hint

/// An error type of the application, answered by its own response.
#[derive(Debug)]
struct StoreDown;

impl std::fmt::Display for StoreDown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("store unavailable")
    }
}

impl ResponseError for StoreDown {
    fn status_code(&self) -> StatusCode {
        StatusCode::SERVICE_UNAVAILABLE
    }
}

#[actix_web::test]
async fn load_passes_values_and_answers_errors() {
    let value: Result<Option<Doc>, Response> = <_ as Load<Option<Doc>>>::load(Some(doc(1)));
    assert_eq!(value.ok().flatten(), Some(doc(1)));
    let loaded = <_ as Load<Doc>>::load(Ok::<_, actix_web::Error>(doc(2)));
    assert_eq!(loaded.ok(), Some(doc(2)));

    // actix-web's `Error`, as the `error::Error*` helpers make it.
    let failed = <_ as Load<Doc>>::load(Err::<Doc, _>(error::ErrorBadGateway("store down")));
    let response = failed.expect_err("the error's response");
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    assert!(response.error().is_some(), "kept for logging middleware");
    assert_eq!(text_of(response).await, "store down");

    // A `ResponseError` of the application.
    let failed = <_ as Load<Option<Doc>>>::load(Err::<Option<Doc>, _>(StoreDown));
    let response = failed.expect_err("the error's response");
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(text_of(response).await, "store unavailable");

    // A `Rejected` loads as its rejection.
    let failed = <_ as Load<Doc>>::load(Err::<Doc, _>(Rejected(stale_put())));
    let response = failed.expect_err("the error's response");
    assert_eq!(response.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(header(&response, ETAG), Some("\"4\""));

    // A parameter that is itself a Result takes the value whole.
    let whole = <_ as Load<Result<u8, StoreDown>>>::load(Err::<u8, _>(StoreDown));
    assert!(matches!(whole, Ok(Err(StoreDown))));
}

#[actix_web::test]
async fn hint_types_the_body() {
    let out = hint::<Result<u8, actix_web::Error>, _>(async {
        let n: u8 = "7".parse().map_err(error::ErrorBadRequest)?;
        Ok(n)
    })
    .await;
    assert_eq!(out.ok(), Some(7));
}

// ---------------------------------------------------------------------------------------------
// check

#[actix_web::test]
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

#[actix_web::test]
async fn check_304_repeats_a_header_declared_twice() {
    let current = doc(3);
    let mut extra = ExtraHeaders::new();
    extra.push_static(h1::VARY, "Accept");
    extra.push_static(h1::VARY, "Accept-Encoding");
    let request = request(Method::GET, &[("if-none-match", "\"3\"")]);
    let response = check(
        &request,
        Some(current.validators()).as_ref(),
        &Policy::none(),
        &extra,
    )
    .expect_err("304");
    let vary: Vec<_> = response.headers().get_all(VARY).collect();
    assert_eq!(vary, ["Accept", "Accept-Encoding"]);
}

#[actix_web::test]
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
    assert_eq!(header(&response, LAST_MODIFIED), Some(MODIFIED));
    assert_eq!(header(&response, CONTENT_TYPE), Some("application/json"));
    assert_eq!(header(&response, CACHE_CONTROL), None);
    let body: Value = serde_json::from_slice(&body_of(response).await).expect("JSON");
    assert_eq!(body["error"], "precondition_failed");
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
    assert_eq!(header(&response, VARY), None);
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

    // If-Match on an absent resource: 412 with no current tag.
    let response = check(&stale, None, &policy, &ExtraHeaders::new()).expect_err("412");
    assert_eq!(header(&response, ETAG), None);
    let body: Value = serde_json::from_slice(&body_of(response).await).expect("JSON");
    assert_eq!(body["current_etag"], Value::Null);
}

// ---------------------------------------------------------------------------------------------
// finish

#[actix_web::test]
async fn finish_stamps_current_validators_on_untagged_get_and_head() {
    let current = doc(6);
    for method in [Method::GET, Method::HEAD] {
        let request = request(method, &[]);
        let response = around(
            &request,
            Some(&current),
            &Policy::none(),
            declared(),
            || "plain text",
        );
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, ETAG), Some("\"6\""));
        assert_eq!(header(&response, LAST_MODIFIED), Some(MODIFIED));
        assert_eq!(header(&response, CACHE_CONTROL), Some("no-cache"));
        assert_eq!(header(&response, VARY), Some("Accept-Encoding"));
        assert_eq!(header(&response, CONTENT_LOCATION), Some("/docs/1"));
        // Not from Tagged: no range support claimed.
        assert_eq!(header(&response, ACCEPT_RANGES), None);
        assert_eq!(text_of(response).await, "plain text");
    }
}

#[actix_web::test]
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
            HttpResponse::Ok()
                .insert_header((LAST_MODIFIED, "Thu, 01 Jan 1970 00:00:00 GMT"))
                .insert_header((CACHE_CONTROL, "max-age=60"))
                .body("x")
        },
    );
    assert_eq!(header(&response, ETAG), None);
    assert_eq!(
        header(&response, LAST_MODIFIED),
        Some("Thu, 01 Jan 1970 00:00:00 GMT")
    );
    let cache: Vec<_> = response.headers().get_all(CACHE_CONTROL).collect();
    assert_eq!(cache, ["max-age=60"]);
    assert_eq!(header(&response, VARY), Some("Accept-Encoding"));

    // Only an ETag set by the handler: kept, no Last-Modified added.
    let response = around(
        &request,
        Some(&current),
        &Policy::none(),
        declared(),
        || {
            HttpResponse::Ok()
                .insert_header((ETAG, "\"mine\""))
                .finish()
        },
    );
    assert_eq!(header(&response, ETAG), Some("\"mine\""));
    assert_eq!(header(&response, LAST_MODIFIED), None);

    // A Tagged answer keeps its own (new) validators.
    let response = around(
        &request,
        Some(&current),
        &Policy::none(),
        declared(),
        || Tagged::new(doc(7)),
    );
    assert_eq!(header(&response, ETAG), Some("\"7\""));
}

#[actix_web::test]
async fn finish_does_not_stamp_other_methods_or_absent_resources() {
    let current = doc(6);
    let put = request(Method::PUT, &[]);
    let response = around(&put, Some(&current), &Policy::none(), declared(), || {
        HttpResponse::NoContent().finish()
    });
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&response, ETAG), None);
    assert_eq!(header(&response, CACHE_CONTROL), Some("no-cache"));

    let get = request(Method::GET, &[("if-none-match", "\"6\"")]);
    let response = around(
        &get,
        None,
        &Policy::none(),
        declared(),
        || "created elsewhere",
    );
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, ETAG), None);

    // A Tagged answer to a PUT: its validators, and no Accept-Ranges.
    let response = around(&put, Some(&current), &Policy::none(), declared(), || {
        Tagged::new(doc(7))
    });
    assert_eq!(header(&response, ETAG), Some("\"7\""));
    assert_eq!(header(&response, ACCEPT_RANGES), None);
}

#[actix_web::test]
async fn finish_leaves_errors_alone() {
    let current = doc(6);
    let request = request(Method::GET, &[("range", "bytes=0-1")]);
    for status in [
        StatusCode::NOT_FOUND,
        StatusCode::FOUND,
        StatusCode::NOT_MODIFIED,
        StatusCode::INTERNAL_SERVER_ERROR,
    ] {
        let response = around(
            &request,
            Some(&current),
            &Policy::none(),
            declared(),
            || (Tagged::new(doc(6)), status),
        );
        assert_eq!(response.status(), status);
        assert_eq!(header(&response, CACHE_CONTROL), None);
        assert_eq!(header(&response, ACCEPT_RANGES), None);
        assert_eq!(header(&response, CONTENT_RANGE), None);
        // The handler's own validators stay; the current ones are not added.
        assert_eq!(header(&response, ETAG), Some("\"6\""));
    }
    // An `Err` from the body: the error's response, untouched.
    let response = around(
        &request,
        Some(&current),
        &Policy::none(),
        declared(),
        || Err::<Tagged<Doc>, _>(StoreDown),
    );
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(header(&response, ETAG), None);
    assert_eq!(header(&response, CACHE_CONTROL), None);
    assert!(response.error().is_some());
    assert_eq!(text_of(response).await, "store unavailable");
}

#[actix_web::test]
async fn finish_with_declared_headers_that_failed_conversion() {
    let current = doc(6);
    let request = request(Method::GET, &[]);
    let mut extra = ExtraHeaders::new();
    extra.push(h1::CONTENT_LOCATION, String::from("/bad\npath"));
    extra.push(h1::EXPIRES, "Thu, 01 Jan 2099 00:00:00 GMT");
    let response = around(&request, Some(&current), &Policy::none(), extra, || {
        Tagged::new(doc(6))
    });
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, CONTENT_LOCATION), None);
    assert_eq!(
        response
            .headers()
            .get("expires")
            .and_then(|v| v.to_str().ok()),
        Some("Thu, 01 Jan 2099 00:00:00 GMT")
    );
}

#[actix_web::test]
async fn finish_adds_a_name_declared_twice_only_when_missing() {
    let current = doc(6);
    let request = request(Method::GET, &[]);
    let extra = || {
        let mut extra = ExtraHeaders::new();
        extra.push_static(h1::VARY, "Accept");
        extra.push_static(h1::VARY, "Accept-Encoding");
        extra
    };
    let response = around(&request, Some(&current), &Policy::none(), extra(), || "x");
    let vary: Vec<_> = response.headers().get_all(VARY).collect();
    assert_eq!(vary, ["Accept", "Accept-Encoding"]);

    let response = around(&request, Some(&current), &Policy::none(), extra(), || {
        HttpResponse::Ok().insert_header((VARY, "Origin")).body("x")
    });
    let vary: Vec<_> = response.headers().get_all(VARY).collect();
    assert_eq!(vary, ["Origin"]);
}

// ---------------------------------------------------------------------------------------------
// Ranges

#[actix_web::test]
async fn tagged_get_and_head_accept_ranges() {
    for method in [Method::GET, Method::HEAD] {
        let response = tagged_get(&request(method, &[]));
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, ACCEPT_RANGES), Some("bytes"));
        assert_eq!(header(&response, CONTENT_RANGE), None);
    }
}

#[actix_web::test]
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
        assert_eq!(
            response.body().size(),
            actix_web::body::BodySize::Sized((end - start + 1) as u64)
        );
        assert_eq!(text_of(response).await, json[start..=end], "{range}");
    }
}

#[actix_web::test]
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
        assert_eq!(header(&response, ETAG), Some("\"3\""));
        assert!(body_of(response).await.is_empty());
    }
}

#[actix_web::test]
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
        &[("range", "bytes=0-1"), ("if-range", "garbage")],
    ];
    for pairs in cases {
        let response = tagged_get(&request(Method::GET, pairs));
        assert_eq!(response.status(), StatusCode::OK, "{pairs:?}");
        assert_eq!(header(&response, CONTENT_RANGE), None);
        assert_eq!(header(&response, ACCEPT_RANGES), Some("bytes"));
        assert_eq!(text_of(response).await, json, "{pairs:?}");
    }
}

#[actix_web::test]
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

#[actix_web::test]
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
        || Tagged::created(doc(3)),
    );
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(header(&response, CONTENT_RANGE), None);
    // Not from Tagged: untouched.
    let response = around(
        &request(Method::GET, range),
        Some(&current),
        &Policy::none(),
        declared(),
        || "plain text",
    );
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(text_of(response).await, "plain text");
    // Tagged's body replaced by the handler: the bytes would not be the body's, untouched.
    let response = around(
        &request(Method::GET, range),
        Some(&current),
        &Policy::none(),
        declared(),
        || respond(Tagged::new(doc(3))).set_body(BoxBody::new("replaced body")),
    );
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(text_of(response).await, "replaced body");
    // Wrapped by actix-web's own responders (`Result`, `Option`): still Tagged's body.
    let response = around(
        &request(Method::GET, range),
        Some(&current),
        &Policy::none(),
        declared(),
        || Ok::<_, StoreDown>(Some(Tagged::new(doc(3)))),
    );
    assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(text_of(response).await, "{\"");
}

// ---------------------------------------------------------------------------------------------
// A handler written as `#[conditional]` expands, served by actix-web

/// The documents, and how often a handler body ran (per application: tests run in parallel).
struct Store {
    documents: Mutex<BTreeMap<u64, Doc>>,
    body_runs: AtomicUsize,
}

impl Store {
    fn with(documents: BTreeMap<u64, Doc>) -> web::Data<Store> {
        web::Data::new(Store {
            documents: Mutex::new(documents),
            body_runs: AtomicUsize::new(0),
        })
    }
}

/// What `#[conditional(cache_control = "no-cache", content_location = format!("/docs/{id}"))]`
/// makes of `async fn get_doc(store: web::Data<Store>, id: web::Path<u64>,
/// #[current(lookup(&store, *id))] current: Option<Doc>)`.
async fn get_doc(
    request: ConditionalRequest,
    store: web::Data<Store>,
    id: web::Path<u64>,
) -> Response {
    let current: Option<Doc> = match <_ as Load<Option<Doc>>>::load(lookup(&store, *id)) {
        Ok(value) => value,
        Err(response) => return response,
    };
    const POLICY: Policy = Policy::none();
    let validators: Option<Validators> = current.as_ref().map(Versioned::validators);
    let mut extra = ExtraHeaders::new();
    extra.push_static(h1::CACHE_CONTROL, "no-cache");
    extra.push(h1::CONTENT_LOCATION, format!("/docs/{id}"));
    let proceed = match check(&request, validators.as_ref(), &POLICY, &extra) {
        Ok(proceed) => proceed,
        Err(response) => return response,
    };
    let output = hint::<Result<Tagged<Doc>, actix_web::Error>, _>(async move {
        store.body_runs.fetch_add(1, Ordering::SeqCst);
        let doc = current.ok_or_else(|| error::ErrorNotFound("no such document"))?;
        Ok(Tagged::new(doc))
    })
    .await;
    let answer = output
        .__precond_kind()
        .answer(output, &request, validators.as_ref());
    finish(answer, &request, proceed, validators, extra)
}

/// A store lookup that can fail: id 0 stands for a broken backend.
fn lookup(store: &Store, id: u64) -> Result<Option<Doc>, actix_web::Error> {
    if id == 0 {
        return Err(error::ErrorServiceUnavailable("store unavailable"));
    }
    let documents = store
        .documents
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    Ok(documents.get(&id).cloned())
}

#[actix_web::test]
async fn hand_expanded_handler_end_to_end() {
    let store = Store::with(BTreeMap::from([(1, doc(3))]));
    let app = init_service(
        App::new().app_data(store.clone()).service(
            web::resource("/docs/{id}").route(
                web::route()
                    .guard(guard::Any(guard::Get()).or(guard::Head()))
                    .to(get_doc),
            ),
        ),
    )
    .await;
    let send = |method: Method, uri: &str, pairs: &[(&'static str, &'static str)]| {
        let mut builder = TestRequest::default().method(method).uri(uri);
        for &pair in pairs {
            builder = builder.append_header(pair);
        }
        call_service(&app, builder.to_request())
    };
    let text = |bytes: actix_web::web::Bytes| String::from_utf8(bytes.to_vec()).expect("UTF-8");

    let runs = || AtomicUsize::load(&store.body_runs, Ordering::SeqCst);
    let before = runs();
    let response = send(Method::GET, "/docs/1", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(
        headers.get(ETAG).map(HeaderValue::as_bytes),
        Some(&b"\"3\""[..])
    );
    assert_eq!(
        headers.get(CONTENT_LOCATION).map(HeaderValue::as_bytes),
        Some(&b"/docs/1"[..])
    );
    assert_eq!(
        headers.get(ACCEPT_RANGES).map(HeaderValue::as_bytes),
        Some(&b"bytes"[..])
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&read_body(response).await).expect("JSON"),
        json!({"id": 1, "title": "Hello", "version": 3})
    );
    assert_eq!(runs(), before + 1);

    let response = send(Method::GET, "/docs/1", &[("if-none-match", "\"3\"")]).await;
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    let headers = response.headers().clone();
    assert_eq!(
        headers.get(CONTENT_LOCATION).map(HeaderValue::as_bytes),
        Some(&b"/docs/1"[..])
    );
    assert_eq!(
        headers.get(CACHE_CONTROL).map(HeaderValue::as_bytes),
        Some(&b"no-cache"[..])
    );
    assert!(read_body(response).await.is_empty());
    assert_eq!(runs(), before + 1, "the body must not run on 304");

    // HEAD: the answer of a GET (actix-web's server leaves the body out on the wire).
    let response = send(Method::HEAD, "/docs/1", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers().get(ETAG).map(HeaderValue::as_bytes),
        Some(&b"\"3\""[..])
    );
    let response = send(Method::HEAD, "/docs/1", &[("if-modified-since", MODIFIED)]).await;
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);

    let response = send(Method::GET, "/docs/1", &[("range", "bytes=-2")]).await;
    assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(text(read_body(response).await), "3}");

    let response = send(Method::GET, "/docs/2", &[("if-none-match", "*")]).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.headers().get(CACHE_CONTROL).is_none());
    assert_eq!(text(read_body(response).await), "no such document");

    let before = runs();
    let response = send(Method::GET, "/docs/0", &[]).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(text(read_body(response).await), "store unavailable");
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
        assert_eq!(response.status().as_u16(), rejection.status().as_u16());
        let rejected = Rejected(rejection.clone());
        assert_eq!(rejected.status_code(), response.status());
    }
}

// ---------------------------------------------------------------------------------------------
// Bad input

/// An entity tag with `obs-text` bytes (RFC 9110 §8.8.3 allows them), which are not UTF-8.
#[derive(Serialize)]
struct Latin1;

impl Versioned for Latin1 {
    fn etag(&self) -> ETag {
        ETag::strong(b"caf\xe9").expect("obs-text is etagc")
    }
}

#[actix_web::test]
async fn obs_text_entity_tags_go_out_as_they_are() {
    let current = Some(Latin1.validators());
    let stale = request(Method::PUT, &[("if-match", "\"x\"")]);
    let response = check(&stale, current.as_ref(), &Policy::none(), &declared()).expect_err("412");
    assert_eq!(
        response.headers().get(ETAG).map(HeaderValue::as_bytes),
        Some(&b"\"caf\xe9\""[..])
    );
    let body: Value = serde_json::from_slice(&body_of(response).await).expect("JSON");
    assert_eq!(body["current_etag"], "\"caf\u{e9}\"");

    let get = request(Method::GET, &[]);
    let proceed = check(&get, current.as_ref(), &Policy::none(), &declared()).expect("proceed");
    let response = finish(
        OtherKind.answer("x", &get, current.as_ref()),
        &get,
        proceed,
        current.clone(),
        declared(),
    );
    assert_eq!(
        response.headers().get(ETAG).map(HeaderValue::as_bytes),
        Some(&b"\"caf\xe9\""[..])
    );
    let response = respond(Tagged::new(Latin1));
    assert_eq!(
        response.headers().get(ETAG).map(HeaderValue::as_bytes),
        Some(&b"\"caf\xe9\""[..])
    );

    // The same bytes in If-None-Match match it: 304.
    let http = TestRequest::get()
        .insert_header((
            "if-none-match",
            HeaderValue::from_bytes(b"\"caf\xe9\"").expect("obs-text value"),
        ))
        .to_http_request();
    let response = check(
        &ConditionalRequest::new(&http),
        current.as_ref(),
        &Policy::none(),
        &declared(),
    )
    .expect_err("304");
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
}

#[actix_web::test]
async fn garbage_header_values_never_panic() {
    let long_list = vec!["\"x\""; 10_000].join(", ");
    let long_token = "9".repeat(100_000);
    let values: Vec<&[u8]> = vec![
        b"",
        b" ",
        b",,,",
        b"*, *",
        b"W/",
        b"W/\"",
        b"\"unterminated",
        b"\"a\"\"b\"",
        b"\xff\xfe\xfd",
        b"\"\x80\x81\"",
        b"Mon, 32 Foo 99999 99:99:99 GMT",
        b"Thu, 01 Jan 1970 00:00:00 GMT",
        b"Fri, 31 Dec 9999 23:59:59 GMT",
        b"bytes=",
        b"bytes=-",
        b"bytes=99999999999999999999999999999-1",
        b"bytes=\xff-\xff",
        long_list.as_bytes(),
        long_token.as_bytes(),
    ];
    let names = [
        "if-match",
        "if-none-match",
        "if-modified-since",
        "if-unmodified-since",
        "if-range",
        "range",
    ];
    let store = Store::with(BTreeMap::from([(1, doc(3))]));
    let app = init_service(
        App::new()
            .app_data(store)
            .service(web::resource("/docs/{id}").route(web::route().to(get_doc))),
    )
    .await;
    for method in [Method::GET, Method::HEAD, Method::PUT, Method::DELETE] {
        for name in names {
            for value in &values {
                let value = HeaderValue::from_bytes(value).expect("a valid header value");
                // Once alone, once with a line of every other field.
                for others in [false, true] {
                    let mut builder = TestRequest::default()
                        .method(method.clone())
                        .uri("/docs/1")
                        .append_header((name, value.clone()));
                    if others {
                        for other in names {
                            builder = builder.append_header((other, value.clone()));
                        }
                    }
                    let request = builder.to_http_request();
                    // The runtime alone, under the strictest policy.
                    let conditional = ConditionalRequest::new(&request);
                    let current = doc(3).validators();
                    let strict = Policy::always(Requirement::LOST_UPDATE);
                    if let Err(response) = check(&conditional, Some(&current), &strict, &declared())
                    {
                        let status = response.status().as_u16();
                        assert!(matches!(status, 304 | 412 | 428), "{name}: {value:?}");
                    }
                    // Through the service.
                    let mut builder = TestRequest::default()
                        .method(method.clone())
                        .uri("/docs/1")
                        .append_header((name, value.clone()));
                    if others {
                        for other in names {
                            builder = builder.append_header((other, value.clone()));
                        }
                    }
                    let response = call_service(&app, builder.to_request()).await;
                    let status = response.status().as_u16();
                    assert!(
                        matches!(status, 200 | 206 | 304 | 412 | 416),
                        "{method} {name}: {value:?} gave {status}"
                    );
                }
            }
        }
    }
}
