//! `#[derive(Versioned)]`: every attribute and shape, through the public API only.

// Skipped fields exist to show that they are not hashed; nothing reads them.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use precond::{ETag, Versioned, etag_of};
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_128;

/// The example of the issue.
#[derive(Serialize, Versioned, Clone)]
struct Document {
    id: u64,
    title: String,
    #[versioned(skip)]
    views: u64,
    #[versioned(last_modified)]
    updated_at: SystemTime,
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn document() -> Document {
    Document {
        id: 42,
        title: "Hello".into(),
        views: 7,
        updated_at: at(1_700_000_000),
    }
}

// ---------------------------------------------------------------------------------------------
// The hashed ETag

#[test]
fn skipped_field_leaves_the_etag_alone() {
    let a = document();
    let b = Document {
        views: 1_000_000,
        ..document()
    };
    assert_eq!(a.etag(), b.etag());
}

#[test]
fn every_other_field_changes_the_etag() {
    let base = document().etag();
    let changes = [
        Document {
            id: 43,
            ..document()
        },
        Document {
            title: "Hello!".into(),
            ..document()
        },
        // The last_modified field is part of the representation, so it is hashed too.
        Document {
            updated_at: at(1_700_000_001),
            ..document()
        },
    ];
    for changed in changes {
        assert_ne!(changed.etag(), base);
    }
}

#[test]
fn hashed_etags_are_strong_and_stable_within_a_process() {
    let tag = document().etag();
    assert!(!tag.is_weak());
    const { assert!(!<Document as Versioned>::WEAK) };
    assert_eq!(tag, document().etag());
    assert_eq!(tag.opaque().len(), 32);
}

/// The same struct without the skipped field, through serde: the derive hashes exactly this.
#[derive(Serialize)]
#[serde(rename = "AnyNameIsFine")]
struct DocumentWithoutViews {
    id: u64,
    title: String,
    updated_at: SystemTime,
}

#[test]
fn skip_hashes_as_if_the_field_were_not_declared() {
    let doc = document();
    let serde_view = DocumentWithoutViews {
        id: doc.id,
        title: doc.title.clone(),
        updated_at: doc.updated_at,
    };
    assert_eq!(doc.etag(), etag_of(&serde_view));
}

#[derive(Serialize, Versioned)]
struct Named {
    a: u8,
    b: Option<String>,
    c: Vec<(i32, char)>,
    d: BTreeMap<String, f64>,
    nested: Inner,
}

#[derive(Serialize, Clone, PartialEq)]
struct Inner {
    x: bool,
    y: [u16; 3],
}

#[derive(Serialize, Versioned)]
struct Tuple(u32, String, Inner);

#[derive(Serialize, Versioned)]
struct Newtype(String);

#[derive(Serialize, Versioned)]
struct Unit;

#[derive(Serialize, Versioned)]
struct EmptyNamed {}

#[derive(Serialize, Versioned)]
struct EmptyTuple();

#[derive(Serialize, Versioned)]
enum Shape {
    Empty,
    Circle(f64),
    Rect(u32, u32),
    Labelled { label: String, inner: Inner },
    NoFields {},
    NoElements(),
}

#[derive(Serialize, Versioned)]
#[allow(non_camel_case_types)]
struct r#Raw {
    r#type: String,
    r#match: u8,
}

