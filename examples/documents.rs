//! A small document API whose writes cannot lose updates.
//!
//! ```sh
//! cargo run --example documents        # serves on 127.0.0.1:3000 (PORT overrides the port)
//! ```
//!
//! - `GET` / `HEAD /documents/{id}`: 200 with `ETag` and `Last-Modified`, 304 when the client's
//!   copy is fresh (`If-None-Match` / `If-Modified-Since`), 404 when absent. A single byte
//!   `Range` gets 206 (416 when unsatisfiable), honouring `If-Range`.
//! - `PUT /documents/{id}` with `{"title": ..., "text": ...}` (`text` optional): requires
//!   `If-Match` or `If-Unmodified-Since` (428 otherwise, also for an absent id); 412 with the
//!   current ETag when the client's copy is stale; `If-None-Match: *` creates (201) only if the
//!   document does not exist. 415 unless the body is `application/json`, 400 if it is not JSON,
//!   422 if it is not a document.
//! - `PATCH /documents/{id}` with an `application/merge-patch+json` body (RFC 7396): same
//!   policy. 415 for another media type, 400 for invalid JSON, 422 for a patch that would leave
//!   an invalid document, or that names `id` or `version` (the server owns them).
//! - `DELETE /documents/{id}`: requires `If-Match` or `If-Unmodified-Since`; 204.
//!
//! Errors are JSON (`{"error": ..., "message": ...}`), like precond's 412 and 428: also 400 for
//! an id that is not a number, and 413 for a body over 2 MiB.
//!
//! `#[conditional]` checks the preconditions against the document loaded by `#[current(...)]`
//! before the handler's body runs. The store then writes only if the document is still the one
//! that was checked (compare-and-swap), so two writers holding the same ETag never both succeed.
//!
//! The documents, the store, merge patches and the errors are in `support/documents.rs`, shared
//! with `documents_actix.rs`, the same API on actix-web.
//!
//! It serves as a production server should, through its own accept loop on hyper (`axum::serve`
//! sets no timeout and no limit: a client that never finishes its request holds its socket
//! forever, and enough of them exhaust the server):
//! - a client has 10 s (`HEADER_READ_TIMEOUT_MS`) to send a request's line and headers, then
//!   its connection is closed; the same bound applies to a keep-alive connection waiting idle
//!   for its next request;
//! - at most 1024 connections (`MAX_CONNECTIONS`) are served at once; further clients wait in
//!   the listen backlog until one closes;
//! - on Ctrl-C or SIGTERM it stops accepting, lets the requests in progress finish, and exits
//!   after at most 10 s.
//!
//! HTTP/1.1 only: HTTP/2 without TLS is rare, and hyper-util's HTTP/1-or-2 detection waits for
//! a connection's first bytes with no timeout. Request bodies (at most 2 MiB) and the writing of
//! responses are not timed: the connection limit caps what slow clients can hold.

#[path = "support/documents.rs"]
mod documents;

use std::future::Future;
use std::pin::{Pin, pin};
use std::str::FromStr;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::routing::get;
use axum::{Json as JsonResponse, Router};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use precond::axum::Tagged;
use precond::conditional;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use documents::{BODY_LIMIT, Content, Document, Error, Id, Media, Store, from_json, patched};

// ---------------------------------------------------------------------------------------------
// The handlers.

fn app(store: Store) -> Router {
    let (schemas, paths, methods) =
        routes!(get_document, put_document, patch_document, delete_document);
    let methods = methods.fallback(|| async { Error::MethodNotAllowed });
    let (router, api) = OpenApiRouter::with_openapi(documents::Api::openapi())
        .routes((schemas, paths, methods))
        .split_for_parts();
    let api = JsonResponse(documents::finish(api));
    router
        .route("/openapi.json", get(move || async move { api.clone() }))
        .fallback(|| async { Error::NoRoute })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(store)
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
    State(store): State<Store>,
    Path(id): Path<Id>,
    #[current(store.get(id).await)] current: Option<Document>,
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
    State(store): State<Store>,
    Path(id): Path<Id>,
    #[current(store.get(id).await)] current: Option<Document>,
    Json(content): Json<Content>,
) -> Result<Tagged<Document>, Error> {
    save(&store, id, current, content).await
}

