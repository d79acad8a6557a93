//! `Tagged`, written once for both frameworks: the type and its accessors ([`tagged_type!`],
//! expanded in `crate::axum` and `crate::actix` with that framework's `StatusCode`), and what
//! building its response takes apart from the framework's types.

use std::borrow::Cow;
use std::time::SystemTime;

use bytes::Bytes;
use precond_core::serde::Serialize;
use precond_core::{ETag, Validators, Versioned};

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
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
        #[must_use]
        pub struct Tagged<T> {
            value: T,
            status: $status,
            location: Option<::std::borrow::Cow<'static, str>>,
        }

        impl<T> Tagged<T> {
            /// `200 OK` with `value`.
            ///
            #[doc = concat!("```\nuse precond::", $framework, "::Tagged;")]
            /// assert_eq!(Tagged::new(1).status(), 200);
            /// ```
            #[inline]
            pub fn new(value: T) -> Self {
                Self { value, status: <$status>::OK, location: None }
            }

            /// `201 Created` with `value`, for a write that created the resource.
            ///
            #[doc = concat!("```\nuse precond::", $framework, "::Tagged;")]
            /// assert_eq!(Tagged::created(1).status(), 201);
            /// ```
            #[inline]
            pub fn created(value: T) -> Self {
                Self { value, status: <$status>::CREATED, location: None }
            }

            /// The same value with a `Location` header: where the resource created by a
            /// `201` is (RFC 9110 §10.2.2), or where a `3xx` redirects. A value that cannot be a
            /// header value (a control character, a line break) makes the response a `500`.
            ///
            #[doc = concat!("```\nuse precond::", $framework, "::Tagged;")]
            /// let created = Tagged::created("doc").with_location("/documents/7");
            /// assert_eq!(created.location(), Some("/documents/7"));
            /// ```
            #[inline]
            pub fn with_location(
                mut self,
                location: impl Into<::std::borrow::Cow<'static, str>>,
            ) -> Self {
                self.location = Some(location.into());
                self
            }

            /// The `Location` the response will have, if any.
            #[inline]
            #[must_use]
            pub fn location(&self) -> Option<&str> {
                self.location.as_deref()
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

/// How a `Tagged` value becomes the response's body: its media type and its bytes.
///
/// Every `Serialize` type is JSON (`application/json`); [`Raw`] is bytes or text of any media
/// type. Implement it for a format of your own (CBOR, XML...) on a type that is not
/// `Serialize`.
///
/// ```
/// use std::borrow::Cow;
/// use precond::Encode;
///
/// struct Csv(Vec<(String, u32)>);
///
/// impl Encode for Csv {
///     fn content_type(&self) -> Cow<'static, str> {
///         Cow::Borrowed("text/csv; charset=utf-8")
///     }
///     fn encode(self) -> Option<bytes::Bytes> {
///         let rows: String = self.0.iter().map(|(name, n)| format!("{name},{n}\n")).collect();
///         Some(rows.into())
///     }
/// }
/// ```
pub trait Encode {
    /// The `Content-Type` of the body.
    fn content_type(&self) -> Cow<'static, str>;

    /// The body, or `None` if the value cannot be encoded (the response is then a `500`).
    fn encode(self) -> Option<Bytes>;
}

/// JSON, as serde_json writes it.
impl<T: Serialize> Encode for T {
    #[inline]
    fn content_type(&self) -> Cow<'static, str> {
        Cow::Borrowed(JSON)
    }

    #[inline]
    fn encode(self) -> Option<Bytes> {
        json(&self)
    }
}

/// The media type of JSON bodies.
pub(crate) const JSON: &str = "application/json";

/// A body that is not JSON: bytes (or text) and their media type, with the validators they
/// stand for. Send it as `Tagged::new(Raw::...)`.
///
/// Its `ETag` is the one of the validators given with
/// [`with_validators`](Self::with_validators), or else the strong tag of its bytes
/// ([`ETag::for_bytes`]). Under `#[conditional]`, a GET or HEAD is labelled with the validators
/// the preconditions were checked against, as for any `Tagged` value; a `Range` is served from
/// its bytes.
///
/// ```
/// use precond::{ETag, Raw, Validators, Versioned};
///
/// let png = Raw::new(vec![0x89, b'P', b'N', b'G'], "image/png");
/// assert_eq!(png.etag(), ETag::for_bytes(&[0x89, b'P', b'N', b'G']));
///
/// let note = Raw::text("Buy milk").with_validators(Validators::new(ETag::from_version(3)));
/// assert_eq!(note.content_type(), "text/plain; charset=utf-8");
/// assert_eq!(note.etag(), ETag::from_version(3));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raw {
    body: Bytes,
    content_type: Cow<'static, str>,
    validators: Option<Validators>,
}

