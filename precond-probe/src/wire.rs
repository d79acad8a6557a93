//! A small HTTP/1.1 client over a plain TCP connection, for a server the probe does not trust:
//! one request per connection (`Connection: close`), bounded in time and size, no redirects
//! followed, and the raw bytes after the header section kept (HTTP libraries hide a 304's
//! body; the probe must see it).

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// The most the probe reads of an answer.
const MAX_ANSWER: usize = 8 * 1024 * 1024;
/// The most the probe reads of a header section.
const MAX_HEAD: usize = 1024 * 1024;
/// How long one exchange may take in all.
const DEADLINE: Duration = Duration::from_secs(15);

/// Where requests go: `http://host[:port]/path[?query]`.
#[derive(Clone, Debug)]
pub struct Target {
    pub host: String,
    pub port: u16,
    /// Path and query, as sent in the request line.
    pub path: String,
}

impl Target {
    /// Parses an `http://` URL. `https://` is refused: the probe speaks plain HTTP only (run it
    /// against the server's own port, or a TLS-terminating proxy's backend).
    pub fn parse(url: &str) -> Result<Target, String> {
        let rest = if let Some(rest) = url.strip_prefix("http://") {
            rest
        } else if url.starts_with("https://") {
            return Err(format!(
                "{url}: https is not supported; probe the server's plain-HTTP port"
            ));
        } else {
            return Err(format!("{url}: not an http:// URL"));
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(']') || authority.starts_with('[') => {
                let port = port
                    .parse()
                    .map_err(|_| format!("{url}: invalid port {port}"))?;
                (host.to_owned(), port)
            }
            _ => (authority.to_owned(), 80),
        };
        if host.is_empty() || path.contains(' ') || path.bytes().any(|b| b < 0x21 || b == 0x7f) {
            return Err(format!("{url}: invalid URL"));
        }
        Ok(Target {
            host,
            port,
            path: path.to_owned(),
        })
    }

    /// The same server, another path.
    pub fn with_path(&self, path: String) -> Target {
        Target {
            path,
            ..self.clone()
        }
    }

