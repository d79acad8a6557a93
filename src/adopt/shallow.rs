//! Shallow entity tags: an `ETag` from a response body's bytes, and the 304 it allows.

use std::time::SystemTime;

use precond_core::date::parse_http_date;
use precond_core::http::Method;
use precond_core::{Decision, ETag, Field, Policy, Preconditions, Validators, evaluate};

use super::has_no_store;

/// The default [`ShallowEtagRules::max_size`]: 1 MiB. Larger bodies are sent untouched.
pub const DEFAULT_MAX_SIZE: usize = 1 << 20;

/// When and how to give a GET response a "shallow" entity tag, computed from its body bytes,
/// and answer `304 Not Modified` to a client whose copy is current.
///
/// Shallow, because the handler still does all its work: the tag saves the transfer of an
/// unchanged body, not its production. For handlers that know their resource's version, a
/// `#[conditional]` handler saves the work too.
///
/// The steps, for a GET or HEAD (other methods are left alone):
///
/// 1. [`plan`](Self::plan) decides from the status and headers of the handler's response and
///    the length of its body what to do ([`ShallowPlan`]): nothing, evaluate against the tag the
///    response already has, or read the body and tag it.
/// 2. [`etag_for`](Self::etag_for) tags the bytes (`ETag::for_bytes`: xxh3-128, strong, or weak
///    with [`weak`](Self::weak)).
/// 3. [`is_not_modified`](Self::is_not_modified) evaluates the request's `If-None-Match` and
///    `If-Modified-Since` against the response's validators with the engine ([`evaluate`]).
/// 4. A 304 keeps the response's headers for which [`keeps_in_not_modified`](super::keeps_in_not_modified) is true, and no
///    body.
///
/// ```
/// use precond::adopt::{ResponseFacts, ShallowEtagRules, ShallowPlan};
/// use precond::{Field, Preconditions, Validators};
///
/// let rules = ShallowEtagRules::new();
/// let body = br#"{"id":7,"title":"Draft"}"#;
/// let facts = ResponseFacts::from_pairs(200, [("content-type".as_bytes(), "application/json".as_bytes())], Some(body.len() as u64));
/// assert_eq!(rules.plan("GET", &facts), ShallowPlan::Buffer);
///
/// let etag = rules.etag_for(body);
/// let mut pre = Preconditions::new();
/// let wire = etag.to_string();
/// pre.add(Field::IfNoneMatch, wire.as_bytes());
/// assert!(rules.is_not_modified("GET", &pre, &Validators::new(etag)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShallowEtagRules {
    max_size: usize,
    weak: bool,
}

impl Default for ShallowEtagRules {
    fn default() -> Self {
        Self::new()
    }
}

/// What to do with a response to a GET or HEAD, decided by [`ShallowEtagRules::plan`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ShallowPlan {
    /// Send the response as it is.
    Untouched,
    /// The response carries its own validators (an `ETag`, or for a body too large to tag a
    /// `Last-Modified`): evaluate the request's `If-None-Match` / `If-Modified-Since` against
    /// them, without reading the body, and answer 304 if the client's copy is current.
    Evaluate,
    /// The body's length is known and within [`ShallowEtagRules::max_size`]: read all of it,
    /// set the `ETag` of its bytes, then as [`Evaluate`](Self::Evaluate).
    Buffer,
    /// The body's length is unknown: read it only as far as it is ready without waiting and
    /// within [`ShallowEtagRules::max_size`]. If it ends there, as [`Buffer`](Self::Buffer);
    /// otherwise send the bytes read so far and then the rest, untouched. A stream that waits
    /// (server-sent events, a slow producer) goes out as it comes; a body that is complete in
    /// memory but of unknown length (the output of a compression layer) is tagged.
    BufferIfReady,
}

/// What [`ShallowEtagRules::plan`] needs to know of a response: its status, a few header
/// fields, and the length of its body if known.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseFacts<'a> {
    /// The status code.
    pub status: u16,
    /// The `ETag` field, if the response has exactly one.
    pub etag: Option<&'a [u8]>,
    /// Whether the response has several `ETag` fields (it is then left alone).
    pub several_etags: bool,
    /// The `Last-Modified` field, if the response has exactly one.
    pub last_modified: Option<&'a [u8]>,
    /// Whether a `Cache-Control` field has the `no-store` directive.
    pub no_store: bool,
    /// The length of the body, if known (from the body itself or a `Content-Length` field).
    pub body_length: Option<u64>,
}