/// Patches a document.
///
/// Applies a JSON merge patch under the same policy as `PUT`.
#[conditional(require = "If-Match | If-Unmodified-Since | If-None-Match")]
#[utoipa::path(patch, path = "/documents/{id}", params(documents::IdParam),
    request_body(content = documents::DocumentPatch, content_type = "application/merge-patch+json"),
    responses(documents::PatchAnswers))]
async fn patch_document(
    State(store): State<Store>,
    Path(id): Path<Id>,
    #[current(store.get(id).await)] current: Option<Document>,
    MergePatch(patch): MergePatch,
) -> Result<Tagged<Document>, Error> {
    let content = patched(current.as_ref(), patch)?;
    save(&store, id, current, content).await
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
    State(store): State<Store>,
    Path(id): Path<Id>,
    #[current(store.get(id).await)] current: Option<Document>,
) -> Result<StatusCode, Error> {
    // Never `None` here: `If-Match` on nothing is a 412, and `If-Unmodified-Since` on nothing
    // is no precondition (428).
    let current = current.ok_or(Error::NotFound)?;
    store.delete(id, &current).await?;
    Ok(StatusCode::NO_CONTENT)
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
// Request bodies and errors: axum's extractors, answering with this API's JSON errors rather
// than axum's plain text.

/// axum's `Path`, with 400 as JSON when the `{id}` is not a number.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(Error))]
struct Path<T>(T);

impl From<PathRejection> for Error {
    fn from(_: PathRejection) -> Self {
        Error::InvalidId
    }
}

/// A JSON body as `T`, as axum's `Json`: 415 for another media type, 400 if it is not JSON,
/// 422 if it is not a `T`.
struct Json<T>(T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self, Error> {
        let body = body(request, state, Media::Json).await?;
        from_json(&body).map(Json)
    }
}

/// An `application/merge-patch+json` body: 415 for any other media type, 400 if it is not JSON.
struct MergePatch(Value);

impl<S: Send + Sync> FromRequest<S> for MergePatch {
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self, Error> {
        let body = body(request, state, Media::MergePatch).await?;
        from_json(&body).map(MergePatch)
    }
}

/// The body, if the request says it is of the `media` type (415 if not), and is no larger than
/// [`BODY_LIMIT`] (413 if it is).
async fn body<S: Send + Sync>(request: Request, state: &S, media: Media) -> Result<Bytes, Error> {
    let content_type = request.headers().get(header::CONTENT_TYPE);
    media.check(content_type.map(HeaderValue::as_bytes))?;
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection| match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => Error::PayloadTooLarge,
            // The body ended early: say so, without axum's and hyper's words for it.
            _ => Error::BodyUnreadable,
        })
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if let Error::Store(error) = self {
            return error.into_response();
        }
        let status = StatusCode::from_u16(self.status()).unwrap_or(StatusCode::BAD_REQUEST);
        let content_type = [(header::CONTENT_TYPE, "application/json")];
        let headers = AppendHeaders(self.headers().iter().copied());
        (status, content_type, headers, self.body()).into_response()
    }
}

// ---------------------------------------------------------------------------------------------
// Serving.

/// How long a client may take to send a request's head, or to begin its next request on a
/// keep-alive connection (`HEADER_READ_TIMEOUT_MS` overrides it).
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The most connections served at once (`MAX_CONNECTIONS` overrides it).
const MAX_CONNECTIONS: usize = 1024;
/// How long shutdown waits for the requests in progress.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves on `127.0.0.1:$PORT` (3000 by default) until Ctrl-C or SIGTERM.
#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", env_or("PORT", 3000))).await?;
    let store = Store::open().await.map_err(std::io::Error::other)?;
    println!(
        "documents: serving on http://{} ({})",
        listener.local_addr()?,
        store.describe()
    );
    let timeout = env_or(
        "HEADER_READ_TIMEOUT_MS",
        HEADER_READ_TIMEOUT.as_millis() as u64,
    );
    let limit = env_or("MAX_CONNECTIONS", MAX_CONNECTIONS).max(1);
    serve(listener, app(store), Duration::from_millis(timeout), limit).await;
    Ok(())
}

