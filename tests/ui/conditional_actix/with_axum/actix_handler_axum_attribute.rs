// The axum `#[conditional]` on an actix-web handler: one error that names the import to use
// (`precond::actix::conditional`), rather than axum's trait errors on actix-web's types.
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