impl<'a> ResponseFacts<'a> {
    /// The facts of a response from its status, its header fields as `(name, value)` pairs
    /// (names compared case-insensitively), and the body's length if the body knows it; a
    /// valid `Content-Length` field counts when `body_length` is `None`.
    ///
    /// ```
    /// use precond::adopt::ResponseFacts;
    /// let facts = ResponseFacts::from_pairs(
    ///     200,
    ///     [
    ///         ("ETag".as_bytes(), "\"v1\"".as_bytes()),
    ///         (b"cache-control", b"private, No-Store"),
    ///         (b"content-length", b"12"),
    ///     ],
    ///     None,
    /// );
    /// assert_eq!(facts.etag, Some(&b"\"v1\""[..]));
    /// assert!(facts.no_store);
    /// assert_eq!(facts.body_length, Some(12));
    /// ```
    #[must_use]
    pub fn from_pairs<I>(status: u16, headers: I, body_length: Option<u64>) -> Self
    where
        I: IntoIterator<Item = (&'a [u8], &'a [u8])>,
    {
        let mut facts = Self {
            status,
            body_length,
            ..Self::default()
        };
        let mut several_last_modified = false;
        let mut content_length = None;
        for (name, value) in headers {
            if name.eq_ignore_ascii_case(b"etag") {
                facts.several_etags |= facts.etag.is_some();
                facts.etag = Some(value);
            } else if name.eq_ignore_ascii_case(b"last-modified") {
                several_last_modified |= facts.last_modified.is_some();
                facts.last_modified = Some(value);
            } else if name.eq_ignore_ascii_case(b"cache-control") {
                facts.no_store |= has_no_store(value);
            } else if name.eq_ignore_ascii_case(b"content-length") {
                content_length = parse_content_length(value);
            }
        }
        if facts.several_etags {
            facts.etag = None;
        }
        if several_last_modified {
            facts.last_modified = None;
        }
        if facts.body_length.is_none() {
            facts.body_length = content_length;
        }
        facts
    }
}

/// A `Content-Length` value: digits only, no sign or space.
fn parse_content_length(value: &[u8]) -> Option<u64> {
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(value).ok()?.parse().ok()
}

