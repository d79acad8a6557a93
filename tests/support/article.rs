//! A realistic resource of about 1 KB (as JSON), shared by `tests/derive_alloc.rs` and
//! `benches/derive.rs` so that the allocation count and the benchmark measure the same value.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use precond::Versioned;
use serde::Serialize;

#[derive(Serialize, Versioned)]
pub struct Article {
    pub id: u64,
    pub slug: String,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
    pub author: Author,
    pub word_count: u32,
    pub rating: f64,
    pub published: bool,
    pub revision: u32,
    #[serde(skip)]
    #[versioned(skip)]
    pub views: u64,
    #[versioned(last_modified)]
    pub updated_at: SystemTime,
}

#[derive(Serialize)]
pub struct Author {
    pub id: u64,
    pub name: String,
    pub email: String,
}

/// The same fields, weak.
#[derive(Serialize, Versioned)]
#[versioned(weak)]
pub struct WeakArticle {
    pub body: String,
    pub tags: Vec<String>,
}

pub fn article() -> Article {
    let body = "Conditional requests let a client say: do this only if the resource is still \
                the one I saw. A reader sends If-None-Match with the ETag it holds and gets \
                304 Not Modified when nothing changed, saving the body. A writer sends \
                If-Match with the ETag it read and gets 412 Precondition Failed when another \
                client wrote first, so no update is silently lost. The server needs one thing \
                for all of this: a validator that changes whenever the representation does, \
                and only then. Hashing the fields that make up the representation, in a stable \
                format, gives exactly that, without serializing to JSON first and without \
                allocating, which matters on every single GET. The rest is RFC 9110 section \
                13, step by step, evaluated before the handler does any work.";
    Article {
        id: 12_345,
        slug: "conditional-requests-in-practice".into(),
        title: "Conditional requests in practice: ETags, 304 and 412".into(),
        body: body.into(),
        tags: ["http", "caching", "etag", "rust", "concurrency"]
            .map(String::from)
            .to_vec(),
        author: Author {
            id: 7,
            name: "Ada Lovelace".into(),
            email: "ada@example.com".into(),
        },
        word_count: 131,
        rating: 4.75,
        published: true,
        revision: 3,
        views: 10_000,
        updated_at: UNIX_EPOCH + Duration::from_secs(1_700_000_000),
    }
}
