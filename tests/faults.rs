//! Faults in the middle of a write storm: two example servers (axum and actix-web) on one
//! PostgreSQL, writers doing If-Match read-modify-write cycles on one document; one server
//! process is killed with SIGKILL mid-run, and PostgreSQL itself is restarted mid-run.
//!
//! The writers fail over to the surviving process, ride through the database's restart with
//! 5xx / 503 answers and retries, and recover. Afterwards nothing is lost or applied twice:
//! every write a client saw succeed is in the final document, and every write in the document
//! was either seen by its client or in flight when something failed (an answer the client never
//! got). Each writer keeps its own counter in the document, so both are checked exactly.
//!
//! Its own test binary, so that the restart of PostgreSQL hits no other test. Needs root and
//! `PRECOND_PG_CLUSTER` (`.ci/postgres.sh` exports both it and `DATABASE_URL`).

#![cfg(all(feature = "axum", feature = "actix"))]

#[path = "support/databases.rs"]
mod databases;
#[allow(unused_macros)]
#[macro_use]
#[path = "support/documents_suite.rs"]
mod documents_suite;

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use databases::PgSchema;
use documents_suite::Server;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const WRITERS: usize = 12;
const CYCLES: u64 = 150;

/// What the writers learn of the faults.
#[derive(Debug, Default)]
struct Faults {
    /// PostgreSQL has restarted.
    restarted: AtomicBool,
    /// Writes answered 200 after that.
    confirmed_after_restart: AtomicU64,
}

/// What one writer saw.
#[derive(Debug, Default)]
struct Writer {
    /// Writes answered 200.
    confirmed: u64,
    /// Writes whose answer never came (connection reset, refused, timed out) but that the
    /// document showed applied.
    applied_unseen: u64,
    /// Answers 5xx, and requests without an answer.
    failures: u64,
    /// Writes answered 412 and retried.
    conflicts: u64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_process_and_a_restarted_database_lose_nothing() {
    let cluster = std::env::var("PRECOND_PG_CLUSTER").unwrap_or_else(|_| {
        panic!("PRECOND_PG_CLUSTER is not set: run the suite with `bash .ci/test` (as root)")
    });
    let schema = PgSchema::create();
    let url = schema.url();
    let mut doomed = Server::start_with("documents", Some(&url));
    let survivor = Server::start_with("documents_actix", Some(&url));
    let urls = Arc::new([doomed.url("/documents/42"), survivor.url("/documents/42")]);
    let client = Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a client");

    let faults = Arc::new(Faults::default());
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let (client, urls, faults) = (client.clone(), urls.clone(), faults.clone());
        writers.push(tokio::spawn(async move {
            write_cycles(writer, &client, &urls, &faults).await
        }));
    }

    // Mid-run: kill one process, then restart the database, while the writers go on.
    tokio::time::sleep(Duration::from_millis(400)).await;
    doomed.kill();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let restart = tokio::task::spawn_blocking(move || {
        let mut args: Vec<&str> = cluster.split_whitespace().collect();
        args.extend(["restart", "-m", "fast"]);
        Command::new("pg_ctlcluster")
            .args(&args)
            .status()
            .expect("run pg_ctlcluster")
    });
    assert!(
        restart.await.unwrap().success(),
        "PostgreSQL did not restart"
    );
    faults.restarted.store(true, Ordering::Relaxed);

    let mut totals = Writer::default();
    let mut confirmed = Vec::new();
    for task in writers {
        let writer = task.await.expect("a writer panicked");
        totals.confirmed += writer.confirmed;
        totals.applied_unseen += writer.applied_unseen;
        totals.failures += writer.failures;
        totals.conflicts += writer.conflicts;
        confirmed.push(writer);
    }
    let after = faults.confirmed_after_restart.load(Ordering::Relaxed);
    eprintln!(
        "{WRITERS} writers x {CYCLES} cycles through a SIGKILL and a restart of PostgreSQL: \
         {totals:?}; {after} writes confirmed after the restart"
    );
    assert!(
        after > 0,
        "the writers were done before PostgreSQL restarted"
    );

