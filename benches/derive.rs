//! The derived `etag()` of a ~1 KB struct against the usual hand-rolled alternatives, in one
//! run: `serde_json::to_vec` + SHA-256, and `serde_json::to_vec` + XXH3-128. Every contender
//! produces an `ETag`.
//!
//! `cargo bench --bench derive -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use precond::{ETag, Versioned};
use sha2::{Digest, Sha256};
use xxhash_rust::xxh3::xxh3_128;

#[allow(dead_code)]
#[path = "../tests/support/article.rs"]
mod article;

fn json_sha256(value: &article::Article) -> ETag {
    let json = serde_json::to_vec(value).unwrap_or_default();
    let digest = Sha256::digest(&json);
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest[..16]);
    ETag::from_digest(u128::from_be_bytes(first))
}

fn json_xxh3(value: &article::Article) -> ETag {
    let json = serde_json::to_vec(value).unwrap_or_default();
    ETag::from_digest(xxh3_128(&json))
}

fn etag_of_1kb_struct(c: &mut Criterion) {
    let value = article::article();
    let json_len = serde_json::to_vec(&value).map_or(0, |json| json.len());
    let mut group = c.benchmark_group("etag of a 1 KB struct");
    group.throughput(Throughput::Bytes(json_len as u64));
    group.bench_function("derive(Versioned)", |b| b.iter(|| black_box(&value).etag()));
    group.bench_function("serde_json + SHA-256", |b| {
        b.iter(|| json_sha256(black_box(&value)))
    });
    group.bench_function("serde_json + xxh3-128", |b| {
        b.iter(|| json_xxh3(black_box(&value)))
    });
    group.finish();
}

criterion_group!(benches, etag_of_1kb_struct);
criterion_main!(benches);
