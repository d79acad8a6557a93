//! The document API of `documents.rs` on actix-web: the same routes, statuses, headers and
//! bodies, the same store, and the same `#[conditional]` handlers.
//!
//! ```sh
//! cargo run --example documents_actix --features actix   # serves on 127.0.0.1:3000 (PORT overrides the port)
//! ```
//!
//! `GET` / `HEAD`, `PUT`, `PATCH` (JSON merge patch) and `DELETE` on `/documents/{id}`, seeded
//! with document 42: see `documents.rs` for what each answers. The documents, the store with
//! compare-and-swap writes, merge patches and the errors are in `support/documents.rs`, shared
//! by both examples; this file has the routes, the handlers and the actix-web glue.
//! `tests/documents_actix_server.rs` runs the same HTTP suite against it as
//! `tests/documents_server.rs` runs against the axum example.
//!
//! Served under the limits of `documents.rs`, set explicitly rather than left to actix-web's
//! defaults: 10 s (`HEADER_READ_TIMEOUT_MS`) for a new connection's request head, then a 408 and
//! close, and for a keep-alive connection to begin its next request; at most 1024 connections
//! (`MAX_CONNECTIONS`) for the process; on Ctrl-C or SIGTERM, at most 10 s for the requests in
//! progress. One gap remains that configuration cannot close: actix-web times the head of a
//! connection's first request only, so a client that sends a complete request, then part of
//! another, holds its connection until it goes away (the connection limit caps how many do).

#[path = "support/documents.rs"]
mod documents;

use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::time::Duration;

use actix_web::body::{BodyStream, to_bytes_limited};
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::{self, Bytes};
use actix_web::{App, FromRequest, HttpRequest, HttpResponse, HttpServer, ResponseError, guard};
use precond::actix::{Tagged, conditional};
use serde::de::DeserializeOwned;
use serde_json::Value;
use utoipa::OpenApi;

use documents::{BODY_LIMIT, Content, Document, Error, Id, Media, Store, from_json, patched};

// ---------------------------------------------------------------------------------------------
// The handlers.

/// The routes, with `store` shared by every worker.
fn app(config: &mut web::ServiceConfig, store: web::Data<Store>) {
    config
        .app_data(store)
        // An `{id}` that is not a number: 400 with this API's JSON (actix-web answers 404).
        .app_data(web::PathConfig::default().error_handler(|_, _| Error::InvalidId.into()))
        .service(
            web::resource("/documents/{id}")
                // actix-web routes HEAD only where asked to (axum serves it with GET's route).
                .route(
                    web::route()
                        .guard(guard::Any(guard::Get()).or(guard::Head()))
                        .to(get_document),
                )
                .route(web::put().to(put_document))
                .route(web::patch().to(patch_document))
                .route(web::delete().to(delete_document))
                .default_service(web::to(|| async {
                    Err::<HttpResponse, _>(Error::MethodNotAllowed)
                })),
        )
        .route("/openapi.json", web::get().to(openapi))
        .default_service(web::to(|| async { Err::<HttpResponse, _>(Error::NoRoute) }));
}

/// The handlers' operations; `documents::finish` adds precond's contract to them.
#[derive(OpenApi)]
#[openapi(paths(get_document, put_document, patch_document, delete_document))]
struct Operations;

/// `GET /openapi.json`: the same document as the axum example's.
async fn openapi() -> HttpResponse {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let document = DOCUMENT.get_or_init(|| {
        let mut api = documents::Api::openapi();
        api.merge(Operations::openapi());
        let api = documents::finish(api);
        api.to_json().expect("the document serializes")
    });
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document.as_str())
}

/// Reads a document.
///
/// 200 with `ETag` and `Last-Modified` (206 for a `Range`), or 304 without running the body.
/// `no-cache`: caches may keep a copy but must revalidate it, which a 304 makes cheap.
#[conditional(cache_control = "no-cache")]
#[utoipa::path(
    get,
    path = "/documents/{id}",
    params(documents::IdParam),
    responses(documents::ReadAnswers)
)]
async fn get_document(
    store: web::Data<Store>,
    id: web::Path<Id>,
    #[current(store.get(*id).await)] current: Option<Document>,
) -> Result<Tagged<Document>, Error> {
    current.map(Tagged::new).ok_or(Error::NotFound)
}

/// Replaces or creates a document.
///
/// Replaces the document (`If-Match` / `If-Unmodified-Since`: 200) or creates it
/// (`If-None-Match: *`: 201). 412 when the condition is false, 428 without one.
#[conditional(require = "If-Match | If-Unmodified-Since | If-None-Match")]
#[utoipa::path(put, path = "/documents/{id}", params(documents::IdParam),
    request_body(content = Content, content_type = "application/json"),
    responses(documents::PutAnswers))]
async fn put_document(
    store: web::Data<Store>,
    id: web::Path<Id>,
    #[current(store.get(*id).await)] current: Option<Document>,
    Json(content): Json<Content>,
) -> Result<Tagged<Document>, Error> {
    save(&store, *id, current, content).await
}

/// Patches a document.
///
/// Applies a JSON merge patch under the same policy as `PUT`.
#[conditional(require = "If-Match | If-Unmodified-Since | If-None-Match")]
#[utoipa::path(patch, path = "/documents/{id}", params(documents::IdParam),
    request_body(content = documents::DocumentPatch, content_type = "application/merge-patch+json"),
    responses(documents::PatchAnswers))]
async fn patch_document(
    store: web::Data<Store>,
    id: web::Path<Id>,
    #[current(store.get(*id).await)] current: Option<Document>,
    MergePatch(patch): MergePatch,
) -> Result<Tagged<Document>, Error> {
    let content = patched(current.as_ref(), patch)?;
    save(&store, *id, current, content).await
}

