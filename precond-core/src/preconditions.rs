//! The conditional request header fields as received.

use http::HeaderMap;
use http::header::{
    HeaderName, IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE, IF_UNMODIFIED_SINCE, RANGE,
};

/// Up to how many distinct header names [`Preconditions::from_headers`] walks the whole map
/// rather than looking each of the six conditional fields up: visiting an entry costs about a
/// fifth of a lookup, which hashes the name, so walking wins up to about thirty names.
const SCAN_UP_TO: usize = 24;

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

    /// The field a [`HeaderName`] names, if any. Standard names compare as small integers, so
    /// this is a handful of comparisons, with no hashing or string comparison.
    #[inline]
    fn of_header_name(name: &HeaderName) -> Option<Field> {
        if *name == IF_MATCH {
            Some(Field::IfMatch)
        } else if *name == IF_NONE_MATCH {
            Some(Field::IfNoneMatch)
        } else if *name == IF_MODIFIED_SINCE {
            Some(Field::IfModifiedSince)
        } else if *name == IF_UNMODIFIED_SINCE {
            Some(Field::IfUnmodifiedSince)
        } else if *name == IF_RANGE {
            Some(Field::IfRange)
        } else if *name == RANGE {
            Some(Field::Range)
        } else {
            None
        }
    }

    /// [`Field::header_name`] by reference, with no value to move or drop.
    fn header_name_ref(self) -> &'static HeaderName {
        static NAMES: [HeaderName; 6] = [
            IF_MATCH,
            IF_NONE_MATCH,
            IF_MODIFIED_SINCE,
            IF_UNMODIFIED_SINCE,
            IF_RANGE,
            RANGE,
        ];
        &NAMES[self.index()]
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
    /// The first line of each field, `None` when the field is absent. Most requests carry at
    /// most one line of each, so this is all there is: small, and nothing to free.
    first: [Option<&'a [u8]>; 6],
    /// Every line, in order, of the fields received in several lines (an empty `Vec` for the
    /// others); allocated only when a field has a second line.
    several: Option<Box<[Vec<&'a [u8]>; 6]>>,
}

impl<'a> Preconditions<'a> {
    /// No conditional header fields at all.
    #[inline]
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The conditional fields of an [`http::HeaderMap`], borrowed.
    #[inline]
    #[must_use]
    pub fn from_headers(headers: &'a HeaderMap) -> Self {
        if headers.keys_len() > SCAN_UP_TO {
            return Self::looked_up(headers);
        }
        // Hashing a name for a lookup costs several times more than comparing it, so a map of
        // usual size is walked instead, in one pass. The usual request has at most one line of
        // each field: they are collected as they come, with nothing to allocate or free, and a
        // second line of any field starts over on the general path (two passes at most).
        let mut first = [None; 6];
        for (name, value) in headers {
            if let Some(field) = Field::of_header_name(name) {
                let line = &mut first[field.index()];
                if line.is_some() {
                    return Self::walked(headers);
                }
                *line = Some(value.as_bytes());
            }
        }
        Self {
            first,
            several: None,
        }
    }

    /// [`from_headers`](Self::from_headers) for a map with a field in several lines: walked in
    /// one pass, each field's lines in the same order as from `get_all`.
    #[cold]
    fn walked(headers: &'a HeaderMap) -> Self {
        let mut pre = Self::new();
        for (name, value) in headers {
            if let Some(field) = Field::of_header_name(name) {
                pre.add(field, value.as_bytes());
            }
        }
        pre
    }

    /// [`from_headers`](Self::from_headers) for a large map: each field looked up.
    #[cold]
    fn looked_up(headers: &'a HeaderMap) -> Self {
        let mut pre = Self::new();
        for field in Field::ALL {
            for value in headers.get_all(field.header_name_ref()) {
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
    #[inline]
    pub fn add(&mut self, field: Field, value: &'a [u8]) -> &mut Self {
        let i = field.index();
        match self.first[i] {
            None => self.first[i] = Some(value),
            Some(first) => self.add_another(i, first, value),
        }
        self
    }

    /// A second or later line of the field at index `i`: rare, so kept out of line.
    #[cold]
    fn add_another(&mut self, i: usize, first: &'a [u8], value: &'a [u8]) {
        let all = &mut self.several.get_or_insert_with(Box::default)[i];
        if all.is_empty() {
            all.push(first);
        }
        all.push(value);
    }

    /// Whether the request carries `field` (any value, valid or not).
    #[inline]
    #[must_use]
    pub fn has(&self, field: Field) -> bool {
        self.first[field.index()].is_some()
    }

    /// The received lines of `field`, in order.
    #[inline]
    #[must_use]
    pub fn lines(&self, field: Field) -> &[&'a [u8]] {
        let i = field.index();
        match &self.several {
            Some(several) if !several[i].is_empty() => &several[i],
            _ => self.first[i].as_slice(),
        }
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
        let i = field.index();
        match (&self.several, self.first[i]) {
            (Some(several), _) if !several[i].is_empty() => None,
            (_, first) => first,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    /// Both ways of reading a map (walking it, or looking each field up in a large one) give
    /// every line of every field, in order, exactly as `get_all` does.
    #[test]
    fn from_headers_small_and_large_maps() {
        for fillers in [0, 3, SCAN_UP_TO, SCAN_UP_TO + 1, 40] {
            let mut map = HeaderMap::new();
            for n in 0..fillers {
                let name = HeaderName::from_bytes(format!("x-filler-{n}").as_bytes());
                map.append(
                    name.unwrap_or(http::header::ACCEPT),
                    HeaderValue::from_static("x"),
                );
            }
            map.append(IF_MATCH, HeaderValue::from_static("\"a\""));
            map.append(RANGE, HeaderValue::from_static("bytes=0-1"));
            map.append(IF_MATCH, HeaderValue::from_static("\"b\", \"c\""));
            map.append(IF_MODIFIED_SINCE, HeaderValue::from_static("x"));
            map.append(IF_MATCH, HeaderValue::from_static(""));
            map.append(IF_MODIFIED_SINCE, HeaderValue::from_static("y"));
            let pre = Preconditions::from_headers(&map);
            for field in Field::ALL {
                let expected: Vec<&[u8]> = map
                    .get_all(field.header_name())
                    .iter()
                    .map(HeaderValue::as_bytes)
                    .collect();
                assert_eq!(pre.lines(field), expected, "{field} with {fillers} fillers");
                assert_eq!(pre.has(field), !expected.is_empty(), "{field}");
                let single = (expected.len() == 1).then(|| expected[0]);
                assert_eq!(pre.single(field), single, "{field}");
            }
            assert!(!pre.is_unconditional());
        }
    }

    proptest::proptest! {
        /// Whatever the map (each of the six fields in none, one or several lines, anywhere
        /// among other names, few or many): every line of every field, in order, as `get_all`
        /// gives them, whichever way `from_headers` reads the map.
        #[test]
        fn from_headers_is_get_all(
            entries in proptest::collection::vec((0usize..10, 0u8..4), 0..12),
            fillers in proptest::sample::select(vec![0usize, 2, 7, SCAN_UP_TO, SCAN_UP_TO + 3]),
        ) {
            let mut map = HeaderMap::new();
            let others = [http::header::HOST, http::header::ACCEPT, http::header::COOKIE];
            for n in 0..fillers {
                let name = HeaderName::from_bytes(format!("x-filler-{n}").as_bytes())
                    .unwrap_or(http::header::ACCEPT);
                map.append(name, HeaderValue::from_static("x"));
            }
            for (name, value) in &entries {
                let name = Field::ALL
                    .get(*name)
                    .map_or_else(|| others[*name % 3].clone(), |field| field.header_name());
                let value = HeaderValue::from_str(&format!("v{value}"));
                map.append(name, value.unwrap_or(HeaderValue::from_static("v")));
            }
            let pre = Preconditions::from_headers(&map);
            for field in Field::ALL {
                let expected: Vec<&[u8]> = map
                    .get_all(field.header_name())
                    .iter()
                    .map(HeaderValue::as_bytes)
                    .collect();
                proptest::prop_assert_eq!(pre.lines(field), &expected[..], "{}", field);
                let single = (expected.len() == 1).then(|| expected[0]);
                proptest::prop_assert_eq!(pre.single(field), single, "{}", field);
            }
        }
    }
}
