//! The actix-web runtime by hand, without the macro: `ConditionalRequest`, `Tagged`, `Rejected`,
//! byte ranges, and the `__private::actix` functions that `#[conditional]` expands to, called
//! exactly as the generated code calls them. The cases shared with axum are in
//! `support/runtime_suite.rs`; here, [`Runtime`] in actix-web's types and what is actix-web's
//! own: `FromRequest`, `Responder`, `ResponseError`, allocation counting, a hand-expanded
//! handler served by an `App`, and bad input through the service.
#![cfg(feature = "actix")]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use actix_web::body::{BodySize, BoxBody, MessageBody, to_bytes};
use actix_web::dev::Payload;
use actix_web::http::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_LOCATION, CONTENT_TYPE, ETAG, HeaderName, HeaderValue,
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

#[macro_use]
#[path = "support/runtime_suite.rs"]
mod runtime_suite;
use runtime_suite::{Answer, BEFORE, Doc, Handler, MODIFIED, Runtime, declared, doc};

// ---------------------------------------------------------------------------------------------
// Allocation counting (the request side of an unconditional request allocates nothing)

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocations_of;

// ---------------------------------------------------------------------------------------------
// Fixtures

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

/// A value as a response, outside `#[conditional]`.
fn respond(value: impl Responder) -> Response {
    value
        .respond_to(&TestRequest::default().to_http_request())
        .map_into_boxed_body()
}

/// A response, read whole.
async fn answer_of(response: Response) -> Answer {
    let status = response.status().as_u16();
    let headers: Vec<(String, Vec<u8>)> = response
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
        .collect();
    let exact_size = match response.body().size() {
        BodySize::Sized(size) => Some(size),
        BodySize::None | BodySize::Stream => None,
    };
    let headers = headers
        .iter()
        .map(|(name, value)| (name.as_str(), &value[..]));
    Answer::new(status, headers, body_of(response).await).with_exact_size(exact_size)
}

fn method_of(method: &http::Method) -> Method {
    Method::from_bytes(method.as_str().as_bytes()).expect("method")
}

fn status_of(status: http::StatusCode) -> StatusCode {
    StatusCode::from_u16(status.as_u16()).expect("status")
}

/// The actix-web runtime, for the shared cases.
struct ActixRuntime;

impl Runtime for ActixRuntime {
    fn lines(&self, method: &http::Method, headers: &[(&str, &str)], field: Field) -> Vec<Vec<u8>> {
        let request = request(method_of(method), headers);
        let pre = request.preconditions();
        pre.lines(field).iter().map(|line| line.to_vec()).collect()
    }

    fn debug(&self, method: &http::Method, headers: &[(&str, &str)]) -> String {
        format!("{:?}", request(method_of(method), headers))
    }

    fn evaluate(
        &self,
        method: &http::Method,
        headers: &[(&str, &str)],
        current: Option<&Validators>,
        policy: &Policy,
    ) -> Decision {
        request(method_of(method), headers).evaluate(current, policy)
    }

    async fn check(
        &self,
        method: &http::Method,
        headers: &[(&str, &str)],
        current: Option<&Validators>,
        policy: &Policy,
        extra: &ExtraHeaders,
    ) -> Result<(), Answer> {
        let request = request(method_of(method), headers);
        match check(&request, current, policy, extra) {
            Ok(_) => Ok(()),
            Err(response) => Err(answer_of(response).await),
        }
    }

    async fn around(
        &self,
        method: &http::Method,
        headers: &[(&str, &str)],
        current: Option<&Doc>,
        policy: &Policy,
        extra: ExtraHeaders,
        handler: Handler,
    ) -> Answer {
        let request = &request(method_of(method), headers);
        let response = match handler {
            Handler::Text(text) => around(request, current, policy, extra, || text),
            Handler::Tagged(version) => around(request, current, policy, extra, || {
                Tagged::new(doc(version))
            }),
            Handler::Created(version) => around(request, current, policy, extra, || {
                Tagged::created(doc(version))
            }),
            Handler::NoContent => around(request, current, policy, extra, || {
                HttpResponse::NoContent().finish()
            }),
            Handler::WithHeaders(pairs, body) => around(request, current, policy, extra, || {
                let mut response = HttpResponse::Ok();
                for &pair in pairs {
                    response.insert_header(pair);
                }
                response.body(body)
            }),
            Handler::TaggedWithStatus(status, version) => {
                around(request, current, policy, extra, || {
                    (Tagged::new(doc(version)), status_of(status))
                })
            }
            Handler::TaggedReplaced(version, body) => {
                around(request, current, policy, extra, || {
                    respond(Tagged::new(doc(version))).set_body(BoxBody::new(body))
                })
            }
            Handler::Raw(bytes, content_type, version) => {
                around(request, current, policy, extra, || {
                    let validators = doc(version).validators();
                    Tagged::new(precond::Raw::new(bytes, content_type).with_validators(validators))
                })
            }
            Handler::CreatedAt(version, location) => {
                around(request, current, policy, extra, || {
                    Tagged::created(doc(version)).with_location(location)
                })
            }
        };
        answer_of(response).await
    }

    async fn tagged<T: Serialize + Versioned>(
        &self,
        value: T,
        status: Option<http::StatusCode>,
    ) -> Answer {
        let tagged = match status {
            Some(status) => Tagged::new(value).with_status(status_of(status)),
            None => Tagged::new(value),
        };
        answer_of(respond(tagged)).await
    }

    async fn created<T: Serialize + Versioned>(&self, value: T) -> Answer {
        answer_of(respond(Tagged::created(value))).await
    }

    async fn rejected(&self, rejection: Rejection) -> Answer {
        let rejected: Rejected = rejection.clone().into();
        assert_eq!(rejected, Rejected(rejection));
        answer_of(respond(rejected)).await
    }

    async fn rejected_through_question_mark(&self, rejection: Rejection) -> Answer {
        let write = || -> Result<HttpResponse, Rejected> { Err(rejection)? };
        answer_of(respond(write())).await
    }
}

runtime_suite!(
    #[actix_web::test]
    ActixRuntime
);

fn stale_put() -> Rejection {
    runtime_suite::stale_put(&ActixRuntime)
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

#[test]
fn tagged_accessors() {
    let created = Tagged::created(doc(1));
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.value(), &doc(1));
    assert_eq!(created.clone().into_inner(), doc(1));
    // Its response: `runtime_suite::tagged_created_and_with_status`.
    let accepted = Tagged::new(doc(1)).with_status(StatusCode::ACCEPTED);
    assert_eq!(accepted.status(), StatusCode::ACCEPTED);
    assert_eq!(Tagged::<u8>::default().status(), StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// Rejected

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
// finish and ranges through actix-web's own responders

#[actix_web::test]
async fn finish_leaves_body_errors_alone() {
    let current = doc(6);
    let request = request(Method::GET, &[("range", "bytes=0-1")]);
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
async fn ranges_through_result_and_option_responders() {
    let current = doc(3);
    let range = &[("range", "bytes=0-1")][..];
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
fn rejected_status_codes_match_check() {
    // `check` and `Rejected` as a `ResponseError` agree on every kind's status.
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
