// actix-web: a `#[current(expr)]` expression yields the parameter's type, or a `Result` of it
// whose error converts into `actix_web::Error` (as the errors of actix handlers do).
use actix_web::HttpResponse;
use precond::Versioned;
use precond::actix::conditional;

#[derive(Versioned)]
struct Document {
    #[versioned(version)]
    version: u64,
}

struct Store;

impl Store {
    async fn get(&self) -> Option<Document> {
        None
    }

    fn try_get(&self) -> Result<Option<Document>, String> {
        Ok(None)
    }
}

#[conditional]
async fn forgot_await(#[current(Store.get())] current: Option<Document>) -> HttpResponse {
    let _ = current;
    HttpResponse::Ok().finish()
}

#[conditional]
async fn error_not_an_actix_error(#[current(Store.try_get())] current: Option<Document>) -> HttpResponse {
    let _ = current;
    HttpResponse::Ok().finish()
}

fn main() {}
