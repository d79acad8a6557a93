//! A representation's current validators, and the [`Versioned`] trait that yields them.

use std::fmt;
use std::time::SystemTime;

use crate::date::HttpDate;
use crate::etag::ETag;

/// The current validators of the selected representation: its entity tag and its
/// modification date, either of which may be unknown.
///
/// `Last-Modified` is truncated to whole seconds when it is set, the precision of an HTTP date,
/// so that a client echoing the `Last-Modified` it was sent matches exactly.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use precond_core::{ETag, Validators};
///
/// let v = Validators::new(ETag::from_version(3))
///     .with_last_modified(UNIX_EPOCH + Duration::from_millis(1_999));
/// assert_eq!(v.etag(), Some(&ETag::from_version(3)));
/// assert_eq!(v.last_modified(), Some(UNIX_EPOCH + Duration::from_secs(1)));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Validators {
    etag: Option<ETag>,
    /// In whole seconds, as the evaluation compares it with the dates of the request.
    last_modified: Option<HttpDate>,
}

impl Validators {
    /// Validators with an entity tag and no modification date.
    #[must_use]
    pub fn new(etag: ETag) -> Self {
        Self {
            etag: Some(etag),
            last_modified: None,
        }
    }

    /// Validators with neither an entity tag nor a modification date: only `*` can match them.
    #[must_use]
    pub fn none() -> Self {
        Self::default()
    }

    /// Sets the modification date, truncated to the second.
    #[must_use]
    pub fn with_last_modified(mut self, last_modified: SystemTime) -> Self {
        self.last_modified = Some(HttpDate::truncating(last_modified));
        self
    }

    /// Sets or clears the modification date, truncated to the second.
    #[must_use]
    pub fn with_last_modified_opt(mut self, last_modified: Option<SystemTime>) -> Self {
        self.last_modified = last_modified.map(HttpDate::truncating);
        self
    }

    /// Sets or clears the entity tag.
    #[must_use]
    pub fn with_etag(mut self, etag: Option<ETag>) -> Self {
        self.etag = etag;
        self
    }

    /// The entity tag, if any.
    #[inline]
    #[must_use]
    pub fn etag(&self) -> Option<&ETag> {
        self.etag.as_ref()
    }

    /// The modification date (whole seconds), if any.
    #[inline]
    #[must_use]
    pub fn last_modified(&self) -> Option<SystemTime> {
        self.last_modified.map(HttpDate::to_system_time)
    }

    /// The modification date as the evaluation compares it.
    #[inline]
    pub(crate) fn last_modified_date(&self) -> Option<HttpDate> {
        self.last_modified
    }
}

impl fmt::Debug for Validators {
    /// As derived, with the modification date as a [`SystemTime`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Validators")
            .field("etag", &self.etag)
            .field("last_modified", &self.last_modified())
            .finish()
    }
}

/// A resource representation that knows its validators.
///
/// Derive it with `#[derive(precond::Versioned)]`, or implement it by hand:
///
/// ```
/// use precond_core::{ETag, Versioned};
///
/// struct Document { version: u64 }
///
/// impl Versioned for Document {
///     fn etag(&self) -> ETag {
///         ETag::from_version(self.version)
///     }
/// }
///
/// assert_eq!(Document { version: 4 }.validators().etag(), Some(&ETag::from_version(4)));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `Versioned`, so it has no ETag to check preconditions against",
    label = "this type has no validators",
    note = "add `#[derive(precond::Versioned)]` to `{Self}`, or implement `precond::Versioned` by hand"
)]
pub trait Versioned {
    /// Whether [`etag`](Self::etag) returns weak entity tags. Weak tags never match `If-Match`
    /// (RFC 9110 §13.1.1 uses the strong comparison), so code that requires `If-Match` refuses
    /// such types at compile time. Set it to `true` if you return weak tags.
    const WEAK: bool = false;

    /// Whether [`last_modified`](Self::last_modified) can return a date. Only documentation
    /// reads it (precond's OpenAPI support lists `Last-Modified` and `If-Modified-Since` where
    /// it is `true`); the derive sets it for a `#[versioned(last_modified)]` field. Set it to
    /// `true` if you implement `last_modified` by hand.
    const HAS_LAST_MODIFIED: bool = false;

    /// The current entity tag of this representation.
    fn etag(&self) -> ETag;

    /// The modification date of this representation, if it has one.
    fn last_modified(&self) -> Option<SystemTime> {
        None
    }

    /// Both validators together.
    fn validators(&self) -> Validators {
        Validators::new(self.etag()).with_last_modified_opt(self.last_modified())
    }
}

macro_rules! forward {
    ($($ty:ty),*) => {$(
        impl<T: Versioned + ?Sized> Versioned for $ty {
            const WEAK: bool = T::WEAK;
            const HAS_LAST_MODIFIED: bool = T::HAS_LAST_MODIFIED;
            #[inline]
            fn etag(&self) -> ETag {
                (**self).etag()
            }
            #[inline]
            fn last_modified(&self) -> Option<SystemTime> {
                (**self).last_modified()
            }
        }
    )*};
}

forward!(&T, &mut T, Box<T>, std::rc::Rc<T>, std::sync::Arc<T>);

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    /// The `Debug` output is what `#[derive(Debug)]` gave when the date was kept as a
    /// `SystemTime`.
    #[test]
    fn debug_is_as_derived() {
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Validators {
            etag: Option<ETag>,
            last_modified: Option<SystemTime>,
        }
        let time = UNIX_EPOCH + Duration::from_secs(784_111_777);
        for (ours, derived) in [
            (
                super::Validators::none(),
                Validators {
                    etag: None,
                    last_modified: None,
                },
            ),
            (
                super::Validators::new(ETag::from_version(3))
                    .with_last_modified(time + Duration::from_millis(500)),
                Validators {
                    etag: Some(ETag::from_version(3)),
                    last_modified: Some(time),
                },
            ),
        ] {
            assert_eq!(format!("{ours:?}"), format!("{derived:?}"));
            assert_eq!(format!("{ours:#?}"), format!("{derived:#?}"));
        }
    }
}
