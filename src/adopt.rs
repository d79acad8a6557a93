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

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use precond_core::date::parse_http_date;
use precond_core::http::Method;
use precond_core::{
    Decision, ETag, Field, Policy, Preconditions, Rejection, Requirement, Validators, evaluate,
};

// ---------------------------------------------------------------------------------------------
// Path patterns
// ---------------------------------------------------------------------------------------------

/// A pattern over request paths, matched segment by segment.
///
/// - `/login`: exactly that path.
/// - `/documents/{id}`: `{name}` stands for any one segment that is not empty
///   (`/documents/7`, not `/documents/` nor `/documents/7/edit`).
/// - `/admin/*`: a last segment `*` stands for the rest of the path, whatever it is: `/admin/`,
///   `/admin/users`, `/admin/users/7`, but not `/admin` (add that pattern too if you mean it).
///   `/*` matches every path.
///
/// Paths are compared as received, percent-encoded (`/caf%C3%A9` is not `/café`), and
/// case-sensitively; a query string is not part of the path. Matching takes time linear in the
/// length of the path and of the pattern, whatever they hold.
///
/// ```
/// use precond::adopt::PathPattern;
///
/// let pattern = PathPattern::new("/documents/{id}/*")?;
/// assert!(pattern.matches("/documents/7/comments/2"));
/// assert!(!pattern.matches("/documents/7"));
/// assert!(PathPattern::new("documents").is_err()); // not a path: no leading `/`
/// # Ok::<(), precond::adopt::InvalidPathPattern>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PathPattern {
    source: Box<str>,
    segments: Box<[Segment]>,
    /// Whether the pattern ends with `/*`.
    rest: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Literal(Box<str>),
    Param,
}

/// Why a [`PathPattern`] could not be built.
///
/// ```
/// use precond::adopt::PathPattern;
/// let error = PathPattern::new("/files/*/meta").unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "invalid path pattern `/files/*/meta`: `*` can only be the whole last segment, as in `/files/*`"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidPathPattern {
    pattern: String,
    reason: &'static str,
}

impl fmt::Display for InvalidPathPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid path pattern `{}`: {}",
            self.pattern, self.reason
        )
    }
}

impl std::error::Error for InvalidPathPattern {}

impl PathPattern {
    /// Parses a pattern (see the syntax on [`PathPattern`]).
    ///
    /// # Errors
    ///
    /// When the pattern does not start with `/`, when `*` is anything but the whole last
    /// segment, or when `{` and `}` do not enclose a whole segment with a name
    /// (`{id}`, not `{}`, `x{id}` nor `{a/b}`).
    pub fn new(pattern: &str) -> Result<Self, InvalidPathPattern> {
        let invalid = |reason| InvalidPathPattern {
            pattern: pattern.to_owned(),
            reason,
        };
        let Some(after_slash) = pattern.strip_prefix('/') else {
            return Err(invalid("a pattern is a path: it starts with `/`"));
        };
        let mut segments = Vec::new();
        let mut rest = false;
        let mut parts = after_slash.split('/').peekable();
        while let Some(part) = parts.next() {
            let last = parts.peek().is_none();
            if part == "*" && last {
                rest = true;
            } else if part.contains('*') {
                return Err(invalid(
                    "`*` can only be the whole last segment, as in `/files/*`",
                ));
            } else if let Some(name) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                if name.is_empty() || name.contains(['{', '}']) {
                    return Err(invalid(
                        "`{name}` stands for one segment and needs a name, as in `/documents/{id}`",
                    ));
                }
                segments.push(Segment::Param);
            } else if part.contains(['{', '}']) {
                return Err(invalid(
                    "`{name}` must be a whole segment, as in `/documents/{id}`",
                ));
            } else {
                segments.push(Segment::Literal(part.into()));
            }
        }
        Ok(Self {
            source: pattern.into(),
            segments: segments.into_boxed_slice(),
            rest,
        })
    }

    /// Whether `path` (the path of a request target, without its query) matches.
    ///
    /// ```
    /// use precond::adopt::PathPattern;
    /// let admin = PathPattern::new("/admin/*")?;
    /// assert!(admin.matches("/admin/"));
    /// assert!(admin.matches("/admin/users/7"));
    /// assert!(!admin.matches("/admin"));
    /// assert!(!admin.matches("/administrator"));
    /// # Ok::<(), precond::adopt::InvalidPathPattern>(())
    /// ```
    #[must_use]
    pub fn matches(&self, path: &str) -> bool {
        let Some(after_slash) = path.strip_prefix('/') else {
            return false;
        };
        // `split` is lazy: each segment of the path is looked at once, and not at all past the
        // first that fails.
        let mut parts = after_slash.split('/');
        for segment in &self.segments {
            let Some(part) = parts.next() else {
                return false;
            };
            let ok = match segment {
                Segment::Literal(literal) => **literal == *part,
                Segment::Param => !part.is_empty(),
            };
            if !ok {
                return false;
            }
        }
        // `/*` needs something after the slash before it (possibly empty: `/admin/`).
        parts.next().is_some() == self.rest
    }

    /// The pattern as written.
    ///
    /// ```
    /// use precond::adopt::PathPattern;
    /// assert_eq!(PathPattern::new("/login")?.as_str(), "/login");
    /// # Ok::<(), precond::adopt::InvalidPathPattern>(())
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

