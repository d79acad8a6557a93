//! The axum 0.8 integration (feature `axum`, on by default).
//!
//! - [`conditional`]: the attribute for axum handlers, `#[conditional(...)]` (also
//!   `precond::conditional`).
//! - [`ConditionalRequest`]: an extractor with the request's method and conditional fields,
//!   to evaluate against the current validators.
//! - [`Tagged`]: a JSON response with `ETag` and `Last-Modified`.
//! - [`ValidatorHeaders`]: `ETag` and `Last-Modified` on a response the handler builds itself.
//! - [`Rejected`]: a [`Rejection`](crate::Rejection) (304, 412, 428) as a response.
//! - [`RequirePreconditionsLayer`] and [`ShallowEtagLayer`]: tower layers that give a whole
//!   existing app 428 for blind writes and shallow `ETag`s with 304 for GET, in one `.layer(...)`
//!   each (see [below](#adopting-precond-in-an-existing-app)).
//!
//! `#[conditional]` generates handlers that use all three; they work just as well by hand:
//!
//! ```
//! use axum::extract::State;
//! use axum::response::{IntoResponse, Response};
//! use precond::axum::{ConditionalRequest, Rejected, Tagged};
//! use precond::{Policy, Versioned};
//! use std::sync::{Arc, Mutex};
//!
//! #[derive(Clone, serde::Serialize, Versioned)]
//! struct Counter {
//!     #[versioned(version)]
//!     value: u64,
//! }
//!
//! async fn increment(
//!     State(counter): State<Arc<Mutex<Counter>>>,
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
//! let app: axum::Router = axum::Router::new()
//!     .route("/counter", axum::routing::post(increment))
//!     .with_state(Arc::new(Mutex::new(Counter { value: 0 })));
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
#![doc = include_str!("layers.md")]

pub(crate) mod deferred;
mod layer;
mod rejected;
mod request;
pub(crate) mod runtime;
mod tagged;
mod validators;

pub use layer::{
    RequireFuture, RequirePreconditions, RequirePreconditionsLayer, ShallowEtag, ShallowEtagFuture,
    ShallowEtagLayer,
};
/// `#[conditional]` for axum handlers: the same attribute as `precond::conditional`, named
/// after its framework beside `precond::actix::conditional`.
#[doc(no_inline)]
pub use precond_macros::conditional;
pub use rejected::Rejected;
pub use request::ConditionalRequest;
pub use tagged::Tagged;
pub use validators::ValidatorHeaders;
