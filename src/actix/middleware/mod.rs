//! Adopting precond in an existing actix-web app without touching its handlers: two
//! middleware, each one `.wrap(...)`.
//!
//! - [`RequirePreconditions`]: PUT, PATCH and DELETE (and POST if you say so) without
//!   `If-Match`, `If-Unmodified-Since` or `If-None-Match: *` get `428 Precondition Required`
//!   with the engine's JSON body, so that no client can overwrite a resource without saying
//!   which version it saw. Rules per method and path pattern, with exemptions such as
//!   `POST /login`: [`RequireRules`](crate::adopt::RequireRules). A request that carries a
//!   precondition goes on untouched: the handler (by hand, or with `#[conditional]`) evaluates
//!   it against the resource, which the middleware does not know.
//! - [`ShallowEtag`]: 2xx answers to GET get a strong `ETag` computed from their body bytes,
//!   and a request whose `If-None-Match` matches gets `304 Not Modified` without the body.
//!   Answers that carry their own `ETag` are evaluated against it; `Cache-Control: no-store`,
//!   bodies above the size limit and streams that are not complete at once are left alone.
//!   Rules: [`ShallowEtagRules`](crate::adopt::ShallowEtagRules).
//!
//! Both behave exactly as the axum layers (`precond::axum::layer`, with the `axum` feature): the
//! decisions are the same functions of [`precond::adopt`](crate::adopt).
//!
//! # Before and after
//!
//! An existing app, its handlers unchanged:
//!
//! ```
//! use actix_web::{App, HttpResponse, web};
//!
//! async fn get_document(id: web::Path<u64>) -> HttpResponse {
//!     HttpResponse::Ok().json(serde_json::json!({ "id": *id, "title": "Draft" }))
//! }
//! async fn put_document(_id: web::Path<u64>, _body: web::Bytes) -> HttpResponse {
//!     HttpResponse::NoContent().finish()
//! }
//! async fn delete_document(_id: web::Path<u64>) -> HttpResponse {
//!     HttpResponse::NoContent().finish()
//! }
//! async fn login() -> HttpResponse {
//!     HttpResponse::Ok().body("welcome")
//! }
//!
//! fn routes(config: &mut web::ServiceConfig) {
//!     config
//!         .route("/documents/{id}", web::get().to(get_document))
//!         .route("/documents/{id}", web::put().to(put_document))
//!         .route("/documents/{id}", web::delete().to(delete_document))
//!         .route("/login", web::post().to(login));
//! }
//!
//! // Before: any client overwrites or deletes blindly, and every GET sends the whole body.
//! let before = App::new().configure(routes);
//! ```
//!
//! After: the same handlers, two lines.
//!
//! ```
//! # use actix_web::{App, HttpResponse, web};
//! # async fn get_document(id: web::Path<u64>) -> HttpResponse {
//! #     HttpResponse::Ok().json(serde_json::json!({ "id": *id, "title": "Draft" }))
//! # }
//! # async fn put_document(_id: web::Path<u64>, _body: web::Bytes) -> HttpResponse {
//! #     HttpResponse::NoContent().finish()
//! # }
//! # async fn delete_document(_id: web::Path<u64>) -> HttpResponse {
//! #     HttpResponse::NoContent().finish()
//! # }
//! # async fn login() -> HttpResponse {
//! #     HttpResponse::Ok().body("welcome")
//! # }
//! # fn routes(config: &mut web::ServiceConfig) {
//! #     config
//! #         .route("/documents/{id}", web::get().to(get_document))
//! #         .route("/documents/{id}", web::put().to(put_document))
//! #         .route("/documents/{id}", web::delete().to(delete_document))
//! #         .route("/login", web::post().to(login));
//! # }
//! use actix_web::test::{TestRequest, call_service, init_service};
//! use precond::actix::{RequirePreconditions, ShallowEtag};
//! use precond::adopt::RequireRules;
//!
//! let after = App::new()
//!     .configure(routes)
//!     .wrap(ShallowEtag::new())
//!     .wrap(RequirePreconditions::new(
//!         RequireRules::new().method("POST").exempt("POST", "/login"),
//!     ));
//!
//! # actix_web::rt::System::new().block_on(async {
//! let app = init_service(after).await;
//! // A write without a precondition: 428, the handler does not run.
//! let put = TestRequest::put().uri("/documents/7").set_payload("{}").to_request();
//! assert_eq!(call_service(&app, put).await.status(), 428);
//! // With one: the handler runs (and evaluates it, if it knows the document's version).
//! let put = TestRequest::put()
//!     .uri("/documents/7")
//!     .insert_header(("if-match", "\"3\""))
//!     .to_request();
//! assert_eq!(call_service(&app, put).await.status(), 204);
//! // POST /login is exempt.
//! let login = TestRequest::post().uri("/login").to_request();
//! assert_eq!(call_service(&app, login).await.status(), 200);
//! // A GET gets an ETag, and its revalidation a 304 without the body.
//! let get = TestRequest::get().uri("/documents/7").to_request();
//! let etag = call_service(&app, get).await.headers().get("etag").cloned().unwrap();
//! let revalidate = TestRequest::get()
//!     .uri("/documents/7")
//!     .insert_header(("if-none-match", etag))
//!     .to_request();
//! assert_eq!(call_service(&app, revalidate).await.status(), 304);
//! # });
//! ```
//!
//! The two middleware are independent (one looks at writes, the other at GET and HEAD): their
//! order between them does not matter. Wrap them around the whole `App` as above, or around a
//! `web::scope` or `web::resource` to cover only part of it. Path patterns are matched against
//! the request's whole path as received ([`ServiceRequest::path`](actix_web::dev::ServiceRequest::path)), also inside a scope.
//!
//! The handlers still do all their work for a GET: the tag saves the transfer of an unchanged
//! body, not its production. A handler that knows its resource's version does better with
//! `#[conditional]` ([`conditional`](super::conditional)), which answers 304 (and 412) before
//! the work; both work together: behind `RequirePreconditions`, a `#[conditional]` handler gets
//! exactly the requests that carry a precondition, and evaluates them.
//!
//! # Compression
//!
//! In actix-web, **the last `.wrap()` is the outermost** middleware: it sees the request first
//! and the response last. A strong `ETag` promises the exact bytes that go on the wire, so
//! [`ShallowEtag`] must see the bytes after
//! [`Compress`](https://docs.rs/actix-web/4/actix_web/middleware/struct.Compress.html) has compressed them: wrap it *after*
//! `Compress`.
//!
//! ```
//! use actix_web::{App, middleware::Compress};
//! use precond::actix::ShallowEtag;
//!
//! let app = App::new()
//!     // ... routes ...
//!     .wrap(Compress::default()) // inner: compresses
//!     .wrap(ShallowEtag::new()); // outer: tags the bytes that are sent
//! ```
//!
//! Then the identity and the gzip answer get different tags, as they must, and each client's
//! `If-None-Match` matches the variant it has. But `Compress` compresses a body of 1 KiB or more
//! on a blocking thread: its output is a stream of unknown length that is not ready at once,
//! and [`ShallowEtag`] never waits for such a stream (it might never end), so those answers go
//! out compressed and untagged. Small bodies, and every answer to a client that does not ask
//! for compression, are tagged.
//!
//! To tag everything with `Compress`, put [`ShallowEtag`] *inside* it with
//! [`weak`](ShallowEtag::weak) tags. A weak tag promises the same content, not the same bytes,
//! which holds for every encoding of it, and `If-None-Match` compares weakly, so 304s work for
//! compressed and identity answers alike:
//!
//! ```
//! use actix_web::{App, middleware::Compress};
//! use precond::actix::ShallowEtag;
//!
//! let app = App::new()
//!     // ... routes ...
//!     .wrap(ShallowEtag::new().weak()) // inner: sees the uncompressed bytes, tags them weakly
//!     .wrap(Compress::default()); // outer
//! ```
//!
//! What must not be done is a strong [`ShallowEtag::new`] inside `Compress`: it would give the
//! compressed and the identity bytes one strong tag, which a cache or a range request takes for
//! a promise that they are the same bytes. An answer that arrives with a `Content-Encoding`
//! (compressed by the handler) is tagged as it is: those are the bytes sent.
//!
//! # HEAD
//!
//! Nothing is tagged for a HEAD. In actix-web the handler's body is still in the answer when
//! the middleware sees it (the server leaves it out on the wire), but a handler may as well
//! answer HEAD with an empty body, whose tag would be wrong, and the axum layer, which may see
//! the body already gone, must answer alike. An answer to HEAD with an `ETag` (or a
//! `Last-Modified`) of its own is evaluated; any other goes out as it is, without the `ETag` a
//! GET of the same resource gets. A handler that sets its own `ETag` (with
//! [`Tagged`](super::Tagged), or a `#[conditional]` one) gives HEAD the same tag as GET.

