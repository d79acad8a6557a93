// The example of the issue, with serde's derives next to it.
use std::time::SystemTime;

use precond::Versioned;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Versioned)]
struct Document {
    id: u64,
    title: String,
    #[versioned(skip)] // not part of the representation's identity
    views: u64,
    #[versioned(last_modified)] // becomes Last-Modified
    updated_at: SystemTime,
}

fn main() {
    let doc = Document {
        id: 1,
        title: "t".into(),
        views: 0,
        updated_at: SystemTime::UNIX_EPOCH,
    };
    let _ = (doc.etag(), doc.last_modified(), doc.validators());
}