    // The final document, through the surviving process.
    let r = documents_suite::send(client.get(&urls[1])).await;
    r.assert_status(StatusCode::OK);
    let document = r.json();
    let counts: serde_json::Map<String, Value> =
        serde_json::from_str(document["text"].as_str().expect("text")).expect("the counters");
    for (writer, seen) in confirmed.iter().enumerate() {
        let stored = counts[&writer.to_string()].as_u64().expect("a counter");
        // Exactly the writes this writer made: each confirmed, or applied while its answer was
        // lost; never one lost, never one applied twice.
        assert_eq!(stored, CYCLES, "writer {writer}: {seen:?}");
        assert_eq!(
            seen.confirmed + seen.applied_unseen,
            CYCLES,
            "writer {writer}: {seen:?}"
        );
    }
    let version = document["version"].as_u64().expect("a version");
    assert_eq!(
        version,
        1 + WRITERS as u64 * CYCLES,
        "every write moved the version once"
    );
    assert!(
        totals.failures > 0,
        "no fault reached a writer: the test proved nothing"
    );
    assert!(
        totals.conflicts > 0,
        "no conflict happened: the test proved nothing"
    );
}

/// `CYCLES` increments of this writer's counter, each read-modify-write with If-Match. A write
/// without an answer may or may not have been applied: the next read tells which (the counter
/// is either where it was or one further), and anything else is a lost or doubled update. On a
/// failure the writer turns to the other server.
async fn write_cycles(
    writer: usize,
    client: &Client,
    urls: &[String; 2],
    faults: &Faults,
) -> Writer {
    let mut seen = Writer::default();
    let mut expected = 0u64; // the counter as this writer knows it
    let mut unsure = false; // the last write got no answer
    let mut target = writer % 2;
    let deadline = Instant::now() + Duration::from_secs(120);
    while expected < CYCLES {
        assert!(
            Instant::now() < deadline,
            "writer {writer} did not recover: {seen:?}"
        );
        let read = match client.get(&urls[target]).send().await {
            Ok(r) if r.status() == StatusCode::OK => r,
            _ => {
                seen.failures += 1;
                target = 1 - target;
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let etag = read.headers()["etag"].to_str().expect("an ETag").to_owned();
        let Ok(document) = read.json::<Value>().await else {
            seen.failures += 1;
            continue;
        };
        let mut counts: serde_json::Map<String, Value> =
            serde_json::from_str(document["text"].as_str().unwrap_or("{}")).expect("the counters");
        let stored = counts
            .get(&writer.to_string())
            .and_then(Value::as_u64)
            .unwrap_or(0);
        if unsure && stored == expected + 1 {
            // The write whose answer was lost had been applied.
            expected += 1;
            seen.applied_unseen += 1;
        }
        assert_eq!(
            stored, expected,
            "writer {writer} lost (or doubled) an update: {seen:?}"
        );
        unsure = false;
        if expected == CYCLES {
            break;
        }
        counts.insert(writer.to_string(), json!(expected + 1));
        let text = Value::Object(counts).to_string();
        let written = client
            .put(&urls[target])
            .header("If-Match", etag)
            .json(&json!({"title": "contended", "text": text}))
            .send()
            .await;
        match written.map(|r| r.status()) {
            Ok(StatusCode::OK) => {
                expected += 1;
                seen.confirmed += 1;
                if faults.restarted.load(Ordering::Relaxed) {
                    faults
                        .confirmed_after_restart
                        .fetch_add(1, Ordering::Relaxed);
                }
            }
            Ok(StatusCode::PRECONDITION_FAILED) => seen.conflicts += 1,
            Ok(status) if status.is_server_error() => {
                // 503 (or 500): the statement did not commit, or its outcome is unknown to the
                // server too (a connection lost mid-statement). Either way the read decides.
                seen.failures += 1;
                unsure = true;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Ok(status) => panic!("writer {writer}: unexpected {status}"),
            Err(_) => {
                seen.failures += 1;
                unsure = true;
                target = 1 - target;
            }
        }
    }
    seen
}
