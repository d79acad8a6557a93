//! Both example servers (`documents` on axum/hyper, `documents_actix` on actix-web) against
//! clients that hold connections without finishing requests: the real binaries on loopback
//! ports, driven over raw TCP.
//!
//! Most tests start the example themselves, with `HEADER_READ_TIMEOUT_MS` and `MAX_CONNECTIONS`
//! small so that they take a second or two (the suite's `Server` passes no environment); one
//! per example checks the default 10 s timeout through the suite's harness.

#[path = "support/databases.rs"]
mod databases;
#[allow(unused_macros)]
#[macro_use]
#[path = "support/documents_suite.rs"]
mod documents_suite;
use documents_suite::Server;

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The header-read timeout the tests set, in milliseconds.
const TIMEOUT_MS: u64 = 1000;
const TIMEOUT: Duration = Duration::from_millis(TIMEOUT_MS);
/// Slack for a loaded machine on top of a timeout.
const MARGIN: Duration = Duration::from_secs(3);
/// The earliest a timeout may fire: actix-web reads the time from a clock it updates every
/// 500 ms, so its deadlines come up to 500 ms early.
const EARLIEST: Duration = Duration::from_millis(TIMEOUT_MS / 2 - 100);
/// A request head that never ends (no blank line).
const PARTIAL_HEAD: &[u8] = b"GET /documents/42 HTTP/1.1\r\nHost: x\r\n";
const GET: &[u8] = b"GET /documents/42 HTTP/1.1\r\nHost: x\r\n\r\n";

/// The tests run against each example.
macro_rules! serving_tests {
    ($module:ident, $example:literal) => {
        mod $module {
            #[test]
            fn the_default_timeout_closes_a_partial_head_in_10_s() {
                super::the_default_timeout_closes_a_partial_head_in_10_s($example);
            }

            #[test]
            fn partial_heads_are_closed_after_the_timeout() {
                super::partial_heads_are_closed_after_the_timeout($example);
            }

            #[test]
            fn heads_trickled_byte_by_byte_are_closed_after_the_timeout() {
                super::heads_trickled_byte_by_byte_are_closed_after_the_timeout($example);
            }

            #[test]
            fn silent_connections_are_closed_after_the_timeout() {
                super::silent_connections_are_closed_after_the_timeout($example);
            }

            #[test]
            fn idle_keep_alive_connections_are_closed_after_the_timeout() {
                super::idle_keep_alive_connections_are_closed_after_the_timeout($example);
            }

            #[test]
            fn clients_beyond_the_connection_limit_wait_then_are_served() {
                super::clients_beyond_the_connection_limit_wait_then_are_served($example);
            }

            #[cfg(unix)]
            #[test]
            fn sigterm_closes_idle_connections_and_exits() {
                super::sigterm_closes_idle_connections_and_exits($example);
            }
        }
    };
}

serving_tests!(on_axum, "documents");
serving_tests!(on_actix, "documents_actix");

/// On hyper the header-read timeout also runs for the head of a keep-alive connection's next
/// request. Not so on actix-web 4 (actix-http 3.19): its `client_request_timeout` times the
/// first request only, and its keep-alive timer stops at the next request's first byte, so a
/// client that sends a complete request and then half of another holds the connection until it
/// goes away (see `examples/documents_actix.rs`).
#[test]
fn on_axum_partial_second_heads_are_closed_after_the_timeout() {
    let server = Spawned::start("documents", &[("HEADER_READ_TIMEOUT_MS", "1000")]);
    let mut stream = server.connect();
    stream.write_all(GET).unwrap();
    let response = read_response(&mut stream);
    assert!(
        response.starts_with(b"HTTP/1.1 200 "),
        "{}",
        lossy(&response)
    );
    stream.write_all(PARTIAL_HEAD).unwrap();
    let (elapsed, sent) = wait_closed(&mut stream, TIMEOUT + MARGIN);
    assert_no_response_but_408(&sent);
    assert!(elapsed < TIMEOUT + MARGIN, "closed after {elapsed:?}");
}

// ---------------------------------------------------------------------------------------------
// The cases.

fn the_default_timeout_closes_a_partial_head_in_10_s(example: &str) {
    let server = Server::start(example);
    let address = address_of(&server.url(""));
    let mut stream = TcpStream::connect(address).unwrap();
    stream.write_all(PARTIAL_HEAD).unwrap();
    let (elapsed, sent) = wait_closed(&mut stream, Duration::from_secs(10) + MARGIN);
    assert_no_response_but_408(&sent);
    assert!(
        elapsed >= Duration::from_millis(9400),
        "closed after {elapsed:?}"
    );
}

