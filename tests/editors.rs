//! `examples/editors.rs` (concurrent read-modify-write through `precond::client`) against both
//! documents examples: it must report no lost update, and the document must hold every marker
//! of the updates it reports.

#[path = "support/databases.rs"]
mod databases;
#[allow(unused_macros)]
#[macro_use]
#[path = "support/documents_suite.rs"]
mod documents_suite;

use std::process::Command;

use documents_suite::{Server, example_binary};

fn run_editors(server: &Server, writers: usize, cycles: usize) -> String {
    let output = Command::new(example_binary("editors"))
        .args(["--url", &server.url("/documents/42")])
        .args([
            "--writers",
            &writers.to_string(),
            "--cycles",
            &cycles.to_string(),
        ])
        .output()
        .expect("run the editors example");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "editors failed: {stdout}{stderr}");
    stdout
}

fn check(example: &str) {
    let server = Server::start(example);
    let report = run_editors(&server, 16, 10);
    eprintln!("{example}: {report}");
    assert!(report.contains("lost: 0, applied twice: 0"), "{report}");
    // Every update succeeded (the attempts suffice for 16 writers) and conflicts did happen:
    // otherwise the run proved nothing.
    assert!(
        report.contains("160 updates succeeded, 0 ran out"),
        "{report}"
    );
    assert!(
        !report.contains(" 0 conflicts"),
        "no conflict happened: {report}"
    );
}

#[test]
fn editors_lose_no_update_on_axum() {
    check("documents");
}

#[test]
fn editors_lose_no_update_on_actix() {
    check("documents_actix");
}
