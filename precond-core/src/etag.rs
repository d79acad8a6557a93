//! Entity tags (RFC 9110 §8.8.3).

use std::fmt;
use std::str::FromStr;

/// How many bytes of wire form an [`ETag`] keeps inline before it allocates.
///
/// Every tag precond generates itself (`"` + 32 hex digits + `"`, with `W/` when weak) fits, so
/// deriving an ETag never allocates.
const INLINE: usize = 38;

/// An entity tag: an opaque validator, strong or weak (RFC 9110 §8.8.3).
///
/// The value is kept in its wire form (`"xyzzy"` or `W/"xyzzy"`), so [`Display`](fmt::Display)
/// and [`ETag::as_bytes`] give exactly what goes into an `ETag` header.
///
/// The opaque tag is validated against `etagc` (`%x21 / %x23-7E / obs-text`): any visible ASCII
/// character except `"`, plus bytes `0x80..=0xFF`. Backslashes are accepted and compared as
/// ordinary characters, never unescaped.
///
/// ```
/// use precond_core::ETag;
///
/// let tag: ETag = "W/\"xyzzy\"".parse()?;
/// assert!(tag.is_weak());
/// assert_eq!(tag.opaque(), b"xyzzy");
/// assert_eq!(tag.to_string(), "W/\"xyzzy\"");
///
/// let strong = ETag::from_version(7);
/// assert_eq!(strong.to_string(), "\"7\"");
/// # Ok::<(), precond_core::InvalidETag>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ETag {
    repr: Repr,
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    Inline { len: u8, buf: [u8; INLINE] },
    Heap(Box<[u8]>),
}

/// The error returned when bytes are not a valid entity tag.
///
/// ```
/// use precond_core::ETag;
/// assert!("xyzzy".parse::<ETag>().is_err()); // not quoted
/// assert!("\"a\"b\"".parse::<ETag>().is_err()); // a quote inside
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidETag {
    _priv: (),
}

impl fmt::Display for InvalidETag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid entity tag: expected \"opaque\" or W/\"opaque\" (RFC 9110 §8.8.3)")
    }
}

impl std::error::Error for InvalidETag {}

/// Whether `b` may appear inside an opaque tag (`etagc`, RFC 9110 §8.8.3).
#[inline]
pub(crate) const fn is_etagc(b: u8) -> bool {
    b == 0x21 || (b >= 0x23 && b <= 0x7E) || b >= 0x80
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Writes `value` in decimal at the end of `buf` and returns where the digits start; at least
/// one byte before them is free (for a sign).
#[inline]
pub(crate) fn decimal(value: u64, buf: &mut [u8; 21]) -> usize {
    let mut i = buf.len();
    let mut v = value;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            return i;
        }
    }
}

impl ETag {
    /// A strong entity tag with the given opaque value (without the surrounding quotes).
    ///
    /// ```
    /// use precond_core::ETag;
    /// let tag = ETag::strong("abc")?;
    /// assert_eq!(tag.to_string(), "\"abc\"");
    /// # Ok::<(), precond_core::InvalidETag>(())
    /// ```
    pub fn strong(opaque: impl AsRef<[u8]>) -> Result<Self, InvalidETag> {
        Self::from_parts(false, opaque.as_ref())
    }

    /// A weak entity tag with the given opaque value (without the surrounding quotes).
    ///
    /// ```
    /// use precond_core::ETag;
    /// let tag = ETag::weak("abc")?;
    /// assert_eq!(tag.to_string(), "W/\"abc\"");
    /// # Ok::<(), precond_core::InvalidETag>(())
    /// ```
    pub fn weak(opaque: impl AsRef<[u8]>) -> Result<Self, InvalidETag> {
        Self::from_parts(true, opaque.as_ref())
    }

    /// A strong entity tag from a version number: `7` becomes `"7"`. Never allocates.
    ///
    /// ```
    /// use precond_core::ETag;
    /// assert_eq!(ETag::from_version(42).to_string(), "\"42\"");
    /// ```
    #[must_use]
    pub fn from_version(version: u64) -> Self {
        let mut buf = [0u8; 21];
        let start = decimal(version, &mut buf);
        Self::inline_quoted(false, &buf[start..])
    }

    /// A strong entity tag from a 128-bit digest: 32 lowercase hexadecimal digits, most
    /// significant first. Never allocates.
    ///
    /// ```
    /// use precond_core::ETag;
    /// let tag = ETag::from_digest(0xfe);
    /// assert_eq!(tag.to_string(), "\"000000000000000000000000000000fe\"");
    /// ```
    #[must_use]
    pub fn from_digest(digest: u128) -> Self {
        let mut hex = [0u8; 32];
        for (i, byte) in digest.to_be_bytes().iter().enumerate() {
            hex[2 * i] = HEX[(byte >> 4) as usize];
            hex[2 * i + 1] = HEX[(byte & 0xF) as usize];
        }
        Self::inline_quoted(false, &hex)
    }

