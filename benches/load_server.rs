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
//! One tokio thread (a current-thread runtime): on the benchmark's two CPUs, the server gets one
//! and wrk the other.

use std::collections::HashMap;
use std::error::Error;
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::serve::ListenerExt;
use precond::axum::Tagged;
use precond::{Versioned, conditional};
use serde::Serialize;

/// A document whose ETag is its version (`"7"`): no hashing.
#[derive(Clone, Serialize, Versioned)]
struct Document {
    id: u64,
    title: String,
    text: String,
    tags: Vec<String>,
    author: Author,
    #[versioned(version)]
    version: u64,
    #[serde(skip)]
    #[versioned(last_modified, skip)]
    modified: SystemTime,
}

/// The same fields; the ETag is a hash of all of them but the date.
#[derive(Clone, Serialize, Versioned)]
struct HashedDocument {
    id: u64,
    title: String,
    text: String,
    tags: Vec<String>,
    author: Author,
    version: u64,
    #[serde(skip)]
    #[versioned(last_modified, skip)]
    modified: SystemTime,
}

#[derive(Clone, Serialize)]
struct Author {
    id: u64,
    name: String,
    email: String,
}

/// The in-memory store: both handlers of a pair load through the same method, a map lookup
/// and a clone, as a handler that owns its value would.
#[derive(Clone)]
struct Store(Arc<Documents>);

struct Documents {
    versioned: HashMap<u64, Document>,
    hashed: HashMap<u64, HashedDocument>,
}

impl Store {
    fn new() -> Self {
        let versioned: HashMap<u64, Document> = (1..=16).map(|id| (id, document(id))).collect();
        let hashed = versioned
            .iter()
            .map(|(&id, d)| {
                let d = d.clone();
                let hashed = HashedDocument {
                    id: d.id,
                    title: d.title,
                    text: d.text,
                    tags: d.tags,
                    author: d.author,
                    version: d.version,
                    modified: d.modified,
                };
                (id, hashed)
            })
            .collect();
        Store(Arc::new(Documents { versioned, hashed }))
    }

    fn document(&self, id: u64) -> Option<Document> {
        self.0.versioned.get(&id).cloned()
    }

    fn hashed(&self, id: u64) -> Option<HashedDocument> {
        self.0.hashed.get(&id).cloned()
    }
}

/// A document of 1 KB as JSON (1024 bytes for ids of one digit).
fn document(id: u64) -> Document {
    let text = "Conditional requests let a client say: do this only if the resource is still the \
                one I saw. A reader sends If-None-Match with the ETag it holds and gets 304 Not \
                Modified when nothing changed, saving the body. A writer sends If-Match with the \
                ETag it read and gets 412 Precondition Failed when another client wrote first, \
                so no update is silently lost. The server needs one thing for all of this: a \
                validator that changes whenever the representation does, and only then. The \
                rest is RFC 9110 section 13, step by step, evaluated before the handler runs \
                and before the body is serialized, so a 304 costs less than a 200 does. This \
                benchmark measures how much less, and what the check costs a handler that \
                answers 200 anyway, on many keep-alive loopback connections, with wrk sending its \
                requests as fast as it can.";
    Document {
        id,
        title: "Conditional requests in practice: ETags, 304 and 412".into(),
        text: text.into(),
        tags: ["http", "caching", "etag", "rust", "concurrency"]
            .map(String::from)
            .into(),
        author: Author {
            id: 7,
            name: "Ada Lovelace".into(),
            email: "ada@example.com".into(),
        },
        version: 7,
        modified: UNIX_EPOCH + Duration::from_secs(1_700_000_000),
    }
}

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

fn app() -> Router {
    Router::new()
        .route("/plain/{id}", get(plain))
        .route("/annotated/{id}", get(annotated))
        .route("/plain_hashed/{id}", get(plain_hashed))
        .route("/annotated_hashed/{id}", get(annotated_hashed))
        .with_state(Store::new())
}

/// `--port N` (0: any free port); `None` when absent.
fn port() -> Result<Option<u16>, Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--port" {
            let value = args.next().ok_or("--port needs a value")?;
            return Ok(Some(value.parse()?));
        }
    }
    Ok(None)
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
