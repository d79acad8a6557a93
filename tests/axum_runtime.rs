//! The axum runtime by hand, without the macro: `ConditionalRequest`, `Tagged`, `Rejected`,
//! byte ranges, and the `__private::axum` functions that `#[conditional]` expands to, called
//! exactly as the generated code calls them. The cases shared with actix-web are in
//! `support/runtime_suite.rs`; here, [`Runtime`] in axum's types and what is axum's own:
//! `FromRequestParts`, `IntoResponse`, allocation counting, a hand-expanded handler served by a
//! `Router`.
#![cfg(feature = "axum")]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::{Body, HttpBody, to_bytes};
use axum::extract::{FromRequestParts, Path, State};
use axum::http::header::{ACCEPT_RANGES, CACHE_CONTROL, CONTENT_LOCATION, ETAG, VARY};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use precond::__private::axum::Load;
use precond::__private::axum::{AnswerTagged, OtherKind, check, finish};
use precond::__private::{ExtraHeaders, hint};
use precond::axum::{ConditionalRequest, Rejected, Tagged};
use precond::{Decision, Field, Policy, Rejection, Requirement, Validators, Versioned};
use serde::Serialize;
use serde_json::{Value, json};
use tower::ServiceExt;

#[macro_use]
#[path = "support/runtime_suite.rs"]
mod runtime_suite;
use runtime_suite::{Answer, BEFORE, Doc, Handler, Runtime, doc};

// ---------------------------------------------------------------------------------------------
// Allocation counting (the request side of an unconditional request allocates nothing)

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocations_of;

// ---------------------------------------------------------------------------------------------
// Fixtures

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

/// A response, read whole.
async fn answer_of(response: Response) -> Answer {
    let (parts, body) = response.into_parts();
    let exact_size = body.size_hint().exact();
    let body = to_bytes(body, usize::MAX).await.expect("body").to_vec();
    let headers = parts.headers.iter();
    let headers = headers.map(|(name, value)| (name.as_str(), value.as_bytes()));
    Answer::new(parts.status.as_u16(), headers, body).with_exact_size(exact_size)
}

async fn body_of(response: Response) -> Vec<u8> {
    answer_of(response).await.body
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

/// A handler's answer in axum's types.
fn respond(handler: Handler) -> Response {
    match handler {
        Handler::Text(text) => text.into_response(),
        Handler::Tagged(version) => Tagged::new(doc(version)).into_response(),
        Handler::Created(version) => Tagged::created(doc(version)).into_response(),
        Handler::NoContent => StatusCode::NO_CONTENT.into_response(),
        Handler::WithHeaders(pairs, body) => (headers(pairs), body).into_response(),
        Handler::TaggedWithStatus(status, version) => {
            (status, Tagged::new(doc(version))).into_response()
        }
        Handler::TaggedReplaced(version, body) => {
            let mut response = Tagged::new(doc(version)).into_response();
            *response.body_mut() = Body::from(body);
            response
        }
        Handler::Raw(bytes, content_type, version) => {
            let raw =
                precond::Raw::new(bytes, content_type).with_validators(doc(version).validators());
            Tagged::new(raw).into_response()
        }
        Handler::CreatedAt(version, location) => Tagged::created(doc(version))
            .with_location(location)
            .into_response(),
    }
}

/// The axum runtime, for the shared cases.
struct AxumRuntime;

impl Runtime for AxumRuntime {
    fn lines(&self, method: &Method, headers: &[(&str, &str)], field: Field) -> Vec<Vec<u8>> {
        let request = request(method.clone(), headers);
        let pre = request.preconditions();
        pre.lines(field).iter().map(|line| line.to_vec()).collect()
    }

    fn debug(&self, method: &Method, headers: &[(&str, &str)]) -> String {
        format!("{:?}", request(method.clone(), headers))
    }

    fn evaluate(
        &self,
        method: &Method,
        headers: &[(&str, &str)],
        current: Option<&Validators>,
        policy: &Policy,
    ) -> Decision {
        request(method.clone(), headers).evaluate(current, policy)
    }

    async fn check(
        &self,
        method: &Method,
        headers: &[(&str, &str)],
        current: Option<&Validators>,
        policy: &Policy,
        extra: &ExtraHeaders,
    ) -> Result<(), Answer> {
        let request = request(method.clone(), headers);
        match check(&request, current, policy, extra) {
            Ok(_) => Ok(()),
            Err(response) => Err(answer_of(response).await),
        }
    }

    /// `check` then `finish` around a handler answer, as the generated code does: the body
    /// runs only when `check` lets it.
    async fn around(
        &self,
        method: &Method,
        headers: &[(&str, &str)],
        current: Option<&Doc>,
        policy: &Policy,
        extra: ExtraHeaders,
        handler: Handler,
    ) -> Answer {
        let request = request(method.clone(), headers);
        let validators = current.map(Versioned::validators);
        let proceed = match check(&request, validators.as_ref(), policy, &extra) {
            Ok(proceed) => proceed,
            Err(response) => return answer_of(response).await,
        };
        let answer = OtherKind.answer(respond(handler), &request, validators.as_ref());
        answer_of(finish(answer, &request, proceed, validators, extra)).await
    }

    async fn tagged<T: Serialize + Versioned>(
        &self,
        value: T,
        status: Option<StatusCode>,
    ) -> Answer {
        let tagged = match status {
            Some(status) => Tagged::new(value).with_status(status),
            None => Tagged::new(value),
        };
        answer_of(tagged.into_response()).await
    }

    async fn created<T: Serialize + Versioned>(&self, value: T) -> Answer {
        answer_of(Tagged::created(value).into_response()).await
    }

    async fn rejected(&self, rejection: Rejection) -> Answer {
        let rejected: Rejected = rejection.clone().into();
        assert_eq!(rejected, Rejected(rejection));
        answer_of(rejected.into_response()).await
    }

    async fn rejected_through_question_mark(&self, rejection: Rejection) -> Answer {
        let write = || -> Result<(), Rejected> { Err(rejection)? };
        answer_of(write().into_response()).await
    }
}

runtime_suite!(
    #[tokio::test]
    AxumRuntime
);

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

#[test]
fn tagged_accessors() {
    let created = Tagged::created(doc(1));
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.value(), &doc(1));
    assert_eq!(created.clone().into_inner(), doc(1));
    // Its response: `runtime_suite::tagged_created_and_with_status`.
    let accepted = Tagged::new(doc(1)).with_status(StatusCode::ACCEPTED);
    assert_eq!(accepted.status(), StatusCode::ACCEPTED);
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