    /// A strong entity tag for a byte string, such as a response body: the
    /// [`from_digest`](Self::from_digest) of its xxh3-128 hash ([`crate::hash::hash_bytes`]).
    ///
    /// ```
    /// use precond_core::ETag;
    /// assert_eq!(ETag::for_bytes(b"hello"), ETag::for_bytes(b"hello"));
    /// assert_ne!(ETag::for_bytes(b"hello"), ETag::for_bytes(b"hello!"));
    /// ```
    #[must_use]
    pub fn for_bytes(bytes: &[u8]) -> Self {
        Self::from_digest(crate::hash::hash_bytes(bytes))
    }

    /// Parses one entity tag in wire form (`"x"` or `W/"x"`), with no surrounding whitespace.
    ///
    /// Accepts any bytes, including `obs-text` that is not UTF-8; never panics.
    ///
    /// ```
    /// use precond_core::ETag;
    /// assert!(ETag::parse(b"W/\"x\"").is_ok());
    /// assert!(ETag::parse(b"w/\"x\"").is_err()); // the weak prefix is case-sensitive
    /// assert!(ETag::parse(b" \"x\"").is_err());
    /// ```
    pub fn parse(wire: &[u8]) -> Result<Self, InvalidETag> {
        let (weak, opaque) = split_wire(wire).ok_or(InvalidETag { _priv: () })?;
        Self::from_parts(weak, opaque)
    }

    fn from_parts(weak: bool, opaque: &[u8]) -> Result<Self, InvalidETag> {
        if !opaque.iter().all(|&b| is_etagc(b)) {
            return Err(InvalidETag { _priv: () });
        }
        let prefix: &[u8] = if weak { b"W/\"" } else { b"\"" };
        let len = prefix.len() + opaque.len() + 1;
        if len <= INLINE {
            return Ok(Self::inline_quoted(weak, opaque));
        }
        let mut wire = Vec::with_capacity(len);
        wire.extend_from_slice(prefix);
        wire.extend_from_slice(opaque);
        wire.push(b'"');
        Ok(Self {
            repr: Repr::Heap(wire.into_boxed_slice()),
        })
    }

    /// Builds an inline tag; `opaque` must be valid `etagc` and short enough.
    fn inline_quoted(weak: bool, opaque: &[u8]) -> Self {
        let mut buf = [0u8; INLINE];
        let mut at = 0;
        if weak {
            buf[..2].copy_from_slice(b"W/");
            at = 2;
        }
        buf[at] = b'"';
        buf[at + 1..at + 1 + opaque.len()].copy_from_slice(opaque);
        buf[at + 1 + opaque.len()] = b'"';
        let len = (at + 2 + opaque.len()) as u8;
        Self {
            repr: Repr::Inline { len, buf },
        }
    }

    /// The wire form, exactly as it goes into an `ETag` header: `"x"` or `W/"x"`.
    #[inline]
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        match &self.repr {
            Repr::Inline { len, buf } => &buf[..*len as usize],
            Repr::Heap(wire) => wire,
        }
    }

    /// Whether this is a weak entity tag (`W/` prefix).
    #[inline]
    #[must_use]
    pub fn is_weak(&self) -> bool {
        self.as_bytes().starts_with(b"W/")
    }

    /// The opaque tag without the weakness indicator and quotes.
    #[inline]
    #[must_use]
    pub fn opaque(&self) -> &[u8] {
        let wire = self.as_bytes();
        let start = if self.is_weak() { 3 } else { 1 };
        &wire[start..wire.len() - 1]
    }

    /// This tag marked weak (same opaque value).
    ///
    /// ```
    /// use precond_core::ETag;
    /// assert_eq!(ETag::from_version(3).into_weak().to_string(), "W/\"3\"");
    /// ```
    #[must_use]
    pub fn into_weak(self) -> Self {
        if self.is_weak() {
            return self;
        }
        match Self::from_parts(true, self.opaque()) {
            Ok(weak) => weak,
            // The opaque value was validated when `self` was built.
            Err(_) => self,
        }
    }

    /// Strong comparison (RFC 9110 §8.8.3.2): both strong and the opaque tags equal.
    ///
    /// ```
    /// use precond_core::ETag;
    /// let w1: ETag = "W/\"1\"".parse()?;
    /// let s1: ETag = "\"1\"".parse()?;
    /// assert!(!w1.strong_eq(&w1));
    /// assert!(!w1.strong_eq(&s1));
    /// assert!(s1.strong_eq(&s1));
    /// # Ok::<(), precond_core::InvalidETag>(())
    /// ```
    #[inline]
    #[must_use]
    pub fn strong_eq(&self, other: &ETag) -> bool {
        !self.is_weak() && !other.is_weak() && self.opaque() == other.opaque()
    }

    /// Weak comparison (RFC 9110 §8.8.3.2): the opaque tags equal, whatever their weakness.
    ///
    /// ```
    /// use precond_core::ETag;
    /// let w1: ETag = "W/\"1\"".parse()?;
    /// let w2: ETag = "W/\"2\"".parse()?;
    /// let s1: ETag = "\"1\"".parse()?;
    /// assert!(w1.weak_eq(&w1));
    /// assert!(!w1.weak_eq(&w2));
    /// assert!(w1.weak_eq(&s1));
    /// # Ok::<(), precond_core::InvalidETag>(())
    /// ```
    #[inline]
    #[must_use]
    pub fn weak_eq(&self, other: &ETag) -> bool {
        self.opaque() == other.opaque()
    }

    /// The wire form as an [`http::HeaderValue`], ready for an `ETag` response header.
    ///
    /// ```
    /// use precond_core::ETag;
    /// assert_eq!(ETag::from_version(1).to_header_value(), "\"1\"");
    /// ```
    #[must_use]
    pub fn to_header_value(&self) -> http::HeaderValue {
        match http::HeaderValue::from_bytes(self.as_bytes()) {
            Ok(value) => value,
            // Every byte of a validated entity tag is a valid header value byte.
            Err(_) => http::HeaderValue::from_static("\"\""),
        }
    }
}

