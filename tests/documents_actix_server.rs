//! The `documents_actix` example (the API of `documents` on actix-web) as a user runs it: the
//! real binary on a loopback port, driven by the same suite as the axum example (see
//! `support/documents_suite.rs`), so that any difference between the two fails a test.

#[macro_use]
#[path = "support/documents_suite.rs"]
mod documents_suite;

documents_suite!("documents_actix");
