//! The `documents` example as a user runs it: the real binary on a loopback port, driven by a
//! real HTTP client through every route and status of the README's API (the suite is shared
//! with the other frameworks' examples: see `support/documents_suite.rs`).

#[macro_use]
#[path = "support/documents_suite.rs"]
mod documents_suite;

documents_suite!("documents");
