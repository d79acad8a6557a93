//! What adopting precond with the actix-web middleware costs per request, in process, through
//! the actix service (no sockets: the figures are the middleware's own cost, not the
//! network's). The actix-web counterpart of `benches/adopt.rs`, with the same requests and body.
//!
//! ```text
//! cargo bench --bench adopt_actix -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! - `actix_require/<request>/<variant>`: an actix-web `App` with a trivial handler
//!   (`HttpResponse::Ok().body("ok")`), built with `actix_web::test::init_service`. Variants:
//!   `app` (no middleware) and `app_wrapped` (`.wrap(RequirePreconditions::default())`);
//!   `decision_only` is the middleware's decision alone on the same request (method, the six
//!   conditional fields, rules), without the app: its own cost, free of the app's noise.
//!   Requests, each with the seven header fields a client usually sends: `get` (the middleware
//!   compares the method and passes), `put_if_match` (it reads the conditional fields, finds
//!   the precondition and passes) and `put_without` (it answers 428 and the handler does not
//!   run).
//! - `actix_shallow_etag/*`: a service returning a 1 KB JSON body it already has as bytes
//!   (`service`), the same inside `ShallowEtag::new()` (`service_in_middleware`: its
//!   `Transform` applied to the service) for a GET without `If-None-Match` (body tagged, 200)
//!   and one whose `If-None-Match` matches (304); against `serde_json::to_vec` of the value that
//!   body is the JSON of, the work a handler does to produce it.
//!
//! Each request is built outside the timed part (`iter_batched`); the response is produced by
//! polling the service's future once with a no-op waker (everything here is ready at once, as
//! the setup asserts), so no executor is measured either. The services are built inside an
//! actix `System`, as a server's worker builds them.

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, fn_service};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName};
use actix_web::test::{TestRequest, init_service};
use actix_web::web::{self, Bytes};
use actix_web::{App, HttpResponse};
use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, Criterion, criterion_group, criterion_main};
use precond::actix::{RequirePreconditions, ShallowEtag};
use precond::adopt::RequireRules;
use precond::{Field, Preconditions, Requirement};
use serde::Serialize;

/// Polls `future` once; everything benchmarked here completes at the first poll.
fn now<F: Future>(future: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(future).poll(&mut cx) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the benchmarked future was not ready at once"),
    }
}

/// A header field added to the usual ones.
type Extra<'a> = (HeaderName, &'a str);

/// A request with the headers clients usually send, plus `extra`.
fn request(method: &str, uri: &str, extra: &[Extra]) -> TestRequest {
    let method = method
        .parse::<actix_web::http::Method>()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut request = TestRequest::default()
        .method(method)
        .uri(uri)
        .insert_header((header::HOST, "api.example.com"))
        .insert_header((
            header::USER_AGENT,
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Firefox/128.0",
        ))
        .insert_header((header::ACCEPT, "application/json"))
        .insert_header((header::ACCEPT_ENCODING, "gzip, deflate, br"))
        .insert_header((header::ACCEPT_LANGUAGE, "en-US,en;q=0.5"))
        .insert_header((
            header::AUTHORIZATION,
            "Bearer eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo",
        ))
        .insert_header((header::CONNECTION, "keep-alive"));
    for (name, value) in extra {
        request = request.insert_header((name.clone(), *value));
    }
    request
}

async fn ok() -> HttpResponse {
    HttpResponse::Ok().body("ok")
}

fn require(c: &mut Criterion) {
    let system = actix_web::rt::System::new();
    let routes = |config: &mut web::ServiceConfig| {
        config.route("/documents/{id}", web::get().to(ok));
        config.route("/documents/{id}", web::put().to(ok));
    };
    let plain = system.block_on(init_service(App::new().configure(routes)));
    let wrapped = system.block_on(init_service(
        App::new()
            .configure(routes)
            .wrap(RequirePreconditions::default()),
    ));
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
    let mut group = c.benchmark_group("actix_require");
    for (name, method, extra, wrapped_status) in cases {
        // What the middleware decides per request, alone: the method, then (for a configured
        // one) the six conditional fields and the rules.
        let request_for_decision = request(method, "/documents/7", extra).to_srv_request();
        let rejected = decide(&rules, &request_for_decision);
        assert_eq!(
            rejected,
            wrapped_status == StatusCode::PRECONDITION_REQUIRED,
            "{name}"
        );
        group.bench_function(format!("{name}/decision_only"), |b| {
            b.iter(|| decide(black_box(&rules), black_box(&request_for_decision)));
        });
        let make = || request(method, "/documents/7", extra).to_request();
        bench_service(
            &mut group,
            &format!("{name}/app"),
            &plain,
            make,
            StatusCode::OK,
        );
        bench_service(
            &mut group,
            &format!("{name}/app_wrapped"),
            &wrapped,
            make,
            wrapped_status,
        );
    }
    group.finish();
}

