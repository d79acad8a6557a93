//! The `documents` example as a user runs it: the real binary on a loopback port, driven by a
//! real HTTP client through every route and status of the README's API (the suite is shared
//! with the other frameworks' examples: see `support/documents_suite.rs`).

#[path = "support/databases.rs"]
mod databases;
#[macro_use]
#[path = "support/documents_suite.rs"]
mod documents_suite;

// On the example's default store, SQLite in memory.
documents_suite!("documents");

// The same contract on PostgreSQL (`DATABASE_URL`), each test on a schema of its own.
mod postgres {
    documents_suite!("documents", crate::documents_suite::Backend::Postgres);
}