impl Raw {
    /// `body`, of the media type `content_type` (`Content-Type`).
    pub fn new(body: impl Into<Bytes>, content_type: impl Into<Cow<'static, str>>) -> Self {
        Self {
            body: body.into(),
            content_type: content_type.into(),
            validators: None,
        }
    }

    /// `text` as `text/plain; charset=utf-8`.
    pub fn text(text: impl Into<String>) -> Self {
        Self::new(text.into(), "text/plain; charset=utf-8")
    }

    /// The same body, standing for `validators` (its `ETag` and `Last-Modified`), such as those
    /// of the resource it was read from, rather than for the hash of its bytes.
    #[must_use]
    pub fn with_validators(mut self, validators: Validators) -> Self {
        self.validators = Some(validators);
        self
    }

    /// The bytes.
    #[must_use]
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The media type.
    #[must_use]
    pub fn content_type(&self) -> &str {
        &self.content_type
    }
}

impl Versioned for Raw {
    fn etag(&self) -> ETag {
        match self.validators.as_ref().and_then(Validators::etag) {
            Some(etag) => etag.clone(),
            None => ETag::for_bytes(&self.body),
        }
    }

    fn last_modified(&self) -> Option<SystemTime> {
        self.validators.as_ref().and_then(Validators::last_modified)
    }
}

impl Encode for Raw {
    fn content_type(&self) -> Cow<'static, str> {
        self.content_type.clone()
    }

    fn encode(self) -> Option<Bytes> {
        Some(self.body)
    }
}

/// What a `Tagged` response carries, apart from its status (of the framework's type): built
/// and checked here once for both frameworks (its `Content-Type` and `Location` are valid
/// header values, and so is every entity tag), turned into a response by each adapter.
#[derive(Debug)]
pub(crate) struct Parts {
    pub(crate) body: Bytes,
    pub(crate) content_type: Cow<'static, str>,
    pub(crate) etag: Option<ETag>,
    pub(crate) last_modified: Option<SystemTime>,
    pub(crate) location: Option<Cow<'static, str>>,
}

/// Whether `text` can be a header field value as it is (visible ASCII, spaces, tabs and
/// obs-text), so that neither framework's conversion can fail on it.
fn valid_header_value(text: &str) -> bool {
    text.bytes()
        .all(|b| b == b'\t' || (b' '..=b'~').contains(&b) || b >= 0x80)
}

/// Why a `Tagged` value has no response of its own but a 500.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The value could not be encoded.
    Encode,
    /// Its `Content-Type` or `Location` cannot be a header value.
    Header,
}

impl Failure {
    /// The plain-text body of the 500.
    pub(crate) fn message(self) -> &'static str {
        match self {
            Failure::Encode => SERIALIZATION_FAILED,
            Failure::Header => INVALID_HEADER,
        }
    }
}

