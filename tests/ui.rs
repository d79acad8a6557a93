//! Compile-time behaviour, through trybuild: every misuse of `#[derive(Versioned)]` and of
//! `#[conditional]` fails with the error in `tests/ui/{derive,conditional,conditional_actix}/*.stderr`,
//! and every supported shape in `tests/ui/*/pass/` compiles (and, for `#[conditional]`, answers
//! requests as documented).
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

    // Errors about `http` types: with actix-web (on `http` 0.2) in the graph beside axum (on
    // `http` 1), rustc adds a note on the two versions of the crate.
    #[cfg(not(feature = "actix"))]
    t.compile_fail("tests/ui/conditional/http_versions/one/*.rs");
    #[cfg(feature = "actix")]
    t.compile_fail("tests/ui/conditional/http_versions/two/*.rs");
}

/// What is specific to actix-web; the macro's own checks (keys, `#[current]`, weak tags) are the
/// same for both frameworks and tested once, above.
#[cfg(feature = "actix")]
#[test]
fn conditional_actix() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/conditional_actix/*.rs");
    // With both frameworks in one crate.
    #[cfg(feature = "axum")]
    {
        t.compile_fail("tests/ui/conditional_actix/with_axum/*.rs");
        t.pass("tests/ui/conditional_actix/pass/*.rs");
    }
}