impl ShallowEtagRules {
    /// Bodies up to [`DEFAULT_MAX_SIZE`] (1 MiB), strong tags.
    ///
    /// ```
    /// use precond::adopt::{ShallowEtagRules, DEFAULT_MAX_SIZE};
    /// assert_eq!(ShallowEtagRules::new().max_size(), DEFAULT_MAX_SIZE);
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self {
            max_size: DEFAULT_MAX_SIZE,
            weak: false,
        }
    }

    /// Tags bodies of up to `bytes` bytes; larger ones, and bodies of unknown length that are
    /// not complete within that many bytes, are sent untouched. At most this much of a body is
    /// held in memory at once per request.
    ///
    /// ```
    /// use precond::adopt::ShallowEtagRules;
    /// assert_eq!(ShallowEtagRules::new().with_max_size(64 * 1024).max_size(), 65_536);
    /// ```
    #[must_use]
    pub const fn with_max_size(mut self, bytes: usize) -> Self {
        self.max_size = bytes;
        self
    }

    /// The largest body that is tagged, in bytes.
    #[must_use]
    pub const fn max_size(&self) -> usize {
        self.max_size
    }

    /// Computed tags are weak (`W/"…"`): for a layer placed *inside* a compression layer, which
    /// sees the bytes before they are compressed. A strong tag promises the exact bytes sent,
    /// which the compression then changes; a weak one only promises the same content, which
    /// holds, so `If-None-Match` (a weak comparison) still gets its 304. Tags the response
    /// already carries are left as they are.
    ///
    /// ```
    /// use precond::adopt::ShallowEtagRules;
    /// assert!(ShallowEtagRules::new().weak().etag_for(b"x").is_weak());
    /// assert!(!ShallowEtagRules::new().etag_for(b"x").is_weak());
    /// ```
    #[must_use]
    pub const fn weak(mut self) -> Self {
        self.weak = true;
        self
    }

    /// Whether computed tags are weak.
    #[must_use]
    pub const fn is_weak(&self) -> bool {
        self.weak
    }

    /// What to do with the response `facts` to a `method` request; see [`ShallowPlan`].
    ///
    /// - Only GET and HEAD; only 2xx statuses other than `206 Partial Content` (a part has the
    ///   tag of the whole representation, not of its own bytes); never a response with
    ///   `Cache-Control: no-store`, nor one with several `ETag` fields or one that is not a
    ///   valid entity tag.
    /// - A response with an `ETag`: [`ShallowPlan::Evaluate`], the body is never read.
    /// - HEAD: never tagged, as its body may already be gone (frameworks drop it, some before
    ///   the layer sees the response, some after) and the tag of an empty body would be wrong:
    ///   evaluate when the response has an `ETag` or a `Last-Modified`, otherwise untouched. (A
    ///   GET of the same resource gets a shallow tag a HEAD does not: give the handler its own
    ///   `ETag` if HEAD must show it.)
    /// - GET with a body of known length: [`ShallowPlan::Buffer`] up to
    ///   [`max_size`](Self::max_size); above it, evaluate a `Last-Modified` if there is one,
    ///   otherwise untouched.
    /// - GET with a body of unknown length: [`ShallowPlan::BufferIfReady`].
    ///
    /// ```
    /// use precond::adopt::{ResponseFacts, ShallowEtagRules, ShallowPlan};
    /// let rules = ShallowEtagRules::new().with_max_size(10);
    /// let facts = |status, pairs: &[(&'static str, &'static str)], len| {
    ///     ResponseFacts::from_pairs(status, pairs.iter().map(|(n, v)| (n.as_bytes(), v.as_bytes())), len)
    /// };
    /// assert_eq!(rules.plan("GET", &facts(200, &[], Some(5))), ShallowPlan::Buffer);
    /// assert_eq!(rules.plan("GET", &facts(200, &[], Some(11))), ShallowPlan::Untouched);
    /// assert_eq!(rules.plan("GET", &facts(200, &[], None)), ShallowPlan::BufferIfReady);
    /// assert_eq!(rules.plan("GET", &facts(404, &[], Some(5))), ShallowPlan::Untouched);
    /// assert_eq!(rules.plan("POST", &facts(200, &[], Some(5))), ShallowPlan::Untouched);
    /// assert_eq!(rules.plan("HEAD", &facts(200, &[], Some(0))), ShallowPlan::Untouched);
    /// assert_eq!(rules.plan("HEAD", &facts(200, &[("etag", "\"a\"")], Some(0))), ShallowPlan::Evaluate);
    /// assert_eq!(rules.plan("GET", &facts(200, &[("cache-control", "no-store")], Some(5))), ShallowPlan::Untouched);
    /// ```
    #[must_use]
    pub fn plan(&self, method: &str, facts: &ResponseFacts<'_>) -> ShallowPlan {
        let head = match method {
            "GET" => false,
            "HEAD" => true,
            _ => return ShallowPlan::Untouched,
        };
        if !(200..300).contains(&facts.status)
            || facts.status == 206
            || facts.no_store
            || facts.several_etags
        {
            return ShallowPlan::Untouched;
        }
        if let Some(etag) = facts.etag {
            return if ETag::parse(etag).is_ok() {
                ShallowPlan::Evaluate
            } else {
                ShallowPlan::Untouched
            };
        }
        let evaluate_last_modified = if facts.last_modified.is_some() {
            ShallowPlan::Evaluate
        } else {
            ShallowPlan::Untouched
        };
        if head {
            return evaluate_last_modified;
        }
        match facts.body_length {
            Some(length) if length <= self.max_size as u64 => ShallowPlan::Buffer,
            Some(_) => evaluate_last_modified,
            None => ShallowPlan::BufferIfReady,
        }
    }

    /// The entity tag of a body: `s-` and the 32 hexadecimal digits of [`ETag::for_bytes`]
    /// (xxh3-128), made weak with [`weak`](Self::weak). The `s-` marks a tag of the body's bytes
    /// rather than of a version: a 412 to an `If-Match` that holds one says that this resource's
    /// GET and its writes use different kinds of tag
    /// ([`Reason::ShallowEtag`](crate::Reason::ShallowEtag)).
    ///
    /// ```
    /// use precond::adopt::ShallowEtagRules;
    /// use precond::ETag;
    /// let tag = ShallowEtagRules::new().etag_for(b"{}");
    /// assert_eq!(tag.opaque(), [b"s-", ETag::for_bytes(b"{}").opaque()].concat());
    /// assert!(!tag.is_weak());
    /// ```
    #[must_use]
    pub fn etag_for(&self, body: &[u8]) -> ETag {
        let digest = ETag::for_bytes(body);
        let mut opaque = [0u8; 34];
        opaque[..2].copy_from_slice(SHALLOW_PREFIX);
        opaque[2..].copy_from_slice(digest.opaque());
        let made = if self.weak {
            ETag::weak(opaque)
        } else {
            ETag::strong(opaque)
        };
        // `s-` and hexadecimal digits are all `etagc`: this cannot fail.
        made.unwrap_or(digest)
    }

    /// The validators of a response: its own `ETag` (`facts.etag`) or else `computed` (the tag
    /// of its body), and its `Last-Modified` if valid. `None` when it has neither.
    ///
    /// ```
    /// use precond::adopt::{ResponseFacts, ShallowEtagRules};
    /// let rules = ShallowEtagRules::new();
    /// let facts = ResponseFacts::from_pairs(
    ///     200,
    ///     [("last-modified".as_bytes(), "Sun, 06 Nov 1994 08:49:37 GMT".as_bytes())],
    ///     Some(2),
    /// );
    /// let validators = rules.validators(&facts, Some(rules.etag_for(b"{}"))).unwrap();
    /// assert_eq!(validators.etag(), Some(&rules.etag_for(b"{}")));
    /// assert!(validators.last_modified().is_some());
    /// ```
    #[must_use]
    pub fn validators(
        &self,
        facts: &ResponseFacts<'_>,
        computed: Option<ETag>,
    ) -> Option<Validators> {
        let etag = match facts.etag {
            Some(wire) => ETag::parse(wire).ok(),
            None => computed,
        };
        let last_modified: Option<SystemTime> = facts.last_modified.and_then(parse_http_date);
        if etag.is_none() && last_modified.is_none() {
            return None;
        }
        Some(
            Validators::none()
                .with_etag(etag)
                .with_last_modified_opt(last_modified),
        )
    }

    /// Whether a GET or HEAD (`method`) with the conditional fields `pre` gets
    /// `304 Not Modified` from a response with the validators `current`: its `If-None-Match`
    /// matches (weak comparison), or without `If-None-Match` its `If-Modified-Since` is not
    /// before the `Last-Modified` (RFC 9110 §13.2.2 steps 3 and 4, by [`evaluate`]).
    ///
    /// Only those two fields count here: the handler has already run, and `If-Match`,
    /// `If-Unmodified-Since` and `If-Range` are for it to evaluate. Unparseable values never
    /// give a 304. Any other method: `false`.
    ///
    /// ```
    /// use precond::adopt::ShallowEtagRules;
    /// use precond::{ETag, Field, Preconditions, Validators};
    /// let rules = ShallowEtagRules::new();
    /// let current = Validators::new(ETag::for_bytes(b"hello"));
    /// let mut pre = Preconditions::new();
    /// pre.add(Field::IfNoneMatch, b"\"stale\", garbage");
    /// assert!(!rules.is_not_modified("GET", &pre, &current));
    /// ```
    #[must_use]
    pub fn is_not_modified(
        &self,
        method: &str,
        pre: &Preconditions<'_>,
        current: &Validators,
    ) -> bool {
        self.not_modified(method, pre, current).is_some()
    }

    /// [`is_not_modified`](Self::is_not_modified) as the layers decide it: the same answer,
    /// and a 304 is logged (feature `tracing`, see [`crate::trace`]).
    #[inline]
    pub(crate) fn answers_not_modified(
        &self,
        method: &str,
        pre: &Preconditions<'_>,
        current: &Validators,
    ) -> bool {
        match self.not_modified(method, pre, current) {
            Some(cause) => {
                crate::trace::not_modified_by_layer(method, cause, current);
                true
            }
            None => false,
        }
    }

    /// `Some` (with the field whose condition was false) when the request gets a 304: see
    /// [`is_not_modified`](Self::is_not_modified).
    fn not_modified(
        &self,
        method: &str,
        pre: &Preconditions<'_>,
        current: &Validators,
    ) -> Option<Option<Field>> {
        let method = match method {
            "GET" => Method::GET,
            "HEAD" => Method::HEAD,
            _ => return None,
        };
        let mut cache = Preconditions::new();
        for field in [Field::IfNoneMatch, Field::IfModifiedSince] {
            for line in pre.lines(field) {
                cache.add(field, line);
            }
        }
        if cache.is_unconditional() {
            return None;
        }
        match evaluate(&method, &cache, Some(current), &Policy::none()) {
            Decision::NotModified(rejection) => Some(rejection.cause()),
            _ => None,
        }
    }
}

