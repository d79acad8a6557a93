//! The engine against the `headers` crate on the same requests, and `etag_of` against JSON
//! followed by a cryptographic or non-cryptographic hash.
//!
//! ```text
//! cargo bench --bench engine -- --warm-up-time 1 --measurement-time 3
//! benches/engine_instructions.sh      # the same cases, counted in instructions (callgrind)
//! ```
//!
//! Every request case starts from one `http::HeaderMap` (the conditional field among ordinary
//! request headers) and ends with the boolean a handler needs: proceed or not. Before timing, the
//! setup asserts that both sides reach that same boolean, so the rows compare equal work.
//!
//! - `precond/evaluate`: `Preconditions::from_headers` + `evaluate` with `Policy::none()`, the
//!   full RFC 9110 §13.2.2 decision (the rejection carries the current validators for the
//!   response).
//! - `precond/match_list`: only the entity-tag list comparison, from the same map (one
//!   `HeaderMap::get_all` and `list::match_list`), for the raw scanning cost.
//! - `headers`: `HeaderMap::typed_get::<IfMatch | IfNoneMatch | IfModifiedSince>()` then
//!   `precondition_passes` / `is_modified`.
//!
//! The server's current validators (`Validators` and `headers::ETag`) are built once, outside the
//! timed loop, as a server would have them at hand. The lists are of 32-hex-digit tags (the form
//! precond generates); `_last` has the current tag at the end (the worst case for a match),
//! `_none` does not have it. For `If-Modified-Since`, precond also reads the clock when the
//! answer could be 304 (a date in the future is ignored, RFC 9110 §13.1.3), which `headers` does
//! not do: the `_304` case includes that `SystemTime::now()`, the `_200` case does not need it.
//!
//! Run with `--instructions CASE SIDE N` (`SIDE` is `precond` or `headers`), the binary skips
//! criterion and makes `N` decisions of one case in a plain loop, for callgrind to count
//! (`benches/engine_instructions.sh`); `--instructions list` prints the case names.

use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use criterion::{Criterion, criterion_group};
use headers::{HeaderMapExt, IfMatch, IfModifiedSince, IfNoneMatch};
use http::header::{
    ACCEPT, ACCEPT_ENCODING, ACCEPT_LANGUAGE, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HOST,
    IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH, USER_AGENT,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use precond::list::{Comparison, ListMatch, match_list};
use precond::{ETag, Policy, Preconditions, Validators, evaluate};
use serde::Serialize;
use sha2::{Digest, Sha256};
use xxhash_rust::xxh3::xxh3_128;

/// The current entity tag of the resource, in the form precond generates (32 hex digits).
fn tag(n: u128) -> String {
    format!(
        "\"{:032x}\"",
        n.wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835)
    )
}

const CURRENT: u128 = 1_000;

