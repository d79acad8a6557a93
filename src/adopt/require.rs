//! Required preconditions: which requests must carry one, and the 428 for the others.

use std::time::UNIX_EPOCH;

use precond_core::{Preconditions, Rejection, Requirement, Validators};

use super::PathPattern;

/// Which requests must carry a precondition, and the `428 Precondition Required` (RFC 6585 §3)
/// for those that do not.
///
/// [`RequireRules::new`] requires [`Requirement::LOST_UPDATE`] (`If-Match`,
/// `If-Unmodified-Since` with a valid date, or `If-None-Match: *`) of PUT, PATCH and DELETE on
/// every path: the engine's [`Policy::lost_update`](precond_core::Policy::lost_update). The builder methods change that:
///
/// - [`method`](Self::method) / [`without_method`](Self::without_method): which methods
///   (see [Method names](#method-names));
/// - [`requirement`](Self::requirement): which preconditions are acceptable;
/// - [`only`](Self::only): only paths that match one of these patterns (every path by default);
/// - [`exempt`](Self::exempt) / [`exempt_path`](Self::exempt_path): a method (or any method) on
///   a path pattern that never needs a precondition, such as `POST /login`.
///
/// Path patterns are those of [`PathPattern`]. The builder methods take them as `&str` and
/// **panic** on an invalid pattern or method, at startup, where such a mistake belongs (as
/// axum's router panics on conflicting routes); build the pattern with [`PathPattern::new`]
/// first to handle the error instead.
///
/// # Method names
///
/// HTTP method names are case-sensitive (RFC 9110 §9.1), but a standard method written in
/// another case in a builder (`"post"`, `"Patch"`) is certainly a typo that would otherwise
/// never match: the standard names (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, CONNECT and
/// TRACE) are compared without regard to ASCII case, everywhere a method is taken (the
/// builders, [`requirement_for`](Self::requirement_for),
/// [`applies_to_method`](Self::applies_to_method), [`rejection`](Self::rejection)), as their
/// upper-case form. Any other method (an extension method such as `"PURGE"`) is compared as
/// written, case-sensitively.
///
/// The builders that take a method ([`method`](Self::method),
/// [`without_method`](Self::without_method), [`exempt`](Self::exempt)) **panic** on a name
/// that is not a method token (RFC 9110 §9.1: empty, or with a space, say), and on the methods
/// a precondition cannot be required of: GET and HEAD, which read and change nothing (428
/// Precondition Required, RFC 6585 §3, exists to protect state-changing requests against lost
/// updates), and CONNECT, OPTIONS and TRACE, whose preconditions a server must ignore (RFC
/// 9110 §13.2.1). Naming one of them in a rule is a mistake in the configuration, never a
/// rule that could do anything.
///
/// The rules have no validators, so they never evaluate a precondition: a request that carries
/// one passes, whatever its value, for the handler to evaluate against the resource (with
/// `#[conditional]`, or by hand with [`evaluate`](precond_core::evaluate)). `If-Unmodified-Since` counts when it is a
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
    /// The [`write_bit`]s of the standard methods among `methods`.
    writes: u8,
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

const PUT: u8 = 1;
const PATCH: u8 = 2;
const DELETE: u8 = 4;
const POST: u8 = 8;

/// The bit of a standard method a precondition can be required of, written as the standard
/// writes it, in [`RequireRules`]' `writes`; none (`Some(0)`) for GET and HEAD, which it never
/// is; `None` for any other name.
#[inline]
fn write_bit(method: &str) -> Option<u8> {
    match method {
        "GET" | "HEAD" => Some(0),
        "PUT" => Some(PUT),
        "PATCH" => Some(PATCH),
        "DELETE" => Some(DELETE),
        "POST" => Some(POST),
        _ => None,
    }
}

/// The standard methods (RFC 9110 §9.3, and PATCH, RFC 5789), as they are written.
const STANDARD_METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE",
];

/// `method`, or the standard method it names in another ASCII case (`"post"` is `"POST"`); see
/// [Method names](RequireRules#method-names). No allocation, and for a name without a lower
/// case letter (every standard method as requests carry it), no more than a look at its bytes.
#[inline]
fn normalised(method: &str) -> &str {
    if !method.bytes().any(|b| b.is_ascii_lowercase()) {
        return method;
    }
    STANDARD_METHODS
        .into_iter()
        .find(|standard| standard.eq_ignore_ascii_case(method))
        .unwrap_or(method)
}

