//! The server that `benches/load.sh` drives with wrk for actix-web: the same routes, documents
//! and handlers as `load_server.rs` (axum), with `precond::actix`.
//!
//! ```text
//! benches/load.sh --framework actix                     # builds this, serves, runs wrk
//! cargo bench --bench load_server_actix --no-run        # the build alone (bench profile)
//! target/release/deps/load_server_actix-HASH --port 0   # prints "listening on 127.0.0.1:PORT"
//! ```
//!
//! Without `--port` (as when a plain `cargo bench` runs every bench target) it exits at once.
//!
//! Routes, each with `{id}` from 1 to 16: `/plain/{id}` (a plain actix handler returning
//! `Tagged<Document>`), `/annotated/{id}` (the same under `#[conditional]`), and the hashed-ETag
//! pair `/plain_hashed/{id}`, `/annotated_hashed/{id}`; `/bare/trivial` and `/required/trivial`
//! (a trivial handler without and behind `RequirePreconditions`); see `load_server.rs`.
//!
//! One worker thread: on the benchmark's two CPUs, the server gets one and wrk the other.

#[path = "support/load_documents.rs"]
mod load_documents;

use std::error::Error;
use std::io::Write;

use actix_web::error::ErrorNotFound;
use actix_web::{App, HttpServer, web};
use precond::actix::{RequirePreconditions, Tagged, conditional};

use load_documents::{Document, HashedDocument, Store, port};

async fn plain(
    store: web::Data<Store>,
    id: web::Path<u64>,
) -> Result<Tagged<Document>, actix_web::Error> {
    let current = store.document(*id);
    current
        .map(Tagged::new)
        .ok_or_else(|| ErrorNotFound("not found"))
}

#[conditional]
async fn annotated(
    store: web::Data<Store>,
    id: web::Path<u64>,
    #[current(store.document(*id))] current: Option<Document>,
) -> Result<Tagged<Document>, actix_web::Error> {
    current
        .map(Tagged::new)
        .ok_or_else(|| ErrorNotFound("not found"))
}

async fn plain_hashed(
    store: web::Data<Store>,
    id: web::Path<u64>,
) -> Result<Tagged<HashedDocument>, actix_web::Error> {
    let current = store.hashed(*id);
    current
        .map(Tagged::new)
        .ok_or_else(|| ErrorNotFound("not found"))
}

#[conditional]
async fn annotated_hashed(
    store: web::Data<Store>,
    id: web::Path<u64>,
    #[current(store.hashed(*id))] current: Option<HashedDocument>,
) -> Result<Tagged<HashedDocument>, actix_web::Error> {
    current
        .map(Tagged::new)
        .ok_or_else(|| ErrorNotFound("not found"))
}

/// A trivial handler, for the cost of `RequirePreconditions` (`/bare/trivial` without it,
/// `/required/trivial` behind it; GET, and PUT with `If-Match`, which the middleware lets
/// through).
async fn trivial() -> &'static str {
    "ok"
}

fn trivial_resource() -> actix_web::Resource {
    web::resource("/trivial")
        .route(web::get().to(trivial))
        .route(web::put().to(trivial))
}

fn main() -> Result<(), Box<dyn Error>> {
    let Some(port) = port()? else {
        println!(
            "load_server_actix: not a criterion benchmark; benches/load.sh runs it (--port N)"
        );
        return Ok(());
    };
    let store = web::Data::new(Store::new());
    actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || {
            // One scope per route: actix-web tries routes in order, matching each pattern with
            // `{id}` by a regular expression, so a route registered later pays for every one
            // before it (about 3,000 instructions each); a scope's static prefix is compared as
            // a string, and the cases then differ only by their handler.
            App::new()
                .app_data(store.clone())
                .service(web::scope("/plain").route("/{id}", web::get().to(plain)))
                .service(web::scope("/annotated").route("/{id}", web::get().to(annotated)))
                .service(web::scope("/plain_hashed").route("/{id}", web::get().to(plain_hashed)))
                .service(
                    web::scope("/annotated_hashed").route("/{id}", web::get().to(annotated_hashed)),
                )
                .service(web::scope("/bare").service(trivial_resource()))
                .service(
                    web::scope("/required")
                        .wrap(RequirePreconditions::default())
                        .service(trivial_resource()),
                )
        })
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", port))?;
        let address = server.addrs()[0];
        let mut stdout = std::io::stdout();
        writeln!(stdout, "listening on {address}")?;
        stdout.flush()?;
        server.run().await?;
        Ok(())
    })
}
