//! A note service on actix-web, documented with utoipa-actix-web: `#[conditional]` above
//! `#[utoipa::path]` above actix-web's route macro, the handlers added with
//! `UtoipaApp::service`, and `precond::openapi::Conditional` applied to what it collected.

use std::sync::Mutex;

use actix_web::{App, get, put, web};
use precond::Versioned;
use precond::actix::{Tagged, conditional};
use serde::{Deserialize, Serialize};
use utoipa::Modify;
use utoipa_actix_web::AppExt;

/// A note, versioned.
#[derive(Clone, Serialize, Deserialize, utoipa::ToSchema, Versioned)]
pub struct Note {
    pub text: String,
    #[versioned(version)]
    pub version: u64,
}

/// The one note, behind a lock.
pub struct Store(pub Mutex<Note>);

/// Reads the note.
#[conditional(cache_control = "no-cache")]
#[utoipa::path(responses((status = 200, description = "The note", body = Note)))]
#[get("/notes/{id}")]
async fn get_note(
    store: web::Data<Store>,
    _id: web::Path<u64>,
    #[current(store.0.lock().map(|n| n.clone()).unwrap_or_else(|e| e.into_inner().clone()))]
    current: Note,
) -> Tagged<Note> {
    Tagged::new(current)
}

/// Replaces the note, if the client's copy is current.
#[conditional(require = "If-Match")]
#[utoipa::path(request_body = Note,
    responses((status = 200, description = "The new note", body = Note)))]
#[put("/notes/{id}")]
async fn put_note(
    store: web::Data<Store>,
    _id: web::Path<u64>,
    #[current(store.0.lock().map(|n| n.clone()).unwrap_or_else(|e| e.into_inner().clone()))]
    current: Note,
    next: web::Json<Note>,
) -> Tagged<Note> {
    let mut note = store.0.lock().unwrap_or_else(|e| e.into_inner());
    // The check passed against `current`; write only if it is still the note.
    if note.version == current.version {
        *note = Note {
            text: next.into_inner().text,
            version: current.version + 1,
        };
    }
    Tagged::new(note.clone())
}

/// The app's services and its document, as utoipa-actix-web collects them.
pub fn app(
    store: web::Data<Store>,
) -> (
    App<
        impl actix_web::dev::ServiceFactory<
            actix_web::dev::ServiceRequest,
            Config = (),
            Response = actix_web::dev::ServiceResponse,
            Error = actix_web::Error,
            InitError = (),
        >,
    >,
    utoipa::openapi::OpenApi,
) {
    let (app, mut api) = App::new()
        .into_utoipa_app()
        .app_data(store)
        .service(get_note)
        .service(put_note)
        .split_for_parts();
    precond::openapi::Conditional.modify(&mut api);
    (app, api)
}