/// The parts of `value`'s response, labelled with `validators` when given (the
/// `#[conditional]` runtime passes the ones it checked, already computed) or else with the
/// value's own.
#[inline]
pub(crate) fn parts<T: Versioned + Encode>(
    value: T,
    validators: Option<&Validators>,
    location: Option<Cow<'static, str>>,
) -> Result<Parts, Failure> {
    let (etag, last_modified) = match validators {
        Some(validators) => (validators.etag().cloned(), validators.last_modified()),
        None => (Some(value.etag()), value.last_modified()),
    };
    let content_type = value.content_type();
    // `application/json` needs no check: the usual case costs one comparison.
    if (*content_type != *JSON && !valid_header_value(&content_type))
        || location
            .as_deref()
            .is_some_and(|location| !valid_header_value(location))
    {
        return Err(Failure::Header);
    }
    let body = value.encode().ok_or(Failure::Encode)?;
    Ok(Parts {
        body,
        content_type,
        etag,
        last_modified,
        location,
    })
}

/// A `Tagged` value's response `R` (built by an adapter's `build`, or its `failed` 500), and a
/// copy of the body when `keep` says so: what both adapters' `IntoResponse`/`Responder` (keep
/// always, for the extensions) and `respond` (keep for what the request needs) do.
#[inline]
pub(crate) fn respond_with<T: Versioned + Encode, R>(
    value: T,
    validators: Option<&Validators>,
    location: Option<Cow<'static, str>>,
    keep: bool,
    build: impl FnOnce(Parts) -> R,
    failed: impl FnOnce(Failure) -> R,
) -> (R, Option<Bytes>) {
    match parts(value, validators, location) {
        Ok(parts) => {
            let kept = keep.then(|| parts.body.clone());
            (build(parts), kept)
        }
        Err(failure) => (failed(failure), None),
    }
}

/// The plain-text body of the 500 of a `Tagged` whose `Content-Type` or `Location` is not a
/// valid header value.
pub(crate) const INVALID_HEADER: &str =
    "the response's Content-Type or Location is not a valid header value";

/// The JSON body of a `Tagged` value, or `None` if it cannot be serialized (a map with
/// non-string keys, a failing `Serialize` impl).
///
/// The value is written into a buffer kept per thread, then copied out at its exact size:
/// growing a fresh `Vec` from a small capacity, as `serde_json::to_vec` and the frameworks'
/// `Json` do, reallocates it at each doubling (about 1,600 instructions for a 1 KB document,
/// more than the copy and the one allocation of exactly its size cost). A body larger than
/// [`SCRATCH_KEPT`] is handed over instead of copied, buffer and all, so that a thread does not
/// keep the memory of its largest response. The buffer carries nothing from one value to the
/// next but its capacity. A `Serialize` impl that itself makes a `Tagged` body (the buffer is
/// then in use) gets a fresh `Vec`.
#[inline]
pub(crate) fn json<T: Serialize + ?Sized>(value: &T) -> Option<Bytes> {
    let in_scratch = SCRATCH.try_with(|scratch| {
        let mut buffer = scratch.try_borrow_mut().ok()?;
        buffer.clear();
        let written = serde_json::to_writer(&mut *buffer, value).is_ok();
        Some(take_body(&mut buffer, written))
    });
    match in_scratch {
        Ok(Some(body)) => body,
        // The buffer is in use or gone (a thread being torn down): a fresh one.
        Ok(None) | Err(_) => {
            let mut body = Vec::with_capacity(128);
            serde_json::to_writer(&mut body, value)
                .ok()
                .map(|()| Bytes::from(body))
        }
    }
}

/// The largest body [`json`] copies out of its per-thread buffer: larger ones are handed over
/// whole (their growth costs little beside their size), so that a thread keeps a buffer of
/// less than twice this size (the last doubling), not one of its largest response.
const SCRATCH_KEPT: usize = 64 * 1024;

