//! Compile-time behaviour, through trybuild: every misuse of `#[derive(Versioned)]` and of
//! `#[conditional]` fails with the error in `tests/ui/{derive,conditional}/*.stderr`, and every
//! supported shape in `tests/ui/{derive,conditional}/pass/` compiles (and, for
//! `#[conditional]`, answers requests as documented).
//!
//! After changing a message, regenerate the expected output with
//! `TRYBUILD=overwrite cargo test --test ui` (and again with `--all-features`), then read every
//! changed `.stderr`.

#[test]
fn derive_versioned() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/derive/*.rs");
    t.pass("tests/ui/derive/pass/*.rs");

    // Errors whose text lists the implementors of a trait that grows with features.
    #[cfg(not(any(feature = "chrono", feature = "time")))]
    t.compile_fail("tests/ui/derive/dates/default/*.rs");
    #[cfg(all(feature = "chrono", feature = "time"))]
    t.compile_fail("tests/ui/derive/dates/all-features/*.rs");
}

#[cfg(feature = "axum")]
#[test]
fn conditional() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/conditional/*.rs");
    t.pass("tests/ui/conditional/pass/*.rs");
}
