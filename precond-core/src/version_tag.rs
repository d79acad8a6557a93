//! The types a version field may have, and how each becomes an entity tag.

use crate::etag::{ETag, decimal};
use crate::hash::hash_bytes;

/// A version identifier that is an entity tag as it is, with no hashing: the type of a
/// `#[versioned(version)]` field.
///
/// | type | entity tag |
/// |---|---|
/// | `u8` `u16` `u32` `u64` `usize` | the decimal number: `7` → `"7"` ([`ETag::from_version`]) |
/// | `i8` `i16` `i32` `i64` `isize` | the decimal number with its sign: `-7` → `"-7"` |
/// | `u128`, `[u8; 16]` (a UUID, a digest) | 32 lowercase hex digits, most significant first ([`ETag::from_digest`]) |
/// | `str`, `String` | the string itself when every byte is allowed in an entity tag (`etagc`: visible ASCII except `"`, or bytes ≥ `0x80`); otherwise the [`ETag::for_bytes`] hash of it |
/// | [`ETag`] | itself |
///
/// References and smart pointers to these forward to them. Integers, 128-bit identifiers and
/// strings up to 36 bytes never allocate.
///
/// For a type of another crate (such as `uuid::Uuid`), convert it in the field's type (store
/// `u128` or `[u8; 16]`), or wrap it in a type of your own that implements this trait.
///
/// ```
/// use precond_core::{ETag, VersionTag};
///
/// assert_eq!(7u32.to_etag().to_string(), "\"7\"");
/// assert_eq!((-7i64).to_etag().to_string(), "\"-7\"");
/// assert_eq!(0xfeu128.to_etag().to_string(), "\"000000000000000000000000000000fe\"");
/// assert_eq!("v2024-05-01".to_etag().to_string(), "\"v2024-05-01\"");
/// // A space is not allowed inside an entity tag, so this version is hashed.
/// assert_eq!("rev 12".to_etag(), ETag::for_bytes(b"rev 12"));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a version: precond does not know how to turn it into an ETag",
    label = "not a version type",
    note = "a `#[versioned(version)]` field may be an integer, a `u128` or `[u8; 16]` (such as a UUID), a `String`, a `&str` or an `ETag`",
    note = "to hash the fields instead, remove `#[versioned(version)]`; for another type, implement `precond::VersionTag` for it"
)]
pub trait VersionTag {
    /// The strong entity tag of this version.
    fn to_etag(&self) -> ETag;
}

macro_rules! unsigned {
    ($($ty:ty),*) => {$(
        impl VersionTag for $ty {
            #[inline]
            fn to_etag(&self) -> ETag {
                ETag::from_version(*self as u64)
            }
        }
    )*};
}

unsigned!(u8, u16, u32, u64, usize);

macro_rules! signed {
    ($($ty:ty),*) => {$(
        impl VersionTag for $ty {
            #[inline]
            fn to_etag(&self) -> ETag {
                signed_etag(*self as i64)
            }
        }
    )*};
}

signed!(i8, i16, i32, i64, isize);

/// `"-123"` for -123; the same as [`ETag::from_version`] for non-negative numbers.
fn signed_etag(value: i64) -> ETag {
    if value >= 0 {
        return ETag::from_version(value.unsigned_abs());
    }
    let mut text = [0u8; 21];
    let mut i = decimal(value.unsigned_abs(), &mut text);
    i -= 1;
    text[i] = b'-';
    opaque_or_hash(&text[i..])
}

/// The strong tag with `opaque` as its value if it is valid `etagc`, otherwise the hash of it.
fn opaque_or_hash(opaque: &[u8]) -> ETag {
    match ETag::strong(opaque) {
        Ok(tag) => tag,
        Err(_) => ETag::from_digest(hash_bytes(opaque)),
    }
}

impl VersionTag for u128 {
    #[inline]
    fn to_etag(&self) -> ETag {
        ETag::from_digest(*self)
    }
}

impl VersionTag for [u8; 16] {
    #[inline]
    fn to_etag(&self) -> ETag {
        ETag::from_digest(u128::from_be_bytes(*self))
    }
}

impl VersionTag for str {
    #[inline]
    fn to_etag(&self) -> ETag {
        opaque_or_hash(self.as_bytes())
    }
}

impl VersionTag for String {
    #[inline]
    fn to_etag(&self) -> ETag {
        opaque_or_hash(self.as_bytes())
    }
}

impl VersionTag for ETag {
    #[inline]
    fn to_etag(&self) -> ETag {
        self.clone()
    }
}

macro_rules! forward {
    ($($ty:ty),*) => {$(
        impl<T: VersionTag + ?Sized> VersionTag for $ty {
            #[inline]
            fn to_etag(&self) -> ETag {
                (**self).to_etag()
            }
        }
    )*};
}

forward!(&T, &mut T, Box<T>, std::rc::Rc<T>, std::sync::Arc<T>);

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(tag: &ETag) -> String {
        tag.to_string()
    }

    #[test]
    fn integers_are_decimal() {
        assert_eq!(wire(&0u8.to_etag()), "\"0\"");
        assert_eq!(wire(&u64::MAX.to_etag()), "\"18446744073709551615\"");
        assert_eq!(
            wire(&usize::MAX.to_etag()),
            wire(&(usize::MAX as u64).to_etag())
        );
        assert_eq!(wire(&0i32.to_etag()), "\"0\"");
        assert_eq!(wire(&42i16.to_etag()), "\"42\"");
        assert_eq!(wire(&(-1i8).to_etag()), "\"-1\"");
        assert_eq!(wire(&i64::MIN.to_etag()), "\"-9223372036854775808\"");
        assert_eq!(wire(&i64::MAX.to_etag()), "\"9223372036854775807\"");
    }

    #[test]
    fn identifiers_are_hex() {
        let uuid = 0x67e5_5044_10b1_426f_9247_bb68_0e5f_e0c8_u128;
        assert_eq!(
            wire(&uuid.to_etag()),
            "\"67e5504410b1426f9247bb680e5fe0c8\""
        );
        assert_eq!(uuid.to_be_bytes().to_etag(), uuid.to_etag());
    }

    #[test]
    fn strings_verbatim_or_hashed() {
        assert_eq!(wire(&"abc".to_etag()), "\"abc\"");
        assert_eq!(
            wire(&String::from("2024-05-01T10:00:00Z").to_etag()),
            "\"2024-05-01T10:00:00Z\""
        );
        assert_eq!(wire(&"".to_etag()), "\"\"");
        for bad in ["a b", "a\"b", "tab\there", "\u{7f}"] {
            assert_eq!(bad.to_etag(), ETag::for_bytes(bad.as_bytes()), "{bad:?}");
        }
        // Non-ASCII UTF-8 is obs-text: kept as it is.
        assert_eq!("café".to_etag().opaque(), "café".as_bytes());
    }

    #[test]
    fn pointers_and_tags_forward() {
        let tag = ETag::from_version(9);
        assert_eq!(tag.to_etag(), tag);
        assert_eq!((&&9u64).to_etag(), tag);
        assert_eq!(Box::new(9u32).to_etag(), tag);
        assert_eq!(std::rc::Rc::<str>::from("9").to_etag(), tag);
    }
}
