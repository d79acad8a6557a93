//! One model of an HTTP exchange for every suite: a [`Request`] as a suite sends it, and the
//! [`Answer`], the response read whole, whichever way it travelled (in process through a
//! framework's test harness, or over loopback with reqwest).
//!
//! A suite includes it beside itself, `#[path = "exchange.rs"] mod exchange;`, and re-exports
//! what its tests name.

#![allow(dead_code)] // each test binary uses what it needs, but rustc checks per module

use std::fmt;
use std::time::SystemTime;

use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Method, StatusCode};
use serde_json::Value;

/// A request as a suite sends it.
pub struct Request<'a> {
    pub method: Method,
    /// Path and query.
    pub path: &'a str,
    /// In order; a name may come more than once.
    pub headers: Vec<(&'a str, &'a [u8])>,
    /// Empty: no body.
    pub body: Vec<u8>,
}

/// A response, read whole.
pub struct Answer {
    pub status: StatusCode,
    /// Every field line, each name's values in the order received.
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The exact size the body declared before it was read, if it declared one (known for
    /// the answers read in process, where the body's size hint can be asked).
    pub exact_size: Option<u64>,
}

impl Answer {
    /// From any framework's response: its status code, every (name, value) pair, its body.
    pub fn new<'h>(
        status: u16,
        headers: impl IntoIterator<Item = (&'h str, &'h [u8])>,
        body: Vec<u8>,
    ) -> Answer {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            let name = HeaderName::from_bytes(name.as_bytes()).expect("a header name");
            let value = HeaderValue::from_bytes(value).expect("a header value");
            map.append(name, value);
        }
        Answer {
            status: StatusCode::from_u16(status).expect("a status code"),
            headers: map,
            body,
            exact_size: None,
        }
    }

    /// With the exact size the body declared before it was read.
    pub fn with_exact_size(mut self, exact_size: Option<u64>) -> Answer {
        self.exact_size = exact_size;
        self
    }

    /// A response that came over the network, read whole.
    pub async fn read(response: reqwest::Response) -> Answer {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.expect("the whole body").to_vec();
        Answer {
            status,
            headers,
            body,
            exact_size: None,
        }
    }

    /// The first value of a header, if any.
    pub fn header(&self, name: impl AsRef<str>) -> Option<&str> {
        self.all(name).into_iter().next()
    }

    /// The first value of a header; panics with the whole answer when it is missing.
    #[track_caller]
    pub fn expect_header(&self, name: &str) -> &str {
        match self.header(name) {
            Some(value) => value,
            None => panic!("no {name} header in {self:?}"),
        }
    }

    /// Every value of a header, in order.
    pub fn all(&self, name: impl AsRef<str>) -> Vec<&str> {
        self.headers
            .get_all(name.as_ref())
            .iter()
            .map(|value| value.to_str().expect("an ASCII header value"))
            .collect()
    }

    pub fn has(&self, name: &str) -> bool {
        self.headers.contains_key(name)
    }

    pub fn etag(&self) -> Option<&str> {
        self.header("etag")
    }

    /// The header names, sorted, each once.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        names.sort_unstable();
        names
    }

    /// `Last-Modified` as a time; panics when it is missing or not an HTTP date.
    #[track_caller]
    pub fn last_modified(&self) -> SystemTime {
        httpdate::parse_http_date(self.expect_header("last-modified")).expect("an HTTP date")
    }

    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("a UTF-8 body")
    }

    /// The body as JSON; panics with the whole answer when it is not.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("the body of {self:?} is not JSON: {e}"))
    }

    #[track_caller]
    pub fn assert_status(&self, status: StatusCode) -> &Self {
        assert_eq!(self.status, status, "{self:?}");
        self
    }
}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, String)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str(), value)
            })
            .collect();
        write!(
            f,
            "{} {headers:?} {}",
            self.status,
            String::from_utf8_lossy(&self.body)
        )
    }
}
