//! The byte format of `etag_of`, as documented in `precond_core::hash`, proven kind by kind:
//! each value's digest must equal the XXH3-128 of bytes written by hand from the table, and a
//! value using every kind is pinned to a fixed ETag that must never change across releases.

use std::collections::BTreeMap;

use precond_core::hash::digest_of;
use precond_core::{ETag, etag_of};
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_128;

fn name(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u64).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn check<T: Serialize + ?Sized>(what: &str, value: &T, bytes: &[u8]) {
    assert_eq!(
        digest_of(value),
        xxh3_128(bytes),
        "{what}: bytes differ from the table"
    );
}

#[test]
fn scalars() {
    check("bool", &true, &[0x01, 0x01]);
    check("bool", &false, &[0x01, 0x00]);
    check("i8", &-2i8, &[0x02, 0xFE]);
    check("i16", &-2i16, &[0x03, 0xFE, 0xFF]);
    check("i32", &1i32, &[0x04, 1, 0, 0, 0]);
    check("i64", &1i64, &[0x05, 1, 0, 0, 0, 0, 0, 0, 0]);
    let mut b = vec![0x06];
    b.extend_from_slice(&(-1i128).to_le_bytes());
    check("i128", &-1i128, &b);
    check("u8", &7u8, &[0x07, 7]);
    check("u16", &0x0102u16, &[0x08, 0x02, 0x01]);
    check("u32", &1u32, &[0x09, 1, 0, 0, 0]);
    check("u64", &1u64, &[0x0A, 1, 0, 0, 0, 0, 0, 0, 0]);
    let mut b = vec![0x0B];
    b.extend_from_slice(&u128::MAX.to_le_bytes());
    check("u128", &u128::MAX, &b);
    let mut b = vec![0x0C];
    b.extend_from_slice(&1.5f32.to_bits().to_le_bytes());
    check("f32", &1.5f32, &b);
    let mut b = vec![0x0D];
    b.extend_from_slice(&(-0.0f64).to_bits().to_le_bytes());
    check("f64 -0.0 keeps its sign", &-0.0f64, &b);
    check("char", &'é', &[0x0E, 0xE9, 0, 0, 0]);
    let mut b = vec![0x0F];
    name(&mut b, "héllo");
    check("str", "héllo", &b);
    let mut b = vec![0x10];
    name(&mut b, "ab");
    check("bytes", &serde_bytes_like(b"ab"), &b);
    check("none", &None::<u8>, &[0x11]);
    check("some", &Some(7u8), &[0x12, 0x07, 7]);
    check("unit", &(), &[0x13]);
}

/// A value that serializes with `serialize_bytes`.
struct Bytes<'a>(&'a [u8]);
impl Serialize for Bytes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}
fn serde_bytes_like(b: &[u8]) -> Bytes<'_> {
    Bytes(b)
}

#[derive(Serialize)]
struct Unit;

#[derive(Serialize)]
struct Newtype(u8);

#[derive(Serialize)]
struct Pair(u8, bool);

#[derive(Serialize)]
struct Named {
    a: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<u8>,
    #[serde(rename = "B")]
    b: bool,
}

#[derive(Serialize)]
enum Shape {
    Empty,
    Circle(u8),
    Line(u8, u8),
    Rect { w: u8, h: u8 },
}

