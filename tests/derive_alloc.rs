//! The derived `etag()` of a ~1 KB struct whose strings and vectors are already built makes no
//! heap allocation, counted by a global allocator.

#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

use precond::Versioned;

#[path = "support/article.rs"]
mod article;

/// The system allocator, counting the allocations of the current thread (the test harness
/// allocates on its own threads meanwhile).
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: the counter may already be gone while the thread shuts down.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

// SAFETY: every call is forwarded unchanged to `System`, which upholds the `GlobalAlloc`
// contract; counting only touches a `const`-initialized thread-local `Cell`, which never
// allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The allocations made by `f` on this thread.
fn allocations_of<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let before = allocations();
    let out = f();
    (allocations() - before, out)
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
