//! Which preconditions a request must carry (RFC 6585 §3, 428 Precondition Required).

use std::fmt;
use std::ops::BitOr;

use http::Method;

use crate::date::parse_http_date;
use crate::list::{Comparison, ListMatch, match_list};
use crate::preconditions::{Field, Preconditions};
use crate::validators::Validators;

/// A set of acceptable preconditions: a request satisfies it when it carries at least one of
/// them in a usable form. The empty set requires nothing.
///
/// What counts as carrying each one:
///
/// - [`IF_MATCH`](Self::IF_MATCH): an `If-Match` field, whatever its value. An unparseable value
///   still counts, and then fails the evaluation with 412 (fail closed).
/// - [`IF_MATCH_ETAG`](Self::IF_MATCH_ETAG): an `If-Match` field that is not `*`. Unlike
///   [`IF_MATCH`](Self::IF_MATCH), `If-Match: *` does not count, so a request that satisfies it
///   always names the version it is based on (an unquoted or otherwise malformed value counts,
///   and fails with 412 saying what is wrong with it).
/// - [`IF_UNMODIFIED_SINCE`](Self::IF_UNMODIFIED_SINCE): an `If-Unmodified-Since` field that is
///   a valid HTTP date, on a resource that has a `Last-Modified`. RFC 9110 §13.1.4 makes the
///   server ignore it otherwise, so it would protect nothing and the request gets 428.
/// - [`IF_NONE_MATCH_STAR`](Self::IF_NONE_MATCH_STAR): `If-None-Match: *`, the way to create a
///   resource only if it does not exist yet.
///
/// What each one protects:
///
/// | requirement | stops a lost update | but lets through |
/// |---|---|---|
/// | `IF_MATCH_ETAG` | always: the write names the version it read, compared strongly | nothing |
/// | `IF_MATCH` | when the client sends a tag | `If-Match: *`, which only says "if it exists" |
/// | `IF_UNMODIFIED_SINCE` | at one-second precision (precond's stores stamp each write a second apart) | a date in the future, which every version satisfies |
/// | `IF_NONE_MATCH_STAR` | for creation: never overwrites an existing resource | - |
///
/// For writes that must always be based on a version read, require
/// `IF_MATCH_ETAG | IF_NONE_MATCH_STAR` (`require = "If-Match: etag | If-None-Match"` in
/// `#[conditional]`), or `IF_MATCH_ETAG` alone where the write cannot create.
///
/// ```
/// use precond_core::Requirement;
/// let lost_update = Requirement::IF_MATCH | Requirement::IF_UNMODIFIED_SINCE;
/// assert!(lost_update.contains(Requirement::IF_MATCH));
/// assert_eq!(lost_update.to_string(), "If-Match or If-Unmodified-Since");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Requirement(u8);

impl Requirement {
    /// Nothing is required.
    pub const NONE: Self = Self(0);
    /// `If-Match` (RFC 9110 §13.1.1).
    pub const IF_MATCH: Self = Self(1);
    /// `If-Unmodified-Since` with a valid date (RFC 9110 §13.1.4).
    pub const IF_UNMODIFIED_SINCE: Self = Self(2);
    /// `If-None-Match: *` (RFC 9110 §13.1.2): create only if absent.
    pub const IF_NONE_MATCH_STAR: Self = Self(4);
    /// `If-Match` with entity tags, not `*`: the request names the version it is based on.
    pub const IF_MATCH_ETAG: Self = Self(8);

    /// The usual protection against lost updates: `If-Match` or `If-Unmodified-Since`, or
    /// `If-None-Match: *` for a write that creates.
    pub const LOST_UPDATE: Self =
        Self(Self::IF_MATCH.0 | Self::IF_UNMODIFIED_SINCE.0 | Self::IF_NONE_MATCH_STAR.0);

    /// Whether nothing is required.
    #[inline]
    #[must_use]
    pub const fn is_none(self) -> bool {
        self.0 == 0
    }

    /// Whether every precondition of `other` is acceptable here.
    #[inline]
    #[must_use]
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// This set and `other` together (`|` in a `const` context).
    #[inline]
    #[must_use]
    pub const fn or(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// Whether the request carries one of the acceptable preconditions, given the current
    /// validators (`None` when the resource does not exist). The empty set is always satisfied.
    ///
    /// ```
    /// use precond_core::{Field, Preconditions, Requirement};
    /// let mut pre = Preconditions::new();
    /// assert!(!Requirement::IF_MATCH.is_satisfied_by(&pre, None));
    /// pre.add(Field::IfMatch, b"\"1\"");
    /// assert!(Requirement::IF_MATCH.is_satisfied_by(&pre, None));
    /// ```
    #[must_use]
    pub fn is_satisfied_by(self, pre: &Preconditions<'_>, current: Option<&Validators>) -> bool {
        self.is_satisfied(
            pre.has(Field::IfMatch),
            || if_match_is_star(pre),
            || {
                pre.single(Field::IfUnmodifiedSince)
                    .and_then(parse_http_date)
                    .is_some()
            },
            current.and_then(Validators::last_modified).is_some(),
            || {
                pre.has(Field::IfNoneMatch)
                    && match_list(
                        pre.lines(Field::IfNoneMatch).iter().copied(),
                        None,
                        Comparison::Weak,
                    ) == ListMatch::Any
            },
        )
    }

    /// [`is_satisfied_by`](Self::is_satisfied_by) over values the caller parses (at most once,
    /// and only if asked), so that the evaluator can share them with its own steps.
    pub(crate) fn is_satisfied(
        self,
        has_if_match: bool,
        if_match_is_star: impl FnOnce() -> bool,
        if_unmodified_since_is_a_date: impl FnOnce() -> bool,
        has_last_modified: bool,
        if_none_match_is_star: impl FnOnce() -> bool,
    ) -> bool {
        self.is_none()
            || (self.contains(Self::IF_MATCH) && has_if_match)
            || (self.contains(Self::IF_MATCH_ETAG) && has_if_match && !if_match_is_star())
            || (self.contains(Self::IF_UNMODIFIED_SINCE)
                && has_last_modified
                && if_unmodified_since_is_a_date())
            || (self.contains(Self::IF_NONE_MATCH_STAR) && if_none_match_is_star())
    }

    /// The header fields of this set, in a fixed order.
    pub fn fields(self) -> impl Iterator<Item = &'static str> {
        [
            (Self::IF_MATCH, "If-Match"),
            (Self::IF_MATCH_ETAG, "If-Match: <etag>"),
            (Self::IF_UNMODIFIED_SINCE, "If-Unmodified-Since"),
            (Self::IF_NONE_MATCH_STAR, "If-None-Match: *"),
        ]
        .into_iter()
        .filter(move |(r, _)| self.contains(*r))
        .map(|(_, name)| name)
    }
}

