//! The smallest precond app on actix-web: GET, PUT and DELETE of notes, with hashed ETags and
//! writes that compare and swap. `cargo run --example getting_started_actix --features actix`,
//! then `curl -i localhost:3000/notes/1`.
use std::collections::HashMap;
use std::sync::Mutex;

use actix_web::{App, HttpResponse, HttpServer, guard, web};
use precond::actix::{Rejected, Tagged, conditional};
use precond::{Rejection, Versioned};
use serde::{Deserialize, Serialize};

/// No version field: the ETag is a hash of the fields, so it changes exactly when they do.
#[derive(Clone, Serialize, Deserialize, Versioned)]
struct Note {
    text: String,
}

type Notes = web::Data<Mutex<HashMap<u64, Note>>>;

/// 200 with `ETag`, or 304 to a client whose copy is fresh (the body does not run).
#[conditional]
async fn get_note(
    notes: Notes,
    id: web::Path<u64>,
    #[current(notes.lock().unwrap().get(&id).cloned())] current: Option<Note>,
) -> Result<Tagged<Note>, actix_web::Error> {
    current
        .map(Tagged::new)
        .ok_or_else(|| actix_web::error::ErrorNotFound("no such note"))
}

/// Without `If-Match`: 428. With a stale one: 412 and the current ETag, before the body is
/// read. `If-None-Match: *` creates.
#[conditional(require = "If-Match: etag | If-None-Match")]
async fn put_note(
    notes: Notes,
    id: web::Path<u64>,
    #[current(notes.lock().unwrap().get(&id).cloned())] current: Option<Note>,
    note: web::Json<Note>,
) -> Result<Tagged<Note>, Rejected> {
    let (id, note) = (id.into_inner(), note.into_inner());
    let mut notes = notes.lock().unwrap();
    // Atomic: the write happens only if the note is still the one the check saw.
    let stored = notes.get(&id).map(Note::etag);
    if stored != current.as_ref().map(Note::etag) {
        let winner = notes.get(&id).map(Note::validators);
        return Err(Rejection::precondition_failed(winner.as_ref()).into());
    }
    notes.insert(id, note.clone());
    Ok(match current {
        Some(_) => Tagged::new(note),
        None => Tagged::created(note),
    })
}

/// 204 if the note is still the one `If-Match` names; 412 otherwise.
#[conditional(require = "If-Match: etag")]
async fn delete_note(
    notes: Notes,
    id: web::Path<u64>,
    #[current(notes.lock().unwrap().get(&id).cloned())] current: Option<Note>,
) -> Result<HttpResponse, Rejected> {
    let mut notes = notes.lock().unwrap();
    match (notes.get(&id), current) {
        (Some(stored), Some(current)) if stored.etag() == current.etag() => {
            notes.remove(&id);
            Ok(HttpResponse::NoContent().finish())
        }
        (None, None) => Ok(HttpResponse::NotFound().finish()),
        (stored, _) => {
            let winner = stored.map(Note::validators);
            Err(Rejection::precondition_failed(winner.as_ref()).into())
        }
    }
}

/// The routes, on one store that every worker shares.
pub fn app() -> impl Fn(&mut web::ServiceConfig) + Clone + Send + 'static {
    let notes = Notes::default();
    let first = Note {
        text: "Buy milk".into(),
    };
    notes.lock().unwrap().insert(1, first);
    move |config| {
        config.app_data(notes.clone()).service(
            web::resource("/notes/{id}")
                .route(
                    web::route()
                        .guard(guard::Any(guard::Get()).or(guard::Head()))
                        .to(get_note),
                )
                .route(web::put().to(put_note))
                .route(web::delete().to(delete_note)),
        );
    }
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let app = app();
    HttpServer::new(move || App::new().configure(app.clone()))
        .bind(("127.0.0.1", 3000))?
        .run()
        .await
}
