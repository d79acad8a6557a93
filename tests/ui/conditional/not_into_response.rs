// The handler's return type must be a response; the error is at the return type.
use precond::{Versioned, conditional};

#[derive(Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

#[conditional]
async fn get_document(#[current(Document { version: 1 })] current: Document) -> Document {
    current
}

fn main() {}