/// Deletes a document.
///
/// 204, or 412 / 428 as for `PUT`.
#[conditional(require = "If-Match | If-Unmodified-Since")]
#[utoipa::path(
    delete,
    path = "/documents/{id}",
    params(documents::IdParam),
    responses(documents::DeleteAnswers)
)]
async fn delete_document(
    store: web::Data<Store>,
    id: web::Path<Id>,
    #[current(store.get(*id).await)] current: Option<Document>,
) -> Result<HttpResponse, Error> {
    // Never `None` here: `If-Match` on nothing is a 412, and `If-Unmodified-Since` on nothing
    // is no precondition (428).
    let current = current.ok_or(Error::NotFound)?;
    store.delete(*id, &current).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Writes, and answers with the new document and its validators: 200, or 201 if it is new.
async fn save(
    store: &Store,
    id: Id,
    current: Option<Document>,
    content: Content,
) -> Result<Tagged<Document>, Error> {
    let document = store.write(id, current.as_ref(), content).await?;
    Ok(match current {
        Some(_) => Tagged::new(document),
        None => Tagged::created(document),
    })
}

// ---------------------------------------------------------------------------------------------
// Request bodies and errors: extractors that answer with this API's JSON errors, read as the
// axum example reads them.

/// A JSON body as `T`: 415 for another media type, 400 if it is not JSON, 422 if it is not a
/// `T`. (actix-web's `web::Json` decides media types and limits its own way, and answers in
/// plain text.)
struct Json<T>(T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Error>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = body(request, payload, Media::Json);
        Box::pin(async move { from_json(&body.await?).map(Json) })
    }
}

/// An `application/merge-patch+json` body: 415 for any other media type, 400 if it is not JSON.
struct MergePatch(Value);

impl FromRequest for MergePatch {
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Error>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = body(request, payload, Media::MergePatch);
        Box::pin(async move { from_json(&body.await?).map(MergePatch) })
    }
}

/// The body, if the request says it is of the `media` type (415 if not), and is no larger than
/// [`BODY_LIMIT`] (413 if it is).
fn body(
    request: &HttpRequest,
    payload: &mut Payload,
    media: Media,
) -> impl Future<Output = Result<Bytes, Error>> + 'static {
    let content_type = request.headers().get(header::CONTENT_TYPE);
    let checked = media.check(content_type.map(HeaderValue::as_bytes));
    let stream = BodyStream::new(payload.take());
    async move {
        checked?;
        match to_bytes_limited(stream, BODY_LIMIT).await {
            Ok(Ok(body)) => Ok(body),
            // The body ended early: say so, without actix-web's words for it.
            Ok(Err(_)) => Err(Error::BodyUnreadable),
            Err(_) => Err(Error::PayloadTooLarge),
        }
    }
}

impl ResponseError for Error {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status()).unwrap_or(StatusCode::BAD_REQUEST)
    }

    fn error_response(&self) -> HttpResponse {
        if let Error::Store(error) = self {
            return error.error_response();
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type("application/json");
        for &header in self.headers() {
            response.insert_header(header);
        }
        response.body(self.body())
    }
}

// ---------------------------------------------------------------------------------------------
// Serving.

/// How long a client may take to send its first request's head, and how long a keep-alive
/// connection may stay idle between requests (`HEADER_READ_TIMEOUT_MS` overrides it): 10 s, as
/// in `documents.rs` (actix-web's defaults are 5 s for each).
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The most connections served at once by the process (`MAX_CONNECTIONS` overrides it), as in
/// `documents.rs`; actix-web's default is 25k per worker.
const MAX_CONNECTIONS: usize = 1024;
/// How long shutdown waits for the requests in progress (actix-web's default is 30 s).
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves on `127.0.0.1:$PORT` (3000 by default) until Ctrl-C or SIGTERM.
#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let port = env_or("PORT", 3000);
    let timeout = env_or(
        "HEADER_READ_TIMEOUT_MS",
        HEADER_READ_TIMEOUT.as_millis() as u64,
    );
    let timeout = Duration::from_millis(timeout);
    let limit = env_or("MAX_CONNECTIONS", MAX_CONNECTIONS).max(1);
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let store = Store::open().await.map_err(std::io::Error::other)?;
    let database = store.describe();
    let store = web::Data::new(store);
    let server = HttpServer::new(move || App::new().configure(|config| app(config, store.clone())))
        .workers(workers)
        // actix-web's limit is per worker (each stops taking connections at it; when all have,
        // the rest wait in the listen backlog): the process's limit shared out, rounded up.
        .max_connections(limit.div_ceil(workers))
        // 408 and close when a new connection has not sent a whole request head in time
        // (actix-web's clock ticks every 500 ms, so up to 500 ms early). Only for the first
        // request: later ones have the keep-alive timeout until their first byte, then none.
        .client_request_timeout(timeout)
        // Close a keep-alive connection that has not begun its next request in time.
        .keep_alive(timeout)
        // After the 408 or the last response, a client that does not read or close cannot
        // hold the socket for more than 1 s (actix-web's default, stated).
        .client_disconnect_timeout(Duration::from_secs(1))
        // Ctrl-C or SIGTERM stop accepting at once, then workers have this long to finish.
        .shutdown_timeout(SHUTDOWN_TIMEOUT.as_secs())
        .bind(("127.0.0.1", port))?;
    for address in server.addrs() {
        println!("documents: serving on http://{address} ({database})");
    }
    server.run().await
}

/// The environment variable `name` as a `T`, or `default` when it is unset or not a `T`.
fn env_or<T: FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}
