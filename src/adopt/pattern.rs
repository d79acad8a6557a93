//! Path patterns: which paths a rule covers.

use std::fmt;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adopt::{RequireRules, has_no_store, keeps_in_not_modified};
    use precond_core::Preconditions;

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
            (0..15)
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
