//! The `documents_actix` example (the API of `documents` on actix-web) as a user runs it: the
//! real binary on a loopback port, driven by the same suite as the axum example (see
//! `support/documents_suite.rs`), so that any difference between the two fails a test.

#[path = "support/databases.rs"]
mod databases;
#[macro_use]
#[path = "support/documents_suite.rs"]
mod documents_suite;

// On the example's default store, SQLite in memory.
documents_suite!("documents_actix");

// The same contract on PostgreSQL (`DATABASE_URL`), each test on a schema of its own.
mod postgres {
    documents_suite!("documents_actix", crate::documents_suite::Backend::Postgres);
}