/// Without `skip` and without serde attributes, the derived ETag is `etag_of` of the value: the
/// derive hashes in the shape serde's own derive gives the type.
#[test]
fn without_skip_the_etag_is_etag_of_the_serde_representation() {
    let inner = Inner {
        x: true,
        y: [1, 2, 3],
    };
    let named = Named {
        a: 1,
        b: Some("b".into()),
        c: vec![(-1, 'c')],
        d: BTreeMap::from([("k".to_string(), 0.5)]),
        nested: inner.clone(),
    };
    assert_eq!(named.etag(), etag_of(&named));

    let tuple = Tuple(7, "t".into(), inner.clone());
    assert_eq!(tuple.etag(), etag_of(&tuple));
    let newtype = Newtype("n".into());
    assert_eq!(newtype.etag(), etag_of(&newtype));
    assert_eq!(Unit.etag(), etag_of(&Unit));
    assert_eq!(EmptyNamed {}.etag(), etag_of(&EmptyNamed {}));
    assert_eq!(EmptyTuple().etag(), etag_of(&EmptyTuple()));

    for shape in [
        Shape::Empty,
        Shape::Circle(1.5),
        Shape::Rect(2, 3),
        Shape::Labelled {
            label: "l".into(),
            inner,
        },
        Shape::NoFields {},
        Shape::NoElements(),
    ] {
        assert_eq!(shape.etag(), etag_of(&shape));
    }

    let raw = Raw {
        r#type: "t".into(),
        r#match: 1,
    };
    assert_eq!(raw.etag(), etag_of(&raw));
}

#[test]
fn shapes_and_variants_are_distinguished() {
    let tags = [
        Unit.etag(),
        EmptyNamed {}.etag(),
        EmptyTuple().etag(),
        Shape::Empty.etag(),
        Shape::NoFields {}.etag(),
        Shape::NoElements().etag(),
        Shape::Rect(2, 3).etag(),
        Shape::Rect(3, 2).etag(),
    ];
    for (i, a) in tags.iter().enumerate() {
        for b in &tags[i + 1..] {
            assert_ne!(a, b);
        }
    }
}

