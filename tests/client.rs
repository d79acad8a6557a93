//! `precond::client` against real servers on loopback that misbehave on purpose, each written
//! here: what each answer leads to, in bounded time. The servers are plain axum handlers (not
//! precond's), as any server speaking RFC 9110 would be; one is raw TCP, to drop a connection.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use precond::ETag;
use precond::client::{Client, Error, Retry};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Doc {
    n: u64,
    markers: Vec<String>,
}

/// How the test server answers.
#[derive(Clone, Copy, Debug)]
enum Behaviour {
    /// Honest: If-Match against the version, 412 with the current ETag, 428 without.
    Honest,
    /// Honest, but the first `n` writes get 412 whatever their tag.
    ConflictsFirst(u32),
    /// Every write gets 412.
    AlwaysConflict,
    /// Every write gets 428.
    Requires,
    /// Every write gets 500.
    Broken,
    /// The first write gets 503 with `Retry-After: 0`, then honest.
    UnavailableOnce,
    /// GETs carry no ETag.
    NoEtag,
    /// GETs carry only a weak ETag.
    WeakEtag,
    /// Every GET has a new ETag, so no write ever matches.
    Churn,
    /// 404 to everything.
    Gone,
}

struct Server {
    behaviour: Behaviour,
    doc: Mutex<(u64, Option<Doc>)>,
    gets: AtomicU32,
    writes: AtomicU32,
    not_modified: AtomicU32,
    last_write: Mutex<Option<(Method, String, Vec<u8>)>>,
}

type Shared = Arc<Server>;

async fn handle(
    State(s): State<Shared>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let tag = |version: u64| format!("\"{version}\"");
    if let Behaviour::Gone = s.behaviour {
        return StatusCode::NOT_FOUND.into_response();
    }
    let mut doc = s.doc.lock().unwrap();
    match method {
        Method::GET => {
            let n = s.gets.fetch_add(1, Ordering::SeqCst);
            let Some(current) = doc.1.clone() else {
                return StatusCode::NOT_FOUND.into_response();
            };
            let etag = match s.behaviour {
                Behaviour::NoEtag => None,
                Behaviour::WeakEtag => Some(format!("W/{}", tag(doc.0))),
                Behaviour::Churn => Some(format!("\"churn-{n}\"")),
                _ => Some(tag(doc.0)),
            };
            if let Some(etag) = &etag
                && header("if-none-match").as_ref() == Some(etag)
            {
                s.not_modified.fetch_add(1, Ordering::SeqCst);
                return (StatusCode::NOT_MODIFIED, [("etag", etag.clone())]).into_response();
            }
            let mut response = axum::Json(current).into_response();
            if let Some(etag) = etag {
                response.headers_mut().insert("etag", etag.parse().unwrap());
            }
            response
        }
        Method::PUT | Method::PATCH | Method::DELETE => {
            let n = s.writes.fetch_add(1, Ordering::SeqCst);
            *s.last_write.lock().unwrap() = Some((
                method.clone(),
                header("content-type").unwrap_or_default(),
                body.to_vec(),
            ));
            let conflict = || {
                (
                    StatusCode::PRECONDITION_FAILED,
                    [("etag", tag(doc.0))],
                    r#"{"error":"precondition_failed"}"#,
                )
                    .into_response()
            };
            match s.behaviour {
                Behaviour::AlwaysConflict | Behaviour::Churn => return conflict(),
                Behaviour::ConflictsFirst(k) if n < k => return conflict(),
                Behaviour::Requires => {
                    return (
                        StatusCode::PRECONDITION_REQUIRED,
                        axum::Json(json!({"error": "precondition_required", "message": "Resubmit it with If-Match set to the ETag you last fetched."})),
                    )
                        .into_response();
                }
                Behaviour::Broken => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
                Behaviour::UnavailableOnce if n == 0 => {
                    return (StatusCode::SERVICE_UNAVAILABLE, [("retry-after", "0")])
                        .into_response();
                }
                _ => {}
            }
            if header("if-none-match").as_deref() == Some("*") {
                if doc.1.is_some() {
                    return conflict();
                }
                doc.0 = 1;
                doc.1 = serde_json::from_slice(&body).ok();
                return (StatusCode::CREATED, [("etag", tag(1))], body).into_response();
            }
            match header("if-match") {
                None => return StatusCode::PRECONDITION_REQUIRED.into_response(),
                Some(sent) if sent != tag(doc.0) || doc.1.is_none() => return conflict(),
                Some(_) => {}
            }
            if method == Method::DELETE {
                doc.1 = None;
                return StatusCode::NO_CONTENT.into_response();
            }
            let next: Doc = if method == Method::PATCH {
                let mut value = serde_json::to_value(doc.1.clone().unwrap()).unwrap();
                let patch: Value = serde_json::from_slice(&body).unwrap();
                for (k, v) in patch.as_object().unwrap() {
                    value[k] = v.clone();
                }
                serde_json::from_value(value).unwrap()
            } else {
                serde_json::from_slice(&body).unwrap()
            };
            doc.0 += 1;
            doc.1 = Some(next.clone());
            let mut response = axum::Json(next).into_response();
            response
                .headers_mut()
                .insert("etag", tag(doc.0).parse().unwrap());
            response
        }
        _ => StatusCode::METHOD_NOT_ALLOWED.into_response(),
    }
}

