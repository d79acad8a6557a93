//! The server that `benches/load.sh` drives with wrk: the same GET handler with and without
//! `#[conditional]`, for a document of about 1 KB of JSON.
//!
//! ```text
//! benches/load.sh                                 # builds this, serves, runs wrk
//! cargo bench --bench load_server --no-run        # the build alone (bench profile)
//! target/release/deps/load_server-HASH --port 0   # prints "listening on 127.0.0.1:PORT"
//! ```
//!
//! Without `--port` (as when a plain `cargo bench` runs every bench target) it exits at once.
//!
//! Routes, each with `{id}` from 1 to 16:
//!
//! - `/plain/{id}`: a plain axum handler that loads the document from the in-memory store and
//!   returns it as `Tagged<Document>` (JSON, `ETag`, `Last-Modified`), or 404;
//! - `/annotated/{id}`: the same handler under `#[conditional]`, the document loaded by
//!   `#[current(store.document(id))]`: a matching `If-None-Match` gets 304 before the body runs;
//! - `/plain_hashed/{id}`, `/annotated_hashed/{id}`: the same for a document whose ETag is hashed
//!   from its content (`#[derive(Versioned)]` without a version field) instead of being its
//!   version number.
//!
//! - `/bare/trivial` and `/required/trivial`: a handler answering `ok`, without and behind
//!   `RequirePreconditionsLayer` (GET, and PUT with `If-Match`); `/noop/trivial` behind a layer
//!   that does nothing (`tower::layer::util::Identity`), for what `Router::layer` itself costs.
//!
//! One tokio thread (a current-thread runtime): on the benchmark's two CPUs, the server gets one
//! and wrk the other.

#[path = "support/load_documents.rs"]
mod load_documents;

use std::error::Error;
use std::io::Write;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::serve::ListenerExt;
use precond::axum::{RequirePreconditionsLayer, Tagged};
use precond::conditional;
use tower::layer::util::Identity;

use load_documents::{Document, HashedDocument, Store, port};

async fn plain(
    State(store): State<Store>,
    Path(id): Path<u64>,
) -> Result<Tagged<Document>, StatusCode> {
    let current = store.document(id);
    current.map(Tagged::new).ok_or(StatusCode::NOT_FOUND)
}

#[conditional]
async fn annotated(
    State(store): State<Store>,
    Path(id): Path<u64>,
    #[current(store.document(id))] current: Option<Document>,
) -> Result<Tagged<Document>, StatusCode> {
    current.map(Tagged::new).ok_or(StatusCode::NOT_FOUND)
}

async fn plain_hashed(
    State(store): State<Store>,
    Path(id): Path<u64>,
) -> Result<Tagged<HashedDocument>, StatusCode> {
    let current = store.hashed(id);
    current.map(Tagged::new).ok_or(StatusCode::NOT_FOUND)
}

#[conditional]
async fn annotated_hashed(
    State(store): State<Store>,
    Path(id): Path<u64>,
    #[current(store.hashed(id))] current: Option<HashedDocument>,
) -> Result<Tagged<HashedDocument>, StatusCode> {
    current.map(Tagged::new).ok_or(StatusCode::NOT_FOUND)
}

/// A trivial handler, for the cost of `RequirePreconditionsLayer` (`/bare/trivial` without it,
/// `/required/trivial` behind it; GET, and PUT with `If-Match`, which the layer lets through).
async fn trivial() -> &'static str {
    "ok"
}

fn trivial_routes() -> Router<Store> {
    Router::new().route("/trivial", get(trivial).put(trivial))
}

fn app() -> Router {
    Router::new()
        .route("/plain/{id}", get(plain))
        .route("/annotated/{id}", get(annotated))
        .route("/plain_hashed/{id}", get(plain_hashed))
        .route("/annotated_hashed/{id}", get(annotated_hashed))
        .nest("/bare", trivial_routes())
        // What any tower layer costs through `Router::layer` (axum boxes each route again),
        // apart from what the require layer itself does.
        .nest("/noop", trivial_routes().layer(Identity::new()))
        .nest(
            "/required",
            trivial_routes().layer(RequirePreconditionsLayer::default()),
        )
        .with_state(Store::new())
}

fn main() -> Result<(), Box<dyn Error>> {
    let Some(port) = port()? else {
        println!("load_server: not a criterion benchmark; benches/load.sh runs it (--port N)");
        return Ok(());
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let address = listener.local_addr()?;
        let listener = listener.tap_io(|tcp| {
            // As production servers do; responses go out in one write either way.
            let _ = tcp.set_nodelay(true);
        });
        let mut stdout = std::io::stdout();
        writeln!(stdout, "listening on {address}")?;
        stdout.flush()?;
        axum::serve(listener, app()).await?;
        Ok(())
    })
}
