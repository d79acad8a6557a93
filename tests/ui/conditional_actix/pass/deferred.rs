// The parameters after `#[current]` run only once the preconditions pass, on both frameworks:
// an extractor that counts its runs, one that needs the router's state (axum) or app data
// (actix-web), and a body. A stale or missing precondition runs none of them; a passing one
// runs each once, and a body rejection is then what it always was.
#![deny(warnings)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use precond::Versioned;

#[derive(Clone, serde::Serialize, Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

fn load() -> Option<Document> {
    Some(Document { version: 1 })
}

/// Counts how many times the deferred extractors ran.
#[derive(Clone, Default)]
struct Counter(Arc<AtomicUsize>);

mod with_axum {
    use axum::extract::{FromRequestParts, State};
    use axum::http::StatusCode;
    use axum::http::request::Parts;
    use precond::conditional;

    use super::{Counter, Document, load};

    /// An extractor of the app's own, which needs the router's state.
    pub struct Counted;

    impl FromRequestParts<Counter> for Counted {
        type Rejection = StatusCode;

        async fn from_request_parts(_: &mut Parts, state: &Counter) -> Result<Self, StatusCode> {
            state.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok(Counted)
        }
    }

    #[conditional(require = "If-Match")]
    pub async fn put(
        State(_counter): State<Counter>,
        #[current(load())] current: Option<Document>,
        _counted: Counted,
        body: axum::Json<u32>,
    ) -> StatusCode {
        let _ = (current, body);
        StatusCode::NO_CONTENT
    }
}

mod with_actix {
    use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload, web};
    use precond::actix::conditional;

    use super::{Counter, Document, load};

    /// An extractor of the app's own, which needs the app data.
    pub struct Counted;

    impl FromRequest for Counted {
        type Error = actix_web::Error;
        type Future = std::future::Ready<Result<Self, actix_web::Error>>;

        fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
            if let Some(counter) = request.app_data::<web::Data<Counter>>() {
                counter.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
            std::future::ready(Ok(Counted))
        }
    }

    #[conditional(require = "If-Match")]
    pub async fn put(
        #[current(load())] current: Option<Document>,
        _counted: Counted,
        body: web::Json<u32>,
    ) -> HttpResponse {
        let _ = (current, body);
        HttpResponse::NoContent().finish()
    }
}

/// (If-Match, body) → the status both frameworks answer, and whether the extractors ran.
const CASES: [(Option<&str>, &str, u16, bool); 5] = [
    (None, "{not json", 428, false),
    (Some("\"7\""), "{not json", 412, false),
    (Some("\"7\""), "5", 412, false),
    (Some("\"1\""), "5", 204, true),
    (Some("\"1\""), "\"a string\"", 400, true),
];

fn main() {
    let counter = Counter::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        use tower::ServiceExt;
        let app = axum::Router::new()
            .route("/d", axum::routing::put(with_axum::put))
            .with_state(counter.clone());
        for (if_match, body, status, runs) in CASES {
            let before = counter.0.load(Ordering::SeqCst);
            let mut request =
                axum::http::Request::put("/d").header("content-type", "application/json");
            if let Some(tag) = if_match {
                request = request.header("if-match", tag);
            }
            let response = app
                .clone()
                .oneshot(request.body(axum::body::Body::from(body)).unwrap())
                .await
                .unwrap();
            // axum's Json answers 422 for JSON of the wrong type, 400 for invalid JSON.
            let expected = if status == 400 { 422 } else { status };
            assert_eq!(
                response.status().as_u16(),
                expected,
                "axum {if_match:?} {body}"
            );
            assert_eq!(counter.0.load(Ordering::SeqCst) - before, usize::from(runs));
        }
    });
    actix_web::rt::System::new().block_on(async {
        use actix_web::test::{TestRequest, call_service, init_service};
        let app = init_service(
            actix_web::App::new()
                .app_data(actix_web::web::Data::new(counter.clone()))
                .route("/d", actix_web::web::put().to(with_actix::put)),
        )
        .await;
        for (if_match, body, status, runs) in CASES {
            let before = counter.0.load(Ordering::SeqCst);
            let mut request = TestRequest::put()
                .uri("/d")
                .insert_header(("content-type", "application/json"))
                .set_payload(body);
            if let Some(tag) = if_match {
                request = request.insert_header(("if-match", tag));
            }
            let response = call_service(&app, request.to_request()).await;
            assert_eq!(
                response.status().as_u16(),
                status,
                "actix {if_match:?} {body}"
            );
            assert_eq!(counter.0.load(Ordering::SeqCst) - before, usize::from(runs));
        }
    });
}