    fn authority(&self) -> String {
        if self.port == 80 {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// A request to make.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: &'static str,
    pub headers: Vec<(String, String)>,
    pub body: Option<(String, Vec<u8>)>,
}

impl Request {
    pub fn new(method: &'static str) -> Self {
        Self {
            method,
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    pub fn body(mut self, content_type: &str, body: &[u8]) -> Self {
        self.body = Some((content_type.to_owned(), body.to_vec()));
        self
    }

    /// The request line and header fields as sent (for the report).
    pub fn head(&self, target: &Target, extra: &[(String, String)]) -> String {
        let mut head = format!(
            "{} {} HTTP/1.1\r\nHost: {}\r\n",
            self.method,
            target.path,
            target.authority()
        );
        for (name, value) in extra.iter().chain(&self.headers) {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if let Some((content_type, body)) = &self.body {
            head.push_str(&format!(
                "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        head.push_str("Connection: close\r\n\r\n");
        head
    }
}

/// An answer, as received.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    /// The status line.
    pub line: String,
    /// Names in lower case, values as text (bytes that are not UTF-8 replaced).
    pub headers: Vec<(String, String)>,
    /// The content (chunked coding removed, cut at `Content-Length`).
    pub body: Vec<u8>,
    /// Every byte after the header section, as received (for a 304 or a HEAD: must be none).
    pub after_head: usize,
}

impl Response {
    /// The first value of `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The status line and header fields (for the report).
    pub fn head(&self) -> String {
        let mut head = self.line.clone();
        for (name, value) in &self.headers {
            head.push_str(&format!("\n{name}: {value}"));
        }
        head
    }
}

/// Sends `request` to `target` (with `extra` headers first) and reads the answer.
pub fn send(
    target: &Target,
    request: &Request,
    extra: &[(String, String)],
) -> Result<Response, String> {
    let started = Instant::now();
    let address = (target.host.as_str(), target.port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {}: {e}", target.host))?
        .next()
        .ok_or_else(|| format!("{} has no address", target.host))?;
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(5))
        .map_err(|e| format!("cannot connect to {address}: {e}"))?;
    stream
        .set_write_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    let mut bytes = request.head(target, extra).into_bytes();
    if let Some((_, body)) = &request.body {
        bytes.extend_from_slice(body);
    }
    stream
        .write_all(&bytes)
        .map_err(|e| format!("sending the request: {e}"))?;
    let mut received = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    let (mut head_seen, mut scanned) = (false, 0usize);
    loop {
        let left = DEADLINE.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Err(format!("no complete answer within {DEADLINE:?}"));
        }
        stream
            .set_read_timeout(Some(left.min(Duration::from_secs(10))))
            .map_err(|e| e.to_string())?;
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                received.extend_from_slice(&buffer[..n]);
                if received.len() > MAX_ANSWER {
                    return Err(format!("the answer exceeds {MAX_ANSWER} bytes"));
                }
                // Look for the end of the header section in the new bytes only (and the three
                // before them), so that a flood costs linear time.
                if !head_seen {
                    head_seen = head_end(&received[scanned.saturating_sub(3)..]).is_some();
                    scanned = received.len();
                    if !head_seen && received.len() > MAX_HEAD {
                        return Err(format!("the header section exceeds {MAX_HEAD} bytes"));
                    }
                    if !head_seen {
                        continue;
                    }
                }
                if let Some(done) = complete(&received, request.method) {
                    // Give a 304's or a HEAD's stray body a moment to arrive.
                    if done == head_end(&received).unwrap_or(0) {
                        let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
                        while let Ok(n) = stream.read(&mut buffer) {
                            if n == 0 || received.len() > MAX_ANSWER {
                                break;
                            }
                            received.extend_from_slice(&buffer[..n]);
                        }
                    }
                    break;
                }
            }
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut =>
            {
                if received.is_empty() {
                    return Err("no answer (timed out)".into());
                }
                break;
            }
            Err(e) => {
                if received.is_empty() {
                    return Err(format!("reading the answer: {e}"));
                }
                break;
            }
        }
    }
    parse(&received, request.method)
}

/// Where the header section ends (after the empty line).
fn head_end(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
}

/// If `bytes` hold a whole final answer to `method`, how many bytes it has (its header section
/// for a body-less answer). `None` while more is needed (or the end is the connection's).
fn complete(bytes: &[u8], method: &str) -> Option<usize> {
    let mut start = 0;
    loop {
        let end = start + head_end(&bytes[start..])?;
        let head = String::from_utf8_lossy(&bytes[start..end]).to_ascii_lowercase();
        let status: u16 = head.split_whitespace().nth(1)?.parse().ok()?;
        if (100..200).contains(&status) {
            start = end;
            continue;
        }
        if method == "HEAD" || status == 204 || status == 304 {
            return Some(end);
        }
        let length = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok());
        if head.contains("transfer-encoding:") {
            return None; // read to the connection's end, then decode
        }
        return length
            .map(|length| end + length)
            .filter(|&total| bytes.len() >= total);
    }
}

fn parse(bytes: &[u8], method: &str) -> Result<Response, String> {
    let mut start = 0;
    loop {
        let Some(end) = head_end(&bytes[start..]).map(|e| start + e) else {
            return Err(format!(
                "no complete header section in the answer ({} bytes)",
                bytes.len()
            ));
        };
        let head = String::from_utf8_lossy(&bytes[start..end - 4]).into_owned();
        let mut lines = head.split("\r\n");
        let line = lines.next().unwrap_or_default().to_owned();
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .filter(|s| (100..600).contains(s))
            .ok_or_else(|| format!("not an HTTP status line: {line:?}"))?;
        if (100..200).contains(&status) {
            start = end;
            continue;
        }
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let rest = &bytes[end..];
        let bodyless = method == "HEAD" || status == 204 || status == 304;
        let chunked = headers
            .iter()
            .any(|(n, v)| n == "transfer-encoding" && v.to_ascii_lowercase().contains("chunked"));
        let length = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse::<usize>().ok());
        let body = if bodyless {
            rest.to_vec()
        } else if chunked {
            dechunk(rest).unwrap_or_else(|| rest.to_vec())
        } else {
            match length {
                Some(length) => rest[..length.min(rest.len())].to_vec(),
                None => rest.to_vec(),
            }
        };
        return Ok(Response {
            status,
            line,
            headers,
            body,
            after_head: rest.len(),
        });
    }
}

/// The content of a chunked body, or `None` if it is not one.
fn dechunk(mut bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = bytes.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&bytes[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        bytes = &bytes[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        if bytes.len() < size + 2 {
            return None;
        }
        out.extend_from_slice(&bytes[..size]);
        bytes = &bytes[size + 2..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let t = Target::parse("http://127.0.0.1:3000/documents/42?x=1").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("127.0.0.1", 3000, "/documents/42?x=1")
        );
        assert_eq!(Target::parse("http://example.com").unwrap().path, "/");
        assert!(Target::parse("https://example.com/").is_err());
        assert!(Target::parse("ftp://x/").is_err());
        assert!(Target::parse("http://x:notaport/").is_err());
        assert!(Target::parse("http://x/a b").is_err());
    }

    #[test]
    fn answers() {
        let r = parse(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\nETag: \"1\"\r\n\r\nabcdef", "GET").unwrap();
        assert_eq!(
            (r.status, r.body.as_slice(), r.header("etag")),
            (200, &b"abc"[..], Some("\"1\""))
        );
        let r = parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", "GET").unwrap();
        assert_eq!(r.body, b"abcde");
        let r = parse(b"HTTP/1.1 304 Not Modified\r\n\r\nstray", "GET").unwrap();
        assert_eq!((r.status, r.after_head), (304, 5));
        assert!(parse(b"garbage\r\n\r\n", "GET").is_err());
        assert!(parse(b"HTTP/1.1 200 OK\r\n", "GET").is_err());
        assert_eq!(
            complete(b"HTTP/1.1 304 Not Modified\r\n\r\n", "GET"),
            Some(29)
        );
        assert_eq!(
            complete(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\na", "GET"),
            None
        );
    }

    /// A server that never stops sending is cut off at the size limit, with an error.
    #[test]
    fn an_endless_answer_is_bounded() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            let mut request = [0u8; 1024];
            let _ = socket.read(&mut request);
            let _ = socket.write_all(b"HTTP/1.1 200 OK\r\nX-Flood: ");
            let chunk = vec![b'a'; 64 * 1024];
            while socket.write_all(&chunk).is_ok() {}
        });
        let target = Target::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
        let started = Instant::now();
        let error = send(&target, &Request::new("GET"), &[]).unwrap_err();
        assert!(error.contains("header section exceeds"), "{error}");
        assert!(started.elapsed() < DEADLINE);
    }

    proptest::proptest! {
        /// Whatever a server sends, parsing an answer never panics, and a parsed body is never
        /// longer than what followed the header section (chunked decoding only removes bytes).
        #[test]
        fn any_bytes_parse_without_panic(
            head in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200),
            rest in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200),
            method in proptest::sample::select(vec!["GET", "HEAD", "PUT"]),
        ) {
            let mut bytes = b"HTTP/1.1 200 OK\r\n".to_vec();
            bytes.extend_from_slice(&head);
            bytes.extend_from_slice(b"\r\n\r\n");
            bytes.extend_from_slice(&rest);
            let _ = complete(&bytes, method);
            if let Ok(response) = parse(&bytes, method) {
                proptest::prop_assert!(response.body.len() <= response.after_head);
            }
            let _ = parse(&head, method);
            let _ = dechunk(&rest);
        }
    }
}