impl fmt::Debug for PathPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PathPattern({:?})", self.source)
    }
}

impl std::str::FromStr for PathPattern {
    type Err = InvalidPathPattern;

    fn from_str(pattern: &str) -> Result<Self, Self::Err> {
        Self::new(pattern)
    }
}

// ---------------------------------------------------------------------------------------------
// Required preconditions
// ---------------------------------------------------------------------------------------------

/// Which requests must carry a precondition, and the `428 Precondition Required` (RFC 6585 §3)
/// for those that do not.
///
/// [`RequireRules::new`] requires [`Requirement::LOST_UPDATE`] (`If-Match`,
/// `If-Unmodified-Since` with a valid date, or `If-None-Match: *`) of PUT, PATCH and DELETE on
/// every path: the engine's [`Policy::lost_update`]. The builder methods change that:
///
/// - [`method`](Self::method) / [`without_method`](Self::without_method): which methods
///   (compared case-sensitively, as HTTP methods are: `"POST"`, not `"post"`);
/// - [`requirement`](Self::requirement): which preconditions are acceptable;
/// - [`only`](Self::only): only paths that match one of these patterns (every path by default);
/// - [`exempt`](Self::exempt) / [`exempt_path`](Self::exempt_path): a method (or any method) on
///   a path pattern that never needs a precondition, such as `POST /login`.
///
/// Path patterns are those of [`PathPattern`]. The builder methods take them as `&str` and
/// **panic** on an invalid pattern or method, at startup, where such a mistake belongs; build
/// the pattern with [`PathPattern::new`] first to handle the error instead.
///
/// The rules have no validators, so they never evaluate a precondition: a request that carries
/// one passes, whatever its value, for the handler to evaluate against the resource (with
/// `#[conditional]`, or by hand with [`evaluate`]). `If-Unmodified-Since` counts when it is a
/// valid HTTP date; if the resource turns out to have no `Last-Modified`, the handler's own
/// policy can still answer 428.
///
/// ```
/// use precond::adopt::RequireRules;
/// use precond::Preconditions;
///
/// let rules = RequireRules::new()
///     .method("POST")
///     .exempt("POST", "/login")
///     .exempt_path("/webhooks/*");
/// let none = Preconditions::new();
/// assert!(rules.rejection("POST", "/documents", &none).is_some());
/// assert!(rules.rejection("POST", "/login", &none).is_none());
/// assert!(rules.rejection("PUT", "/webhooks/github", &none).is_none());
/// assert!(rules.rejection("GET", "/documents", &none).is_none());
/// ```
#[derive(Clone, Debug)]
pub struct RequireRules {
    methods: Vec<Box<str>>,
    requirement: Requirement,
    only: Vec<PathPattern>,
    exempt: Vec<Exemption>,
}

#[derive(Clone, Debug)]
struct Exemption {
    /// `None` for every method.
    method: Option<Box<str>>,
    pattern: PathPattern,
}

impl Default for RequireRules {
    fn default() -> Self {
        Self::new()
    }
}