std::thread_local! {
    /// [`json`]'s buffer.
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The body in `buffer` (if `written`), the buffer left empty for the next one (non-generic,
/// compiled once).
fn take_body(buffer: &mut Vec<u8>, written: bool) -> Option<Bytes> {
    if written && buffer.len() <= SCRATCH_KEPT {
        // Of exactly its length: a `Bytes` that owns its whole allocation, which needs no
        // shared header of its own.
        let body = Bytes::copy_from_slice(buffer);
        buffer.clear();
        return Some(body);
    }
    // A large body, or what a failed value wrote (of any size): the buffer goes with it.
    let buffer = std::mem::take(buffer);
    written.then(|| Bytes::from(buffer))
}

/// Whether a `Tagged` response built for `needs` keeps a copy of its body: only to serve a
/// byte range from it (cloning the body shares it, which allocates).
#[inline]
pub(crate) fn keeps_body(needs: Needs) -> bool {
    needs == Needs::AnsweredWithBody
}

/// The plain-text body of the 500 that a value which cannot be serialized gets.
pub(crate) const SERIALIZATION_FAILED: &str = "failed to serialize the response body";

#[cfg(test)]
mod tests {
    use super::*;
    use serde::ser::{Error as _, Serializer};

    /// A value whose serialization makes another `Tagged` body while the buffer is in use.
    struct Nested(&'static str);

    impl Serialize for Nested {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let inner = json(self.0).expect("the inner value serializes");
            serializer.serialize_str(std::str::from_utf8(&inner).expect("JSON is UTF-8"))
        }
    }

    struct Failing;

    impl Serialize for Failing {
        fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(S::Error::custom("no"))
        }
    }

    fn scratch_capacity() -> usize {
        SCRATCH.with(|scratch| scratch.borrow().capacity())
    }

    fn scratch_len() -> usize {
        SCRATCH.with(|scratch| scratch.borrow().len())
    }

    #[test]
    fn bodies_are_exactly_the_json_and_nothing_of_the_last_one() {
        let long = "x".repeat(1000);
        assert_eq!(&json(&long).unwrap()[..], format!("\"{long}\"").as_bytes());
        assert_eq!(&json(&1).unwrap()[..], b"1");
        assert_eq!(&json(&"").unwrap()[..], b"\"\"");
        // The buffer keeps its capacity for the next body, not its bytes.
        assert_eq!(scratch_len(), 0);
        assert!(scratch_capacity() >= 1002);
    }

    #[test]
    fn a_failed_value_leaves_nothing_behind() {
        assert_eq!(json(&Failing), None);
        let large: Vec<String> = vec!["w".repeat(SCRATCH_KEPT)];
        let failing = (large, Failing);
        assert_eq!(json(&failing), None);
        assert_eq!(
            scratch_capacity(),
            0,
            "what a failed value wrote is not kept"
        );
        assert_eq!(&json(&[1, 2]).unwrap()[..], b"[1,2]");
        let map: std::collections::HashMap<(u8, u8), u8> = [((1, 2), 3)].into();
        assert_eq!(json(&map), None, "non-string keys");
        assert_eq!(&json(&true).unwrap()[..], b"true");
    }

    #[test]
    fn a_value_that_serializes_another_gets_a_buffer_of_its_own() {
        let body = json(&Nested("inner")).unwrap();
        assert_eq!(&body[..], br#""\"inner\"""#);
    }

    #[test]
    fn large_bodies_are_handed_over_and_not_kept() {
        let large = "y".repeat(SCRATCH_KEPT + 1);
        let body = json(&large).unwrap();
        assert_eq!(body.len(), SCRATCH_KEPT + 3);
        assert_eq!(body[1], b'y');
        assert!(scratch_capacity() <= SCRATCH_KEPT, "{}", scratch_capacity());
        // At the limit it is copied, and the buffer (of about that size) kept.
        let limit = "z".repeat(SCRATCH_KEPT - 2);
        assert_eq!(json(&limit).unwrap().len(), SCRATCH_KEPT);
        assert!(scratch_capacity() >= SCRATCH_KEPT);
        assert!(scratch_capacity() < 2 * SCRATCH_KEPT);
    }
}
