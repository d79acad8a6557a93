//! The actix-web 4 integration (feature `actix`).
//!
//! - [`conditional`]: the attribute for actix-web handlers, `#[conditional(...)]`;
//! - [`ConditionalRequest`]: an extractor with the request's method and conditional fields,
//!   to evaluate against the current validators;
//! - [`Tagged`]: a JSON response with `ETag` and `Last-Modified`;
//! - [`ValidatorHeaders`]: `ETag` and `Last-Modified` on a response the handler builds itself;
//! - [`Rejected`]: a [`Rejection`](crate::Rejection) (304, 412, 428) as a response, and as a
//!   [`ResponseError`](actix_web::ResponseError) for `?` in handlers;
//! - [`RequirePreconditions`] and [`ShallowEtag`]: middleware that give a whole existing app
//!   428 for blind writes and shallow `ETag`s with 304 for GET, in one `.wrap(...)` each
//!   (see [below](#adopting-precond-in-an-existing-app)).
//!
//! The semantics are exactly those of the axum integration: the same statuses, headers and
//! bodies, through actix-web's `FromRequest`, `Responder` and
//! `ResponseError`. `#[conditional]` generates handlers that use all three; they work just as
//! well by hand:
//!
//! ```
//! use actix_web::{App, web};
//! use precond::actix::{ConditionalRequest, Rejected, Tagged};
//! use precond::{Policy, Versioned};
//! use std::sync::Mutex;
//!
//! #[derive(Clone, serde::Serialize, Versioned)]
//! struct Counter {
//!     #[versioned(version)]
//!     value: u64,
//! }
//!
//! async fn increment(
//!     counter: web::Data<Mutex<Counter>>,
//!     request: ConditionalRequest,
//! ) -> Result<Tagged<Counter>, Rejected> {
//!     let mut counter = counter.lock().unwrap_or_else(|e| e.into_inner());
//!     // The check and the write under one lock: no lost update.
//!     request
//!         .evaluate(Some(&counter.validators()), &Policy::lost_update())
//!         .into_result()?;
//!     counter.value += 1;
//!     Ok(Tagged::new(counter.clone()))
//! }
//!
//! # actix_web::rt::System::new().block_on(async {
//! let counter = web::Data::new(Mutex::new(Counter { value: 0 }));
//! let app = actix_web::test::init_service(
//!     App::new()
//!         .app_data(counter.clone())
//!         .route("/counter", web::patch().to(increment)),
//! )
//! .await;
//! // Without If-Match: 428; with the current ETag: 200 and the next one.
//! let request = actix_web::test::TestRequest::patch().uri("/counter").to_request();
//! assert_eq!(actix_web::test::call_service(&app, request).await.status(), 428);
//! let request = actix_web::test::TestRequest::patch()
//!     .uri("/counter")
//!     .insert_header(("if-match", "\"0\""))
//!     .to_request();
//! let response = actix_web::test::call_service(&app, request).await;
//! assert_eq!(response.status(), 200);
//! assert_eq!(response.headers().get("etag").unwrap(), "\"1\"");
//! # });
//! ```
//!
//! # Byte ranges
//!
//! Under `#[conditional]`, a `200` from [`Tagged`] to a GET with exactly one `Range` line serves
//! a single byte range of the JSON body (RFC 9110 §14): `206 Partial Content` with
//! `Content-Range: bytes first-last/length`, or `416 Range Not Satisfiable` with
//! `Content-Range: bytes */length`. Answers from [`Tagged`] to GET and HEAD say
//! `Accept-Ranges: bytes`. The full `200` goes out instead when:
//!
//! - the `Range` is not a single `bytes` range: another unit, several ranges (no
//!   `multipart/byteranges`), or invalid syntax (including `last < first`);
//! - the `If-Range` does not match the current validators (RFC 9110 §13.1.5);
//! - the request is not a GET, the answer not a `200`, or the body not [`Tagged`]'s;
//! - a suffix range (`-n`) asks for part of an empty body.
//!
//! `first` at or past the end, and `-0`, are not satisfiable (416). A `last` past the end
//! stands for the last byte, a suffix longer than the body for all of it; numbers too large
//! for 64 bits follow the same rules. Whitespace around the value and around the one range,
//! empty list elements and leading zeros are accepted.
//!
//! # HEAD
//!
//! actix-web routes HEAD requests only to routes that accept HEAD (`web::get()` and `#[get]` do
//! not): register a handler for both with `web::route().guard(guard::Any(guard::Get()).or(guard::Head()))`
//! or `#[route("/path", method = "GET", method = "HEAD")]`. Its answer to a HEAD keeps its body;
//! actix-web's HTTP server leaves the body out on the wire and keeps its `Content-Length`.
//!
#![doc = include_str!("middleware.md")]

mod convert;
pub(crate) mod deferred;
mod middleware;
mod rejected;
mod request;
pub(crate) mod runtime;
mod tagged;
mod validators;

pub use middleware::{
    RequireFuture, RequirePreconditions, RequirePreconditionsMiddleware, ShallowEtag,
    ShallowEtagFuture, ShallowEtagMiddleware,
};
pub use rejected::Rejected;
pub use request::ConditionalRequest;
pub use tagged::Tagged;
pub use validators::ValidatorHeaders;

#[doc = include_str!("../conditional_actix.md")]
#[doc(inline)]
pub use precond_macros::conditional_actix as conditional;
