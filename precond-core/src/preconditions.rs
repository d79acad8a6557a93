//! The conditional request header fields as received.

use http::HeaderMap;
use http::header::{
    HeaderName, IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE, IF_UNMODIFIED_SINCE, RANGE,
};

/// One of the request header fields that [`Preconditions`] keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// `If-Match` (RFC 9110 §13.1.1).
    IfMatch,
    /// `If-None-Match` (RFC 9110 §13.1.2).
    IfNoneMatch,
    /// `If-Modified-Since` (RFC 9110 §13.1.3).
    IfModifiedSince,
    /// `If-Unmodified-Since` (RFC 9110 §13.1.4).
    IfUnmodifiedSince,
    /// `If-Range` (RFC 9110 §13.1.5).
    IfRange,
    /// `Range` (RFC 9110 §14.2): only its presence matters to the evaluation.
    Range,
}

impl Field {
    /// Every field, in the order of RFC 9110 §13.1.
    pub const ALL: [Field; 6] = [
        Field::IfMatch,
        Field::IfNoneMatch,
        Field::IfModifiedSince,
        Field::IfUnmodifiedSince,
        Field::IfRange,
        Field::Range,
    ];

    /// The field's name as sent on the wire (canonical capitalisation).
    ///
    /// ```
    /// use precond_core::Field;
    /// assert_eq!(Field::IfNoneMatch.as_str(), "If-None-Match");
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Field::IfMatch => "If-Match",
            Field::IfNoneMatch => "If-None-Match",
            Field::IfModifiedSince => "If-Modified-Since",
            Field::IfUnmodifiedSince => "If-Unmodified-Since",
            Field::IfRange => "If-Range",
            Field::Range => "Range",
        }
    }

    /// The field's [`HeaderName`].
    #[must_use]
    pub fn header_name(self) -> HeaderName {
        match self {
            Field::IfMatch => IF_MATCH,
            Field::IfNoneMatch => IF_NONE_MATCH,
            Field::IfModifiedSince => IF_MODIFIED_SINCE,
            Field::IfUnmodifiedSince => IF_UNMODIFIED_SINCE,
            Field::IfRange => IF_RANGE,
            Field::Range => RANGE,
        }
    }

    /// The field for a header name, compared ASCII case-insensitively; `None` for any other name.
    ///
    /// ```
    /// use precond_core::Field;
    /// assert_eq!(Field::from_name(b"if-match"), Some(Field::IfMatch));
    /// assert_eq!(Field::from_name(b"If-Matches"), None);
    /// ```
    #[must_use]
    pub fn from_name(name: &[u8]) -> Option<Field> {
        Field::ALL
            .into_iter()
            .find(|field| field.as_str().as_bytes().eq_ignore_ascii_case(name))
    }

    const fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The values of one field: zero, one or several header lines, borrowed.
#[derive(Debug, Clone, Default)]
pub(crate) enum Lines<'a> {
    #[default]
    Absent,
    One(&'a [u8]),
    /// Only several lines of the same field allocate.
    Many(Vec<&'a [u8]>),
}

impl<'a> Lines<'a> {
    fn push(&mut self, line: &'a [u8]) {
        *self = match std::mem::take(self) {
            Lines::Absent => Lines::One(line),
            Lines::One(first) => Lines::Many(vec![first, line]),
            Lines::Many(mut all) => {
                all.push(line);
                Lines::Many(all)
            }
        };
    }

    pub(crate) fn as_slice(&self) -> &[&'a [u8]] {
        match self {
            Lines::Absent => &[],
            Lines::One(line) => std::slice::from_ref(line),
            Lines::Many(all) => all,
        }
    }
}

/// The conditional request header fields of one request, as received.
///
/// Values are borrowed from wherever the headers live and parsed only when
/// [`evaluate`](crate::evaluate) needs them. Several lines of the same field are kept in order
/// (entity-tag lists combine them; a date field with several lines is invalid and ignored, as
/// RFC 9110 §13.1.3 and §13.1.4 require).
///
/// Build it from an [`http::HeaderMap`] with [`Preconditions::from_headers`], or from any other
/// header source (such as actix-web's header map) with [`Preconditions::add`] or
/// [`Preconditions::from_pairs`].
///
/// ```
/// use http::{HeaderMap, HeaderValue, header::IF_MATCH};
/// use precond_core::{Field, Preconditions};
///
/// let mut headers = HeaderMap::new();
/// headers.insert(IF_MATCH, HeaderValue::from_static("\"1\""));
/// let pre = Preconditions::from_headers(&headers);
/// assert!(pre.has(Field::IfMatch));
/// assert!(!pre.has(Field::IfNoneMatch));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Preconditions<'a> {
    fields: [Lines<'a>; 6],
}

impl<'a> Preconditions<'a> {
    /// No conditional header fields at all.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The conditional fields of an [`http::HeaderMap`], borrowed.
    #[must_use]
    pub fn from_headers(headers: &'a HeaderMap) -> Self {
        let mut pre = Self::new();
        for field in Field::ALL {
            for value in headers.get_all(field.header_name()) {
                pre.add(field, value.as_bytes());
            }
        }
        pre
    }

    /// The conditional fields among `(name, value)` pairs from any header source; names are
    /// compared ASCII case-insensitively and other fields are skipped.
    ///
    /// ```
    /// use precond_core::{Field, Preconditions};
    /// let pre = Preconditions::from_pairs([
    ///     ("content-type".as_bytes(), "text/plain".as_bytes()),
    ///     (b"if-none-match", b"\"a\""),
    /// ]);
    /// assert!(pre.has(Field::IfNoneMatch));
    /// ```
    #[must_use]
    pub fn from_pairs<I>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (&'a [u8], &'a [u8])>,
    {
        let mut pre = Self::new();
        for (name, value) in pairs {
            if let Some(field) = Field::from_name(name) {
                pre.add(field, value);
            }
        }
        pre
    }

    /// Adds one received line of `field`.
    ///
    /// ```
    /// use precond_core::{Field, Preconditions};
    /// let mut pre = Preconditions::new();
    /// pre.add(Field::IfMatch, b"\"a\"");
    /// pre.add(Field::IfMatch, b"\"b\"");
    /// assert_eq!(pre.lines(Field::IfMatch).len(), 2);
    /// ```
    pub fn add(&mut self, field: Field, value: &'a [u8]) -> &mut Self {
        self.fields[field.index()].push(value);
        self
    }

    /// Whether the request carries `field` (any value, valid or not).
    #[inline]
    #[must_use]
    pub fn has(&self, field: Field) -> bool {
        !matches!(self.fields[field.index()], Lines::Absent)
    }

    /// The received lines of `field`, in order.
    #[inline]
    #[must_use]
    pub fn lines(&self, field: Field) -> &[&'a [u8]] {
        self.fields[field.index()].as_slice()
    }

    /// Whether no conditional field (`If-*`) is present; `Range` alone does not count.
    #[must_use]
    pub fn is_unconditional(&self) -> bool {
        !Field::ALL
            .into_iter()
            .filter(|f| *f != Field::Range)
            .any(|f| self.has(f))
    }

    /// The single line of a date field, or `None` if the field is absent or has several lines.
    pub(crate) fn single(&self, field: Field) -> Option<&'a [u8]> {
        match self.fields[field.index()] {
            Lines::One(line) => Some(line),
            _ => None,
        }
    }
}
