//! Adopting precond in an existing axum app without touching its handlers: two tower layers.
//!
//! - [`RequirePreconditionsLayer`]: PUT, PATCH and DELETE (and POST if you say so) without
//!   `If-Match`, `If-Unmodified-Since` or `If-None-Match: *` get
//!   `428 Precondition Required` with the engine's JSON body, so that no client can overwrite
//!   a change it has not seen. Configurable per method and path pattern, with exemptions
//!   ([`RequireRules`]). A request that carries a precondition passes untouched, for the
//!   handler (or `#[conditional]`) to evaluate against the resource.
//! - [`ShallowEtagLayer`]: GET responses get a strong `ETag` computed from their body bytes,
//!   and a client that already has those bytes gets `304 Not Modified` and no body
//!   ([`ShallowEtagRules`] has every rule).
//!
//! # Before and after
//!
//! An app with dozens of handlers, none of which knows about conditional requests:
//!
//! ```
//! use axum::Router;
//! use axum::routing::{get, post};
//!
//! async fn list() -> &'static str { "[]" }
//! async fn show() -> &'static str { r#"{"id":1}"# }
//! async fn replace() -> &'static str { "replaced" }
//! async fn remove() -> &'static str { "removed" }
//! async fn login() -> &'static str { "token" }
//! // ... and many more
//!
//! fn app() -> Router {
//!     Router::new()
//!         .route("/documents", get(list))
//!         .route("/documents/{id}", get(show).put(replace).delete(remove))
//!         .route("/login", post(login))
//!     // ...
//! }
//! ```
//!
//! The same app, protected against lost updates and answering revalidations with 304, in two
//! lines and no change to any handler:
//!
//! ```
//! # use axum::Router;
//! # use axum::routing::{get, post};
//! # async fn list() -> &'static str { "[]" }
//! # async fn show() -> &'static str { r#"{"id":1}"# }
//! # async fn replace() -> &'static str { "replaced" }
//! # async fn remove() -> &'static str { "removed" }
//! # async fn login() -> &'static str { "token" }
//! use precond::adopt::RequireRules;
//! use precond::axum::{RequirePreconditionsLayer, ShallowEtagLayer};
//!
//! fn app() -> Router {
//!     Router::new()
//!         .route("/documents", get(list))
//!         .route("/documents/{id}", get(show).put(replace).delete(remove))
//!         .route("/login", post(login))
//!         // ...
//!         .route_layer(RequirePreconditionsLayer::new(
//!             RequireRules::new().method("POST").exempt("POST", "/login"),
//!         ))
//!         .layer(ShallowEtagLayer::new())
//! }
//! # let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! # rt.block_on(async {
//! use axum::body::Body;
//! use axum::http::{Request, StatusCode};
//! use tower::ServiceExt;
//!
//! // A write without a precondition: 428, and the handler does not run.
//! let put = Request::put("/documents/1").body(Body::empty())?;
//! assert_eq!(app().oneshot(put).await?.status(), StatusCode::PRECONDITION_REQUIRED);
//!
//! // With one, the handler runs (and would evaluate it against the document).
//! let put = Request::put("/documents/1").header("if-match", "\"v1\"").body(Body::empty())?;
//! assert_eq!(app().oneshot(put).await?.status(), StatusCode::OK);
//!
//! // A read gets an ETag; the same read with that ETag gets 304 and no body.
//! let first = app().oneshot(Request::get("/documents/1").body(Body::empty())?).await?;
//! let etag = first.headers()["etag"].clone();
//! let again = Request::get("/documents/1").header("if-none-match", etag).body(Body::empty())?;
//! assert_eq!(app().oneshot(again).await?.status(), StatusCode::NOT_MODIFIED);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```
//!
//! `route_layer` puts the require layer after routing, so that a path without a route still
//! gets its 404 rather than a 428 (a method without a route on a path that has some gets the
//! 428 before axum's 405, as `route_layer` wraps the path's whole method router); `layer` works
//! too, and answers 428 to every configured method on every path. Path patterns are matched
//! against the path the layer sees: inside `Router::nest("/api", ...)`, the path without `/api`.
//!
//! # Where the work happens
//!
//! The require layer only reads the request's method, path and conditional header fields: it
//! has no validators, so it never evaluates a precondition and never answers 412. That is the
//! handler's job, against the resource's current state (a `#[conditional]` handler does it; see
//! [`precond::conditional`](crate::conditional)). Together, a write with a stale `If-Match` gets
//! its 412 from the handler, and a write without any precondition its 428 from the layer.
//!
//! The shallow ETag is computed after the handler has done its work, from the bytes it
//! produced: it saves the transfer, not the work. What it does, for a GET or HEAD:
//!
//! - a 2xx response (not 206) that has no `ETag`, no `Cache-Control: no-store`, and a body of
//!   known length up to the maximum (1 MiB by default, [`ShallowEtagLayer::max_size`]): the
//!   body is read, tagged (`ETag::for_bytes`, xxh3-128), and answered with 304 if the request's
//!   `If-None-Match` matches or, without `If-None-Match`, its `If-Modified-Since` is not before
//!   the response's `Last-Modified`. A 304 keeps the header fields RFC 9110 §15.4.5 asks for
//!   (`Cache-Control`, `Content-Location`, `Date`, `ETag`, `Expires`, `Vary`, `Last-Modified`)
//!   and the ones that are not about the body (`Set-Cookie`, CORS fields...), and drops the
//!   `Content-*` fields of the body it no longer has
//!   ([`keeps_in_not_modified`](crate::adopt::keeps_in_not_modified)).
//! - a response that already has an `ETag` (a handler that knows its version, a static file
//!   service): evaluated against that tag, the body never read.
//! - a body longer than the maximum: sent as it is (evaluated against its `Last-Modified` if
//!   it has one).
//! - a body of unknown length (a stream): read only as far as it is ready at once, within the
//!   maximum. A stream that has to wait for its next chunk (server-sent events, a slow
//!   producer) is sent on as it comes, the chunks already read first: nothing is held back. A
//!   body that is complete in memory but does not say its length, such as the output of a
//!   compression layer, gets its tag.
//! - HEAD: nothing is tagged. Whether the body is still there depends on where the layer sits
//!   (axum drops it at the top of the router, after a `Router::layer`, before a layer around
//!   the whole router), and the tag of an empty body would be wrong. A HEAD response with an
//!   `ETag` (or a `Last-Modified`) of its own is evaluated; any other goes out as it is, without
//!   the `ETag` a GET of the same resource gets. A handler that sets its own `ETag` (or a
//!   `#[conditional]` one) gives HEAD the same tag as GET.
//! - non-2xx, 206, `Cache-Control: no-store`, and methods other than GET and HEAD: untouched.
//!
//! # Compression
//!
//! A strong `ETag` promises the exact bytes sent. Compression changes the bytes, so the tag must
//! be computed from the compressed ones: put [`ShallowEtagLayer`] **outside** the compression
//! layer. With axum's `.layer(...)` calls the last one is the outermost:
//!
//! ```
//! use axum::Router;
//! use axum::routing::get;
//! use precond::axum::ShallowEtagLayer;
//! use tower_http::compression::CompressionLayer;
//!
//! let app: Router = Router::new()
//!     .route("/report", get(|| async { "a report, long enough to be worth compressing" }))
//!     .layer(CompressionLayer::new()) // inner: compresses the handler's bytes
//!     .layer(ShallowEtagLayer::new()); // outer: tags the bytes that go on the wire
//! ```
//!
//! (With `tower::ServiceBuilder`, the first layer is the outermost: `ShallowEtagLayer` first.)
//! The compressed and the identity responses then get different strong tags, as they must, and
//! the compression layer's `Vary: Accept-Encoding` tells caches to keep them apart. A response
//! that arrives compressed (`Content-Encoding` set) is hashed as it is.
//!
//! In the other order, the layer sees the bytes before compression, and its strong tag would be
//! served on gzip bytes it does not describe (a client combining byte ranges of the two could
//! corrupt its copy). If the layer must be inside compression, make its tags weak with
//! [`ShallowEtagLayer::weak`]: a weak tag only claims the same content, which holds, and
//! `If-None-Match` compares weakly, so 304s still work.
//!
//! [`RequireRules`]: crate::adopt::RequireRules
//! [`ShallowEtagRules`]: crate::adopt::ShallowEtagRules

mod require;
mod shallow;

pub use require::{RequireFuture, RequirePreconditions, RequirePreconditionsLayer};
pub use shallow::{ShallowEtag, ShallowEtagFuture, ShallowEtagLayer};