/// A validators value whose `Last-Modified` is known to exist, so that
/// [`Requirement::is_satisfied_by`] counts a valid `If-Unmodified-Since`: the rules cannot know
/// whether the resource has a `Last-Modified`, and leave that to the handler.
fn assume_last_modified() -> Validators {
    Validators::none().with_last_modified(UNIX_EPOCH)
}

/// Panics unless `method` is an HTTP method token, and not one that ignores preconditions.
fn checked_method(method: &str) -> Box<str> {
    let is_token = !method.is_empty()
        && method
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    assert!(is_token, "`{method}` is not an HTTP method");
    assert!(
        !matches!(method, "CONNECT" | "OPTIONS" | "TRACE"),
        "{method} requests ignore preconditions (RFC 9110 §13.2.1): they cannot be required"
    );
    method.into()
}

/// [`PathPattern::new`], panicking with the error's message.
fn checked_pattern(pattern: &str) -> PathPattern {
    PathPattern::new(pattern).unwrap_or_else(|error| panic!("{error}"))
}

impl RequireRules {
    /// PUT, PATCH and DELETE on every path require [`Requirement::LOST_UPDATE`].
    ///
    /// ```
    /// use precond::adopt::RequireRules;
    /// use precond::Preconditions;
    /// let rules = RequireRules::new();
    /// let none = Preconditions::new();
    /// for method in ["PUT", "PATCH", "DELETE"] {
    ///     assert!(rules.rejection(method, "/anything", &none).is_some());
    /// }
    /// for method in ["GET", "HEAD", "POST", "OPTIONS"] {
    ///     assert!(rules.rejection(method, "/anything", &none).is_none());
    /// }
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self {
            methods: vec!["PUT".into(), "PATCH".into(), "DELETE".into()],
            requirement: Requirement::LOST_UPDATE,
            only: Vec::new(),
            exempt: Vec::new(),
        }
    }

    /// Requires a precondition of `method` too, such as `"POST"` (a POST that acts on an
    /// existing resource, like `POST /documents/{id}/publish`, can lose an update as a PUT can).
    ///
    /// # Panics
    ///
    /// If `method` is not a method token, or is CONNECT, OPTIONS or TRACE, which ignore
    /// preconditions (RFC 9110 §13.2.1).
    ///
    /// ```
    /// use precond::adopt::RequireRules;
    /// use precond::Preconditions;
    /// let rules = RequireRules::new().method("POST");
    /// assert!(rules.rejection("POST", "/documents/7/publish", &Preconditions::new()).is_some());
    /// ```
    #[must_use]
    pub fn method(mut self, method: &str) -> Self {
        let method = checked_method(method);
        if !self.methods.contains(&method) {
            self.methods.push(method);
        }
        self
    }

    /// No longer requires a precondition of `method`.
    ///
    /// ```
    /// use precond::adopt::RequireRules;
    /// use precond::Preconditions;
    /// let rules = RequireRules::new().without_method("PATCH");
    /// assert!(rules.rejection("PATCH", "/documents/7", &Preconditions::new()).is_none());
    /// ```
    #[must_use]
    pub fn without_method(mut self, method: &str) -> Self {
        self.methods.retain(|m| **m != *method);
        self
    }

    /// Which preconditions are acceptable (any one of them will do); by default
    /// [`Requirement::LOST_UPDATE`]. [`Requirement::NONE`] requires nothing at all.
    ///
    /// ```
    /// use precond::adopt::RequireRules;
    /// use precond::{Field, Preconditions, Requirement};
    /// let rules = RequireRules::new().requirement(Requirement::IF_MATCH);
    /// let mut pre = Preconditions::new();
    /// pre.add(Field::IfNoneMatch, b"*");
    /// // `If-None-Match: *` is no longer enough:
    /// let rejection = rules.rejection("PUT", "/documents/7", &pre);
    /// assert_eq!(rejection.map(|r| r.requirement()), Some(Requirement::IF_MATCH));
    /// ```
    #[must_use]
    pub fn requirement(mut self, requirement: Requirement) -> Self {
        self.requirement = requirement;
        self
    }

    /// The preconditions acceptable where the rules apply (set with
    /// [`requirement`](Self::requirement)); the one a [`rejection`](Self::rejection) names.
    ///
    /// ```
    /// use precond::adopt::RequireRules;
    /// use precond::Requirement;
    /// assert_eq!(RequireRules::new().required(), Requirement::LOST_UPDATE);
    /// ```
    #[must_use]
    pub fn required(&self) -> Requirement {
        self.requirement
    }

    /// Requires preconditions only on paths that match `pattern` (or a pattern given in another
    /// call of `only`); without any `only`, on every path.
    ///
    /// # Panics
    ///
    /// If `pattern` is not a valid [`PathPattern`].
    ///
    /// ```
    /// use precond::adopt::RequireRules;
    /// use precond::Preconditions;
    /// let rules = RequireRules::new().only("/documents/*").only("/settings");
    /// let none = Preconditions::new();
    /// assert!(rules.rejection("PUT", "/documents/7", &none).is_some());
    /// assert!(rules.rejection("PUT", "/settings", &none).is_some());
    /// assert!(rules.rejection("PUT", "/cache/7", &none).is_none());
    /// ```
    #[must_use]
    pub fn only(mut self, pattern: &str) -> Self {
        self.only.push(checked_pattern(pattern));
        self
    }

    /// Never requires a precondition of `method` on paths that match `pattern`.
    ///
    /// # Panics
    ///
    /// If `method` is not a method token, or `pattern` not a valid [`PathPattern`].
    ///
    /// ```
    /// use precond::adopt::RequireRules;
    /// use precond::Preconditions;
    /// let rules = RequireRules::new().method("POST").exempt("POST", "/login");
    /// let none = Preconditions::new();
    /// assert!(rules.rejection("POST", "/login", &none).is_none());
    /// assert!(rules.rejection("POST", "/logout", &none).is_some());
    /// ```
    #[must_use]
    pub fn exempt(mut self, method: &str, pattern: &str) -> Self {
        let method = checked_method(method);
        self.exempt.push(Exemption {
            method: Some(method),
            pattern: checked_pattern(pattern),
        });
        self
    }

    /// Never requires a precondition, of any method, on paths that match `pattern`.
    ///
    /// # Panics
    ///
    /// If `pattern` is not a valid [`PathPattern`].
    ///
    /// ```
    /// use precond::adopt::RequireRules;
    /// use precond::Preconditions;
    /// let rules = RequireRules::new().exempt_path("/cache/*");
    /// assert!(rules.rejection("DELETE", "/cache/all", &Preconditions::new()).is_none());
    /// ```
    #[must_use]
    pub fn exempt_path(mut self, pattern: &str) -> Self {
        self.exempt.push(Exemption {
            method: None,
            pattern: checked_pattern(pattern),
        });
        self
    }

    /// What a `method` request to `path` must carry: [`Requirement::NONE`] if the rules do not
    /// apply to it (another method, a path outside [`only`](Self::only), an exemption).
    ///
    /// ```
    /// use precond::adopt::RequireRules;
    /// use precond::Requirement;
    /// let rules = RequireRules::new().exempt("DELETE", "/sessions/{id}");
    /// assert_eq!(rules.requirement_for("PUT", "/x"), Requirement::LOST_UPDATE);
    /// assert_eq!(rules.requirement_for("DELETE", "/sessions/1"), Requirement::NONE);
    /// assert_eq!(rules.requirement_for("GET", "/x"), Requirement::NONE);
    /// ```
    #[must_use]
    pub fn requirement_for(&self, method: &str, path: &str) -> Requirement {
        if self.applies(method, path) {
            self.requirement
        } else {
            Requirement::NONE
        }
    }

    /// Whether a `method` request may need a precondition on some path: when `false`, the
    /// request passes whatever its path and headers, so a layer need not read them.
    ///
    /// ```
    /// use precond::adopt::RequireRules;
    /// let rules = RequireRules::new();
    /// assert!(rules.applies_to_method("PUT"));
    /// assert!(!rules.applies_to_method("GET"));
    /// assert!(!rules.applies_to_method("put")); // methods are case-sensitive
    /// ```
    #[must_use]
    pub fn applies_to_method(&self, method: &str) -> bool {
        !self.requirement.is_none() && self.methods.iter().any(|m| **m == *method)
    }

    fn applies(&self, method: &str, path: &str) -> bool {
        self.applies_to_method(method)
            && (self.only.is_empty() || self.only.iter().any(|p| p.matches(path)))
            && !self
                .exempt
                .iter()
                .any(|e| e.method.as_deref().is_none_or(|m| m == method) && e.pattern.matches(path))
    }

    /// The `428 Precondition Required` for a `method` request to `path` (its path, without the
    /// query) with the conditional fields `pre`, or `None` if the request may go on: the rules
    /// do not apply to it, or it carries an acceptable precondition.
    ///
    /// Turn the rejection into a response with [`Rejection::to_response`]: the engine's JSON
    /// body, `Content-Type: application/json`, `Cache-Control: no-store`.
    ///
    /// ```
    /// use precond::adopt::RequireRules;
    /// use precond::{Field, Preconditions};
    ///
    /// let rules = RequireRules::new();
    /// let mut pre = Preconditions::new();
    /// pre.add(Field::IfUnmodifiedSince, b"yesterday"); // not a date: does not count
    /// let response: http::Response<String> = rules
    ///     .rejection("DELETE", "/documents/7", &pre)
    ///     .map(|rejection| rejection.to_response())
    ///     .unwrap_or_default();
    /// assert_eq!(response.status(), 428);
    /// assert!(response.body().contains("If-Match"));
    /// ```
    #[must_use]
    pub fn rejection(
        &self,
        method: &str,
        path: &str,
        pre: &Preconditions<'_>,
    ) -> Option<Rejection> {
        // Cheapest first: most requests are not of a configured method, and most that are carry
        // a precondition; the path patterns only matter for the rest.
        if !self.applies_to_method(method)
            || self
                .requirement
                .is_satisfied_by(pre, Some(&assume_last_modified()))
            || !self.applies(method, path)
        {
            return None;
        }
        Some(Rejection::precondition_required(self.requirement))
    }
}