/// Accepts connections until Ctrl-C or SIGTERM, never more than `limit` open at once, and serves
/// each as HTTP/1.1 on its own task; then lets them finish for at most [`SHUTDOWN_TIMEOUT`].
async fn serve(listener: TcpListener, app: Router, header_read_timeout: Duration, limit: usize) {
    let mut http = http1::Builder::new();
    // hyper times nothing without a timer (its default 30 s header timeout is then off). The
    // timeout runs from the moment the connection waits for a request head, so it also closes
    // connections that send nothing, and keep-alive connections left idle.
    http.timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    let permits = Arc::new(Semaphore::new(limit));
    let graceful = GracefulShutdown::new();
    let mut stop = pin!(shutdown_signal());
    loop {
        // A permit before `accept`: beyond the limit, clients wait in the kernel's backlog.
        let next = async {
            let permit = Arc::clone(&permits).acquire_owned().await;
            (
                permit.expect("the semaphore is never closed"),
                listener.accept().await,
            )
        };
        let (permit, accepted) = tokio::select! {
            next = next => next,
            () = &mut stop => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(error) => {
                // Out of file descriptors, or a client gone before it was accepted: retry soon.
                eprintln!("documents: accept: {error}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let service = TowerToHyperService::new(app.clone());
        let io = TokioIo::new(Lingering::new(stream));
        let connection = graceful.watch(http.serve_connection(io, service));
        tokio::spawn(async move {
            // An error is the client's doing (gone, too slow, not HTTP): its connection is closed.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener); // refuse new clients while the others finish
    if tokio::time::timeout(SHUTDOWN_TIMEOUT, graceful.shutdown())
        .await
        .is_err()
    {
        eprintln!("documents: connections still open after {SHUTDOWN_TIMEOUT:?}, closing them");
    }
}

/// How long a closed connection goes on discarding what its client still sends, and how much
/// of it at most (see [`Lingering`]).
const LINGER: Duration = Duration::from_secs(2);
const LINGER_BYTES: u64 = 64 * 1024 * 1024;

/// A client's TCP connection whose shutdown lingers, as nginx's lingering close does.
///
/// A request answered before its body was read (a stale upload's 412, a 428) leaves the rest of
/// that body on its way. Closing the socket with unread bytes makes the kernel reset the
/// connection, and a client still sending may lose the answer to the reset. So when hyper shuts
/// the connection down, its sending side is closed first (the client sees the whole answer and
/// its end), then what still arrives is read and dropped until the client closes too, for at
/// most [`LINGER`] and [`LINGER_BYTES`]. The handler never sees these bytes; a client that
/// waits for `100 Continue` sends none.
struct Lingering {
    stream: tokio::net::TcpStream,
    /// Set once the sending side is closed: when lingering ends.
    until: Option<Pin<Box<tokio::time::Sleep>>>,
    drained: u64,
}

impl Lingering {
    fn new(stream: tokio::net::TcpStream) -> Self {
        Self {
            stream,
            until: None,
            drained: 0,
        }
    }
}

impl AsyncRead for Lingering {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Lingering {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        if this.until.is_none() {
            std::task::ready!(Pin::new(&mut this.stream).poll_shutdown(cx))?;
            this.until = Some(Box::pin(tokio::time::sleep(LINGER)));
        }
        let mut scratch = [0; 16 * 1024];
        loop {
            let done = this
                .until
                .as_mut()
                .is_none_or(|until| until.as_mut().poll(cx).is_ready());
            if done || this.drained >= LINGER_BYTES {
                return Poll::Ready(Ok(()));
            }
            let mut buf = tokio::io::ReadBuf::new(&mut scratch);
            match std::task::ready!(Pin::new(&mut this.stream).poll_read(cx, &mut buf)) {
                Ok(()) if !buf.filled().is_empty() => {
                    this.drained += buf.filled().len() as u64;
                }
                // The client closed too, or is gone.
                Ok(()) | Err(_) => return Poll::Ready(Ok(())),
            }
        }
    }
}

/// Resolves on Ctrl-C (SIGINT) or, on Unix, SIGTERM (what `kill`, systemd and Kubernetes send).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = signal(SignalKind::terminate()).expect("install a SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

/// The environment variable `name` as a `T`, or `default` when it is unset or not a `T`.
fn env_or<T: FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}