#[derive(Versioned)]
struct TupleWithSkip(u32, #[versioned(skip)] NotSerialize, String);

#[derive(Versioned)]
struct NewtypeSkipped(#[versioned(skip)] NotSerialize);

#[derive(Serialize)]
struct TupleOfTwo(u32, String);

#[derive(Serialize)]
struct EmptyTupleStruct();

/// A type that is not `Serialize`: fine in skipped fields.
struct NotSerialize(u8);

#[test]
fn skipped_tuple_fields_keep_the_tuple_shape() {
    let value = TupleWithSkip(1, NotSerialize(0), "x".into());
    assert_eq!(value.etag(), etag_of(&TupleOfTwo(1, "x".into())));
    let other = TupleWithSkip(1, NotSerialize(9), "x".into());
    assert_eq!(value.etag(), other.etag());
    // A one-field tuple struct whose field is skipped hashes as a tuple struct of nothing.
    assert_eq!(
        NewtypeSkipped(NotSerialize(1)).etag(),
        etag_of(&EmptyTupleStruct())
    );
}

#[derive(Versioned)]
enum Event {
    Created {
        id: u64,
        #[versioned(skip)]
        trace: NotSerialize,
    },
    Renamed(u64, #[versioned(skip)] NotSerialize, String),
    Moved(#[versioned(skip)] NotSerialize),
}

#[derive(Serialize)]
enum EventWithoutTraces {
    Created { id: u64 },
    Renamed(u64, String),
    Moved(),
}

#[test]
fn enum_skip_works_per_variant() {
    let created = Event::Created {
        id: 1,
        trace: NotSerialize(1),
    };
    assert_eq!(
        created.etag(),
        etag_of(&EventWithoutTraces::Created { id: 1 })
    );
    let renamed = Event::Renamed(1, NotSerialize(2), "n".into());
    assert_eq!(
        renamed.etag(),
        etag_of(&EventWithoutTraces::Renamed(1, "n".into()))
    );
    assert_eq!(
        Event::Moved(NotSerialize(3)).etag(),
        etag_of(&EventWithoutTraces::Moved())
    );
}

// ---------------------------------------------------------------------------------------------
// Pinned test vectors: these ETags must never change across releases (clients hold them).

/// The byte stream of the documented format, built by hand.
#[derive(Default)]
struct Stream(Vec<u8>);

impl Stream {
    fn byte(&mut self, b: u8) -> &mut Self {
        self.0.push(b);
        self
    }
    fn name(&mut self, name: &str) -> &mut Self {
        self.0.extend_from_slice(&(name.len() as u64).to_le_bytes());
        self.0.extend_from_slice(name.as_bytes());
        self
    }
    fn u32(&mut self, v: u32) -> &mut Self {
        self.byte(0x09);
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn u64(&mut self, v: u64) -> &mut Self {
        self.byte(0x0A);
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn str(&mut self, s: &str) -> &mut Self {
        self.byte(0x0F);
        self.name(s)
    }
    fn field(&mut self, name: &str) -> &mut Self {
        self.byte(0x1E).name(name)
    }
    fn etag(&self) -> ETag {
        ETag::from_digest(xxh3_128(&self.0))
    }
}

#[test]
fn pinned_vector_of_a_struct() {
    let doc = document();
    let mut bytes = Stream::default();
    bytes
        .byte(0x1D) // struct
        .field("id")
        .u64(42)
        .field("title")
        .str("Hello")
        // `views` is skipped. `SystemTime` serializes as serde's struct of two fields.
        .field("updated_at")
        .byte(0x1D)
        .field("secs_since_epoch")
        .u64(1_700_000_000)
        .field("nanos_since_epoch")
        .u32(0)
        .byte(0x1F)
        .byte(0x1F); // end of struct
    assert_eq!(doc.etag(), bytes.etag());
    assert_eq!(
        doc.etag().to_string(),
        "\"64d2616140b7fec3c8bb4ea65fd410db\""
    );
}

#[derive(Versioned)]
enum Pinned {
    Unit,
    Newtype(u32),
    Pair(u32, #[versioned(skip)] u8, String),
    Named { n: u64 },
}

#[test]
fn pinned_vectors_of_enums_and_tuple_structs() {
    let cases: [(Pinned, Stream, &str); 4] = [
        (
            Pinned::Unit,
            {
                let mut s = Stream::default();
                s.byte(0x15).name("Unit");
                s
            },
            "\"d61957c6b50676e06318ffa9231ba312\"",
        ),
        (
            Pinned::Newtype(7),
            {
                let mut s = Stream::default();
                s.byte(0x17).name("Newtype").u32(7);
                s
            },
            "\"e43c511b5a80ef33cc44a4550c3629d7\"",
        ),
        (
            Pinned::Pair(1, 99, "p".into()),
            {
                let mut s = Stream::default();
                s.byte(0x1B)
                    .name("Pair")
                    .byte(0x1E)
                    .u32(1)
                    .byte(0x1E)
                    .str("p")
                    .byte(0x1F);
                s
            },
            "\"9f26996dd60893c8ad8ee6a6b94c6cf7\"",
        ),
        (
            Pinned::Named { n: 5 },
            {
                let mut s = Stream::default();
                s.byte(0x20).name("Named").field("n").u64(5).byte(0x1F);
                s
            },
            "\"883e778575100e9ba571b046a2392b12\"",
        ),
    ];
    for (value, bytes, pinned) in cases {
        assert_eq!(value.etag(), bytes.etag());
        assert_eq!(value.etag().to_string(), pinned);
    }

    let mut s = Stream::default();
    s.byte(0x16).str("n");
    assert_eq!(Newtype("n".into()).etag(), s.etag());
    assert_eq!(Unit.etag(), Stream(vec![0x14]).etag());
    assert_eq!(
        Unit.etag().to_string(),
        "\"f5950428e527e5ba324714f62fca15ce\""
    );
}

// ---------------------------------------------------------------------------------------------
// #[versioned(version)]

#[derive(Versioned)]
struct Counter {
    #[versioned(version)]
    version: u64,
    payload: HashMap<String, String>,
    #[versioned(skip)]
    cache: NotSerialize,
}

#[test]
fn version_field_is_the_etag_and_nothing_is_hashed() {
    let mut row = Counter {
        version: 7,
        payload: HashMap::new(),
        cache: NotSerialize(0),
    };
    assert_eq!(row.etag(), ETag::from_version(7));
    assert_eq!(row.etag().to_string(), "\"7\"");
    row.payload
        .insert("changed".into(), "but not versioned".into());
    row.cache = NotSerialize(1);
    assert_eq!(row.etag(), ETag::from_version(7));
    row.version = 8;
    assert_eq!(row.etag().to_string(), "\"8\"");
}

#[derive(Versioned)]
struct Xmin(#[versioned(version)] u32, String);

#[derive(Versioned)]
struct Signed {
    #[versioned(version)]
    v: i64,
}

#[derive(Versioned)]
struct Uuid {
    #[versioned(version)]
    id: u128,
}

#[derive(Versioned)]
struct UuidBytes {
    #[versioned(version)]
    id: [u8; 16],
}

#[derive(Versioned)]
struct Text {
    #[versioned(version)]
    revision: String,
}

#[derive(Versioned)]
struct Borrowed<'a> {
    #[versioned(version)]
    revision: &'a str,
}

#[derive(Versioned)]
struct Stored {
    #[versioned(version)]
    etag: ETag,
}

#[test]
fn version_types() {
    assert_eq!(Xmin(12, "x".into()).etag().to_string(), "\"12\"");
    assert_eq!(Signed { v: -3 }.etag().to_string(), "\"-3\"");
    let uuid = 0x67e5_5044_10b1_426f_9247_bb68_0e5f_e0c8_u128;
    assert_eq!(
        Uuid { id: uuid }.etag().to_string(),
        "\"67e5504410b1426f9247bb680e5fe0c8\""
    );
    assert_eq!(
        UuidBytes {
            id: uuid.to_be_bytes()
        }
        .etag(),
        Uuid { id: uuid }.etag()
    );
    assert_eq!(
        Text {
            revision: "r-2024.1".into()
        }
        .etag()
        .to_string(),
        "\"r-2024.1\""
    );
    // A space cannot appear in an entity tag: such a version is hashed instead.
    assert_eq!(
        Text {
            revision: "rev 2".into()
        }
        .etag(),
        ETag::for_bytes(b"rev 2")
    );
    assert_eq!(Borrowed { revision: "abc" }.etag().to_string(), "\"abc\"");
    let stored: ETag = match "\"from-the-db\"".parse() {
        Ok(tag) => tag,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(
        Stored {
            etag: stored.clone()
        }
        .etag(),
        stored
    );
}

// ---------------------------------------------------------------------------------------------
// #[versioned(weak)]

#[derive(Serialize, Versioned)]
#[versioned(weak)]
struct Feed {
    entries: Vec<String>,
}

#[derive(Versioned)]
#[versioned(weak)]
struct WeakVersion {
    #[versioned(version)]
    revision: u64,
}

#[derive(Versioned)]
#[versioned(weak)]
enum WeakEnum {
    A,
}

#[test]
fn weak_marks_the_tag_and_the_type() {
    let feed = Feed {
        entries: vec!["a".into()],
    };
    let tag = feed.etag();
    assert!(tag.is_weak());
    const { assert!(<Feed as Versioned>::WEAK) };
    // Same opaque value as the strong hash of the same fields.
    assert_eq!(tag.opaque(), etag_of(&feed).opaque());
    assert!(tag.weak_eq(&etag_of(&feed)));
    assert!(!tag.strong_eq(&tag));

    assert_eq!(WeakVersion { revision: 3 }.etag().to_string(), "W/\"3\"");
    const { assert!(<WeakVersion as Versioned>::WEAK) };
    assert!(WeakEnum::A.etag().is_weak());
    const { assert!(<WeakEnum as Versioned>::WEAK) };
}

// ---------------------------------------------------------------------------------------------
// #[versioned(last_modified)]

#[test]
fn last_modified_becomes_the_validator() {
    let doc = Document {
        updated_at: UNIX_EPOCH + Duration::from_millis(1_700_000_000_999),
        ..document()
    };
    assert_eq!(doc.last_modified(), Some(doc.updated_at));
    let validators = doc.validators();
    assert_eq!(validators.etag(), Some(&doc.etag()));
    // Truncated to the second, the precision of an HTTP date.
    assert_eq!(validators.last_modified(), Some(at(1_700_000_000)));
}

#[derive(Versioned)]
struct NoDate {
    #[versioned(version)]
    v: u8,
}

#[derive(Versioned)]
struct OptionalDate {
    body: String,
    #[versioned(last_modified, skip)]
    at: Option<SystemTime>,
}

#[derive(Versioned)]
struct HttpDateField {
    #[versioned(last_modified)]
    #[versioned(version)]
    at_and_version: Revision,
}

/// A type of the user's that is both a version and a date.
struct Revision {
    number: u64,
    at: httpdate::HttpDate,
}

impl precond::VersionTag for Revision {
    fn to_etag(&self) -> ETag {
        ETag::from_version(self.number)
    }
}

impl precond::LastModified for Revision {
    fn as_last_modified(&self) -> Option<SystemTime> {
        precond::LastModified::as_last_modified(&self.at)
    }
}

#[derive(Versioned)]
struct HttpDateOnly {
    #[versioned(version)]
    v: u64,
    #[versioned(last_modified)]
    at: httpdate::HttpDate,
}

#[test]
fn last_modified_types() {
    assert_eq!(NoDate { v: 1 }.last_modified(), None);

    let none = OptionalDate {
        body: "b".into(),
        at: None,
    };
    let some = OptionalDate {
        body: "b".into(),
        at: Some(at(5)),
    };
    assert_eq!(none.last_modified(), None);
    assert_eq!(some.last_modified(), Some(at(5)));
    // `skip` keeps the date out of the hash.
    assert_eq!(none.etag(), some.etag());

    let revision = HttpDateField {
        at_and_version: Revision {
            number: 4,
            at: httpdate::HttpDate::from(at(9)),
        },
    };
    assert_eq!(revision.etag(), ETag::from_version(4));
    assert_eq!(revision.last_modified(), Some(at(9)));

    let only = HttpDateOnly {
        v: 1,
        at: httpdate::HttpDate::from(at(10)),
    };
    assert_eq!(only.last_modified(), Some(at(10)));
}

#[cfg(feature = "chrono")]
#[test]
fn chrono_last_modified() {
    use chrono::{DateTime, TimeZone, Utc};

    #[derive(Versioned)]
    struct Post {
        #[versioned(version)]
        v: u64,
        #[versioned(last_modified)]
        at: DateTime<Utc>,
        #[versioned(skip)]
        maybe: Option<DateTime<chrono::FixedOffset>>,
    }

    let Some(at_utc) = Utc.timestamp_opt(1_700_000_000, 5).single() else {
        panic!("valid timestamp");
    };
    let post = Post {
        v: 1,
        at: at_utc,
        maybe: None,
    };
    assert_eq!(
        post.last_modified(),
        Some(UNIX_EPOCH + Duration::new(1_700_000_000, 5))
    );
}

#[cfg(feature = "time")]
#[test]
fn time_last_modified() {
    #[derive(Versioned)]
    struct Post {
        #[versioned(version)]
        v: u64,
        #[versioned(last_modified)]
        at: Option<time::OffsetDateTime>,
    }

    #[derive(Versioned)]
    struct UtcPost {
        #[versioned(version)]
        v: u64,
        #[versioned(last_modified)]
        at: time::UtcDateTime,
    }

    let post = Post {
        v: 1,
        at: time::OffsetDateTime::from_unix_timestamp(1_700_000_000).ok(),
    };
    assert_eq!(post.last_modified(), Some(at(1_700_000_000)));
    let Ok(utc) = time::UtcDateTime::from_unix_timestamp(1_700_000_001) else {
        panic!("valid timestamp");
    };
    assert_eq!(
        UtcPost { v: 1, at: utc }.last_modified(),
        Some(at(1_700_000_001))
    );
}

#[derive(Versioned)]
enum Resource {
    File {
        name: String,
        #[versioned(last_modified)]
        modified: SystemTime,
    },
    Link(String, #[versioned(last_modified, skip)] Option<SystemTime>),
    Gone,
}

#[test]
fn enum_last_modified_per_variant() {
    let file = Resource::File {
        name: "f".into(),
        modified: at(3),
    };
    assert_eq!(file.last_modified(), Some(at(3)));
    assert_eq!(
        Resource::Link("l".into(), Some(at(4))).last_modified(),
        Some(at(4))
    );
    assert_eq!(
        Resource::Link("l".into(), Some(at(4))).etag(),
        Resource::Link("l".into(), None).etag()
    );
    assert_eq!(Resource::Gone.last_modified(), None);
}

// ---------------------------------------------------------------------------------------------
// Generics, where-clauses, paths

#[derive(Versioned)]
struct Page<T, C> {
    items: Vec<T>,
    #[versioned(skip)]
    cache: C,
}

#[derive(Versioned)]
struct Bounded<'a, T: Clone, const N: usize>
where
    T: std::fmt::Debug,
{
    name: &'a str,
    values: [T; N],
}

#[derive(Versioned)]
enum Either<L, R> {
    Left(L),
    Right {
        #[versioned(last_modified)]
        at: R,
    },
}

#[derive(Versioned)]
struct VersionedBy<V> {
    #[versioned(version)]
    v: V,
    rest: NotSerialize,
}

#[test]
fn generics_get_bounds_only_where_needed() {
    // `C` is only in a skipped field: it need not be `Serialize`.
    let page = Page {
        items: vec![1u8, 2],
        cache: NotSerialize(0),
    };
    assert_eq!(
        page.etag(),
        etag_of(&PageView {
            items: vec![1u8, 2]
        })
    );

    let bounded = Bounded {
        name: "n",
        values: [1i32, 2, 3],
    };
    let _ = bounded.etag();

    let left: Either<u8, SystemTime> = Either::Left(1);
    assert_eq!(left.last_modified(), None);
    let right: Either<u8, Option<SystemTime>> = Either::Right { at: Some(at(2)) };
    assert_eq!(right.last_modified(), Some(at(2)));

    let versioned = VersionedBy {
        v: "abc",
        rest: NotSerialize(0),
    };
    assert_eq!(versioned.etag().to_string(), "\"abc\"");
}

#[derive(Serialize)]
struct PageView<T> {
    items: Vec<T>,
}

extern crate precond as renamed_precond;

mod renamed {
    #[derive(super::renamed_precond::Versioned)]
    #[versioned(crate = "::renamed_precond")]
    pub struct Renamed {
        pub n: u8,
    }
}

#[test]
fn crate_path_for_a_renamed_dependency() {
    let value = renamed::Renamed { n: 1 };
    let mut hasher = precond::__private::StableHasher::new();
    hasher.begin_struct().field("n", &1u8).end();
    assert_eq!(value.etag(), hasher.etag());
}

#[test]
fn pointers_to_derived_types_are_versioned() {
    let doc = std::sync::Arc::new(document());
    assert_eq!(Versioned::etag(&doc), document().etag());
    assert_eq!(Versioned::etag(&&document()), document().etag());
}

#[derive(Versioned)]
enum Never {}

#[test]
fn empty_enums_implement_the_trait() {
    fn is_versioned<T: Versioned>() {}
    is_versioned::<Never>();
}