mod require;
mod shallow;

pub use require::{RequireFuture, RequirePreconditions, RequirePreconditionsMiddleware};
pub use shallow::{ShallowEtag, ShallowEtagFuture, ShallowEtagMiddleware};

use ::actix_web::http::header::{
    HeaderMap, IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE, IF_UNMODIFIED_SINCE, RANGE,
};
use precond_core::{Field, Preconditions};

/// The conditional fields of a request's headers, every line of each in the order received,
/// borrowed. One pass over the headers, comparing names (standard names compare as small
/// integers): cheaper than six lookups for the handful of fields a request carries.
fn preconditions(headers: &HeaderMap) -> Preconditions<'_> {
    let mut pre = Preconditions::new();
    for (name, value) in headers.iter() {
        let field = if *name == IF_MATCH {
            Field::IfMatch
        } else if *name == IF_NONE_MATCH {
            Field::IfNoneMatch
        } else if *name == IF_MODIFIED_SINCE {
            Field::IfModifiedSince
        } else if *name == IF_UNMODIFIED_SINCE {
            Field::IfUnmodifiedSince
        } else if *name == IF_RANGE {
            Field::IfRange
        } else if *name == RANGE {
            Field::Range
        } else {
            continue;
        };
        pre.add(field, value.as_bytes());
    }
    pre
}
