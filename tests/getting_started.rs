//! The README's getting-started apps (`examples/getting_started.rs` on axum,
//! `examples/getting_started_actix.rs` on actix-web), served on loopback and driven through one
//! scenario: what a new user's first session with them looks like. And the README shows them
//! exactly as they are.

#[allow(dead_code)]
#[path = "../examples/getting_started.rs"]
mod axum_app;

#[allow(dead_code)]
#[path = "../examples/getting_started_actix.rs"]
mod actix_app;

use reqwest::StatusCode;
use serde_json::{Value, json};

async fn serve_axum() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, axum_app::app()).await });
    format!("http://{address}/notes")
}

fn serve_actix() -> String {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let app = actix_app::app();
            let server =
                actix_web::HttpServer::new(move || actix_web::App::new().configure(app.clone()))
                    .workers(2)
                    .bind(("127.0.0.1", 0))
                    .unwrap();
            sender.send(server.addrs()[0]).unwrap();
            server.run().await
        })
    });
    let address = receiver.recv().unwrap();
    format!("http://{address}/notes")
}

/// Read, write with the ETag read, be refused with a stale one and without one, create once,
/// delete with the current ETag.
async fn first_session(base: &str) {
    let client = reqwest::Client::new();
    let one = format!("{base}/1");

    let read = client.get(&one).send().await.unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let etag = read.headers()["etag"].to_str().unwrap().to_owned();
    assert!(
        etag.starts_with('"') && etag.len() > 10,
        "a hashed, strong ETag: {etag}"
    );
    assert_eq!(
        read.json::<Value>().await.unwrap(),
        json!({"text": "Buy milk"})
    );

    // A fresh copy: 304.
    let fresh = client
        .get(&one)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), StatusCode::NOT_MODIFIED);

    // A blind write, and one with `If-Match: *`: 428, nothing written.
    for blind in [None, Some("*")] {
        let mut put = client.put(&one).json(&json!({"text": "Blind"}));
        if let Some(value) = blind {
            put = put.header("if-match", value);
        }
        let r = put.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::PRECONDITION_REQUIRED, "{blind:?}");
    }

    // The write with the ETag read: 200 and a new ETag.
    let r = client
        .put(&one)
        .header("if-match", &etag)
        .json(&json!({"text": "Buy oat milk"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let new_etag = r.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(new_etag, etag);

    // Another client still holding the first ETag: 412, with the current one.
    let r = client
        .put(&one)
        .header("if-match", &etag)
        .json(&json!({"text": "Lost"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["current_etag"], new_etag.as_str());
    assert_eq!(body["reason"], "changed");

    // The same tag without its quotes: 412 that says to keep them.
    let r = client
        .put(&one)
        .header("if-match", new_etag.trim_matches('"'))
        .json(&json!({"text": "Unquoted"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        r.json::<Value>().await.unwrap()["reason"],
        "etag_not_quoted"
    );

    // Create once with If-None-Match: *.
    let two = format!("{base}/2");
    let create = || {
        client
            .put(&two)
            .header("if-none-match", "*")
            .json(&json!({"text": "Call mum"}))
    };
    assert_eq!(create().send().await.unwrap().status(), StatusCode::CREATED);
    assert_eq!(
        create().send().await.unwrap().status(),
        StatusCode::PRECONDITION_FAILED
    );

    // Delete: stale is 412, current is 204, then it is gone.
    let r = client
        .delete(&one)
        .header("if-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    let r = client
        .delete(&one)
        .header("if-match", &new_etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        client.get(&one).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_axum_app_does_what_the_readme_says() {
    first_session(&serve_axum().await).await;
}

#[tokio::test]
async fn the_actix_app_does_what_the_readme_says() {
    first_session(&serve_actix()).await;
}

/// The README's getting-started code is each example file, line for line (its hidden `# `
/// lines, which wrap it for the doctest, aside).
#[test]
fn the_readme_shows_the_examples_as_they_are() {
    let readme = include_str!("../README.md");
    for (name, source) in [
        (
            "getting_started.rs",
            include_str!("../examples/getting_started.rs"),
        ),
        (
            "getting_started_actix.rs",
            include_str!("../examples/getting_started_actix.rs"),
        ),
    ] {
        let shown: String = readme
            .lines()
            .filter(|line| !line.starts_with("# ") && *line != "#")
            .map(|line| format!("{line}\n"))
            .collect();
        assert!(
            shown.contains(source),
            "README.md does not show examples/{name} as it is"
        );
    }
}