/// Splits a wire-form entity tag into (weak, opaque bytes) if it is shaped like one; the opaque
/// bytes are not validated here.
#[inline]
fn split_wire(wire: &[u8]) -> Option<(bool, &[u8])> {
    let (weak, quoted) = match wire {
        [b'W', b'/', rest @ ..] => (true, rest),
        _ => (false, wire),
    };
    match quoted {
        [b'"', opaque @ .., b'"'] => Some((weak, opaque)),
        _ => None,
    }
}

impl FromStr for ETag {
    type Err = InvalidETag;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s.as_bytes())
    }
}

impl TryFrom<&http::HeaderValue> for ETag {
    type Error = InvalidETag;

    fn try_from(value: &http::HeaderValue) -> Result<Self, Self::Error> {
        Self::parse(value.as_bytes())
    }
}

impl fmt::Display for ETag {
    /// Writes the wire form. Bytes of `obs-text` (`0x80..=0xFF`) that are not UTF-8 are written
    /// as the Latin-1 characters they stand for.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match std::str::from_utf8(self.as_bytes()) {
            Ok(s) => f.write_str(s),
            Err(_) => self
                .as_bytes()
                .iter()
                .try_for_each(|&b| fmt::Write::write_char(f, char::from(b))),
        }
    }
}

impl fmt::Debug for ETag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ETag({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(s: &str) -> ETag {
        match s.parse() {
            Ok(t) => t,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    /// RFC 9110 §8.8.3.2, Table 3, row by row.
    #[test]
    fn comparison_table() {
        let rows = [
            ("W/\"1\"", "W/\"1\"", false, true),
            ("W/\"1\"", "W/\"2\"", false, false),
            ("W/\"1\"", "\"1\"", false, true),
            ("\"1\"", "\"1\"", true, true),
        ];
        for (a, b, strong, weak) in rows {
            assert_eq!(tag(a).strong_eq(&tag(b)), strong, "{a} {b} strong");
            assert_eq!(tag(b).strong_eq(&tag(a)), strong, "{b} {a} strong");
            assert_eq!(tag(a).weak_eq(&tag(b)), weak, "{a} {b} weak");
            assert_eq!(tag(b).weak_eq(&tag(a)), weak, "{b} {a} weak");
        }
    }

    /// RFC 9110 §8.8.3: `entity-tag = [ weak ] opaque-tag`, `etagc = %x21 / %x23-7E / obs-text`.
    #[test]
    fn grammar() {
        for ok in [
            "\"xyzzy\"",
            "W/\"xyzzy\"",
            "\"\"",
            "W/\"\"",
            "\"a\\b\"",
            "\"!#~\"",
        ] {
            assert!(ok.parse::<ETag>().is_ok(), "{ok}");
        }
        for bad in [
            "",
            "\"",
            "W/",
            "W/\"",
            "xyzzy",
            "\"a\"b\"",
            "\"a b\"",
            "w/\"a\"",
            " \"a\"",
            "\"a\" ",
            "\"a\tb\"",
            "W\"a\"",
            "/\"a\"",
            "\"\u{7f}\"",
        ] {
            assert!(bad.parse::<ETag>().is_err(), "{bad:?}");
        }
        // obs-text, including bytes that are not UTF-8.
        let latin = ETag::parse(b"\"caf\xe9\"");
        assert!(matches!(latin, Ok(ref t) if t.opaque() == b"caf\xe9"));
        assert!(matches!(latin, Ok(ref t) if t.to_string() == "\"café\""));
    }

    #[test]
    fn constructors() {
        assert_eq!(ETag::from_version(0).to_string(), "\"0\"");
        assert_eq!(
            ETag::from_version(u64::MAX).to_string(),
            "\"18446744073709551615\""
        );
        assert_eq!(
            ETag::from_digest(u128::MAX).to_string(),
            format!("\"{}\"", "f".repeat(32))
        );
        assert!(ETag::strong("a\"b").is_err());
        let long = "x".repeat(500);
        assert!(
            matches!(ETag::weak(&long), Ok(ref t) if t.opaque() == long.as_bytes() && t.is_weak())
        );
        assert_eq!(
            ETag::from_digest(7).into_weak().opaque(),
            ETag::from_digest(7).opaque()
        );
        assert_eq!(tag("\"a\""), tag("\"a\""));
        assert_ne!(tag("\"a\""), tag("W/\"a\""));
    }
}
