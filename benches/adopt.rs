//! What adopting precond with the tower layers costs per request, in process, through the tower
//! service (no sockets: the figures are the layers' own cost, not the network's).
//!
//! ```text
//! cargo bench --bench adopt -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! - `require/<request>/<variant>`: an axum `Router` with a trivial handler (`async { "ok" }`),
//!   called as a tower service. Variants: `router` (no layer), `router_in_layer`
//!   (`RequirePreconditionsLayer::default()` around the whole router: the layer's own cost),
//!   `route_layer_noop` (a layer that does nothing, added with `Router::route_layer`: axum boxes
//!   every layered route once more, whatever the layer) and `route_layer` (ours, the way the
//!   docs show). Requests, each with the seven header fields a client usually sends: `get` (the
//!   layer compares the method and passes), `put_if_match` (it walks the header map, finds the
//!   precondition and passes) and `put_without` (it answers 428 and the handler does not run).
//!   `decision_only` is the layer's decision alone on the same request (method, header map,
//!   rules), without the router: the layer's own cost, free of the router's noise.
//! - `shallow_etag/*`: a tower service returning a 1 KB JSON body it already has as bytes
//!   (`service`), the same inside `ShallowEtagLayer::new()` (`service_in_layer`) for a GET
//!   without `If-None-Match` (body read and tagged, 200) and one whose `If-None-Match` matches
//!   (304); against `serde_json::to_vec` of the value that body is the JSON of, the work a
//!   handler does to produce it.
//!
//! Each request is built outside the timed part (`iter_batched`); the response is produced by
//! polling the service's future once with a no-op waker (everything here is ready at once, as
//! the setup asserts), so no executor is measured either.

use std::convert::Infallible;
use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use axum::routing::get;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use precond::Preconditions;
use precond::adopt::RequireRules;
use precond::axum::{RequirePreconditionsLayer, ShallowEtagLayer};
use serde::Serialize;
use tower::{Layer, Service, service_fn};

/// Polls `future` once; everything benchmarked here completes at the first poll.
fn now<F: Future>(future: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(future).poll(&mut cx) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the benchmarked future was not ready at once"),
    }
}

/// A header field added to the usual ones.
type Extra<'a> = (header::HeaderName, &'a str);

/// A request with the headers clients usually send, plus `extra`.
fn request(method: &str, uri: &str, extra: &[Extra]) -> Request<Body> {
    let mut builder = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "api.example.com")
        .header(
            header::USER_AGENT,
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Firefox/128.0",
        )
        .header(header::ACCEPT, "application/json")
        .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
        .header(header::ACCEPT_LANGUAGE, "en-US,en;q=0.5")
        .header(
            header::AUTHORIZATION,
            "Bearer eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo",
        )
        .header(header::CONNECTION, "keep-alive");
    for (name, value) in extra {
        builder = builder.header(
            name,
            HeaderValue::from_str(value).unwrap_or_else(|e| panic!("{e}")),
        );
    }
    builder
        .body(Body::empty())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Calls `service` once per iteration with a fresh `request`, after checking the status.
fn bench_service<S>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    id: &str,
    mut service: S,
    request: impl Fn() -> Request<Body>,
    expected: StatusCode,
) where
    S: Service<Request<Body>, Response = Response<Body>, Error = Infallible>,
{
    let response = now(service.call(request())).unwrap_or_else(|e| match e {});
    assert_eq!(response.status(), expected, "{id}");
    group.bench_function(id, |b| {
        b.iter_batched(
            &request,
            |request| now(service.call(request)),
            BatchSize::SmallInput,
        );
    });
}

