//! The derived `etag()` of a ~1 KB struct whose strings and vectors are already built makes no
//! heap allocation, counted by a global allocator.

#![allow(dead_code)]

use std::hint::black_box;

use precond::Versioned;

#[path = "support/article.rs"]
mod article;

#[path = "support/counting_alloc.rs"]
mod counting_alloc;

/// The allocations made by `f` on this thread, and what it returns.
fn allocations_of<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let (out, n) = counting_alloc::allocations_of(f);
    (n, out)
}

#[test]
fn the_counter_counts() {
    let (n, v) = allocations_of(|| black_box(Vec::<u8>::with_capacity(64)));
    assert_eq!(n, 1);
    drop(v);
}

#[test]
fn derived_etag_of_a_1kb_struct_does_not_allocate() {
    let article = article::article();
    let json = serde_json::to_vec(&article).unwrap_or_default();
    assert!((900..=1300).contains(&json.len()), "{} bytes", json.len());

    let (n, tag) = allocations_of(|| black_box(&article).etag());
    assert_eq!(n, 0, "etag() allocated");
    assert!(!tag.is_weak());

    let (n, validators) = allocations_of(|| black_box(&article).validators());
    assert_eq!(n, 0, "validators() allocated");
    assert_eq!(validators.etag(), Some(&tag));
}

#[test]
fn weak_and_version_etags_do_not_allocate() {
    let weak = article::WeakArticle {
        body: "b".repeat(700),
        tags: vec!["t".into(); 5],
    };
    let (n, tag) = allocations_of(|| black_box(&weak).etag());
    assert_eq!(n, 0);
    assert!(tag.is_weak());

    #[derive(Versioned)]
    struct Row {
        #[versioned(version)]
        revision: u64,
    }
    let (n, _) = allocations_of(|| black_box(&Row { revision: 9 }).etag());
    assert_eq!(n, 0);
}