fn partial_heads_are_closed_after_the_timeout(example: &str) {
    let mut server = Spawned::start(example, &[("HEADER_READ_TIMEOUT_MS", "1000")]);
    let mut stream = server.connect();
    stream.write_all(PARTIAL_HEAD).unwrap();
    let (elapsed, sent) = wait_closed(&mut stream, TIMEOUT + MARGIN);
    assert_no_response_but_408(&sent);
    assert!(elapsed >= EARLIEST, "closed after {elapsed:?}");
    server.assert_running();
}

/// Slowloris: a byte every 50 ms keeps every read busy, but the head never ends.
fn heads_trickled_byte_by_byte_are_closed_after_the_timeout(example: &str) {
    let mut server = Spawned::start(example, &[("HEADER_READ_TIMEOUT_MS", "1000")]);
    let mut stream = server.connect();
    stream.write_all(PARTIAL_HEAD).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let start = Instant::now();
    let mut sent = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        assert!(
            start.elapsed() < TIMEOUT + MARGIN,
            "still open after {:?}",
            start.elapsed()
        );
        if stream.write_all(b"x").is_err() {
            break;
        }
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => sent.extend_from_slice(&buffer[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => break,
        }
    }
    assert_no_response_but_408(&sent);
    assert!(
        start.elapsed() >= EARLIEST,
        "closed after {:?}",
        start.elapsed()
    );
    server.assert_running();
}

fn silent_connections_are_closed_after_the_timeout(example: &str) {
    let server = Spawned::start(example, &[("HEADER_READ_TIMEOUT_MS", "1000")]);
    let mut stream = server.connect();
    let (elapsed, sent) = wait_closed(&mut stream, TIMEOUT + MARGIN);
    assert_no_response_but_408(&sent);
    assert!(elapsed >= EARLIEST, "closed after {elapsed:?}");
}

/// A complete request is answered, and then the connection, left idle, is closed.
fn idle_keep_alive_connections_are_closed_after_the_timeout(example: &str) {
    let server = Spawned::start(example, &[("HEADER_READ_TIMEOUT_MS", "1000")]);
    let mut stream = server.connect();
    stream.write_all(GET).unwrap();
    let (elapsed, sent) = wait_closed(&mut stream, TIMEOUT + MARGIN);
    let sent = lossy(&sent);
    assert!(sent.starts_with("HTTP/1.1 200 "), "{sent}");
    assert_eq!(sent.matches("HTTP/1.1 ").count(), 1, "{sent}");
    assert!(elapsed >= EARLIEST, "closed after {elapsed:?}");
}

/// With 8 connections at most, 16 silent ones hold every slot: a new client waits until they
/// time out (it would be served at once without the limit), and is then served; none gets a
/// 5xx, the server keeps running, and once they are gone a request is served without waiting.
fn clients_beyond_the_connection_limit_wait_then_are_served(example: &str) {
    let mut server = Spawned::start(
        example,
        &[("HEADER_READ_TIMEOUT_MS", "1000"), ("MAX_CONNECTIONS", "8")],
    );
    let mut idle: Vec<TcpStream> = (0..16).map(|_| server.connect()).collect();
    std::thread::sleep(Duration::from_millis(100)); // the first 8 are accepted

    let start = Instant::now();
    assert_eq!(server.get_status(), 200);
    let waited = start.elapsed();
    assert!(
        waited >= EARLIEST,
        "served after {waited:?}: the limit did not hold it back"
    );
    assert!(waited < 2 * TIMEOUT + MARGIN, "served after {waited:?}");

    for stream in &mut idle {
        let (_, sent) = wait_closed(stream, 2 * TIMEOUT + MARGIN);
        assert_no_response_but_408(&sent);
    }
    server.assert_running();
    let start = Instant::now();
    assert_eq!(server.get_status(), 200);
    assert!(
        start.elapsed() < EARLIEST,
        "served after {:?}",
        start.elapsed()
    );
}

/// SIGTERM with an idle keep-alive connection and a silent one open (and the default 10 s
/// timeout, which shutdown must not wait for): both are closed and the server exits with
/// success at once.
#[cfg(unix)]
fn sigterm_closes_idle_connections_and_exits(example: &str) {
    let mut server = Spawned::start(example, &[]);
    let mut keep_alive = server.connect();
    keep_alive.write_all(GET).unwrap();
    let response = read_response(&mut keep_alive);
    assert!(
        response.starts_with(b"HTTP/1.1 200 "),
        "{}",
        lossy(&response)
    );
    let mut silent = server.connect();
    std::thread::sleep(Duration::from_millis(100));

    let start = Instant::now();
    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(killed.success());
    let status = server.wait_exit(MARGIN);
    assert!(status.success(), "{status}");
    assert!(
        start.elapsed() < MARGIN,
        "exited after {:?}",
        start.elapsed()
    );
    for stream in [&mut keep_alive, &mut silent] {
        let (_, sent) = wait_closed(stream, MARGIN);
        assert_no_response_but_408(&sent);
    }
}

