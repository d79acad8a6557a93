//! Stable content hashing: ETags derived from a value's serde representation.
//!
//! [`etag_of`] feeds a value, through [`serde::Serialize`], into a streaming XXH3-128 hash with no
//! intermediate JSON and no allocation. The bytes fed to the hash are fixed by this crate and
//! never depend on the process, the machine, the compiler version or the platform's endianness,
//! so replicas agree and restarts keep ETags valid. (Do not use `std::hash::Hash` for this: its
//! output may change between compiler versions and `DefaultHasher` is randomly keyed.)
//!
//! # The byte format
//!
//! Every value starts with a one-byte kind tag, then its payload. Integers and lengths are
//! little-endian; a *name* is a `u64` byte length followed by the UTF-8 bytes.
//!
//! | value | bytes |
//! |---|---|
//! | `bool` | `01`, then `00` or `01` |
//! | `i8` `i16` `i32` `i64` `i128` | `02` `03` `04` `05` `06`, then 1, 2, 4, 8, 16 bytes |
//! | `u8` `u16` `u32` `u64` `u128` | `07` `08` `09` `0A` `0B`, then 1, 2, 4, 8, 16 bytes |
//! | `f32` `f64` | `0C` `0D`, then the IEEE 754 bits (4 or 8 bytes; `-0.0` and every NaN as they are) |
//! | `char` | `0E`, then the scalar value as 4 bytes |
//! | string | `0F`, `u64` length, bytes |
//! | byte string | `10`, `u64` length, bytes |
//! | `None` / `Some(v)` | `11` / `12` then `v` |
//! | `()` | `13` |
//! | unit struct | `14` (the type's name is not hashed) |
//! | unit variant | `15`, variant name |
//! | newtype struct | `16`, then the inner value |
//! | newtype variant | `17`, variant name, inner value |
//! | sequence | `18`, then `1E` + value per element, then `1F` |
//! | tuple | `19`, then `1E` + value per element, then `1F` |
//! | tuple struct | `1A`, then `1E` + value per field, then `1F` |
//! | tuple variant | `1B`, variant name, then `1E` + value per field, then `1F` |
//! | map | `1C`, then `1E` + key + value per entry, then `1F` |
//! | struct | `1D`, then `1E` + field name + value per field, then `1F` |
//! | struct variant | `20`, variant name, then `1E` + field name + value per field, then `1F` |
//!
//! Type names are never hashed; field and variant names are (after serde's `rename`), so
//! renaming a field changes the ETag and reordering enum variants does not. A field skipped by
//! serde (`skip_serializing_if`) contributes nothing. Map entries are hashed in iteration order:
//! use `BTreeMap` (or an `IndexMap` with a deterministic insertion order), never `HashMap`, whose
//! order differs between processes.
//!
//! The digest is the 128-bit XXH3 of those bytes with the default secret and seed 0, and the
//! ETag is [`ETag::from_digest`] of it. The test vectors in this crate's tests pin the format:
//! changing it is a breaking change, because every client's cached ETag would stop matching.
//!
//! If a value's `Serialize` implementation fails (for example a poisoned `Mutex`), the digest is
//! unique to that call, so it matches no precondition: writes get 412 and reads get the full
//! representation, never a wrong 304.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::ser::{self, Serialize};
use xxhash_rust::xxh3::{Xxh3Default, xxh3_128};

use crate::etag::ETag;

