//! The smallest precond app on axum: GET, PUT and DELETE of notes, with hashed ETags and writes
//! that compare and swap. `cargo run --example getting_started`, then
//! `curl -i localhost:3000/notes/1`.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use precond::axum::{Rejected, Tagged};
use precond::{Rejection, Versioned, conditional};
use serde::{Deserialize, Serialize};

/// No version field: the ETag is a hash of the fields, so it changes exactly when they do.
#[derive(Clone, Serialize, Deserialize, Versioned)]
struct Note {
    text: String,
}

type Notes = Arc<Mutex<HashMap<u64, Note>>>;

/// 200 with `ETag`, or 304 to a client whose copy is fresh (the body does not run).
#[conditional]
async fn get_note(
    State(notes): State<Notes>,
    Path(id): Path<u64>,
    #[current(notes.lock().unwrap().get(&id).cloned())] current: Option<Note>,
) -> Result<Tagged<Note>, StatusCode> {
    current.map(Tagged::new).ok_or(StatusCode::NOT_FOUND)
}

/// Without `If-Match`: 428. With a stale one: 412 and the current ETag, before the body is
/// read. `If-None-Match: *` creates.
#[conditional(require = "If-Match: etag | If-None-Match")]
async fn put_note(
    State(notes): State<Notes>,
    Path(id): Path<u64>,
    #[current(notes.lock().unwrap().get(&id).cloned())] current: Option<Note>,
    Json(note): Json<Note>,
) -> Result<Tagged<Note>, Rejected> {
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
    State(notes): State<Notes>,
    Path(id): Path<u64>,
    #[current(notes.lock().unwrap().get(&id).cloned())] current: Option<Note>,
) -> Result<StatusCode, Rejected> {
    let mut notes = notes.lock().unwrap();
    match (notes.get(&id), current) {
        (Some(stored), Some(current)) if stored.etag() == current.etag() => {
            notes.remove(&id);
            Ok(StatusCode::NO_CONTENT)
        }
        (None, None) => Ok(StatusCode::NOT_FOUND),
        (stored, _) => {
            let winner = stored.map(Note::validators);
            Err(Rejection::precondition_failed(winner.as_ref()).into())
        }
    }
}

pub fn app() -> Router {
    let notes = Notes::default();
    let first = Note {
        text: "Buy milk".into(),
    };
    notes.lock().unwrap().insert(1, first);
    Router::new()
        .route(
            "/notes/{id}",
            get(get_note).put(put_note).delete(delete_note),
        )
        .with_state(notes)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    axum::serve(listener, app()).await
}