/// A request's header map: the conditional field among the usual request headers. Values are
/// copied into the map as a server's parser would leave them (not `from_static`).
fn request(method: &Method, field: HeaderName, value: &str) -> HeaderMap {
    let mut map = HeaderMap::new();
    let mut put = |name: HeaderName, value: &str| {
        let value = HeaderValue::from_str(value).unwrap_or_else(|e| panic!("{value:?}: {e}"));
        map.append(name, value);
    };
    put(HOST, "api.example.com");
    put(
        USER_AGENT,
        "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    );
    put(ACCEPT, "application/json");
    put(ACCEPT_ENCODING, "gzip, deflate, br, zstd");
    put(ACCEPT_LANGUAGE, "en-GB,en;q=0.5");
    put(
        AUTHORIZATION,
        "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl",
    );
    if *method != Method::GET {
        put(CONTENT_TYPE, "application/json");
        put(CONTENT_LENGTH, "1024");
    }
    put(field, value);
    map
}

/// One conditional request, and the two sides' views of the current resource.
struct Case {
    name: &'static str,
    kind: Kind,
    method: Method,
    map: HeaderMap,
    /// Which list field `precond/match_list` compares, if any.
    list: Option<(HeaderName, Comparison)>,
    /// The boolean both sides must reach: whether the handler proceeds.
    proceed: bool,
}

/// One decision by precond, as timed: the fields from the map, then the whole evaluation.
fn precond_evaluate(map: &HeaderMap, method: &Method, current: &Validators) -> bool {
    let pre = Preconditions::from_headers(map);
    evaluate(method, &pre, Some(current), &Policy::none()).is_proceed()
}

fn precond_list(map: &HeaderMap, name: &HeaderName, cmp: Comparison, current: &ETag) -> ListMatch {
    let lines = map.get_all(name).iter().map(HeaderValue::as_bytes);
    match_list(lines, Some(current), cmp)
}

/// Which `headers` type decodes the case's field.
#[derive(Clone, Copy)]
enum Kind {
    /// `If-Match`.
    Match,
    /// `If-None-Match`.
    NoneMatch,
    /// `If-Modified-Since`.
    ModifiedSince,
}

fn headers_if_match(map: &HeaderMap, etag: &headers::ETag) -> bool {
    map.typed_get::<IfMatch>()
        .is_none_or(|h| h.precondition_passes(etag))
}

fn headers_if_none_match(map: &HeaderMap, etag: &headers::ETag) -> bool {
    map.typed_get::<IfNoneMatch>()
        .is_none_or(|h| h.precondition_passes(etag))
}

fn headers_if_modified_since(map: &HeaderMap, last_modified: SystemTime) -> bool {
    map.typed_get::<IfModifiedSince>()
        .is_none_or(|h| h.is_modified(last_modified))
}

fn headers_decision(case: &Case, etag: &headers::ETag, last_modified: SystemTime) -> bool {
    match case.kind {
        Kind::Match => headers_if_match(&case.map, etag),
        Kind::NoneMatch => headers_if_none_match(&case.map, etag),
        Kind::ModifiedSince => headers_if_modified_since(&case.map, last_modified),
    }
}

fn cases(last_modified: SystemTime) -> Vec<Case> {
    let list = |tags: std::ops::Range<u128>| tags.map(tag).collect::<Vec<_>>().join(", ");
    let strong = Some((IF_MATCH, Comparison::Strong));
    let weak = Some((IF_NONE_MATCH, Comparison::Weak));
    let case = |name, method: Method, field: HeaderName, value: &str, list, proceed| Case {
        name,
        kind: if field == IF_MATCH {
            Kind::Match
        } else if field == IF_NONE_MATCH {
            Kind::NoneMatch
        } else {
            Kind::ModifiedSince
        },
        map: request(&method, field, value),
        method,
        list,
        proceed,
    };
    let put = || Method::PUT;
    let get = || Method::GET;
    vec![
        case(
            "if_match_1",
            put(),
            IF_MATCH,
            &tag(CURRENT),
            strong.clone(),
            true,
        ),
        case(
            "if_match_3_last",
            put(),
            IF_MATCH,
            &list(CURRENT - 2..CURRENT + 1),
            strong.clone(),
            true,
        ),
        case(
            "if_match_32_last",
            put(),
            IF_MATCH,
            &list(CURRENT - 31..CURRENT + 1),
            strong.clone(),
            true,
        ),
        case(
            "if_match_32_none",
            put(),
            IF_MATCH,
            &list(CURRENT - 32..CURRENT),
            strong,
            false,
        ),
        case(
            "if_none_match_1",
            get(),
            IF_NONE_MATCH,
            &tag(CURRENT),
            weak.clone(),
            false,
        ),
        case(
            "if_none_match_3_none",
            get(),
            IF_NONE_MATCH,
            &list(CURRENT - 3..CURRENT),
            weak,
            true,
        ),
        // The client's copy is current: 304.
        case(
            "if_modified_since_304",
            get(),
            IF_MODIFIED_SINCE,
            &httpdate::fmt_http_date(last_modified),
            None,
            false,
        ),
        // The resource changed a day after the client's copy: 200.
        case(
            "if_modified_since_200",
            get(),
            IF_MODIFIED_SINCE,
            &httpdate::fmt_http_date(last_modified - Duration::from_secs(86_400)),
            None,
            true,
        ),
    ]
}

/// The server's side of every case: its current validators, for each contender, and the cases.
struct Fixture {
    current: Validators,
    current_etag: ETag,
    headers_etag: headers::ETag,
    last_modified: SystemTime,
    cases: Vec<Case>,
}

impl Fixture {
    /// Builds the cases and checks that both sides reach each case's decision (equal work).
    fn new() -> Self {
        let last_modified = UNIX_EPOCH + Duration::from_secs(1_750_000_000);
        let current_tag = tag(CURRENT);
        let current = Validators::new(ETag::parse(current_tag.as_bytes()).expect("valid tag"))
            .with_last_modified(last_modified);
        let current_etag = current.etag().expect("has a tag").clone();
        let headers_etag: headers::ETag = current_tag.parse().expect("valid tag");
        let cases = cases(last_modified);
        for case in &cases {
            assert_eq!(
                precond_evaluate(&case.map, &case.method, &current),
                case.proceed,
                "{}",
                case.name
            );
            assert_eq!(
                headers_decision(case, &headers_etag, last_modified),
                case.proceed,
                "{}",
                case.name
            );
            if let Some((name, cmp)) = &case.list {
                let found = precond_list(&case.map, name, *cmp, &current_etag);
                let proceed = match cmp {
                    Comparison::Strong => found == ListMatch::Match,
                    Comparison::Weak => found == ListMatch::NoMatch,
                };
                assert_eq!(proceed, case.proceed, "{}", case.name);
            }
        }
        Self {
            current,
            current_etag,
            headers_etag,
            last_modified,
            cases,
        }
    }
}

fn engine(c: &mut Criterion) {
    let Fixture {
        current,
        current_etag,
        headers_etag,
        last_modified,
        cases,
    } = Fixture::new();
    for case in cases {
        let mut group = c.benchmark_group(case.name);
        group.bench_function("precond/evaluate", |b| {
            b.iter(|| {
                precond_evaluate(
                    black_box(&case.map),
                    black_box(&case.method),
                    black_box(&current),
                )
            });
        });
        if let Some((name, cmp)) = &case.list {
            group.bench_function("precond/match_list", |b| {
                b.iter(|| precond_list(black_box(&case.map), name, *cmp, black_box(&current_etag)));
            });
        }
        // One closure per `headers` type, chosen outside the timed loop.
        let map = &case.map;
        match case.kind {
            Kind::Match => group.bench_function("headers", |b| {
                b.iter(|| headers_if_match(black_box(map), black_box(&headers_etag)));
            }),
            Kind::NoneMatch => group.bench_function("headers", |b| {
                b.iter(|| headers_if_none_match(black_box(map), black_box(&headers_etag)));
            }),
            Kind::ModifiedSince => group.bench_function("headers", |b| {
                b.iter(|| headers_if_modified_since(black_box(map), black_box(last_modified)));
            }),
        };
        group.finish();
    }
}

/// A realistic ~1 KB resource: what a handler would derive an ETag for.
#[derive(Serialize)]
struct Article {
    id: u64,
    slug: String,
    title: String,
    body: String,
    tags: Vec<String>,
    views: u64,
    rating: f64,
    published: bool,
    revision: u32,
    author: Author,
}

#[derive(Serialize)]
struct Author {
    id: u64,
    name: String,
    email: String,
    verified: bool,
}

fn article() -> Article {
    let sentence = "Conditional requests let a client ask the server to act only if the \
                    representation it holds is still current. ";
    let mut body = String::new();
    while body.len() < 700 {
        body.push_str(sentence);
    }
    body.truncate(700);
    Article {
        id: 48_213,
        slug: "conditional-requests-in-practice".into(),
        title: "Conditional requests in practice: ETags, If-Match and 412".into(),
        body,
        tags: ["http", "rfc9110", "caching", "concurrency", "rust"]
            .map(String::from)
            .into(),
        views: 1_204_331,
        rating: 4.72,
        published: true,
        revision: 17,
        author: Author {
            id: 7,
            name: "Ada Lovelace".into(),
            email: "ada@example.com".into(),
            verified: true,
        },
    }
}

fn etag_from_32(digest: &[u8]) -> ETag {
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest[..16]);
    ETag::from_digest(u128::from_be_bytes(first))
}