// ---------------------------------------------------------------------------------------------
// The harness.

/// An example started by this file with environment variables, killed on drop.
struct Spawned {
    child: Child,
    address: SocketAddr,
}

impl Spawned {
    /// Starts `example` on a free loopback port and its default store, with `env`.
    fn start(example: &str, env: &[(&str, &str)]) -> Spawned {
        // The suite's harness builds the binary (once per process, with this test's features).
        drop(Server::start(example));
        let mut child = Command::new(example_binary(example))
            .env("PORT", "0")
            .env_remove("DATABASE_URL")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start the {example} example: {e}"));
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("read the first line");
        let url = match line.split_once("serving on ") {
            Some((_, rest)) => rest.split_whitespace().next().unwrap_or_default(),
            None => panic!("{example} did not say where it serves: {line:?}"),
        };
        let address = address_of(url);
        // The rest of its output goes on being read, so that the server never blocks on it.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        Spawned { child, address }
    }

    fn connect(&self) -> TcpStream {
        TcpStream::connect(self.address).expect("connect to the server")
    }

    /// The status of `GET /documents/42` on a new connection, within 10 s.
    fn get_status(&self) -> u16 {
        let mut stream = self.connect();
        stream
            .write_all(b"GET /documents/42 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let (_, response) = wait_closed(&mut stream, Duration::from_secs(10));
        let response = lossy(&response);
        response
            .strip_prefix("HTTP/1.1 ")
            .and_then(|rest| rest.get(..3))
            .and_then(|status| status.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP response: {response:?}"))
    }

    /// Panics if the process has exited.
    #[track_caller]
    fn assert_running(&mut self) {
        let status = self.child.try_wait().expect("wait for the server");
        assert!(status.is_none(), "the server exited: {status:?}");
    }

    /// Waits up to `limit` for the process to exit.
    fn wait_exit(&mut self, limit: Duration) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for the server") {
                return status;
            }
            assert!(start.elapsed() < limit, "still running after {limit:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where the suite's harness put `example`: `target/PROFILE/examples/`, next to this test's
/// `target/PROFILE/deps/`.
fn example_binary(example: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target dir");
    profile_dir
        .join("examples")
        .join(format!("{example}{}", std::env::consts::EXE_SUFFIX))
}

/// The address of `http://127.0.0.1:PORT...`.
fn address_of(url: &str) -> SocketAddr {
    let authority = url.trim_start_matches("http://").trim_end_matches('/');
    authority.parse().unwrap_or_else(|e| panic!("{url:?}: {e}"))
}

/// Reads until the server closes `stream` (EOF or reset), for at most `limit` (panics past
/// it): how long that took, and what the server sent before.
fn wait_closed(stream: &mut TcpStream, limit: Duration) -> (Duration, Vec<u8>) {
    let start = Instant::now();
    let mut sent = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        let left = limit.saturating_sub(start.elapsed());
        assert!(
            !left.is_zero(),
            "still open after {limit:?}, having sent {:?}",
            lossy(&sent)
        );
        stream.set_read_timeout(Some(left)).unwrap();
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => sent.extend_from_slice(&buffer[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => break, // reset by the server: closed as well
        }
    }
    (start.elapsed(), sent)
}

/// One response, read up to the end of its `Content-Length` body, within 10 s.
fn read_response(stream: &mut TcpStream) -> Vec<u8> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut response = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        let text = lossy(&response);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if body.len() >= length {
                return response;
            }
        }
        let n = stream.read(&mut buffer).expect("read a response");
        assert!(n > 0, "closed before a whole response: {text:?}");
        response.extend_from_slice(&buffer[..n]);
    }
}

/// A connection closed for taking too long got nothing, or a 408 (actix-web sends one; hyper
/// closes without a word): never a 5xx, nor any other answer.
#[track_caller]
fn assert_no_response_but_408(sent: &[u8]) {
    let sent = lossy(sent);
    assert!(
        sent.is_empty() || sent.starts_with("HTTP/1.1 408 "),
        "answered {sent:?}"
    );
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