/// What the opaque tags the shallow layers make begin with.
const SHALLOW_PREFIX: &[u8; 2] = b"s-";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_and_304() {
        let rules = ShallowEtagRules::new();
        let bad_etag =
            ResponseFacts::from_pairs(200, [(&b"etag"[..], &b"not-quoted"[..])], Some(1));
        assert_eq!(rules.plan("GET", &bad_etag), ShallowPlan::Untouched);
        let two = ResponseFacts::from_pairs(
            200,
            [(&b"etag"[..], &b"\"a\""[..]), (b"etag", b"\"b\"")],
            Some(1),
        );
        assert_eq!(rules.plan("GET", &two), ShallowPlan::Untouched);
        let partial = ResponseFacts::from_pairs(206, [], Some(1));
        assert_eq!(rules.plan("GET", &partial), ShallowPlan::Untouched);
        let big_dated = ResponseFacts::from_pairs(
            200,
            [(&b"last-modified"[..], &b"Sun, 06 Nov 1994 08:49:37 GMT"[..])],
            Some(u64::MAX),
        );
        assert_eq!(rules.plan("GET", &big_dated), ShallowPlan::Evaluate);
        let current = rules.validators(&big_dated, None).unwrap_or_default();
        let mut pre = Preconditions::new();
        pre.add(Field::IfModifiedSince, b"Sun, 06 Nov 1994 08:49:37 GMT");
        assert!(rules.is_not_modified("GET", &pre, &current));
        assert!(rules.is_not_modified("HEAD", &pre, &current));
        assert!(!rules.is_not_modified("PUT", &pre, &current));
        // If-None-Match present: If-Modified-Since is ignored (RFC 9110 §13.1.3).
        pre.add(Field::IfNoneMatch, b"\"other\"");
        assert!(!rules.is_not_modified("GET", &pre, &current));
        // If-Match is the handler's business, not a reason to withhold the 304.
        let current = Validators::new(ETag::for_bytes(b"x"));
        let tag = ETag::for_bytes(b"x");
        let mut pre = Preconditions::new();
        pre.add(Field::IfMatch, b"\"nope\"");
        pre.add(Field::IfNoneMatch, tag.as_bytes());
        assert!(rules.is_not_modified("GET", &pre, &current));
        assert!(!rules.is_not_modified("GET", &Preconditions::new(), &current));
    }

    #[test]
    fn content_length() {
        assert_eq!(parse_content_length(b"0"), Some(0));
        assert_eq!(parse_content_length(b"123"), Some(123));
        for bad in [
            &b""[..],
            b"+1",
            b" 1",
            b"1 ",
            b"-1",
            b"99999999999999999999999",
            b"1,1",
        ] {
            assert_eq!(parse_content_length(bad), None);
        }
    }
}
