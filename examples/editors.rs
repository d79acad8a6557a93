//! N concurrent editors on one document, each appending its own markers through
//! `precond::client`'s read-modify-write, against any documents-style API (a JSON object with a
//! string field `text`, PUT back with `If-Match`): at the end, every marker of every update that
//! succeeded must be in the document exactly once. Exits non-zero if an update was lost (or
//! applied twice).
//!
//! ```sh
//! cargo run --example documents &
//! cargo run --example editors --features client -- \
//!     --url http://127.0.0.1:3000/documents/42 --writers 64 --cycles 50
//! ```
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use precond::client::{Client, Error, Retry};
use serde_json::Value;

/// The command line: `--url`, `--writers`, `--cycles`, `--attempts`.
struct Args {
    url: String,
    writers: usize,
    cycles: usize,
    attempts: u32,
}

fn args() -> Result<Args, String> {
    let mut args = Args {
        url: "http://127.0.0.1:3000/documents/42".into(),
        writers: 64,
        cycles: 50,
        attempts: 500,
    };
    let mut given = std::env::args().skip(1);
    while let Some(flag) = given.next() {
        let mut value = || given.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => args.url = value()?,
            "--writers" => {
                args.writers = value()?.parse().map_err(|e| format!("--writers: {e}"))?
            }
            "--cycles" => args.cycles = value()?.parse().map_err(|e| format!("--cycles: {e}"))?,
            "--attempts" => {
                args.attempts = value()?.parse().map_err(|e| format!("--attempts: {e}"))?;
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

/// What one editor did.
#[derive(Default)]
struct Tally {
    /// The markers of its updates that succeeded.
    written: Vec<String>,
    /// 412s met on the way.
    conflicts: u32,
    /// Updates that ran out of attempts (not lost: never written).
    exhausted: u32,
}

fn marker(writer: usize, cycle: usize) -> String {
    format!("[w{writer}c{cycle}]")
}

/// Appends `marker` to the document's `text` (creating it if absent), once.
fn append(document: &mut Value, marker: &str) {
    let text = document
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !text.contains(marker) {
        let text = format!("{text}{marker}");
        if let Some(object) = document.as_object_mut() {
            object.insert("text".into(), Value::String(text));
        }
    }
}

async fn editor(client: Client, url: String, writer: usize, cycles: usize) -> Result<Tally, Error> {
    let mut tally = Tally::default();
    for cycle in 0..cycles {
        let mark = marker(writer, cycle);
        match client
            .update(&url, |document: &mut Value| append(document, &mark))
            .await
        {
            Ok(updated) => {
                tally.conflicts += updated.conflicts;
                tally.written.push(mark);
            }
            Err(Error::Conflict { attempts, .. }) => {
                tally.conflicts += attempts;
                tally.exhausted += 1;
            }
            Err(error) => return Err(error),
        }
    }
    Ok(tally)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("editors: {message}");
            return ExitCode::from(2);
        }
    };
    let client = Client::new().retry(
        Retry::default()
            .attempts(args.attempts)
            .max_delay(Duration::from_millis(200)),
    );
    let started = Instant::now();
    let editors: Vec<_> = (0..args.writers)
        .map(|writer| {
            tokio::spawn(editor(
                client.clone(),
                args.url.clone(),
                writer,
                args.cycles,
            ))
        })
        .collect();
    let mut tallies = Vec::new();
    for editor in editors {
        match editor.await {
            Ok(Ok(tally)) => tallies.push(tally),
            Ok(Err(error)) => {
                eprintln!("editors: an editor failed: {error}");
                return ExitCode::from(2);
            }
            Err(error) => {
                eprintln!("editors: an editor panicked: {error}");
                return ExitCode::from(2);
            }
        }
    }
    let elapsed = started.elapsed();
    let document = match client.get::<Value>(&args.url).await {
        Ok(document) => document.value,
        Err(error) => {
            eprintln!("editors: the final read failed: {error}");
            return ExitCode::from(2);
        }
    };
    let text = document
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let written: Vec<&String> = tallies.iter().flat_map(|t| &t.written).collect();
    for mark in &written {
        counts.insert(mark, text.matches(mark.as_str()).count());
    }
    let lost = counts.values().filter(|&&n| n == 0).count();
    let doubled = counts.values().filter(|&&n| n > 1).count();
    let conflicts: u32 = tallies.iter().map(|t| t.conflicts).sum();
    let exhausted: u32 = tallies.iter().map(|t| t.exhausted).sum();
    println!(
        "editors: {} writers x {} cycles in {:.1?}: {} updates succeeded, {} ran out of attempts, \
         {} conflicts (412) retried; lost: {lost}, applied twice: {doubled}",
        args.writers,
        args.cycles,
        elapsed,
        written.len(),
        exhausted,
        conflicts,
    );
    if lost > 0 || doubled > 0 {
        eprintln!("editors: LOST UPDATES");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
