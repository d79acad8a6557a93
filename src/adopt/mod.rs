//! App-wide conditional requests without annotating handlers: the decisions shared by the
//! axum layers (`precond::axum::RequirePreconditionsLayer`, `precond::axum::ShallowEtagLayer`)
//! and the actix-web middleware (`precond::actix::RequirePreconditions`,
//! `precond::actix::ShallowEtag`).
//!
//! Nothing here knows a web framework: methods and paths are `&str`, header values `&[u8]`.
//! Two jobs:
//!
//! - [`RequireRules`]: which requests must carry a precondition (`If-Match`,
//!   `If-Unmodified-Since` or `If-None-Match: *`), and the `428 Precondition Required` for those
//!   that do not. A request that carries one passes on untouched, for the handler (or
//!   `#[conditional]`) to evaluate against the resource: the rules have no validators to
//!   evaluate it against.
//! - [`ShallowEtagRules`]: "shallow" entity tags for GET, computed from the bytes of a response
//!   body (the handler still does all its work; only the transfer is saved), and the
//!   `304 Not Modified` for a request whose `If-None-Match` or `If-Modified-Since` says the
//!   client's copy is current.
//!
//! ```
//! use precond::adopt::RequireRules;
//! use precond::{Field, Preconditions};
//!
//! let rules = RequireRules::new().exempt("DELETE", "/sessions/{id}");
//!
//! let mut pre = Preconditions::new();
//! let rejection = rules.rejection("PUT", "/documents/7", &pre);
//! assert_eq!(rejection.map(|r| r.status()), Some(http::StatusCode::PRECONDITION_REQUIRED));
//! assert!(rules.rejection("DELETE", "/sessions/abc", &pre).is_none());
//!
//! pre.add(Field::IfMatch, b"\"3\"");
//! assert!(rules.rejection("PUT", "/documents/7", &pre).is_none());
//! ```

mod headers;
mod pattern;
mod require;
mod shallow;

pub use headers::{has_no_store, keeps_in_not_modified};
pub use pattern::{InvalidPathPattern, PathPattern};
pub use require::RequireRules;
pub use shallow::{DEFAULT_MAX_SIZE, ResponseFacts, ShallowEtagRules, ShallowPlan};