fn require(c: &mut Criterion) {
    let routes: Router = Router::new().route(
        "/documents/{id}",
        get(|| async { "ok" }).put(|| async { "ok" }),
    );
    let cases: [(&str, &str, &[Extra], StatusCode); 3] = [
        ("get", "GET", &[], StatusCode::OK),
        (
            "put_if_match",
            "PUT",
            &[(header::IF_MATCH, "\"0123456789abcdef0123456789abcdef\"")],
            StatusCode::OK,
        ),
        ("put_without", "PUT", &[], StatusCode::PRECONDITION_REQUIRED),
    ];
    let rules = RequireRules::new();
    let mut group = c.benchmark_group("require");
    for (name, method, extra, rejected) in cases {
        let request = || request(method, "/documents/7", extra);
        // The layer's decision alone, on the same request: what `router_in_layer` adds to
        // `router`, without the noise of the router around it.
        let sample = request();
        group.bench_function(format!("{name}/decision_only"), |b| {
            b.iter(|| {
                let request = black_box(&sample);
                let method = request.method().as_str();
                rules.applies_to_method(method)
                    && rules
                        .rejection(
                            method,
                            request.uri().path(),
                            &Preconditions::from_headers(request.headers()),
                        )
                        .is_some()
            });
        });
        // Around the whole router: the layer's own cost.
        bench_service(
            &mut group,
            &format!("{name}/router"),
            routes.clone(),
            request,
            StatusCode::OK,
        );
        bench_service(
            &mut group,
            &format!("{name}/router_in_layer"),
            RequirePreconditionsLayer::default().layer(routes.clone()),
            request,
            rejected,
        );
        // As `route_layer`: axum boxes the layered route again, a cost of any layer there,
        // measured with a layer that does nothing.
        bench_service(
            &mut group,
            &format!("{name}/route_layer_noop"),
            routes
                .clone()
                .route_layer(tower::layer::util::Identity::new()),
            request,
            StatusCode::OK,
        );
        bench_service(
            &mut group,
            &format!("{name}/route_layer"),
            routes
                .clone()
                .route_layer(RequirePreconditionsLayer::default()),
            request,
            rejected,
        );
    }
    group.finish();
}

#[derive(Serialize)]
struct Line {
    sku: String,
    description: String,
    quantity: u32,
    unit_price_cents: u64,
}

#[derive(Serialize)]
struct Order {
    id: u64,
    customer: String,
    email: String,
    status: &'static str,
    created: &'static str,
    lines: Vec<Line>,
    notes: String,
}

/// An order whose JSON is about 1 KB.
fn order() -> Order {
    Order {
        id: 4_815_162_342,
        customer: "Ada Lovelace".into(),
        email: "ada@example.com".into(),
        status: "shipped",
        created: "2025-01-01T00:00:00Z",
        lines: (0..7)
            .map(|n| Line {
                sku: format!("SKU-{n:05}"),
                description: format!("Analytical engine part number {n}, brass, boxed"),
                quantity: n + 1,
                unit_price_cents: 1_999 * u64::from(n + 1),
            })
            .collect(),
        notes: "Leave at the door; ring twice.".into(),
    }
}

fn shallow_etag(c: &mut Criterion) {
    let value = order();
    let json = Bytes::from(serde_json::to_vec(&value).unwrap_or_default());
    assert!((900..=1200).contains(&json.len()), "{} bytes", json.len());
    let body = json.clone();
    let inner = service_fn(move |_request: Request<Body>| {
        let body = body.clone();
        async move { Ok::<_, Infallible>(Response::new(Body::from(body))) }
    });
    let layered = ShallowEtagLayer::new().layer(inner.clone());
    let tag = precond::adopt::ShallowEtagRules::new()
        .etag_for(&json)
        .to_string();

    let mut group = c.benchmark_group("shallow_etag");
    group.bench_function("serde_json_to_vec_1kb", |b| {
        b.iter(|| serde_json::to_vec(black_box(&value)));
    });
    let plain_get = || request("GET", "/orders/1", &[]);
    let revalidation = [(header::IF_NONE_MATCH, tag.as_str())];
    let conditional_get = || request("GET", "/orders/1", &revalidation);
    bench_service(
        &mut group,
        "get_1kb/service",
        inner.clone(),
        plain_get,
        StatusCode::OK,
    );
    bench_service(
        &mut group,
        "get_1kb/service_in_layer",
        layered.clone(),
        plain_get,
        StatusCode::OK,
    );
    bench_service(
        &mut group,
        "get_1kb_if_none_match/service_in_layer",
        layered.clone(),
        conditional_get,
        StatusCode::NOT_MODIFIED,
    );
    let mut service = layered.clone();
    let response = now(service.call(plain_get())).unwrap_or_else(|e| match e {});
    assert_eq!(response.headers()[header::ETAG].as_bytes(), tag.as_bytes());
    group.finish();
}

criterion_group!(benches, require, shallow_etag);
criterion_main!(benches);
