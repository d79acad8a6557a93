//! The document utoipa-axum collects carries precond's contract, and the router serves it.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::Request;
use precond_axum_extras::{Note, app};
use tower::ServiceExt;

fn store() -> precond_axum_extras::Store {
    Arc::new(Mutex::new(Note {
        text: "first".into(),
        version: 1,
    }))
}

#[test]
fn the_collected_document_has_the_contract() {
    let (_, api) = app(store());
    let api = serde_json::to_value(api).unwrap();
    let put = &api["paths"]["/notes/{id}"]["put"];
    let parameters = put["parameters"].as_array().unwrap();
    let if_match = parameters.iter().find(|p| p["name"] == "If-Match").unwrap();
    assert_eq!(if_match["required"], true);
    // axum_extras read the path parameter from `Path<u64>` in the generated signature.
    assert!(
        parameters
            .iter()
            .any(|p| p["in"] == "path" && p["name"] == "id"),
        "{put}"
    );
    // ... and nothing from precond's own parameters.
    assert!(parameters.iter().all(|p| p["in"] != "query"), "{put}");
    for status in ["200", "412", "428"] {
        assert!(put["responses"].get(status).is_some(), "{status}: {put}");
    }
    let get = &api["paths"]["/notes/{id}"]["get"];
    for status in ["200", "206", "304", "412", "416"] {
        assert!(get["responses"].get(status).is_some(), "{status}: {get}");
    }
}

#[tokio::test]
async fn the_router_answers_as_documented() {
    let (router, _) = app(store());
    let send = |request: Request<Body>| router.clone().oneshot(request);
    let blind = Request::put("/notes/1")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"text":"x","version":0}"#))
        .unwrap();
    assert_eq!(send(blind).await.unwrap().status(), 428);
    let stale = Request::put("/notes/1")
        .header("if-match", "\"0\"")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"text":"x","version":0}"#))
        .unwrap();
    let stale = send(stale).await.unwrap();
    assert_eq!(stale.status(), 412);
    assert_eq!(stale.headers()["etag"], "\"1\"");
    let fresh = Request::get("/notes/1")
        .header("if-none-match", "\"1\"")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(fresh).await.unwrap().status(), 304);
}
