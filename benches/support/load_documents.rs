//! The documents that both load servers (`load_server.rs` for axum, `load_server_actix.rs`
//! for actix-web) serve: the same 1 KB of JSON, with a version ETag or a hashed one, from the
//! same in-memory store, so that the two frameworks are measured on identical work.

use std::collections::HashMap;
use std::error::Error;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use precond::Versioned;
use serde::Serialize;

/// A document whose ETag is its version (`"7"`): no hashing.
#[derive(Clone, Serialize, Versioned)]
pub struct Document {
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
pub struct HashedDocument {
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
pub struct Author {
    id: u64,
    name: String,
    email: String,
}

/// The in-memory store: both handlers of a pair load through the same method, a map lookup
/// and a clone, as a handler that owns its value would.
#[derive(Clone)]
pub struct Store(Arc<Documents>);

struct Documents {
    versioned: HashMap<u64, Document>,
    hashed: HashMap<u64, HashedDocument>,
}

impl Store {
    pub fn new() -> Self {
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

    pub fn document(&self, id: u64) -> Option<Document> {
        self.0.versioned.get(&id).cloned()
    }

    pub fn hashed(&self, id: u64) -> Option<HashedDocument> {
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

/// `--port N` (0: any free port); `None` when absent.
pub fn port() -> Result<Option<u16>, Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--port" {
            let value = args.next().ok_or("--port needs a value")?;
            return Ok(Some(value.parse()?));
        }
    }
    Ok(None)
}
