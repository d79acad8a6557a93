// actix-web: the handler's return type must be a `Responder`; the error points at it.
use precond::Versioned;
use precond::actix::conditional;

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
