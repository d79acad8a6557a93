#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub use precond_core::{
    Decision, ETag, Field, InvalidETag, LastModified, Policy, Preconditions, Reason, Rejection,
    RejectionKind, Requirement, Validators, VersionTag, Versioned, date, etag_of, evaluate,
    evaluate_at, list,
};

#[doc = include_str!("derive_versioned.md")]
#[doc(inline)]
pub use precond_macros::Versioned;

#[cfg(feature = "axum")]
#[doc = include_str!("conditional.md")]
#[doc(inline)]
pub use precond_macros::conditional;

/// Without the `axum` feature, `precond::conditional` is a compile error that says to write
/// `precond::actix::conditional` for actix-web handlers (or to enable `axum`), rather than the
/// compiler's "enable the feature `axum`".
#[cfg(not(feature = "axum"))]
#[doc(hidden)]
pub use precond_macros::conditional_without_axum as conditional;

#[cfg(any(feature = "axum", feature = "actix"))]
pub use conditional::tagged::{Encode, Raw};

/// The engine crate, for items not re-exported at the top level.
pub use precond_core as core;

#[cfg(feature = "actix")]
pub mod actix;
#[cfg(any(feature = "axum", feature = "actix"))]
pub mod adopt;
#[cfg(feature = "axum")]
pub mod axum;
#[cfg(feature = "client")]
pub mod client;
#[cfg(any(feature = "axum", feature = "actix"))]
mod conditional;
#[cfg(all(feature = "utoipa", any(feature = "axum", feature = "actix")))]
pub mod openapi;
mod private;
#[cfg(any(feature = "sqlx-postgres", feature = "sqlx-sqlite"))]
pub mod sqlx;
mod trace;

/// Items used by generated code. Not public API: no stability guarantee.
#[doc(hidden)]
pub mod __private {
    pub use precond_core;
    pub use precond_core::http;

    // For `#[derive(Versioned)]`.
    pub use precond_core::__private::{EncodedField, StableHasher};
    pub use precond_core::serde::Serialize;
    pub use precond_core::{ETag, LastModified, VersionTag, Versioned};
    pub use std::option::Option;
    pub use std::time::SystemTime;

    // For `#[conditional]`.
    pub use crate::private::{ExtraHeaders, hint};
    pub use precond_core::{Policy, Requirement, Validators};

    /// What `#[conditional]` puts in a `#[utoipa::path]`'s `x-precond` extension: whether
    /// `precond::openapi` exists to document it. Without the `utoipa` feature, naming it warns.
    #[cfg(feature = "utoipa")]
    pub const OPENAPI: bool = true;
    /// What `#[conditional]` puts in a `#[utoipa::path]`'s `x-precond` extension: whether
    /// `precond::openapi` exists to document it. Without the `utoipa` feature, naming it warns.
    #[cfg(not(feature = "utoipa"))]
    #[deprecated(
        note = "precond's `utoipa` feature is off: this handler's `#[utoipa::path]` carries its \
                conditional contract (the extension `x-precond`), but nothing turns it into \
                parameters and responses; enable the feature (`features = [\"utoipa\"]`) and \
                apply `precond::openapi::Conditional` to the document"
    )]
    pub const OPENAPI: bool = false;

    /// The axum side of `#[conditional]`.
    #[cfg(feature = "axum")]
    pub mod axum {
        pub use crate::axum::ConditionalRequest;
        pub use crate::axum::deferred::{Deferred, ViaDeferred};
        pub use crate::axum::runtime::{
            Answer, AnswerOther, AnswerTagged, IntoTagged, Load, OtherKind, Proceed, TaggedKind,
            check, finish,
        };
        pub use ::axum::response::Response;
    }

    /// The actix-web side of `#[conditional]`.
    #[cfg(feature = "actix")]
    pub mod actix {
        pub use crate::actix::ConditionalRequest;
        pub use crate::actix::deferred::Deferred;
        pub use crate::actix::runtime::{
            Answer, AnswerOther, AnswerTagged, IntoTagged, Load, OtherKind, Proceed, Response,
            TaggedKind, check, finish,
        };
    }
}
