//! The guarantee itself, across processes: two example servers (one axum, one actix-web) on
//! different ports, both on the same PostgreSQL (`DATABASE_URL`, a schema of its own per test),
//! hit by concurrent clients. Each write is one conditional statement, so no interleaving of the
//! two processes can lose an update; these tests show it with real concurrency.
//!
//! - 64 writers x 100 read-modify-write cycles with `If-Match`: zero lost updates, final version
//!   = 1 + successes, and conflicts did occur;
//! - the same with `If-Unmodified-Since`, half the clients sending the `Last-Modified` they read
//!   and half the `Date` of their read (fewer cycles: one such write per second can pass);
//! - a 50-way `If-None-Match: *` create race on one new id: exactly one 201;
//! - DELETE racing PUTs on the same version: exactly one wins, never a resurrected document;
//! - the same `If-Match` race on a SQLite file shared by the two processes.

#![cfg(all(feature = "axum", feature = "actix"))]

#[path = "support/databases.rs"]
mod databases;
#[allow(unused_macros)]
#[macro_use]
#[path = "support/documents_suite.rs"]
mod documents_suite;

use databases::{PgSchema, Sqlite};
use documents_suite::{By, Server, send, writers_lose_no_update};
use reqwest::StatusCode;
use serde_json::json;

/// An axum and an actix-web server on one database.
fn two_servers(database_url: &str) -> (Server, Server) {
    // One after the other: the first creates the table and the seed.
    let axum = Server::start_with("documents", Some(database_url));
    let actix = Server::start_with("documents_actix", Some(database_url));
    (axum, actix)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn if_match_writers_lose_no_update_across_two_processes() {
    let schema = PgSchema::create();
    let (a, b) = two_servers(&schema.url());
    let outcome = writers_lose_no_update(&[&a, &b], "/documents/42", 64, 100, By::IfMatch).await;
    assert!(
        outcome.conflicts > 0,
        "no conflict happened: the test proved nothing"
    );
    assert_eq!(outcome.unavailable, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn if_unmodified_since_writers_lose_no_update_across_two_processes() {
    let schema = PgSchema::create();
    let (a, b) = two_servers(&schema.url());
    let outcome =
        writers_lose_no_update(&[&a, &b], "/documents/42", 6, 2, By::IfUnmodifiedSince).await;
    assert!(
        outcome.conflicts > 0,
        "no conflict happened: the test proved nothing"
    );
    assert_eq!(outcome.unavailable, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_creates_of_one_id_make_one_document() {
    let schema = PgSchema::create();
    let (a, b) = two_servers(&schema.url());
    let servers = [&a, &b];
    let mut tasks = Vec::new();
    for creator in 0..50 {
        let request = servers[creator % 2]
            .put(
                "/documents/777",
                json!({"title": format!("creator {creator}")}),
            )
            .header("If-None-Match", "*");
        tasks.push(tokio::spawn(send(request)));
    }
    let mut created = Vec::new();
    let mut refused = 0;
    for task in tasks {
        let r = task.await.expect("a creator panicked");
        match r.status {
            StatusCode::CREATED => created.push(r),
            StatusCode::PRECONDITION_FAILED => {
                refused += 1;
                assert_eq!(r.expect_header("etag"), "\"1\"", "{r:?}");
            }
            _ => panic!("unexpected {r:?}"),
        }
    }
    assert_eq!(created.len(), 1, "{} creates succeeded", created.len());
    assert_eq!(refused, 49);
    let winner = created[0].json();
    for server in servers {
        let stored = send(server.get("/documents/777")).await;
        assert_eq!(stored.json(), winner, "both processes see the one document");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_racing_puts_never_resurrects() {
    let schema = PgSchema::create();
    let (a, b) = two_servers(&schema.url());
    let servers = [&a, &b];
    let mut deletes_won = 0;
    for round in 0..20 {
        let doc = format!("/documents/{}", 1000 + round);
        let r = send(
            a.put(&doc, json!({"title": "start"}))
                .header("If-None-Match", "*"),
        )
        .await;
        r.assert_status(StatusCode::CREATED);
        let etag = r.expect_header("etag").to_owned();
        // One DELETE and eight PUTs, all holding version 1, at once, over both processes.
        let mut tasks = Vec::new();
        tasks.push(tokio::spawn(send(
            servers[round % 2]
                .delete(&doc)
                .header("If-Match", etag.clone()),
        )));
        for writer in 0..8 {
            tasks.push(tokio::spawn(send(
                servers[(round + writer) % 2]
                    .put(&doc, json!({"title": format!("writer {writer}")}))
                    .header("If-Match", etag.clone()),
            )));
        }
        let mut replies = Vec::new();
        for task in tasks {
            replies.push(task.await.expect("a client panicked"));
        }
        let winners: Vec<_> = replies.iter().filter(|r| r.status.is_success()).collect();
        assert_eq!(winners.len(), 1, "round {round}: {replies:?}");
        for r in &replies {
            assert!(
                r.status.is_success() || r.status == StatusCode::PRECONDITION_FAILED,
                "{r:?}"
            );
        }
        let deleted = replies[0].status == StatusCode::NO_CONTENT;
        for server in servers {
            let now = send(server.get(&doc)).await;
            if deleted {
                // Gone, and staying gone: no late write brings it back.
                now.assert_status(StatusCode::NOT_FOUND);
            } else {
                now.assert_status(StatusCode::OK);
                assert_eq!(now.expect_header("etag"), "\"2\"");
                assert_eq!(now.json(), winners[0].json());
            }
        }
        if deleted {
            deletes_won += 1;
            let late = send(
                b.put(&doc, json!({"title": "late"}))
                    .header("If-Match", etag.clone()),
            )
            .await;
            late.assert_status(StatusCode::PRECONDITION_FAILED);
            send(a.get(&doc)).await.assert_status(StatusCode::NOT_FOUND);
        }
    }
    eprintln!("delete won {deletes_won} of 20 rounds");
}

/// Two processes on one SQLite file (WAL): the same conditional statements, the same guarantee.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn if_match_writers_lose_no_update_on_a_shared_sqlite_file() {
    let file = Sqlite::fresh(&[]).await;
    let url = file.url();
    let (a, b) = two_servers(&url);
    let outcome = writers_lose_no_update(&[&a, &b], "/documents/42", 16, 25, By::IfMatch).await;
    assert!(
        outcome.conflicts > 0,
        "no conflict happened: the test proved nothing"
    );
}