mod tag {
    pub const BOOL: u8 = 0x01;
    pub const I8: u8 = 0x02;
    pub const I16: u8 = 0x03;
    pub const I32: u8 = 0x04;
    pub const I64: u8 = 0x05;
    pub const I128: u8 = 0x06;
    pub const U8: u8 = 0x07;
    pub const U16: u8 = 0x08;
    pub const U32: u8 = 0x09;
    pub const U64: u8 = 0x0A;
    pub const U128: u8 = 0x0B;
    pub const F32: u8 = 0x0C;
    pub const F64: u8 = 0x0D;
    pub const CHAR: u8 = 0x0E;
    pub const STR: u8 = 0x0F;
    pub const BYTES: u8 = 0x10;
    pub const NONE: u8 = 0x11;
    pub const SOME: u8 = 0x12;
    pub const UNIT: u8 = 0x13;
    pub const UNIT_STRUCT: u8 = 0x14;
    pub const UNIT_VARIANT: u8 = 0x15;
    pub const NEWTYPE_STRUCT: u8 = 0x16;
    pub const NEWTYPE_VARIANT: u8 = 0x17;
    pub const SEQ: u8 = 0x18;
    pub const TUPLE: u8 = 0x19;
    pub const TUPLE_STRUCT: u8 = 0x1A;
    pub const TUPLE_VARIANT: u8 = 0x1B;
    pub const MAP: u8 = 0x1C;
    pub const STRUCT: u8 = 0x1D;
    pub const ITEM: u8 = 0x1E;
    pub const END: u8 = 0x1F;
    pub const STRUCT_VARIANT: u8 = 0x20;
}

/// The XXH3-128 digest of a byte string (default secret, seed 0).
///
/// ```
/// assert_eq!(precond_core::hash::hash_bytes(b""), 0x99aa06d3014798d86001c324468d497f);
/// ```
#[inline]
#[must_use]
pub fn hash_bytes(bytes: &[u8]) -> u128 {
    xxh3_128(bytes)
}

/// The strong ETag of a value's serde representation; see the [module documentation](self)
/// for the exact bytes hashed.
///
/// ```
/// use precond_core::etag_of;
/// #[derive(serde::Serialize)]
/// struct Doc { id: u64, title: String }
///
/// let a = etag_of(&Doc { id: 1, title: "x".into() });
/// let b = etag_of(&Doc { id: 1, title: "x".into() });
/// let c = etag_of(&Doc { id: 1, title: "y".into() });
/// assert_eq!(a, b);
/// assert_ne!(a, c);
/// assert!(!a.is_weak());
/// ```
#[must_use]
pub fn etag_of<T: Serialize + ?Sized>(value: &T) -> ETag {
    let mut hasher = StableHasher::new();
    hasher.value(value);
    hasher.etag()
}

/// The 128-bit digest behind [`etag_of`].
///
/// ```
/// use precond_core::hash::{digest_of, hash_bytes};
/// assert_eq!(digest_of(&5u8), hash_bytes(&[0x07, 5]));
/// ```
#[must_use]
pub fn digest_of<T: Serialize + ?Sized>(value: &T) -> u128 {
    let mut hasher = StableHasher::new();
    hasher.value(value);
    hasher.finish()
}

/// A streaming hasher over the byte format of the [module documentation](self).
///
/// **Not public API**: the encoder of `#[derive(Versioned)]`, which may change in any release
/// (the facade depends on this crate's exact version, so the derive and this type always come
/// from one release). Use [`etag_of`] for a value and [`ETag::for_bytes`] for bytes.
///
/// Its methods let generated code hash a struct field by field, skipping some, without
/// requiring the whole type to implement `Serialize`. Hashing `begin_struct`, then `field` for each field,
/// then `end`, gives exactly the bytes serde would produce for a struct with those fields.
///
/// ```
/// use precond_core::__private::StableHasher;
/// use precond_core::hash::digest_of;
/// #[derive(serde::Serialize)]
/// struct Doc { id: u64, title: &'static str }
///
/// let mut hasher = StableHasher::new();
/// hasher.begin_struct();
/// hasher.field("id", &1u64);
/// hasher.field("title", "x");
/// hasher.end();
/// assert_eq!(hasher.finish(), digest_of(&Doc { id: 1, title: "x" }));
/// ```
#[doc(hidden)]
#[derive(Clone)]
pub struct StableHasher {
    /// Everything hashed before `buffer`.
    state: Xxh3Default,
    /// Whether `state` has seen any bytes; if not, the digest is the one-shot hash of
    /// `buffer`, which is the same value and cheaper.
    flushed: bool,
    /// Small writes are gathered here and handed to `state` in one call: a struct hashes as
    /// many writes of a few bytes, and each `update` costs more than the copy.
    buffer: [u8; BUFFER],
    buffered: usize,
    failed: bool,
}