/// The decision `RequirePreconditions` makes for `request`, as it makes it (the same code as
/// its private `preconditions` and `call`): whether to answer 428.
fn decide(rules: &RequireRules, request: &ServiceRequest) -> bool {
    let method = request.method().as_str();
    if !rules.applies_to_method(method)
        || (rules.required().contains(Requirement::IF_MATCH)
            && request.headers().contains_key(header::IF_MATCH))
    {
        return false;
    }
    let mut pre = Preconditions::new();
    for (name, value) in request.headers().iter() {
        let field = if *name == header::IF_MATCH {
            Field::IfMatch
        } else if *name == header::IF_NONE_MATCH {
            Field::IfNoneMatch
        } else if *name == header::IF_MODIFIED_SINCE {
            Field::IfModifiedSince
        } else if *name == header::IF_UNMODIFIED_SINCE {
            Field::IfUnmodifiedSince
        } else if *name == header::IF_RANGE {
            Field::IfRange
        } else if *name == header::RANGE {
            Field::Range
        } else {
            continue;
        };
        pre.add(field, value.as_bytes());
    }
    rules.rejection(method, request.path(), &pre).is_some()
}

/// Checks that `service` answers a request from `make` with `expected` at once, then measures
/// it as `id`.
fn bench_service<S, R, B>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    id: &str,
    service: &S,
    make: impl Fn() -> R,
    expected: StatusCode,
) where
    S: Service<R, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    let status = now(service.call(make()))
        .map_or_else(|e| e.as_response_error().status_code(), |r| r.status());
    assert_eq!(status, expected, "{id}");
    group.bench_function(id, |b| {
        b.iter_batched(
            &make,
            |request| now(service.call(request)),
            BatchSize::SmallInput,
        );
    });
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

/// An order whose JSON is about 1 KB (the body of `benches/adopt.rs`).
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
    let system = actix_web::rt::System::new();
    let value = order();
    let json = Bytes::from(serde_json::to_vec(&value).unwrap_or_default());
    assert!((900..=1200).contains(&json.len()), "{} bytes", json.len());
    let body = json.clone();
    let inner = move || {
        let body = body.clone();
        fn_service(move |request: ServiceRequest| {
            let response = HttpResponse::Ok()
                .content_type("application/json")
                .body(body.clone());
            async move { Ok::<_, actix_web::Error>(request.into_response(response)) }
        })
    };
    let plain = inner();
    let wrapped = system
        .block_on(ShallowEtag::new().new_transform(inner()))
        .unwrap_or_else(|()| panic!("the middleware builds"));
    let tag = precond::adopt::ShallowEtagRules::new()
        .etag_for(&json)
        .to_string();

    let mut group = c.benchmark_group("actix_shallow_etag");
    group.bench_function("serde_json_to_vec_1kb", |b| {
        b.iter(|| serde_json::to_vec(black_box(&value)));
    });
    fn make<'a>(extra: &'a [Extra<'a>]) -> impl Fn() -> ServiceRequest + 'a {
        move || request("GET", "/orders/1", extra).to_srv_request()
    }
    bench_service(
        &mut group,
        "get_1kb/service",
        &plain,
        make(&[]),
        StatusCode::OK,
    );
    bench_service(
        &mut group,
        "get_1kb/service_in_middleware",
        &wrapped,
        make(&[]),
        StatusCode::OK,
    );
    let response = now(wrapped.call(make(&[])())).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        response.headers().get(header::ETAG).map(|v| v.as_bytes()),
        Some(tag.as_bytes())
    );
    let if_none_match = [(header::IF_NONE_MATCH, tag.as_str())];
    bench_service(
        &mut group,
        "get_1kb_if_none_match/service_in_middleware",
        &wrapped,
        make(&if_none_match),
        StatusCode::NOT_MODIFIED,
    );
    group.finish();
}

criterion_group!(benches, require, shallow_etag);
criterion_main!(benches);