// ---------------------------------------------------------------------------------------------
// Shallow entity tags
// ---------------------------------------------------------------------------------------------

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
/// 4. A 304 keeps the response's headers for which [`keeps_in_not_modified`] is true, and no
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

/// Whether one `Cache-Control` field value has the `no-store` directive (RFC 9111 §5.2),
/// compared case-insensitively. Commas inside quoted strings (`private="a, no-store"`) do not
/// separate directives. Linear in the value; never panics.
///
/// ```
/// use precond::adopt::has_no_store;
/// assert!(has_no_store(b"no-store"));
/// assert!(has_no_store(b"max-age=0 , NO-STORE"));
/// assert!(!has_no_store(b"no-cache"));
/// assert!(!has_no_store(b"private=\"x, no-store\""));
/// ```
#[must_use]
pub fn has_no_store(value: &[u8]) -> bool {
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    // One more step past the end, to close the last directive.
    for i in 0..=value.len() {
        let byte = value.get(i).copied();
        if quoted && byte.is_some() {
            match byte {
                _ if escaped => escaped = false,
                Some(b'\\') => escaped = true,
                Some(b'"') => quoted = false,
                _ => {}
            }
            continue;
        }
        match byte {
            Some(b'"') => quoted = true,
            Some(b',') | None => {
                let directive = &value[start..i];
                let name = directive
                    .split(|&b| b == b'=')
                    .next()
                    .unwrap_or_default()
                    .trim_ascii();
                if name.eq_ignore_ascii_case(b"no-store") {
                    return true;
                }
                start = i + 1;
            }
            Some(_) => {}
        }
    }
    false
}