/// The size of [`StableHasher`]'s write buffer; payloads this long or longer bypass it.
const BUFFER: usize = 2048;

impl Default for StableHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for StableHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StableHasher")
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

impl StableHasher {
    /// A hasher that has seen nothing.
    #[must_use]
    pub fn new() -> Self {
        Self {
            state: Xxh3Default::new(),
            flushed: false,
            buffer: [0; BUFFER],
            buffered: 0,
            failed: false,
        }
    }

    /// Hashes one value in the documented format.
    pub fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> &mut Self {
        if !self.failed && value.serialize(&mut *self).is_err() {
            self.failed = true;
        }
        self
    }

    /// Starts a struct (`1D`); follow with [`field`](Self::field)s and [`end`](Self::end).
    pub fn begin_struct(&mut self) -> &mut Self {
        self.byte(tag::STRUCT);
        self
    }

    /// Starts a struct variant (`20` + name); follow with [`field`](Self::field)s and
    /// [`end`](Self::end).
    pub fn begin_struct_variant(&mut self, variant: &str) -> &mut Self {
        self.byte(tag::STRUCT_VARIANT);
        self.name(variant);
        self
    }

    /// Hashes one named field of a struct or struct variant (`1E`, name, value).
    pub fn field<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        self.byte(tag::ITEM);
        self.name(name);
        self.value(value)
    }

    /// [`field`](Self::field) with the name encoded at compile time: the same bytes, without
    /// the work of encoding the name on every call. `#[derive(Versioned)]` uses it.
    ///
    /// ```
    /// use precond_core::hash::{EncodedField, StableHasher};
    ///
    /// const TITLE: EncodedField<14> = EncodedField::new("title");
    ///
    /// let mut a = StableHasher::new();
    /// a.begin_struct().encoded_field(&TITLE, "x").end();
    /// let mut b = StableHasher::new();
    /// b.begin_struct().field("title", "x").end();
    /// assert_eq!(a.finish(), b.finish());
    /// ```
    #[inline]
    pub fn encoded_field<const N: usize, T: Serialize + ?Sized>(
        &mut self,
        field: &EncodedField<N>,
        value: &T,
    ) -> &mut Self {
        self.write_array(field.bytes);
        self.value(value)
    }

    /// Ends a struct, struct variant, tuple struct, tuple variant, sequence, tuple or map
    /// (`1F`).
    pub fn end(&mut self) -> &mut Self {
        self.byte(tag::END);
        self
    }

    /// Hashes a unit struct (`14`), as serde's `serialize_unit_struct`.
    ///
    /// ```
    /// use precond_core::__private::StableHasher;
    /// use precond_core::hash::digest_of;
    /// #[derive(serde::Serialize)]
    /// struct Empty;
    ///
    /// assert_eq!(StableHasher::new().unit_struct().finish(), digest_of(&Empty));
    /// ```
    pub fn unit_struct(&mut self) -> &mut Self {
        self.byte(tag::UNIT_STRUCT);
        self
    }

    /// Hashes a unit variant (`15` + variant name), as serde's `serialize_unit_variant`.
    ///
    /// ```
    /// use precond_core::__private::StableHasher;
    /// use precond_core::hash::digest_of;
    /// #[derive(serde::Serialize)]
    /// enum State { Draft }
    ///
    /// assert_eq!(StableHasher::new().unit_variant("Draft").finish(), digest_of(&State::Draft));
    /// ```
    pub fn unit_variant(&mut self, variant: &str) -> &mut Self {
        self.byte(tag::UNIT_VARIANT);
        self.name(variant);
        self
    }

    /// Hashes a newtype struct (`16` + value), as serde's `serialize_newtype_struct`.
    ///
    /// ```
    /// use precond_core::__private::StableHasher;
    /// use precond_core::hash::digest_of;
    /// #[derive(serde::Serialize)]
    /// struct Id(u64);
    ///
    /// assert_eq!(StableHasher::new().newtype_struct(&7u64).finish(), digest_of(&Id(7)));
    /// ```
    pub fn newtype_struct<T: Serialize + ?Sized>(&mut self, value: &T) -> &mut Self {
        self.byte(tag::NEWTYPE_STRUCT);
        self.value(value)
    }

    /// Hashes a newtype variant (`17` + variant name + value), as serde's
    /// `serialize_newtype_variant`.
    ///
    /// ```
    /// use precond_core::__private::StableHasher;
    /// use precond_core::hash::digest_of;
    /// #[derive(serde::Serialize)]
    /// enum Owner { User(u64) }
    ///
    /// let digest = StableHasher::new().newtype_variant("User", &7u64).finish();
    /// assert_eq!(digest, digest_of(&Owner::User(7)));
    /// ```
    pub fn newtype_variant<T: Serialize + ?Sized>(
        &mut self,
        variant: &str,
        value: &T,
    ) -> &mut Self {
        self.byte(tag::NEWTYPE_VARIANT);
        self.name(variant);
        self.value(value)
    }

    /// Starts a tuple struct (`1A`); follow with [`element`](Self::element)s and
    /// [`end`](Self::end).
    ///
    /// ```
    /// use precond_core::__private::StableHasher;
    /// use precond_core::hash::digest_of;
    /// #[derive(serde::Serialize)]
    /// struct Point(i32, i32);
    ///
    /// let digest = StableHasher::new()
    ///     .begin_tuple_struct()
    ///     .element(&1i32)
    ///     .element(&2i32)
    ///     .end()
    ///     .finish();
    /// assert_eq!(digest, digest_of(&Point(1, 2)));
    /// ```
    pub fn begin_tuple_struct(&mut self) -> &mut Self {
        self.byte(tag::TUPLE_STRUCT);
        self
    }

    /// Starts a tuple variant (`1B` + variant name); follow with [`element`](Self::element)s
    /// and [`end`](Self::end).
    ///
    /// ```
    /// use precond_core::__private::StableHasher;
    /// use precond_core::hash::digest_of;
    /// #[derive(serde::Serialize)]
    /// enum Shape { Rect(u32, u32) }
    ///
    /// let digest = StableHasher::new()
    ///     .begin_tuple_variant("Rect")
    ///     .element(&3u32)
    ///     .element(&4u32)
    ///     .end()
    ///     .finish();
    /// assert_eq!(digest, digest_of(&Shape::Rect(3, 4)));
    /// ```
    pub fn begin_tuple_variant(&mut self, variant: &str) -> &mut Self {
        self.byte(tag::TUPLE_VARIANT);
        self.name(variant);
        self
    }

    /// Hashes one element of a tuple struct or tuple variant (`1E` + value).
    pub fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> &mut Self {
        self.byte(tag::ITEM);
        self.value(value)
    }

    /// The digest of everything hashed so far (unique to this call if a value failed to
    /// serialize).
    #[must_use]
    pub fn finish(&self) -> u128 {
        if self.failed {
            return unique_digest();
        }
        let pending = &self.buffer[..self.buffered];
        if !self.flushed {
            return xxh3_128(pending);
        }
        if pending.is_empty() {
            return self.state.digest128();
        }
        let mut state = self.state.clone();
        state.update(pending);
        state.digest128()
    }

    /// The strong ETag of everything hashed so far: [`ETag::from_digest`] of
    /// [`finish`](Self::finish).
    #[must_use]
    pub fn etag(&self) -> ETag {
        ETag::from_digest(self.finish())
    }

    /// Appends bytes to the hashed stream.
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        match self
            .buffer
            .get_mut(self.buffered..self.buffered + bytes.len())
        {
            Some(free) => {
                free.copy_from_slice(bytes);
                self.buffered += bytes.len();
            }
            None => self.write_through(bytes),
        }
    }

    /// [`write`](Self::write) for a few bytes of a size known at compile time: the copy
    /// compiles to a move or two.
    #[inline]
    fn write_array<const N: usize>(&mut self, bytes: [u8; N]) {
        match self.buffer.get_mut(self.buffered..self.buffered + N) {
            Some(free) => {
                free.copy_from_slice(&bytes);
                self.buffered += N;
            }
            None => self.write_through(&bytes),
        }
    }

    /// Empties the buffer into the hash state, then buffers `bytes` or, if they are long,
    /// hashes them directly.
    #[inline(never)]
    fn write_through(&mut self, bytes: &[u8]) {
        self.state.update(&self.buffer[..self.buffered]);
        self.flushed = true;
        self.buffered = 0;
        match self.buffer.get_mut(..bytes.len()) {
            Some(free) if bytes.len() < BUFFER => {
                free.copy_from_slice(bytes);
                self.buffered = bytes.len();
            }
            _ => self.state.update(bytes),
        }
    }

    #[inline]
    fn byte(&mut self, b: u8) {
        self.write_array([b]);
    }

    #[inline]
    fn tagged<const N: usize>(&mut self, tag: u8, payload: [u8; N]) {
        self.write_array([tag]);
        self.write_array(payload);
    }

    #[inline]
    fn name(&mut self, name: &str) {
        self.write_array((name.len() as u64).to_le_bytes());
        self.write(name.as_bytes());
    }

    #[inline]
    fn len_prefixed(&mut self, tag: u8, bytes: &[u8]) {
        // Separate writes: a 9-byte head assembled on the stack and read back whole stalls
        // store-to-load forwarding, which costs more than the extra bounds check.
        self.write_array([tag]);
        self.write_array((bytes.len() as u64).to_le_bytes());
        self.write(bytes);
    }
}