fn hashing(c: &mut Criterion) {
    let value = article();
    let json_len = serde_json::to_vec(&value).expect("serializes").len();
    println!("etag_of: the Article is {json_len} bytes of JSON");
    assert!(
        (900..=1200).contains(&json_len),
        "the Article should be about 1 KB of JSON, is {json_len}"
    );

    let mut group = c.benchmark_group("etag_1kb");
    group.bench_function("precond/etag_of", |b| {
        b.iter(|| precond::etag_of(black_box(&value)));
    });
    group.bench_function("serde_json+sha256", |b| {
        b.iter(|| {
            let json = serde_json::to_vec(black_box(&value)).expect("serializes");
            etag_from_32(&Sha256::digest(&json))
        });
    });
    group.bench_function("serde_json+xxh3_128", |b| {
        b.iter(|| {
            let json = serde_json::to_vec(black_box(&value)).expect("serializes");
            ETag::from_digest(xxh3_128(&json))
        });
    });
    group.finish();
}

criterion_group!(benches, engine, hashing);

/// Makes `n` decisions and counts those that proceed.
fn repeat(n: usize, mut decide: impl FnMut() -> bool) -> usize {
    (0..n).filter(|_| decide()).count()
}

/// `engine --instructions CASE SIDE N`: `N` decisions of one case by one side, in a plain loop
/// with the same `black_box`es as the timed loops, and nothing else after the setup. Prints how
/// many proceeded (so that the loop cannot be optimized away).
fn count_instructions(args: &[String]) {
    let fixture = Fixture::new();
    let usage = "usage: engine --instructions list | CASE (precond | headers) N";
    if args.first().map(String::as_str) == Some("list") {
        for case in &fixture.cases {
            println!("{}", case.name);
        }
        return;
    }
    let [name, side, n] = args else {
        panic!("{usage}")
    };
    let n: usize = n.parse().expect(usage);
    let case = fixture
        .cases
        .iter()
        .find(|case| case.name == name)
        .unwrap_or_else(|| panic!("no case {name}"));
    let (etag, last_modified) = (&fixture.headers_etag, fixture.last_modified);
    let proceeded = match (side.as_str(), case.kind) {
        ("precond", _) => repeat(n, || {
            precond_evaluate(
                black_box(&case.map),
                black_box(&case.method),
                black_box(&fixture.current),
            )
        }),
        ("headers", Kind::Match) => repeat(n, || {
            headers_if_match(black_box(&case.map), black_box(etag))
        }),
        ("headers", Kind::NoneMatch) => repeat(n, || {
            headers_if_none_match(black_box(&case.map), black_box(etag))
        }),
        ("headers", Kind::ModifiedSince) => repeat(n, || {
            headers_if_modified_since(black_box(&case.map), black_box(last_modified))
        }),
        _ => panic!("{usage}"),
    };
    println!("{proceeded}");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|arg| arg == "--instructions") {
        count_instructions(&args[at + 1..]);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