/// Whether a `304 Not Modified` made from a full response keeps the header field `name`
/// (compared case-insensitively).
///
/// RFC 9110 §15.4.5: a 304 must carry the `Cache-Control`, `Content-Location`, `Date`, `ETag`,
/// `Expires` and `Vary` the 200 would have carried, may carry `Last-Modified`, and should not
/// carry other representation metadata. So a 304 drops the fields that describe the body it
/// does not have: every `Content-*` field but `Content-Location` (`Content-Type`,
/// `Content-Length`, `Content-Encoding`, `Content-Language`, `Content-Range`,
/// `Content-Disposition`, ...), `Transfer-Encoding`, `Trailer`, and the representation digests
/// `Digest` and `Repr-Digest`. It keeps the others, which are about the exchange rather than
/// the body: `Set-Cookie`, the CORS `Access-Control-*` fields, security headers such as
/// `Strict-Transport-Security`, and fields of the application that a client may still expect.
///
/// ```
/// use precond::adopt::keeps_in_not_modified;
/// for kept in ["ETag", "cache-control", "Content-Location", "date", "expires", "vary",
///              "last-modified", "set-cookie", "access-control-allow-origin"] {
///     assert!(keeps_in_not_modified(kept), "{kept}");
/// }
/// for dropped in ["content-type", "Content-Length", "content-encoding", "transfer-encoding"] {
///     assert!(!keeps_in_not_modified(dropped), "{dropped}");
/// }
/// ```
#[must_use]
pub fn keeps_in_not_modified(name: &str) -> bool {
    let name = name.as_bytes();
    let is = |other: &str| name.eq_ignore_ascii_case(other.as_bytes());
    let content = name.len() >= 8 && name[..8].eq_ignore_ascii_case(b"content-");
    !((content && !is("content-location"))
        || is("transfer-encoding")
        || is("trailer")
        || is("digest")
        || is("repr-digest"))
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

    /// The entity tag of a body: [`ETag::for_bytes`], made weak with [`weak`](Self::weak).
    ///
    /// ```
    /// use precond::adopt::ShallowEtagRules;
    /// use precond::ETag;
    /// assert_eq!(ShallowEtagRules::new().etag_for(b"{}"), ETag::for_bytes(b"{}"));
    /// ```
    #[must_use]
    pub fn etag_for(&self, body: &[u8]) -> ETag {
        let etag = ETag::for_bytes(body);
        if self.weak { etag.into_weak() } else { etag }
    }

    /// The validators of a response: its own `ETag` (`facts.etag`) or else `computed` (the tag
    /// of its body), and its `Last-Modified` if valid. `None` when it has neither.
    ///
    /// ```
    /// use precond::adopt::{ResponseFacts, ShallowEtagRules};
    /// use precond::ETag;
    /// let rules = ShallowEtagRules::new();
    /// let facts = ResponseFacts::from_pairs(
    ///     200,
    ///     [("last-modified".as_bytes(), "Sun, 06 Nov 1994 08:49:37 GMT".as_bytes())],
    ///     Some(2),
    /// );
    /// let validators = rules.validators(&facts, Some(rules.etag_for(b"{}"))).unwrap();
    /// assert_eq!(validators.etag(), Some(&ETag::for_bytes(b"{}")));
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
        let method = match method {
            "GET" => Method::GET,
            "HEAD" => Method::HEAD,
            _ => return false,
        };
        let mut cache = Preconditions::new();
        for field in [Field::IfNoneMatch, Field::IfModifiedSince] {
            for line in pre.lines(field) {
                cache.add(field, line);
            }
        }
        if cache.is_unconditional() {
            return false;
        }
        matches!(
            evaluate(&method, &cache, Some(current), &Policy::none()),
            Decision::NotModified(_)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        let table: &[(&str, &str, bool)] = &[
            ("/", "/", true),
            ("/", "/x", false),
            ("/login", "/login", true),
            ("/login", "/login/", false),
            ("/login", "/Login", false),
            ("/login", "/logins", false),
            ("/documents/{id}", "/documents/7", true),
            ("/documents/{id}", "/documents/", false),
            ("/documents/{id}", "/documents", false),
            ("/documents/{id}", "/documents/7/x", false),
            ("/a/{x}/c", "/a/b/c", true),
            ("/a/{x}/c", "/a//c", false),
            ("/admin/*", "/admin/", true),
            ("/admin/*", "/admin/a/b/", true),
            ("/admin/*", "/admin", false),
            ("/admin/*", "/administrator", false),
            ("/*", "/", true),
            ("/*", "/anything/at/all", true),
            ("/x", "x", false),
            ("/x", "", false),
            ("/x", "*", false),
        ];
        for &(pattern, path, expected) in table {
            let p = PathPattern::new(pattern).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(p.matches(path), expected, "{pattern} vs {path}");
        }
    }

    #[test]
    fn invalid_patterns() {
        for pattern in [
            "", "login", "*", "/a*", "/*/b", "/{}", "/x{id}", "/{id}x", "/{a{b}", "/{*rest}",
        ] {
            assert!(PathPattern::new(pattern).is_err(), "{pattern}");
        }
    }

    #[test]
    #[should_panic(expected = "invalid path pattern `login`")]
    fn builder_panics_on_invalid_pattern() {
        let _ = RequireRules::new().exempt("POST", "login");
    }

    #[test]
    #[should_panic(expected = "OPTIONS requests ignore preconditions")]
    fn builder_panics_on_options() {
        let _ = RequireRules::new().method("OPTIONS");
    }

    #[test]
    #[should_panic(expected = "is not an HTTP method")]
    fn builder_panics_on_bad_method() {
        let _ = RequireRules::new().method("PO ST");
    }

    #[test]
    fn acceptable_preconditions() {
        let rules = RequireRules::new();
        let ok: &[(Field, &[u8])] = &[
            (Field::IfMatch, b"\"1\""),
            (Field::IfMatch, b"*"),
            (Field::IfMatch, b"garbage"), // fails closed later, with 412, in the handler
            (Field::IfUnmodifiedSince, b"Sun, 06 Nov 1994 08:49:37 GMT"),
            (Field::IfNoneMatch, b"*"),
        ];
        for &(field, value) in ok {
            let mut pre = Preconditions::new();
            pre.add(field, value);
            assert!(rules.rejection("PUT", "/x", &pre).is_none(), "{field}");
        }
        let not_ok: &[(Field, &[u8])] = &[
            (Field::IfUnmodifiedSince, b"yesterday"),
            (Field::IfNoneMatch, b"\"1\""),
            (Field::IfModifiedSince, b"Sun, 06 Nov 1994 08:49:37 GMT"),
            (Field::Range, b"bytes=0-1"),
        ];
        for &(field, value) in not_ok {
            let mut pre = Preconditions::new();
            pre.add(field, value);
            let rejection = rules.rejection("PUT", "/x", &pre);
            assert_eq!(
                rejection.map(|r| r.requirement()),
                Some(Requirement::LOST_UPDATE),
                "{field}"
            );
        }
    }

    #[test]
    fn no_store_directives() {
        for (value, expected) in [
            (&b"no-store"[..], true),
            (b"No-Store", true),
            (b"public, no-store", true),
            (b"no-store=\"x\"", true),
            (b"  no-store  ", true),
            (b"no-cache", false),
            (b"no-storey", false),
            (b"private=\"no-store\"", false),
            (b"private=\"a\\\", no-store\"", false),
            (b"private=\"a\", no-store", true),
            (b"\"", false),
            (b"", false),
            (b",,,", false),
            (b"\xff\xfe", false),
        ] {
            assert_eq!(
                has_no_store(value),
                expected,
                "{:?}",
                String::from_utf8_lossy(value)
            );
        }
    }

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

    /// The meaning of a pattern, written as plainly as possible: split both on `/` into
    /// vectors and compare. `None` when the pattern is invalid.
    fn reference(pattern: &str, path: &str) -> Option<bool> {
        let parts: Vec<&str> = pattern.split('/').collect();
        if !parts[0].is_empty() || parts.len() < 2 {
            return None;
        }
        let parts = &parts[1..];
        let (fixed, rest) = match parts.split_last() {
            Some((&"*", fixed)) => (fixed, true),
            _ => (parts, false),
        };
        for part in fixed {
            let param = part.len() >= 3 && part.starts_with('{') && part.ends_with('}');
            let inner = if param {
                &part[1..part.len() - 1]
            } else {
                part
            };
            if inner.contains(['{', '}', '*']) {
                return None;
            }
        }
        let Some(path) = path.strip_prefix('/') else {
            return Some(false);
        };
        let segments: Vec<&str> = path.split('/').collect();
        let lengths_agree = if rest {
            segments.len() > fixed.len()
        } else {
            segments.len() == fixed.len()
        };
        Some(
            lengths_agree
                && fixed.iter().zip(&segments).all(|(part, segment)| {
                    if part.starts_with('{') {
                        !segment.is_empty()
                    } else {
                        part == segment
                    }
                }),
        )
    }

    /// Pieces that patterns and paths are made of, the tricky ones included.
    fn piece() -> impl proptest::strategy::Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "", "a", "b", "ab", "{id}", "{x}", "*", "{", "}", "{}", "x{y}", "{a}b", "%2F", "é",
            "a*", "**", "{*r}",
        ])
    }

    fn joined(leading_slash: bool, pieces: Vec<&'static str>) -> String {
        let body = pieces.join("/");
        if leading_slash {
            format!("/{body}")
        } else {
            body
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

        /// The matcher and its parser agree with the reference on patterns and paths built
        /// from awkward pieces.
        #[test]
        fn agrees_with_the_reference(
            pattern_slash in proptest::bool::weighted(0.9),
            pattern in proptest::collection::vec(piece(), 0..6),
            path_slash in proptest::bool::weighted(0.9),
            path in proptest::collection::vec(piece(), 0..8),
        ) {
            let pattern = joined(pattern_slash, pattern);
            let path = joined(path_slash, path);
            let ours = PathPattern::new(&pattern).ok().map(|p| p.matches(&path));
            proptest::prop_assert_eq!(ours, reference(&pattern, &path), "{} vs {}", pattern, path);
        }

        /// A path matches the pattern it was made from, with parameters filled in.
        #[test]
        fn a_pattern_matches_its_instances(
            segments in proptest::collection::vec(("[a-z0-9%.-]{1,6}", proptest::bool::ANY), 0..6),
            rest in proptest::option::of("[a-z/]{0,12}"),
        ) {
            let mut pattern = String::new();
            let mut path = String::new();
            for (segment, param) in &segments {
                pattern.push('/');
                pattern.push_str(if *param { "{p}" } else { segment });
                path.push('/');
                path.push_str(segment);
            }
            if let Some(rest) = &rest {
                pattern.push_str("/*");
                path.push('/');
                path.push_str(rest);
            }
            if pattern.is_empty() {
                pattern.push('/');
                path.push('/');
            }
            let compiled = PathPattern::new(&pattern);
            proptest::prop_assert!(compiled.is_ok(), "{}", pattern);
            let compiled = compiled.unwrap_or_else(|e| panic!("{e}"));
            proptest::prop_assert!(compiled.matches(&path), "{} vs {}", pattern, path);
        }

        /// Arbitrary strings never make the parser, the matcher or the rules panic.
        #[test]
        fn never_panics(pattern in ".{0,40}", path in ".{0,60}", method in ".{0,8}") {
            if let Ok(compiled) = PathPattern::new(&pattern) {
                let _ = compiled.matches(&path);
                let rules = RequireRules::new().exempt_path(&pattern).only(&pattern);
                let _ = rules.rejection(&method, &path, &Preconditions::new());
            }
            let _ = has_no_store(path.as_bytes());
            let _ = keeps_in_not_modified(&path);
        }
    }

    /// Matching is linear: a path 8 times as long takes about 8 times as long (a quadratic
    /// matcher would take 64 times), for the worst inputs there are: a long pattern whose every
    /// segment matches, and a path of many segments.
    #[test]
    fn matching_is_linear() {
        fn case(n: usize) -> (PathPattern, String) {
            let pattern = format!("{}/*", "/{p}/seg".repeat(n));
            let path = "/x/seg".repeat(n) + &"/y".repeat(4 * n);
            (
                PathPattern::new(&pattern).unwrap_or_else(|e| panic!("{e}")),
                path,
            )
        }
        fn fastest(n: usize) -> std::time::Duration {
            let (pattern, path) = case(n);
            (0..5)
                .map(|_| {
                    let start = std::time::Instant::now();
                    assert!(pattern.matches(std::hint::black_box(&path)));
                    start.elapsed()
                })
                .min()
                .unwrap_or_default()
        }
        let small = fastest(20_000);
        let large = fastest(160_000);
        let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-9);
        assert!(
            ratio < 24.0,
            "8x the input took {ratio:.1}x the time ({small:?} → {large:?})"
        );
    }
}