async fn serve(behaviour: Behaviour) -> (String, Shared) {
    let state = Arc::new(Server {
        behaviour,
        doc: Mutex::new((
            1,
            Some(Doc {
                n: 0,
                markers: vec![],
            }),
        )),
        gets: AtomicU32::new(0),
        writes: AtomicU32::new(0),
        not_modified: AtomicU32::new(0),
        last_write: Mutex::new(None),
    });
    let app = Router::new()
        .route("/doc", any(handle))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{address}/doc"), state)
}

/// Short waits, so that the tests are quick; the shape is the default's.
fn quick() -> Client {
    Client::new().retry(
        Retry::default()
            .attempts(5)
            .initial_delay(Duration::from_millis(1))
            .max_delay(Duration::from_millis(20)),
    )
}

/// Runs `future` within 10 s.
async fn bounded<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), future)
        .await
        .expect("the client must answer in bounded time")
}

fn bump(doc: &mut Doc) {
    doc.n += 1;
}

#[tokio::test]
async fn an_honest_server_takes_one_write() {
    let (url, server) = serve(Behaviour::Honest).await;
    let updated = bounded(quick().update(&url, bump)).await.unwrap();
    assert_eq!((updated.attempts, updated.conflicts), (1, 0));
    assert_eq!(updated.resource.value.n, 1);
    assert_eq!(updated.resource.etag, Some(ETag::from_version(2)));
    let (method, _, body) = server.last_write.lock().unwrap().clone().unwrap();
    assert_eq!(method, Method::PUT);
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap(),
        json!({"n": 1, "markers": []})
    );
}

#[tokio::test]
async fn conflicts_are_refetched_reapplied_and_retried() {
    let (url, server) = serve(Behaviour::ConflictsFirst(3)).await;
    let mut edits = 0;
    let updated = bounded(quick().update(&url, |doc: &mut Doc| {
        edits += 1;
        bump(doc);
    }))
    .await
    .unwrap();
    assert_eq!((updated.attempts, updated.conflicts), (4, 3));
    assert_eq!(edits, 4, "the edit runs on each fresh read");
    assert_eq!(
        server.gets.load(Ordering::SeqCst),
        4,
        "a GET before each write"
    );
    assert_eq!(
        updated.resource.value.n, 1,
        "applied once, to the last read"
    );
}

#[tokio::test]
async fn conflicts_without_end_exhaust_the_attempts() {
    for behaviour in [Behaviour::AlwaysConflict, Behaviour::Churn] {
        let (url, server) = serve(behaviour).await;
        let started = Instant::now();
        let error = bounded(quick().update(&url, bump)).await.unwrap_err();
        let Error::Conflict {
            attempts,
            current_etag,
        } = error
        else {
            panic!("{behaviour:?}: {error:?}");
        };
        assert_eq!(attempts, 5);
        assert_eq!(
            current_etag.as_deref(),
            Some("\"1\""),
            "the 412's ETag, as a hint"
        );
        assert_eq!(server.writes.load(Ordering::SeqCst), 5);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }
}

