//! `Tagged`, written once for both frameworks: the type and its accessors ([`tagged_type!`],
//! expanded in `crate::axum` and `crate::actix` with that framework's `StatusCode`), and what
//! building its response takes apart from the framework's types.

use precond_core::serde::Serialize;

use super::Needs;

/// `pub struct Tagged<T>` with `new`, `created`, `with_status`, `status`, `value` and
/// `into_inner`, documented with examples in `precond::$framework`, the status being
/// `$status` (at `$status_path`, for the examples). The type's own docs come first, from the
/// caller.
macro_rules! tagged_type {
    (
        $(#[$doc:meta])*
        framework = $framework:literal,
        status = $status:ty,
        status_path = $status_path:literal $(,)?
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[must_use]
        pub struct Tagged<T> {
            value: T,
            status: $status,
        }

        impl<T> Tagged<T> {
            /// `200 OK` with `value`.
            ///
            #[doc = concat!("```\nuse precond::", $framework, "::Tagged;")]
            /// assert_eq!(Tagged::new(1).status(), 200);
            /// ```
            #[inline]
            pub fn new(value: T) -> Self {
                Self { value, status: <$status>::OK }
            }

            /// `201 Created` with `value`, for a write that created the resource.
            ///
            #[doc = concat!("```\nuse precond::", $framework, "::Tagged;")]
            /// assert_eq!(Tagged::created(1).status(), 201);
            /// ```
            #[inline]
            pub fn created(value: T) -> Self {
                Self { value, status: <$status>::CREATED }
            }

            /// The same value with another status.
            ///
            #[doc = concat!("```\nuse ", $status_path, ";")]
            #[doc = concat!("use precond::", $framework, "::Tagged;")]
            /// assert_eq!(Tagged::new(1).with_status(StatusCode::ACCEPTED).status(), 202);
            /// ```
            #[inline]
            pub fn with_status(mut self, status: $status) -> Self {
                self.status = status;
                self
            }

            /// The status the response will have.
            #[inline]
            #[must_use]
            pub fn status(&self) -> $status {
                self.status
            }

            /// The value.
            ///
            #[doc = concat!("```\nuse precond::", $framework, "::Tagged;")]
            /// assert_eq!(Tagged::new("doc").value(), &"doc");
            /// ```
            #[inline]
            #[must_use]
            pub fn value(&self) -> &T {
                &self.value
            }

            /// The value, taken out.
            ///
            #[doc = concat!("```\nuse precond::", $framework, "::Tagged;")]
            /// assert_eq!(Tagged::created(String::from("doc")).into_inner(), "doc");
            /// ```
            #[inline]
            #[must_use]
            pub fn into_inner(self) -> T {
                self.value
            }
        }
    };
}
pub(crate) use tagged_type;

/// The JSON body of a `Tagged` value, or `None` if it cannot be serialized (a map with
/// non-string keys, a failing `Serialize` impl).
#[inline]
pub(crate) fn json<T: Serialize + ?Sized>(value: &T) -> Option<Vec<u8>> {
    // Small initial capacity, as serde_json::to_vec and the frameworks' `Json`.
    let mut body = Vec::with_capacity(128);
    serde_json::to_writer(&mut body, value).ok().map(|()| body)
}

/// Whether a `Tagged` response built for `needs` keeps a copy of its body: only to serve a
/// byte range from it (cloning the body shares it, which allocates).
#[inline]
pub(crate) fn keeps_body(needs: Needs) -> bool {
    needs == Needs::AnsweredWithBody
}

/// The plain-text body of the 500 that a value which cannot be serialized gets.
pub(crate) const SERIALIZATION_FAILED: &str = "failed to serialize the response body";