/// **Not public API** (the derive's, as [`StableHasher`]). A field name in its hashed form
/// (`1E`, `u64` length, UTF-8 bytes), computed once, in a `const`, for
/// [`StableHasher::encoded_field`]. `N` is the encoded length: 9 plus the name's
/// length in bytes.
///
/// ```
/// use precond_core::__private::EncodedField;
///
/// const ID: EncodedField<11> = EncodedField::new("id");
/// assert_eq!(ID.as_bytes(), b"\x1e\x02\0\0\0\0\0\0\0id");
/// ```
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EncodedField<const N: usize> {
    bytes: [u8; N],
}

impl<const N: usize> EncodedField<N> {
    /// Encodes `name`.
    ///
    /// # Panics
    ///
    /// If `N` is not 9 plus `name.len()`. Use it in a `const`, where this is a compile error.
    #[must_use]
    pub const fn new(name: &str) -> Self {
        let name = name.as_bytes();
        assert!(
            N == 9 + name.len(),
            "EncodedField<N>: N must be 9 + the name's length in bytes"
        );
        let mut bytes = [0u8; N];
        bytes[0] = tag::ITEM;
        let len = (name.len() as u64).to_le_bytes();
        let mut i = 0;
        while i < len.len() {
            bytes[1 + i] = len[i];
            i += 1;
        }
        let mut i = 0;
        while i < name.len() {
            bytes[9 + i] = name[i];
            i += 1;
        }
        Self { bytes }
    }