/// Whether `If-Match` is exactly `*` (an `If-Match` field that names no version).
pub(crate) fn if_match_is_star(pre: &Preconditions<'_>) -> bool {
    match_list(
        pre.lines(Field::IfMatch).iter().copied(),
        None,
        Comparison::Strong,
    ) == ListMatch::Any
}

impl BitOr for Requirement {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        self.or(rhs)
    }
}

impl fmt::Display for Requirement {
    /// The acceptable fields joined with "or"; "nothing" for the empty set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_none() {
            return f.write_str("nothing");
        }
        for (i, name) in self.fields().enumerate() {
            if i > 0 {
                f.write_str(" or ")?;
            }
            f.write_str(name)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Requirement({self})")
    }
}

/// Which preconditions each request method must carry; a request without them is answered
/// `428 Precondition Required` (RFC 6585 §3).
///
/// The policy is plain data (`Copy`, `const`-constructible), so it costs nothing per request.
///
/// ```
/// use http::Method;
/// use precond_core::{Policy, Requirement};
///
/// let policy = Policy::lost_update();
/// assert_eq!(policy.requirement(&Method::PUT), Requirement::LOST_UPDATE);
/// assert_eq!(policy.requirement(&Method::GET), Requirement::NONE);
/// assert_eq!(policy.requirement(&Method::POST), Requirement::NONE);
///
/// const CREATE_ONLY: Policy = Policy::none().put(Requirement::IF_NONE_MATCH_STAR);
/// assert_eq!(CREATE_ONLY.requirement(&Method::PUT), Requirement::IF_NONE_MATCH_STAR);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Policy {
    get_head: Requirement,
    post: Requirement,
    put: Requirement,
    patch: Requirement,
    delete: Requirement,
    other: Requirement,
}

impl Policy {
    /// Requires nothing: preconditions are evaluated when present, never demanded.
    #[must_use]
    pub const fn none() -> Self {
        Self::always(Requirement::NONE)
    }

    /// The same requirement for every method (CONNECT, OPTIONS and TRACE excepted: RFC 9110
    /// §13.2.1 excludes them from preconditions altogether).
    #[must_use]
    pub const fn always(requirement: Requirement) -> Self {
        Self {
            get_head: requirement,
            post: requirement,
            put: requirement,
            patch: requirement,
            delete: requirement,
            other: requirement,
        }
    }

    /// PUT, PATCH and DELETE require [`Requirement::LOST_UPDATE`]; GET, HEAD, POST and other
    /// methods require nothing.
    #[must_use]
    pub const fn lost_update() -> Self {
        Self::none()
            .put(Requirement::LOST_UPDATE)
            .patch(Requirement::LOST_UPDATE)
            .delete(Requirement::LOST_UPDATE)
    }

    /// Sets the requirement for GET and HEAD.
    #[must_use]
    pub const fn get(mut self, requirement: Requirement) -> Self {
        self.get_head = requirement;
        self
    }

    /// Sets the requirement for POST.
    #[must_use]
    pub const fn post(mut self, requirement: Requirement) -> Self {
        self.post = requirement;
        self
    }

    /// Sets the requirement for PUT.
    #[must_use]
    pub const fn put(mut self, requirement: Requirement) -> Self {
        self.put = requirement;
        self
    }

    /// Sets the requirement for PATCH.
    #[must_use]
    pub const fn patch(mut self, requirement: Requirement) -> Self {
        self.patch = requirement;
        self
    }

    /// Sets the requirement for DELETE.
    #[must_use]
    pub const fn delete(mut self, requirement: Requirement) -> Self {
        self.delete = requirement;
        self
    }

    /// Sets the requirement for every other method (extension methods such as PROPPATCH).
    #[must_use]
    pub const fn other(mut self, requirement: Requirement) -> Self {
        self.other = requirement;
        self
    }

    /// What `method` must carry.
    #[must_use]
    pub fn requirement(&self, method: &Method) -> Requirement {
        match *method {
            Method::GET | Method::HEAD => self.get_head,
            Method::POST => self.post,
            Method::PUT => self.put,
            Method::PATCH => self.patch,
            Method::DELETE => self.delete,
            Method::CONNECT | Method::OPTIONS | Method::TRACE => Requirement::NONE,
            _ => self.other,
        }
    }
}