/// `method` [`normalised`], for a builder: panics unless it is an HTTP method token (RFC 9110
/// §9.1), and on a method a precondition cannot be required of (see
/// [Method names](RequireRules#method-names)).
fn checked_method(method: &str) -> Box<str> {
    assert!(
        !method.is_empty(),
        "an empty string is not an HTTP method (a method is a token, RFC 9110 §9.1)"
    );
    let is_token = method
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    assert!(
        is_token,
        "`{}` is not an HTTP method (a method is a token, RFC 9110 §9.1)",
        method.escape_debug()
    );
    let method = normalised(method);
    assert!(
        !matches!(method, "GET" | "HEAD"),
        "{method} requests are reads: a precondition cannot be required of them (428 \
         Precondition Required protects state-changing requests against lost updates, RFC 6585 \
         §3), so a rule for {method} is a mistake"
    );
    assert!(
        !matches!(method, "CONNECT" | "OPTIONS" | "TRACE"),
        "{method} requests ignore preconditions (RFC 9110 §13.2.1): they cannot be required, so \
         a rule for {method} is a mistake"
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
            writes: PUT | PATCH | DELETE,
            requirement: Requirement::LOST_UPDATE,
            only: Vec::new(),
            exempt: Vec::new(),
        }
    }

    /// Requires a precondition of `method` too, such as `"POST"` (a POST that acts on an
    /// existing resource, like `POST /documents/{id}/publish`, can lose an update as a PUT can).
    /// A standard method in another case (`"post"`) is that method; see
    /// [Method names](Self#method-names).
    ///
    /// # Panics
    ///
    /// If `method` is empty or not a method token, or is GET or HEAD (reads, which a 428 cannot
    /// protect: RFC 6585 §3), or CONNECT, OPTIONS or TRACE (which ignore preconditions: RFC
    /// 9110 §13.2.1), in any case.
    ///
    /// ```
    /// use precond::adopt::RequireRules;
    /// use precond::Preconditions;
    /// let rules = RequireRules::new().method("post");
    /// assert!(rules.rejection("POST", "/documents/7/publish", &Preconditions::new()).is_some());
    /// ```
    ///
    /// ```should_panic
    /// use precond::adopt::RequireRules;
    /// let _ = RequireRules::new().method("GET"); // panics: reads cannot require a precondition
    /// ```
    #[must_use]
    pub fn method(mut self, method: &str) -> Self {
        let method = checked_method(method);
        if !self.methods.contains(&method) {
            self.writes |= write_bit(&method).unwrap_or(0);
            self.methods.push(method);
        }
        self
    }

    /// No longer requires a precondition of `method` (a standard method in another case is that
    /// method; see [Method names](Self#method-names)).
    ///
    /// # Panics
    ///
    /// As [`method`](Self::method) does: if `method` is empty or not a method token, or a
    /// method no rule can require a precondition of (GET, HEAD, CONNECT, OPTIONS, TRACE).
    ///
    /// ```
    /// use precond::adopt::RequireRules;
    /// use precond::Preconditions;
    /// let rules = RequireRules::new().without_method("PATCH");
    /// assert!(rules.rejection("PATCH", "/documents/7", &Preconditions::new()).is_none());
    /// ```
    #[must_use]
    pub fn without_method(mut self, method: &str) -> Self {
        let method = checked_method(method);
        self.methods.retain(|m| *m != method);
        self.writes &= !write_bit(&method).unwrap_or(0);
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

    /// Never requires a precondition of `method` on paths that match `pattern` (a standard
    /// method in another case is that method; see [Method names](Self#method-names)).
    ///
    /// # Panics
    ///
    /// If `pattern` is not a valid [`PathPattern`], or as [`method`](Self::method) does: if
    /// `method` is empty or not a method token, or a method no rule can require a precondition
    /// of (GET, HEAD, CONNECT, OPTIONS, TRACE), which there is therefore nothing to exempt.
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
    /// apply to it (another method, a path outside [`only`](Self::only), an exemption). A
    /// standard method in another case is that method ([Method names](Self#method-names)):
    /// `"put"` is PUT. Never allocates, and never panics.
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
    /// request passes whatever its path and headers, so a layer need not read them. A standard
    /// method in another case is that method ([Method names](Self#method-names)); never
    /// allocates, and never panics.
    ///
    /// ```
    /// use precond::adopt::RequireRules;
    /// let rules = RequireRules::new();
    /// assert!(rules.applies_to_method("PUT"));
    /// assert!(!rules.applies_to_method("GET"));
    /// assert!(rules.applies_to_method("put")); // a standard method, in another case
    /// assert!(!RequireRules::new().method("PURGE").applies_to_method("purge")); // an extension
    /// ```
    #[must_use]
    pub fn applies_to_method(&self, method: &str) -> bool {
        if self.requirement.is_none() {
            return false;
        }
        // Every standard method as requests carry it is one bit (GET and HEAD, most requests,
        // none); only another name is normalised, and looked for among the configured ones.
        let standard = |bit| self.writes & bit != 0;
        if let Some(bit) = write_bit(method) {
            return standard(bit);
        }
        let method = normalised(method);
        match write_bit(method) {
            Some(bit) => standard(bit),
            None => self.methods.iter().any(|m| **m == *method),
        }
    }

    /// Whether a request must be answered 428, [`rejection`](Self::rejection)'s decision as the
    /// layers make it, cheapest first: most requests are not of a configured method (no header
    /// is read), and most writes that are carry `If-Match`, which (of any value) satisfies a
    /// requirement that accepts it ([`Requirement::is_satisfied_by`]): `has_if_match` is one
    /// lookup, and `path` and `preconditions` are called only for the others. A 428 is logged
    /// (feature `tracing`, see [`crate::trace`]); [`rejection`](Self::rejection), a query, is
    /// not.
    #[inline]
    pub(crate) fn rejects<'a, 'p>(
        &self,
        method: &str,
        path: impl FnOnce() -> &'p str,
        has_if_match: impl FnOnce() -> bool,
        preconditions: impl FnOnce() -> Preconditions<'a>,
    ) -> bool {
        if !self.applies_to_method(method)
            || (self.requirement.contains(Requirement::IF_MATCH) && has_if_match())
        {
            return false;
        }
        let path = path();
        let rejects = self.rejection(method, path, &preconditions()).is_some();
        if rejects {
            crate::trace::required_by_layer(method, path, self.requirement);
        }
        rejects
    }

    fn applies(&self, method: &str, path: &str) -> bool {
        let method = normalised(method);
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

#[cfg(test)]
mod tests {
    use super::*;
    use precond_core::Field;

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
    #[should_panic(expected = "is not an HTTP method")]
    fn builder_panics_on_empty_method() {
        let _ = RequireRules::new().method("");
    }

    #[test]
    #[should_panic(expected = "`PO\\nST` is not an HTTP method")]
    fn builder_panics_on_control_character_in_method() {
        let _ = RequireRules::new().exempt("PO\nST", "/login");
    }

    #[test]
    #[should_panic(expected = "GET requests are reads: a precondition cannot be required of them")]
    fn builder_panics_on_get() {
        let _ = RequireRules::new().method("GET");
    }

    #[test]
    #[should_panic(expected = "GET requests are reads: a precondition cannot be required of them")]
    fn builder_panics_on_lower_case_get() {
        let _ = RequireRules::new().method("get");
    }

    #[test]
    #[should_panic(expected = "HEAD requests are reads: a precondition cannot be required of them")]
    fn builder_panics_on_head() {
        let _ = RequireRules::new().method("HEAD");
    }

    #[test]
    #[should_panic(expected = "TRACE requests ignore preconditions (RFC 9110 §13.2.1)")]
    fn builder_panics_on_trace() {
        let _ = RequireRules::new().method("TRACE");
    }

    #[test]
    #[should_panic(expected = "CONNECT requests ignore preconditions (RFC 9110 §13.2.1)")]
    fn builder_panics_on_connect_in_any_case() {
        let _ = RequireRules::new().method("Connect");
    }

    #[test]
    #[should_panic(expected = "GET requests are reads")]
    fn exempt_panics_on_get() {
        let _ = RequireRules::new().exempt("get", "/documents/*");
    }

    #[test]
    #[should_panic(expected = "OPTIONS requests ignore preconditions")]
    fn without_method_panics_on_options() {
        let _ = RequireRules::new().without_method("options");
    }

    #[test]
    #[should_panic(expected = "is not an HTTP method")]
    fn without_method_panics_on_bad_method() {
        let _ = RequireRules::new().without_method("PATCH ");
    }

    /// A standard method in lower (or mixed) case in a builder is that method.
    #[test]
    fn lower_case_standard_methods_match() {
        let none = Preconditions::new();
        let rules = RequireRules::new().method("post");
        assert!(
            rules
                .rejection("POST", "/documents/7/publish", &none)
                .is_some()
        );
        assert!(rules.applies_to_method("POST"));
        assert_eq!(
            rules.requirement_for("POST", "/x"),
            Requirement::LOST_UPDATE
        );
        // Stored once, upper case.
        let again = rules.clone().method("POST").method("Post");
        assert_eq!(again.methods, rules.methods);
        assert_eq!(
            rules.methods.iter().map(|m| &**m).collect::<Vec<_>>(),
            ["PUT", "PATCH", "DELETE", "POST"]
        );
        // `without_method` and `exempt` too.
        let rules = RequireRules::new().without_method("patch");
        assert!(!rules.applies_to_method("PATCH"));
        assert!(rules.applies_to_method("PUT"));
        let rules = RequireRules::new().exempt("Delete", "/sessions/{id}");
        assert_eq!(
            rules.requirement_for("DELETE", "/sessions/1"),
            Requirement::NONE
        );
        assert_eq!(
            rules.requirement_for("DELETE", "/documents/1"),
            Requirement::LOST_UPDATE
        );
    }

    /// `applies_to_method` answers from the standard methods' bits and the list of names alike:
    /// after any sequence of `method` / `without_method`, it says for every name (as requests
    /// carry it, in another case, or an extension) what the list says of its normal form.
    #[test]
    fn method_bits_agree_with_the_configured_names() {
        let names = ["POST", "PUT", "PATCH", "DELETE", "PURGE"];
        let probes = [
            "POST", "post", "PUT", "pUt", "PATCH", "patch", "DELETE", "Delete", "PURGE", "purge",
            "GET", "get", "HEAD", "OPTIONS", "", "LOCK",
        ];
        // Each of the 3^5 programs: per name, leave it, add it, or remove it (from the default).
        for program in 0..3u32.pow(5) {
            let mut rules = RequireRules::new();
            let mut step = program;
            for name in names {
                rules = match step % 3 {
                    0 => rules,
                    1 => rules.method(&name.to_lowercase()),
                    _ => rules.without_method(name),
                };
                step /= 3;
            }
            for probe in probes {
                let listed = rules.methods.iter().any(|m| **m == *normalised(probe));
                assert_eq!(
                    rules.applies_to_method(probe),
                    listed,
                    "{probe:?} after program {program} ({:?})",
                    rules.methods
                );
            }
        }
    }

    /// A request's method is compared the same way: a standard method in another case is that
    /// method, an extension method is compared as written.
    #[test]
    fn request_methods_are_normalised_the_same_way() {
        let none = Preconditions::new();
        let rules = RequireRules::new()
            .method("PURGE")
            .exempt("delete", "/sessions/{id}");
        for method in ["put", "Put", "pUT", "patch", "delete"] {
            assert!(rules.applies_to_method(method), "{method}");
            assert_eq!(
                rules.requirement_for(method, "/x"),
                Requirement::LOST_UPDATE,
                "{method}"
            );
            assert!(rules.rejection(method, "/x", &none).is_some(), "{method}");
            assert!(rules.rejects(method, || "/x", || false, Preconditions::new));
        }
        assert_eq!(
            rules.requirement_for("dElEtE", "/sessions/1"),
            Requirement::NONE
        );
        assert!(rules.applies_to_method("PURGE"));
        for method in [
            "purge", "Purge", "get", "GET", "head", "options", "", "P UT", "PUTX",
        ] {
            assert!(!rules.applies_to_method(method), "{method:?}");
            assert_eq!(
                rules.requirement_for(method, "/x"),
                Requirement::NONE,
                "{method:?}"
            );
            assert!(rules.rejection(method, "/x", &none).is_none(), "{method:?}");
        }
    }

    /// `normalised`: the standard name for a standard method in any case, and otherwise the
    /// name itself, borrowed (it returns a `&str` and never allocates).
    #[test]
    fn normalised_names() {
        for (method, expected) in [
            ("GET", "GET"),
            ("get", "GET"),
            ("Patch", "PATCH"),
            ("trace", "TRACE"),
            ("dElEtE", "DELETE"),
            ("purge", "purge"),
            ("PURGE", "PURGE"),
            ("", ""),
            ("gets", "gets"),
            ("p\u{17f}t", "p\u{17f}t"),
        ] {
            let method = String::from(method);
            let normal = normalised(&method);
            assert_eq!(normal, expected, "{method:?}");
            if normal == method {
                assert!(std::ptr::eq(normal, method.as_str()), "{method:?}");
            }
        }
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
}