    /// The encoded bytes.
    #[inline]
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; N] {
        &self.bytes
    }
}

/// A digest no other call returns: for values whose serialization failed.
fn unique_digest() -> u128 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut bytes = [0u8; 36];
    bytes[..16].copy_from_slice(&nanos.to_le_bytes());
    bytes[16..24].copy_from_slice(&n.to_le_bytes());
    bytes[24..28].copy_from_slice(&std::process::id().to_le_bytes());
    bytes[28..].copy_from_slice(b"precond!");
    xxh3_128(&bytes)
}

/// The error of a failed serialization; only its occurrence matters.
#[derive(Debug)]
pub struct HashError(String);

impl std::fmt::Display for HashError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HashError {}

impl ser::Error for HashError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        HashError(msg.to_string())
    }
}

impl ser::Serializer for &mut StableHasher {
    type Ok = ();
    type Error = HashError;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Result<(), HashError> {
        self.tagged(tag::BOOL, [u8::from(v)]);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), HashError> {
        self.tagged(tag::I8, v.to_le_bytes());
        Ok(())
    }
    fn serialize_i16(self, v: i16) -> Result<(), HashError> {
        self.tagged(tag::I16, v.to_le_bytes());
        Ok(())
    }
    fn serialize_i32(self, v: i32) -> Result<(), HashError> {
        self.tagged(tag::I32, v.to_le_bytes());
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result<(), HashError> {
        self.tagged(tag::I64, v.to_le_bytes());
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<(), HashError> {
        self.tagged(tag::I128, v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), HashError> {
        self.tagged(tag::U8, v.to_le_bytes());
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> Result<(), HashError> {
        self.tagged(tag::U16, v.to_le_bytes());
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Result<(), HashError> {
        self.tagged(tag::U32, v.to_le_bytes());
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result<(), HashError> {
        self.tagged(tag::U64, v.to_le_bytes());
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<(), HashError> {
        self.tagged(tag::U128, v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), HashError> {
        self.tagged(tag::F32, v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<(), HashError> {
        self.tagged(tag::F64, v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), HashError> {
        self.tagged(tag::CHAR, u32::from(v).to_le_bytes());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), HashError> {
        self.len_prefixed(tag::STR, v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), HashError> {
        self.len_prefixed(tag::BYTES, v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), HashError> {
        self.byte(tag::NONE);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), HashError> {
        self.byte(tag::SOME);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), HashError> {
        self.byte(tag::UNIT);
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), HashError> {
        self.byte(tag::UNIT_STRUCT);
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), HashError> {
        self.byte(tag::UNIT_VARIANT);
        self.name(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), HashError> {
        self.byte(tag::NEWTYPE_STRUCT);
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), HashError> {
        self.byte(tag::NEWTYPE_VARIANT);
        self.name(variant);
        value.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, HashError> {
        self.byte(tag::SEQ);
        Ok(self)
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self, HashError> {
        self.byte(tag::TUPLE);
        Ok(self)
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Self, HashError> {
        self.byte(tag::TUPLE_STRUCT);
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self, HashError> {
        self.byte(tag::TUPLE_VARIANT);
        self.name(variant);
        Ok(self)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self, HashError> {
        self.byte(tag::MAP);
        Ok(self)
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, HashError> {
        self.byte(tag::STRUCT);
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self, HashError> {
        self.byte(tag::STRUCT_VARIANT);
        self.name(variant);
        Ok(self)
    }
    fn is_human_readable(&self) -> bool {
        // Types with two representations (IP addresses, timestamps of some crates) then use the
        // textual one, which is what a JSON representation would show.
        true
    }
}

macro_rules! items {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for &mut StableHasher {
            type Ok = ();
            type Error = HashError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), HashError> {
                self.byte(tag::ITEM);
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), HashError> {
                self.byte(tag::END);
                Ok(())
            }
        }
    )*};
}

items!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for &mut StableHasher {
    type Ok = ();
    type Error = HashError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), HashError> {
        self.byte(tag::ITEM);
        key.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), HashError> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), HashError> {
        self.byte(tag::END);
        Ok(())
    }
}

macro_rules! fields {
    ($($trait:ident),*) => {$(
        impl ser::$trait for &mut StableHasher {
            type Ok = ();
            type Error = HashError;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), HashError> {
                self.byte(tag::ITEM);
                self.name(key);
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), HashError> {
                self.byte(tag::END);
                Ok(())
            }
        }
    )*};
}

fields!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented bytes of a string: `0F`, `u64` length, bytes.
    fn str_bytes(out: &mut Vec<u8>, s: &str) {
        out.push(tag::STR);
        out.extend_from_slice(&(s.len() as u64).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
    }

    /// The write buffer never changes the digest: writes of every size, crossing the buffer's
    /// end at every offset, give the one-shot hash of the same bytes.
    #[test]
    fn buffering_is_invisible() {
        for first in [0, 1, 7, 200, 246, 247, 248, 255, 256, 300, 600] {
            for second in [0, 1, 9, 255, 256, 257, 1000] {
                let a = "a".repeat(first);
                let b = "b".repeat(second);
                let mut expected = vec![tag::SEQ];
                for s in [&a, &b, &a] {
                    expected.push(tag::ITEM);
                    str_bytes(&mut expected, s);
                }
                expected.push(tag::END);
                assert_eq!(
                    digest_of(&[&a, &b, &a][..]),
                    xxh3_128(&expected),
                    "{first} {second}"
                );
            }
        }
    }

    /// `finish` does not consume the hasher: hashing can go on, with or without a flush.
    #[test]
    fn finish_then_continue() {
        let long = "x".repeat(1000);
        let mut hasher = StableHasher::new();
        hasher.value("short");
        let mut expected = Vec::new();
        str_bytes(&mut expected, "short");
        assert_eq!(hasher.finish(), xxh3_128(&expected));
        hasher.value(long.as_str());
        str_bytes(&mut expected, &long);
        assert_eq!(hasher.finish(), xxh3_128(&expected));
        hasher.value("tail");
        str_bytes(&mut expected, "tail");
        assert_eq!(hasher.finish(), xxh3_128(&expected));
        assert_eq!(hasher.etag(), ETag::from_digest(xxh3_128(&expected)));
    }

    /// Each entry point writes exactly the bytes of the format table.
    #[test]
    fn entry_points() {
        let mut expected = Vec::new();
        expected.push(tag::UNIT_STRUCT);
        expected.push(tag::UNIT_VARIANT);
        expected.extend_from_slice(&1u64.to_le_bytes());
        expected.push(b'V');
        expected.push(tag::NEWTYPE_STRUCT);
        expected.extend_from_slice(&[tag::U8, 1]);
        expected.push(tag::NEWTYPE_VARIANT);
        expected.extend_from_slice(&1u64.to_le_bytes());
        expected.push(b'N');
        expected.extend_from_slice(&[tag::U8, 2]);
        expected.push(tag::TUPLE_STRUCT);
        expected.extend_from_slice(&[tag::ITEM, tag::U8, 3, tag::END]);
        expected.push(tag::TUPLE_VARIANT);
        expected.extend_from_slice(&1u64.to_le_bytes());
        expected.push(b'T');
        expected.extend_from_slice(&[tag::ITEM, tag::U8, 4, tag::END]);
        expected.push(tag::STRUCT_VARIANT);
        expected.extend_from_slice(&1u64.to_le_bytes());
        expected.push(b'S');
        expected.push(tag::ITEM);
        expected.extend_from_slice(&1u64.to_le_bytes());
        expected.push(b'f');
        expected.extend_from_slice(&[tag::U8, 5, tag::END]);

        let mut hasher = StableHasher::new();
        hasher
            .unit_struct()
            .unit_variant("V")
            .newtype_struct(&1u8)
            .newtype_variant("N", &2u8)
            .begin_tuple_struct()
            .element(&3u8)
            .end()
            .begin_tuple_variant("T")
            .element(&4u8)
            .end()
            .begin_struct_variant("S")
            .field("f", &5u8)
            .end();
        assert_eq!(hasher.finish(), xxh3_128(&expected));
    }

    /// A failed serialization gives a digest no other call gives.
    #[test]
    fn failure_is_unique() {
        struct Fails;
        impl Serialize for Fails {
            fn serialize<S: ser::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(ser::Error::custom("no"))
            }
        }
        assert_ne!(digest_of(&Fails), digest_of(&Fails));
    }
}
