// The axum `#[conditional]` on a handler served by actix-web: the handler takes axum's
// `ConditionalRequest` and returns axum's `Response`, which actix cannot use. Import
// `precond::actix::conditional` instead.
use actix_web::{App, HttpResponse, web};
use precond::{Versioned, conditional};

#[derive(Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

#[conditional]
async fn get_document(#[current(Document { version: 1 })] current: Document) -> HttpResponse {
    let _ = current;
    HttpResponse::Ok().finish()
}

fn main() {
    let _ = App::new().route("/", web::get().to(get_document));
}
