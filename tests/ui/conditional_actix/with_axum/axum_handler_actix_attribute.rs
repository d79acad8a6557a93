// An axum handler under `precond::actix::conditional`: the error names the import to use.
use axum::response::IntoResponse;
use precond::Versioned;
use precond::actix::conditional;

#[derive(Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

#[conditional]
async fn get_document(
    axum::extract::Path(_id): axum::extract::Path<u64>,
    #[current(Document { version: 1 })] current: Document,
) -> impl IntoResponse {
    let _ = current;
    "ok"
}

fn main() {}
