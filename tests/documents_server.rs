//! The `documents` example as a user runs it: the real binary on a loopback port, driven by a
//! real HTTP client.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// The example binary, built by `cargo test` next to this test's own binary.
fn example_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    // target/<profile>/deps/this-test → target/<profile>/examples/documents
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target profile dir");
    profile_dir
        .join("examples")
        .join(format!("documents{}", std::env::consts::EXE_SUFFIX))
}

/// A running example server, killed on drop.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start() -> Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let mut child = Command::new(example_binary())
            .env("PORT", port.to_string())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the documents example (built by cargo test)");
        // Wait until it says it is serving.
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the example's first line");
        assert!(line.contains("serving on"), "unexpected output: {line}");
        Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn etag_of(response: &reqwest::Response) -> String {
    response.headers()["etag"]
        .to_str()
        .expect("ascii etag")
        .to_owned()
}

#[tokio::test]
async fn the_readme_flow() {
    let server = Server::start();
    let client = Client::new();
    let doc = server.url("/documents/42");

    // Fetch the seed.
    let r = client.get(&doc).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let etag = etag_of(&r);
    assert_eq!(etag, "\"1\"");
    assert_eq!(
        r.headers()["last-modified"],
        "Wed, 01 Jan 2025 00:00:00 GMT"
    );
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body,
        json!({"id": 42, "title": "My Document", "version": 1})
    );

    // A fresh copy gets 304 with its validators and no body.
    let r = client
        .get(&doc)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(etag_of(&r), etag);
    assert!(r.bytes().await.unwrap().is_empty());
    let r = client
        .get(&doc)
        .header("If-Modified-Since", "Wed, 01 Jan 2025 00:00:00 GMT")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);

    // A write without a precondition: 428, not cacheable, says what to send.
    let r = client
        .put(&doc)
        .json(&json!({"title": "blind"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "precondition_required");
    assert!(body["message"].as_str().unwrap().contains("If-Match"));

    // Update with the current ETag.
    let r = client
        .put(&doc)
        .header("If-Match", &etag)
        .json(&json!({"title": "First"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let new_etag = etag_of(&r);
    assert_eq!(new_etag, "\"2\"");

    // A second writer with the stale ETag: 412 with the current one, in header and body.
    let r = client
        .put(&doc)
        .header("If-Match", &etag)
        .json(&json!({"title": "Second"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(etag_of(&r), new_etag);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "precondition_failed");
    assert_eq!(body["current_etag"], new_etag.as_str());

    // Re-fetch and retry with the pasted current_etag.
    let r = client
        .put(&doc)
        .header("If-Match", body["current_etag"].as_str().unwrap())
        .json(&json!({"title": "Second", "text": "merged"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body,
        json!({"id": 42, "title": "Second", "text": "merged", "version": 3})
    );

    // Create only if absent, twice.
    let new = server.url("/documents/7");
    let create = || {
        client
            .put(&new)
            .header("If-None-Match", "*")
            .json(&json!({"title": "New"}))
            .send()
    };
    assert_eq!(create().await.unwrap().status(), StatusCode::CREATED);
    assert_eq!(
        create().await.unwrap().status(),
        StatusCode::PRECONDITION_FAILED
    );

    // Delete needs the current ETag too.
    let r = client.delete(&new).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_REQUIRED);
    let r = client
        .delete(&new)
        .header("If-Match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = client.get(&new).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

/// 64 writers, 100 read-modify-write cycles each, with If-Match and retry on 412: every
/// successful write is in the final version, none is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_lose_no_update() {
    const WRITERS: u64 = 64;
    const CYCLES: u64 = 100;
    let server = Server::start();
    let client = Client::new();
    let doc = server.url("/documents/42");

    let mut tasks = Vec::new();
    for writer in 0..WRITERS {
        let client = client.clone();
        let doc = doc.clone();
        tasks.push(tokio::spawn(async move {
            let mut conflicts = 0u64;
            for cycle in 0..CYCLES {
                loop {
                    let r = client.get(&doc).send().await.unwrap();
                    let etag = etag_of(&r);
                    let current: Value = r.json().await.unwrap();
                    // The "modification": increment this writer's own counter, kept in the
                    // text as a JSON object. A lost update would lose an increment.
                    let mut counts: serde_json::Map<String, Value> =
                        serde_json::from_str(current["text"].as_str().unwrap_or("{}"))
                            .unwrap_or_default();
                    let mine = counts.get(&writer.to_string()).and_then(Value::as_u64);
                    assert_eq!(mine.unwrap_or(0), cycle, "writer {writer} lost an update");
                    counts.insert(writer.to_string(), json!(cycle + 1));
                    let text = Value::Object(counts).to_string();
                    let r = client
                        .put(&doc)
                        .header("If-Match", &etag)
                        .json(&json!({"title": "contended", "text": text}))
                        .send()
                        .await
                        .unwrap();
                    match r.status() {
                        StatusCode::OK => break,
                        StatusCode::PRECONDITION_FAILED => conflicts += 1,
                        other => panic!("unexpected {other}"),
                    }
                }
            }
            conflicts
        }));
    }
    let mut conflicts = 0;
    for task in tasks {
        conflicts += task.await.unwrap();
    }

    let final_doc: Value = client.get(&doc).send().await.unwrap().json().await.unwrap();
    assert_eq!(final_doc["version"], 1 + WRITERS * CYCLES);
    let counts: serde_json::Map<String, Value> =
        serde_json::from_str(final_doc["text"].as_str().unwrap()).unwrap();
    assert_eq!(counts.len() as u64, WRITERS);
    for writer in 0..WRITERS {
        assert_eq!(
            counts[&writer.to_string()],
            CYCLES,
            "writer {writer} lost updates"
        );
    }
    // With 64 writers on one document, contention must actually have happened.
    assert!(conflicts > 0, "the test did not exercise any conflict");
}
