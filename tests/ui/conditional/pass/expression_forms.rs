// `#[current(expr)]` in every form it takes: an expression yielding `T`, `Option<T>`,
// `Result<T, E>` or `Result<Option<T>, E>`, with or without `.await`, over the other
// parameters (before or after it). Each handler is registered in a router, so axum's `Handler`
// bound is checked, and `main` drives them to show the check runs before the body.
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{Request, StatusCode};
use axum::routing::get;
use precond::axum::{Rejected, Tagged};
use precond::{Versioned, conditional};
use tower::ServiceExt;

#[derive(Clone, serde::Serialize, Versioned)]
struct Document {
    title: String,
    #[versioned(version)]
    version: u64,
}

#[derive(Clone, Default)]
struct Store {
    documents: Arc<Mutex<BTreeMap<u64, Document>>>,
    bodies_run: Arc<AtomicUsize>,
}

impl Store {
    fn get(&self, id: u64) -> Option<Document> {
        self.documents.lock().unwrap().get(&id).cloned()
    }

    async fn fetch(&self, id: u64) -> Result<Option<Document>, StatusCode> {
        if id == 500 {
            return Err(StatusCode::SERVICE_UNAVAILABLE);
        }
        Ok(self.get(id))
    }

    fn ran(&self) {
        self.bodies_run.fetch_add(1, Ordering::SeqCst);
    }
}

/// `Option<T>` from a plain call.
#[conditional]
async fn option(
    State(store): State<Store>,
    Path(id): Path<u64>,
    #[current(store.get(id))] current: Option<Document>,
) -> Result<Tagged<Document>, StatusCode> {
    store.ran();
    current.map(Tagged::new).ok_or(StatusCode::NOT_FOUND)
}

/// `Result<Option<T>, E>` from an `.await`, with a body extracted after the check.
#[conditional(require = "If-Match | If-None-Match")]
async fn result_option(
    State(store): State<Store>,
    Path(id): Path<u64>,
    #[current(store.fetch(id).await)] current: Option<Document>,
    body: String,
) -> Result<Tagged<Document>, Rejected> {
    let _ = body;
    store.ran();
    let version = current.map_or(1, |document| document.version + 1);
    let document = Document {
        title: "written".into(),
        version,
    };
    store.documents.lock().unwrap().insert(id, document.clone());
    Ok(Tagged::new(document))
}

/// `Result<T, E>`: a missing document is the loader's own error response.
#[conditional(require = "If-Match")]
async fn result(
    State(store): State<Store>,
    Path(id): Path<u64>,
    #[current(store.get(id).ok_or(StatusCode::NOT_FOUND))] current: Document,
) -> Tagged<Document> {
    store.ran();
    Tagged::new(current)
}

/// `T` from a block with an `.await` inside.
#[conditional]
async fn plain(
    State(store): State<Store>,
    #[current({
        let loaded = store.fetch(1).await;
        loaded.ok().flatten().unwrap_or(Document { title: "default".into(), version: 0 })
    })]
    current: Document,
) -> Tagged<Document> {
    store.ran();
    Tagged::new(current)
}

fn app(store: Store) -> Router {
    Router::new()
        .route("/option/{id}", get(option))
        .route("/result_option/{id}", get(result_option).put(result_option))
        .route("/result/{id}", get(result).put(result))
        .route("/plain", get(plain))
        .with_state(store)
}

async fn send(store: &Store, method: &str, uri: &str, headers: &[(&str, &str)]) -> StatusCode {
    let mut request = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app(store.clone())
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    response.status()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let store = Store::default();
    store.documents.lock().unwrap().insert(
        1,
        Document {
            title: "first".into(),
            version: 1,
        },
    );
    let ran = |n| assert_eq!(store.bodies_run.load(Ordering::SeqCst), n);

    assert_eq!(send(&store, "GET", "/option/1", &[]).await, StatusCode::OK);
    ran(1);
    // Not modified: the body does not run.
    let matching = [("if-none-match", "\"1\"")];
    assert_eq!(send(&store, "GET", "/option/1", &matching).await, StatusCode::NOT_MODIFIED);
    ran(1);
    assert_eq!(send(&store, "GET", "/option/2", &[]).await, StatusCode::NOT_FOUND);
    ran(2);

    // `require`: 428 without a precondition, 412 with a stale one, 201-like create with `*`.
    assert_eq!(
        send(&store, "PUT", "/result_option/1", &[]).await,
        StatusCode::PRECONDITION_REQUIRED
    );
    let stale = [("if-match", "\"7\"")];
    assert_eq!(
        send(&store, "PUT", "/result_option/1", &stale).await,
        StatusCode::PRECONDITION_FAILED
    );
    ran(2);
    assert_eq!(
        send(&store, "PUT", "/result_option/1", &[("if-match", "\"1\"")]).await,
        StatusCode::OK
    );
    assert_eq!(
        send(&store, "PUT", "/result_option/3", &[("if-none-match", "*")]).await,
        StatusCode::OK
    );
    ran(4);
    // The loader's error is the response.
    assert_eq!(
        send(&store, "GET", "/result_option/500", &[]).await,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(send(&store, "PUT", "/result/9", &stale).await, StatusCode::NOT_FOUND);
    ran(4);

    assert_eq!(send(&store, "GET", "/plain", &[]).await, StatusCode::OK);
    ran(5);
}
