//! A note service on axum, documented with utoipa-axum's `OpenApiRouter` and `routes!`, with
//! utoipa's `axum_extras`: `#[conditional]` above `#[utoipa::path]`, and
//! `precond::openapi::Conditional` applied to what the router collected.

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use precond::Versioned;
use precond::axum::Tagged;
use precond::conditional;
use serde::{Deserialize, Serialize};
use utoipa::Modify;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// A note, versioned.
#[derive(Clone, Serialize, Deserialize, utoipa::ToSchema, Versioned)]
pub struct Note {
    pub text: String,
    #[versioned(version)]
    pub version: u64,
}

/// The one note, behind a lock.
pub type Store = Arc<Mutex<Note>>;

fn read(store: &Store) -> Note {
    store.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Reads the note.
#[conditional(cache_control = "no-cache")]
#[utoipa::path(get, path = "/notes/{id}",
    responses((status = 200, description = "The note", body = Note)))]
async fn get_note(
    State(store): State<Store>,
    Path(_id): Path<u64>,
    #[current(read(&store))] current: Note,
) -> Tagged<Note> {
    Tagged::new(current)
}

/// Replaces the note, if the client's copy is current.
#[conditional(require = "If-Match")]
#[utoipa::path(put, path = "/notes/{id}", request_body = Note,
    responses((status = 200, description = "The new note", body = Note)))]
async fn put_note(
    State(store): State<Store>,
    Path(_id): Path<u64>,
    #[current(read(&store))] current: Note,
    Json(next): Json<Note>,
) -> Tagged<Note> {
    let mut note = store.lock().unwrap_or_else(|e| e.into_inner());
    if note.version == current.version {
        *note = Note {
            text: next.text,
            version: current.version + 1,
        };
    }
    Tagged::new(note.clone())
}

/// The router and its document.
pub fn app(store: Store) -> (Router, utoipa::openapi::OpenApi) {
    let (router, mut api) = OpenApiRouter::new()
        .routes(routes!(get_note, put_note))
        .with_state(store)
        .split_for_parts();
    precond::openapi::Conditional.modify(&mut api);
    (router, api)
}