#[tokio::test]
async fn a_428_names_what_the_server_asks_for() {
    let (url, server) = serve(Behaviour::Requires).await;
    let error = bounded(quick().update(&url, bump)).await.unwrap_err();
    let Error::PreconditionRequired { asked_for, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(asked_for, &["If-Match"]);
    assert!(error.to_string().contains("If-Match"), "{error}");
    assert_eq!(server.writes.load(Ordering::SeqCst), 1, "not retried");
}

#[tokio::test]
async fn a_500_to_the_write_is_not_retried() {
    let (url, server) = serve(Behaviour::Broken).await;
    let error = bounded(quick().update(&url, bump)).await.unwrap_err();
    assert!(
        matches!(error, Error::Status { status, .. } if status == StatusCode::INTERNAL_SERVER_ERROR),
        "{error:?}"
    );
    assert_eq!(
        server.writes.load(Ordering::SeqCst),
        1,
        "its outcome is unknown: once"
    );
}

#[tokio::test]
async fn a_503_is_waited_out_and_retried() {
    let (url, server) = serve(Behaviour::UnavailableOnce).await;
    let updated = bounded(quick().update(&url, bump)).await.unwrap();
    assert_eq!((updated.attempts, updated.conflicts), (2, 0));
    assert_eq!(server.writes.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn no_strong_etag_means_no_write() {
    for (behaviour, weak) in [
        (Behaviour::NoEtag, None),
        (Behaviour::WeakEtag, Some("W/\"1\"")),
    ] {
        let (url, server) = serve(behaviour).await;
        let error = bounded(quick().update(&url, bump)).await.unwrap_err();
        let Error::NoEtag { weak: sent } = error else {
            panic!("{behaviour:?}: {error:?}");
        };
        assert_eq!(sent.as_deref(), weak);
        assert_eq!(server.writes.load(Ordering::SeqCst), 0);
    }
}

#[tokio::test]
async fn a_missing_resource_is_gone() {
    let (url, _) = serve(Behaviour::Gone).await;
    let error = bounded(quick().update(&url, bump)).await.unwrap_err();
    assert!(
        matches!(error, Error::Gone { status } if status == StatusCode::NOT_FOUND),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_edit_can_give_up() {
    let (url, server) = serve(Behaviour::Honest).await;
    let error = bounded(quick().try_update(&url, |doc: &mut Doc| {
        if doc.n == 0 {
            Err("a conflict to show the user")
        } else {
            Ok(())
        }
    }))
    .await
    .unwrap_err();
    assert!(
        matches!(&error, Error::Aborted(reason) if reason.to_string() == "a conflict to show the user"),
        "{error:?}"
    );
    assert_eq!(server.writes.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn merge_patches_send_only_what_changed() {
    let (url, server) = serve(Behaviour::Honest).await;
    let updated = bounded(quick().merge_patch().update(&url, |doc: &mut Doc| {
        doc.markers.push("mine".into());
    }))
    .await
    .unwrap();
    assert_eq!(updated.resource.value.markers, ["mine"]);
    let (method, media, body) = server.last_write.lock().unwrap().clone().unwrap();
    assert_eq!(method, Method::PATCH);
    assert_eq!(media, "application/merge-patch+json");
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap(),
        json!({"markers": ["mine"]})
    );
}

#[tokio::test]
async fn create_only_and_delete_if_unchanged() {
    let (url, server) = serve(Behaviour::Honest).await;
    let client = quick();
    // Exists already: create refuses.
    let error = bounded(client.create(
        &url,
        Doc {
            n: 7,
            markers: vec![],
        },
    ))
    .await
    .unwrap_err();
    assert!(
        matches!(&error, Error::AlreadyExists { current_etag } if current_etag.as_deref() == Some("\"1\"")),
        "{error:?}"
    );
    // Delete with a stale tag: refused; with the current one: done.
    let error = bounded(client.delete(&url, &ETag::from_version(0)))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Conflict { attempts: 1, .. }),
        "{error:?}"
    );
    bounded(client.delete(&url, &ETag::from_version(1)))
        .await
        .unwrap();
    assert!(server.doc.lock().unwrap().1.is_none());
    // Now create succeeds, once.
    let created = bounded(client.create(
        &url,
        Doc {
            n: 7,
            markers: vec![],
        },
    ))
    .await
    .unwrap();
    assert_eq!(created.etag, Some(ETag::from_version(1)));
    assert_eq!(created.value.n, 7);
}

#[tokio::test]
async fn conditional_gets_reuse_the_cached_body() {
    let (url, server) = serve(Behaviour::Honest).await;
    let client = quick().cache(10);
    let first = bounded(client.get::<Doc>(&url)).await.unwrap();
    assert!(!first.from_cache);
    let second = bounded(client.get::<Doc>(&url)).await.unwrap();
    assert!(second.from_cache);
    assert_eq!(second.value, first.value);
    assert_eq!(server.not_modified.load(Ordering::SeqCst), 1);
    // A write through the client forgets the entry; a change by someone else is a 200.
    bounded(client.update(&url, bump)).await.unwrap();
    let third = bounded(client.get::<Doc>(&url)).await.unwrap();
    assert!(!third.from_cache);
    assert_eq!(third.value.n, 1);
}

/// A server that answers GETs and drops the connection on a write without answering.
async fn dropping_server() -> (String, Arc<AtomicU32>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let writes = Arc::new(AtomicU32::new(0));
    let counter = writes.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut buffer = vec![0; 8192];
                loop {
                    let Ok(n) = socket.read(&mut buffer).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    if buffer.starts_with(b"GET") {
                        let body = r#"{"n":0,"markers":[]}"#;
                        let answer = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\netag: \"1\"\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = socket.write_all(answer.as_bytes()).await;
                    } else {
                        counter.fetch_add(1, Ordering::SeqCst);
                        return; // dropped, unanswered
                    }
                }
            });
        }
    });
    (format!("http://{address}/doc"), writes)
}

#[tokio::test]
async fn a_dropped_write_is_a_transport_error_not_a_retry() {
    let (url, writes) = dropping_server().await;
    let error = bounded(quick().update(&url, bump)).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(writes.load(Ordering::SeqCst), 1);
}
