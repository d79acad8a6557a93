//! The engine of precond: entity tags, HTTP dates and the evaluation of conditional requests
//! exactly as RFC 9110 §13 specifies, with no web framework in its dependencies.
//!
//! The flow is one way: request headers → [`Preconditions`] (borrowed, parsed lazily) →
//! [`evaluate`] against the resource's current [`Validators`] and a [`Policy`] → a
//! [`Decision`]: proceed, or a [`Rejection`] that knows its status (304, 412, 428), headers and
//! body.
//!
//! ```
//! use http::{HeaderMap, HeaderValue, Method};
//! use precond_core::{evaluate, Decision, ETag, Policy, Preconditions, Validators};
//!
//! // Two clients read version 1. The first one's write succeeded: the resource is now at 2.
//! let current = Validators::new(ETag::from_version(2));
//!
//! // The second client writes with the ETag it read.
//! let mut headers = HeaderMap::new();
//! headers.insert("if-match", HeaderValue::from_static("\"1\""));
//! let pre = Preconditions::from_headers(&headers);
//!
//! match evaluate(&Method::PUT, &pre, Some(&current), &Policy::lost_update()) {
//!     Decision::PreconditionFailed(rejection) => {
//!         // No lost update: 412 with the current ETag, so the client can re-fetch and merge.
//!         let response: http::Response<String> = rejection.to_response();
//!         assert_eq!(response.status(), 412);
//!         assert_eq!(response.headers()["etag"], "\"2\"");
//!     }
//!     other => panic!("expected 412, got {other:?}"),
//! }
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod date;
mod decision;
mod etag;
mod evaluate;
pub mod hash;
mod last_modified;
pub mod list;
mod policy;
mod preconditions;
mod validators;
mod version_tag;

pub use decision::{Decision, Reason, Rejection, RejectionKind};
pub use etag::{ETag, InvalidETag};
pub use evaluate::{evaluate, evaluate_at};
pub use hash::{HashError, etag_of};
pub use last_modified::LastModified;
pub use policy::{Policy, Requirement};
pub use preconditions::{Field, Preconditions};
pub use validators::{Validators, Versioned};
pub use version_tag::VersionTag;

/// Items for `#[derive(Versioned)]`'s generated code. Not public API: they may change in any
/// release.
#[doc(hidden)]
pub mod __private {
    pub use crate::hash::{EncodedField, StableHasher};
}

/// Re-exported so that users and generated code name one version of these crates.
pub use http;
pub use httpdate;
pub use serde;