#[test]
fn compounds() {
    check("unit struct (no name)", &Unit, &[0x14]);
    check("newtype struct", &Newtype(7), &[0x16, 0x07, 7]);
    check(
        "seq",
        &vec![1u8, 2],
        &[0x18, 0x1E, 0x07, 1, 0x1E, 0x07, 2, 0x1F],
    );
    check("empty seq", &Vec::<u8>::new(), &[0x18, 0x1F]);
    check(
        "tuple",
        &(1u8, true),
        &[0x19, 0x1E, 0x07, 1, 0x1E, 0x01, 1, 0x1F],
    );
    check(
        "tuple struct",
        &Pair(1, true),
        &[0x1A, 0x1E, 0x07, 1, 0x1E, 0x01, 1, 0x1F],
    );

    let mut map = BTreeMap::new();
    map.insert("k", 1u8);
    let mut b = vec![0x1C, 0x1E, 0x0F];
    name(&mut b, "k");
    b.extend_from_slice(&[0x07, 1, 0x1F]);
    check("map", &map, &b);

    // Struct: field names after serde's rename; a skipped field contributes nothing.
    let mut b = vec![0x1D, 0x1E];
    name(&mut b, "a");
    b.extend_from_slice(&[0x07, 1, 0x1E]);
    name(&mut b, "B");
    b.extend_from_slice(&[0x01, 0, 0x1F]);
    check(
        "struct",
        &Named {
            a: 1,
            skipped: None,
            b: false,
        },
        &b,
    );

    let mut b = vec![0x15];
    name(&mut b, "Empty");
    check("unit variant", &Shape::Empty, &b);
    let mut b = vec![0x17];
    name(&mut b, "Circle");
    b.extend_from_slice(&[0x07, 3]);
    check("newtype variant", &Shape::Circle(3), &b);
    let mut b = vec![0x1B];
    name(&mut b, "Line");
    b.extend_from_slice(&[0x1E, 0x07, 1, 0x1E, 0x07, 2, 0x1F]);
    check("tuple variant", &Shape::Line(1, 2), &b);
    let mut b = vec![0x20];
    name(&mut b, "Rect");
    b.push(0x1E);
    name(&mut b, "w");
    b.extend_from_slice(&[0x07, 4, 0x1E]);
    name(&mut b, "h");
    b.extend_from_slice(&[0x07, 5, 0x1F]);
    check("struct variant", &Shape::Rect { w: 4, h: 5 }, &b);
}

/// Two different values must not share bytes: the tags and lengths keep neighbours apart.
#[test]
fn no_ambiguity_between_neighbours() {
    assert_ne!(etag_of(&("ab", "c")), etag_of(&("a", "bc")));
    assert_ne!(
        etag_of(&vec![vec![1u8], vec![]]),
        etag_of(&vec![vec![], vec![1u8]])
    );
    assert_ne!(etag_of(&Some(())), etag_of(&()));
    assert_ne!(etag_of(&1u8), etag_of(&1u16));
    assert_ne!(etag_of(&Newtype(1)), etag_of(&1u8));
}

#[derive(Serialize)]
struct Everything {
    flag: bool,
    small: i8,
    big: u128,
    ratio: f64,
    letter: char,
    title: String,
    maybe: Option<u32>,
    list: Vec<Shape>,
    index: BTreeMap<String, (u16, Unit)>,
    pair: Pair,
    wrapped: Newtype,
}

/// The pinned vector: this ETag was computed once and must never change. If this test fails,
/// the byte format changed, and every ETag that clients hold would stop matching: that is a
/// breaking release, not a test to update.
#[test]
fn pinned_vector() {
    let mut index = BTreeMap::new();
    index.insert("one".to_owned(), (1u16, Unit));
    index.insert("two".to_owned(), (2u16, Unit));
    let value = Everything {
        flag: true,
        small: -5,
        big: 1 << 100,
        ratio: 0.25,
        letter: 'ß',
        title: "Conditional requests".to_owned(),
        maybe: Some(9),
        list: vec![
            Shape::Empty,
            Shape::Circle(1),
            Shape::Line(2, 3),
            Shape::Rect { w: 4, h: 5 },
        ],
        index,
        pair: Pair(6, false),
        wrapped: Newtype(7),
    };
    let pinned: ETag = PINNED.parse().expect("a valid ETag");
    assert_eq!(etag_of(&value), pinned);
}

const PINNED: &str = "\"4415b975290b4dae7d0c4db721b3b20a\"";
