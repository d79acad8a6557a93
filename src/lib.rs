#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub use precond_core::{
    Decision, ETag, Field, InvalidETag, Policy, Preconditions, Rejection, RejectionKind,
    Requirement, StableHasher, Validators, Versioned, date, digest_of, etag_of, evaluate,
    evaluate_at, hash_bytes, list,
};

/// The engine crate, for items not re-exported at the top level.
pub use precond_core as core;

/// Items used by generated code. Not public API: no stability guarantee.
#[doc(hidden)]
pub mod __private {
    pub use precond_core;
    pub use precond_core::http;
}
