//! The checks: each one request (or a few), its RFC 9110 requirement and level, the exchange
//! that shows the outcome, and what to fix.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use precond_core::ETag;
use precond_core::date::{fmt_http_date, parse_http_date};
use serde_json::{Value, json};

use crate::wire::{Request, Response, Target, send};

/// How binding a check's requirement is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// RFC 9110 MUST (or MUST NOT).
    Must,
    /// RFC 9110 SHOULD, and the lost-update contract (428 for blind writes, the current ETag on
    /// a 412).
    Should,
    /// Advice: no requirement is broken, but clients will have a harder time.
    Advice,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
            Level::Advice => "ADVICE",
        }
    }
}

/// What a check found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail(String),
    Warn(String),
    Skip(String),
}

/// One check's result.
#[derive(Clone, Debug)]
pub struct Check {
    pub id: &'static str,
    pub level: Level,
    pub section: &'static str,
    pub title: &'static str,
    pub outcome: Outcome,
    /// The exchanges made, as request head and response head.
    pub exchanges: Vec<(String, String)>,
    pub fix: &'static str,
}

/// The state of the probe: the target, what the first GET read, and the results so far.
pub struct Probe {
    target: Target,
    missing: Target,
    headers: Vec<(String, String)>,
    results: Vec<Check>,
    /// The exchanges of the check being made.
    exchanges: Vec<(String, String)>,
    base: Option<Response>,
}

fn quoted_inner(etag: &str) -> &str {
    let tag = etag.strip_prefix("W/").unwrap_or(etag);
    tag.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(tag)
}

impl Probe {
    pub fn new(target: Target, missing: Option<Target>, headers: Vec<(String, String)>) -> Self {
        let missing = missing.unwrap_or_else(|| {
            let (path, query) = match target.path.split_once('?') {
                Some((path, query)) => (path.to_owned(), format!("?{query}")),
                None => (target.path.clone(), String::new()),
            };
            // A numeric last segment (an id) becomes an unlikely id, anything else gets a suffix.
            let path = path.trim_end_matches('/');
            let (parent, last) = path.rsplit_once('/').unwrap_or(("", path));
            let missing = if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
                format!("{parent}/987654321987654321")
            } else {
                format!("{path}-precond-probe-missing")
            };
            target.with_path(format!("{missing}{query}"))
        });
        Self {
            target,
            missing,
            headers,
            results: Vec::new(),
            exchanges: Vec::new(),
            base: None,
        }
    }

    pub fn results(&self) -> &[Check] {
        &self.results
    }

    /// Sends a request to the target (or `to`), recording the exchange.
    fn exchange(&mut self, request: Request) -> Option<Response> {
        self.exchange_to(None, request)
    }

    fn exchange_to(&mut self, to: Option<Target>, request: Request) -> Option<Response> {
        let target = to.unwrap_or_else(|| self.target.clone());
        let head = request.head(&target, &self.headers);
        let shown = head.trim_end().replace("\r\n", "\n");
        match send(&target, &request, &self.headers) {
            Ok(response) => {
                self.exchanges.push((shown, response.head()));
                Some(response)
            }
            Err(error) => {
                self.exchanges
                    .push((shown, format!("(no answer: {error})")));
                None
            }
        }
    }

    fn record(
        &mut self,
        id: &'static str,
        level: Level,
        section: &'static str,
        title: &'static str,
        outcome: Outcome,
        fix: &'static str,
    ) {
        self.results.push(Check {
            id,
            level,
            section,
            title,
            outcome,
            exchanges: std::mem::take(&mut self.exchanges),
            fix,
        });
    }

    /// A check that expects `status` for `request`.
    #[allow(clippy::too_many_arguments)]
    fn expect_status(
        &mut self,
        id: &'static str,
        level: Level,
        section: &'static str,
        title: &'static str,
        request: Request,
        expected: &[u16],
        fix: &'static str,
    ) -> Option<Response> {
        let response = self.exchange(request);
        let outcome = match &response {
            None => Outcome::Fail("no answer".into()),
            Some(r) if expected.contains(&r.status) => Outcome::Pass,
            Some(r) => Outcome::Fail(format!("got {}, expected {}", r.status, join(expected))),
        };
        self.record(id, level, section, title, outcome, fix);
        response
    }

    pub fn run(&mut self, write: bool) -> Result<(), String> {
        let base = send(&self.target, &Request::new("GET"), &self.headers)?;
        if base.status != 200 {
            return Err(format!(
                "GET {} answered {}: the probe needs a resource that exists (200)",
                self.target.path, base.status
            ));
        }
        self.base = Some(base.clone());
        self.validators(&base);
        let etag = base.header("etag").map(str::to_owned);
        let strong = etag
            .as_deref()
            .and_then(|e| ETag::parse(e.as_bytes()).ok())
            .filter(|e| !e.is_weak());
        self.head_checks(&base, etag.as_deref());
        if let Some(etag) = etag
            .as_deref()
            .filter(|e| ETag::parse(e.as_bytes()).is_ok())
        {
            self.if_none_match_checks(&base, etag);
        }
        self.if_modified_since_checks(&base, etag.as_deref());
        self.missing_check();
        self.range_checks(&base, strong.as_ref().map(ETag::to_string).as_deref());
        if write {
            self.write_checks(&base, strong.map(|e| e.to_string()));
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Read checks

    fn validators(&mut self, base: &Response) {
        let again = self.exchange(Request::new("GET"));
        let etag = base.header("etag");
        match etag {
            None => self.record(
                "etag-present",
                Level::Should,
                "§8.8.3",
                "a GET answers with an ETag",
                Outcome::Fail("no ETag header".into()),
                "send an ETag (a version number or a hash of the representation, quoted): without one no client can make a conditional write",
            ),
            Some(tag) => {
                self.record("etag-present", Level::Should, "§8.8.3", "a GET answers with an ETag", Outcome::Pass, "");
                let parsed = ETag::parse(tag.as_bytes());
                let outcome = match &parsed {
                    Ok(_) => Outcome::Pass,
                    Err(_) => Outcome::Fail(format!("{tag} is not an entity tag (a quoted string, optionally W/)")),
                };
                self.record("etag-syntax", Level::Must, "§8.8.3", "the ETag is quoted and well-formed", outcome, "send the tag between double quotes: ETag: \"v1\", not ETag: v1");
                let outcome = match &parsed {
                    Ok(e) if e.is_weak() => Outcome::Warn(format!("{tag} is weak: If-Match compares strongly, so no client can ever pass If-Match")),
                    Ok(_) => Outcome::Pass,
                    Err(_) => Outcome::Skip("the ETag is malformed".into()),
                };
                self.record("etag-strong", Level::Advice, "§13.1.1", "the ETag is strong (so If-Match can hold)", outcome, "send a strong ETag where clients write; keep weak tags for representations that are only read");
                let outcome = match again.as_ref().map(|r| r.header("etag")) {
                    Some(Some(second)) if second == tag => Outcome::Pass,
                    Some(Some(second)) => Outcome::Fail(format!("{tag} then {second}, with no write in between")),
                    Some(None) => Outcome::Fail("the second GET has no ETag".into()),
                    None => Outcome::Fail("the second GET got no answer".into()),
                };
                self.exchanges = again.iter().map(|r| ("GET (again)".to_owned(), r.head())).collect();
                self.record("etag-stable", Level::Should, "§8.8.3", "the ETag is the same on two GETs with no write between", outcome, "derive the tag from the resource's state only (not from a timestamp of the response, a random number, or a non-deterministic serialization)");
            }
        }
        match base.header("last-modified") {
            None => self.record(
                "last-modified-valid",
                Level::Advice,
                "§8.8.2",
                "Last-Modified is a valid HTTP date",
                Outcome::Skip("no Last-Modified".into()),
                "",
            ),
            Some(text) => {
                let parsed = parse_http_date(text.as_bytes());
                let outcome = match parsed {
                    Some(_) if text.ends_with("GMT") && text.len() == 29 => Outcome::Pass,
                    Some(_) => Outcome::Fail(format!(
                        "{text} is not in the IMF-fixdate format a sender must use"
                    )),
                    None => Outcome::Fail(format!("{text} is not an HTTP date")),
                };
                self.record(
                    "last-modified-valid",
                    Level::Must,
                    "§5.6.7",
                    "Last-Modified is an IMF-fixdate",
                    outcome,
                    "format it as Sun, 06 Nov 1994 08:49:37 GMT (e.g. httpdate::fmt_http_date)",
                );
                let date = base
                    .header("date")
                    .and_then(|d| parse_http_date(d.as_bytes()));
                let outcome = match (parsed, date) {
                    (Some(lm), Some(now)) if lm <= now => Outcome::Pass,
                    (Some(_), Some(_)) => {
                        Outcome::Fail("Last-Modified is later than the response's Date".into())
                    }
                    (Some(lm), None) if lm <= SystemTime::now() + Duration::from_secs(60) => {
                        Outcome::Pass
                    }
                    (Some(_), None) => Outcome::Fail("Last-Modified is in the future".into()),
                    (None, _) => Outcome::Skip("Last-Modified is not a date".into()),
                };
                self.record(
                    "last-modified-not-future",
                    Level::Must,
                    "§8.8.2.1",
                    "Last-Modified is not later than Date",
                    outcome,
                    "never send a Last-Modified later than the response's Date: clamp it to now",
                );
            }
        }
    }

    fn head_checks(&mut self, base: &Response, etag: Option<&str>) {
        let head = self.exchange(Request::new("HEAD"));
        let outcome = match &head {
            None => Outcome::Fail("no answer".into()),
            Some(h) if h.status != base.status => {
                Outcome::Fail(format!("HEAD {} where GET {}", h.status, base.status))
            }
            Some(h)
                if h.header("etag") != base.header("etag")
                    || h.header("last-modified") != base.header("last-modified") =>
            {
                Outcome::Fail(format!(
                    "HEAD has ETag {:?}, Last-Modified {:?}; GET had {:?}, {:?}",
                    h.header("etag"),
                    h.header("last-modified"),
                    base.header("etag"),
                    base.header("last-modified")
                ))
            }
            Some(h) if h.after_head > 0 => {
                Outcome::Fail(format!("HEAD answered with {} bytes of body", h.after_head))
            }
            Some(_) => Outcome::Pass,
        };
        self.record(
            "head-validators",
            Level::Should,
            "§9.3.2",
            "HEAD answers as GET, with the same validators and no body",
            outcome,
            "answer HEAD with the GET's header fields (ETag, Last-Modified), without content",
        );
        if let Some(etag) = etag {
            self.expect_status(
                "head-if-none-match",
                Level::Must,
                "§13.1.2",
                "HEAD with If-None-Match: <ETag> gives 304",
                Request::new("HEAD").header("If-None-Match", etag),
                &[304],
                "evaluate preconditions for HEAD exactly as for GET",
            );
        }
    }

    fn if_none_match_checks(&mut self, base: &Response, etag: &str) {
        let inner = quoted_inner(etag).to_owned();
        let weak_form = format!("W/\"{inner}\"");
        let not_modified = self.expect_status("inm-etag", Level::Must, "§13.1.2", "If-None-Match: <ETag> gives 304", Request::new("GET").header("If-None-Match", etag), &[304], "compare If-None-Match with the current ETag (weak comparison) and answer 304 when it matches");
        self.expect_status(
            "inm-weak-form",
            Level::Must,
            "§13.1.2",
            "If-None-Match with the W/ form of the ETag gives 304 (weak comparison)",
            Request::new("GET").header("If-None-Match", weak_form),
            &[304],
            "If-None-Match uses the weak comparison: W/\"x\" matches \"x\"",
        );
        self.expect_status(
            "inm-list",
            Level::Must,
            "§13.1.2",
            "If-None-Match with a list holding the ETag gives 304",
            Request::new("GET").header("If-None-Match", format!("\"precond-probe-other\", {etag}")),
            &[304],
            "parse If-None-Match as a comma-separated list of entity tags",
        );
        if let Some(r) = not_modified.filter(|r| r.status == 304) {
            self.not_modified_shape(base, &r);
        }
        self.expect_status(
            "inm-star",
            Level::Must,
            "§13.1.2",
            "If-None-Match: * on an existing resource gives 304",
            Request::new("GET").header("If-None-Match", "*"),
            &[304],
            "If-None-Match: * is false whenever the resource exists",
        );
        self.expect_status(
            "inm-stale",
            Level::Must,
            "§13.1.2",
            "If-None-Match with another tag gives 200",
            Request::new("GET").header("If-None-Match", "\"precond-probe-stale\""),
            &[200],
            "answer 304 only when a listed tag matches the current one",
        );
        self.expect_status(
            "inm-lowercase-w",
            Level::Should,
            "§8.8.3",
            "If-None-Match: w/\"<tag>\" (lower case) is not a weak tag: 200",
            Request::new("GET").header("If-None-Match", format!("w/\"{inner}\"")),
            &[200],
            "the weak prefix is case-sensitive: W/ only",
        );
        self.expect_status(
            "inm-no-cache",
            Level::Should,
            "§13.2.1",
            "request Cache-Control: no-cache does not switch If-None-Match off",
            Request::new("GET")
                .header("If-None-Match", etag)
                .header("Cache-Control", "no-cache"),
            &[304],
            "no-cache is addressed to caches; an origin server still evaluates the preconditions",
        );
    }

    /// The 304's own checks, on the answer of `inm-etag`.
    fn not_modified_shape(&mut self, base: &Response, r: &Response) {
        self.exchanges
            .push(("(the 304 of inm-etag)".into(), r.head()));
        let outcome = if r.after_head == 0 {
            Outcome::Pass
        } else {
            Outcome::Fail(format!(
                "{} bytes after the 304's header section",
                r.after_head
            ))
        };
        self.record(
            "304-no-body",
            Level::Must,
            "§15.4.5",
            "a 304 has no content",
            outcome,
            "send no body with a 304 (the client keeps its own copy)",
        );
        self.exchanges
            .push(("(the 304 of inm-etag)".into(), r.head()));
        let outcome = match (r.header("content-length"), base.header("content-length")) {
            (None, _) => Outcome::Pass,
            (Some(a), Some(b)) if a == b => Outcome::Pass,
            (Some(a), b) => Outcome::Fail(format!(
                "304 Content-Length: {a}, the 200's: {}",
                b.unwrap_or("none")
            )),
        };
        self.record(
            "304-content-length",
            Level::Must,
            "§8.6",
            "a 304's Content-Length, if any, is the 200's",
            outcome,
            "leave Content-Length out of a 304, or send the 200's",
        );
        let missing: Vec<&str> = [
            "etag",
            "last-modified",
            "cache-control",
            "vary",
            "expires",
            "content-location",
        ]
        .into_iter()
        .filter(|name| base.header(name).is_some() && r.header(name).is_none())
        .collect();
        self.exchanges
            .push(("(the 304 of inm-etag)".into(), r.head()));
        let outcome = if missing.is_empty() {
            Outcome::Pass
        } else {
            Outcome::Fail(format!(
                "the 200 had {}, the 304 has not",
                missing.join(", ")
            ))
        };
        // ETag, Cache-Control, Content-Location, Date, Expires, Vary: MUST; Last-Modified is
        // not in the list, so its absence alone is advice.
        let level = if missing.iter().all(|m| *m == "last-modified") {
            Level::Advice
        } else {
            Level::Must
        };
        self.record("304-headers", level, "§15.4.5", "a 304 repeats the 200's ETag, Cache-Control, Vary, Expires, Content-Location", outcome, "send on the 304 the header fields the 200 would have had (ETag, Cache-Control, Content-Location, Date, Expires, Vary)");
    }

    fn if_modified_since_checks(&mut self, base: &Response, etag: Option<&str>) {
        let Some(lm) = base
            .header("last-modified")
            .filter(|d| parse_http_date(d.as_bytes()).is_some())
            .map(str::to_owned)
        else {
            for id in [
                "ims-at-last-modified",
                "ims-earlier",
                "ims-invalid",
                "inm-over-ims",
            ] {
                self.record(
                    id,
                    Level::Should,
                    "§13.1.3",
                    "If-Modified-Since",
                    Outcome::Skip("no valid Last-Modified".into()),
                    "",
                );
            }
            return;
        };
        let lm_time = parse_http_date(lm.as_bytes()).unwrap_or(UNIX_EPOCH);
        let earlier = fmt_http_date(
            lm_time
                .checked_sub(Duration::from_secs(86_400))
                .unwrap_or(UNIX_EPOCH),
        );
        self.expect_status(
            "ims-at-last-modified",
            Level::Should,
            "§13.1.3",
            "If-Modified-Since: <Last-Modified> gives 304",
            Request::new("GET").header("If-Modified-Since", lm.clone()),
            &[304],
            "answer 304 when Last-Modified is at or before the If-Modified-Since date",
        );
        self.expect_status(
            "ims-earlier",
            Level::Must,
            "§13.1.3",
            "If-Modified-Since a day before Last-Modified gives 200",
            Request::new("GET").header("If-Modified-Since", earlier),
            &[200],
            "a resource modified since the date is sent whole",
        );
        let iso = iso8601(lm_time);
        self.expect_status(
            "ims-invalid",
            Level::Must,
            "§13.1.3",
            "an If-Modified-Since that is not an HTTP date (ISO 8601) is ignored: 200",
            Request::new("GET").header("If-Modified-Since", iso),
            &[200],
            "ignore If-Modified-Since unless it is a valid HTTP date",
        );
        if etag.is_some() {
            self.expect_status(
                "inm-over-ims",
                Level::Must,
                "§13.1.3",
                "a stale If-None-Match beside a matching If-Modified-Since gives 200",
                Request::new("GET")
                    .header("If-None-Match", "\"precond-probe-stale\"")
                    .header("If-Modified-Since", lm),
                &[200],
                "ignore If-Modified-Since when the request has If-None-Match",
            );
        }
    }

    fn missing_check(&mut self) {
        let target = self.missing.clone();
        let response = self.exchange_to(
            Some(target),
            Request::new("GET").header("If-Match", "\"precond-probe\""),
        );
        let outcome = match &response {
            None => Outcome::Fail("no answer".into()),
            Some(r) if r.status == 404 || r.status == 410 => Outcome::Pass,
            Some(r) if r.status == 412 => Outcome::Fail(
                "412: the precondition was evaluated although the response without it is not 2xx"
                    .into(),
            ),
            Some(r) => Outcome::Skip(format!(
                "the derived URL answered {} (pass --missing URL)",
                r.status
            )),
        };
        self.record(
            "missing-if-match",
            Level::Should,
            "§13.2.1",
            "a conditional GET of a missing resource gives 404, not 412",
            outcome,
            "evaluate preconditions only where the response without them would be 2xx or 412",
        );
    }

    fn range_checks(&mut self, base: &Response, strong: Option<&str>) {
        let ranges = base
            .header("accept-ranges")
            .is_some_and(|v| v.to_ascii_lowercase().contains("bytes"));
        let ids = [
            "if-range-strong",
            "if-range-stale",
            "if-range-weak",
            "if-range-other-date",
            "range-under-inm",
        ];
        if !ranges || base.body.len() < 2 {
            for id in ids {
                self.record(
                    id,
                    Level::Should,
                    "§13.1.5",
                    "If-Range",
                    Outcome::Skip("no Accept-Ranges: bytes (or an empty body)".into()),
                    "",
                );
            }
            return;
        }
        let range = |r: Request| r.header("Range", "bytes=0-0");
        match strong {
            Some(etag) => {
                self.expect_status(
                    "if-range-strong",
                    Level::Should,
                    "§13.1.5",
                    "If-Range with the strong ETag serves the Range: 206",
                    range(Request::new("GET")).header("If-Range", etag),
                    &[206],
                    "serve the range when If-Range's strong tag is the current one",
                );
                self.expect_status(
                    "if-range-weak",
                    Level::Must,
                    "§13.1.5",
                    "If-Range with a weak tag is ignored: 200",
                    range(Request::new("GET")).header("If-Range", format!("W/{etag}")),
                    &[200],
                    "If-Range uses the strong comparison: a weak tag never matches",
                );
                self.expect_status(
                    "range-under-inm",
                    Level::Must,
                    "§13.2.2",
                    "a Range beside a matching If-None-Match gives 304, not 206",
                    range(Request::new("GET")).header("If-None-Match", etag),
                    &[304],
                    "evaluate If-None-Match before the Range",
                );
            }
            None => {
                for id in ["if-range-strong", "if-range-weak", "range-under-inm"] {
                    self.record(
                        id,
                        Level::Should,
                        "§13.1.5",
                        "If-Range",
                        Outcome::Skip("no strong ETag".into()),
                        "",
                    );
                }
            }
        }
        self.expect_status(
            "if-range-stale",
            Level::Must,
            "§13.1.5",
            "If-Range with another tag sends the whole representation: 200",
            range(Request::new("GET")).header("If-Range", "\"precond-probe-stale\""),
            &[200],
            "ignore the Range when If-Range does not match",
        );
        match base
            .header("last-modified")
            .and_then(|d| parse_http_date(d.as_bytes()))
        {
            Some(lm) => {
                let other = fmt_http_date(
                    lm.checked_sub(Duration::from_secs(86_400))
                        .unwrap_or(UNIX_EPOCH),
                );
                self.expect_status("if-range-other-date", Level::Must, "§13.1.5", "If-Range with a date other than Last-Modified sends the whole representation: 200", range(Request::new("GET")).header("If-Range", other), &[200], "an If-Range date must equal Last-Modified exactly");
            }
            None => self.record(
                "if-range-other-date",
                Level::Should,
                "§13.1.5",
                "If-Range with a date",
                Outcome::Skip("no Last-Modified".into()),
                "",
            ),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Write checks (--write): every write sends back the representation read.

    fn write_checks(&mut self, base: &Response, strong: Option<String>) {
        let content_type = base
            .header("content-type")
            .unwrap_or("application/octet-stream")
            .to_owned();
        let body = base.body.clone();
        let put = |r: Request| r.body(&content_type, &body);

        // No precondition at all.
        let response = self.exchange(put(Request::new("PUT")));
        let outcome = match &response {
            Some(r) if r.status == 428 => Outcome::Pass,
            Some(r) if (200..300).contains(&r.status) => Outcome::Fail(format!(
                "{}: a write without a precondition was accepted: the last writer wins, and a client overwrites changes it never saw",
                r.status
            )),
            Some(r) => Outcome::Fail(format!("got {}, expected 428", r.status)),
            None => Outcome::Fail("no answer".into()),
        };
        self.record("write-requires-precondition", Level::Should, "RFC 6585 §3", "a write without a precondition gives 428", outcome, "answer 428 Precondition Required to PUT, PATCH and DELETE without If-Match (or If-None-Match: * to create)");

        let Some(etag) = strong.and_then(|_| self.fresh_etag()) else {
            self.record(
                "write-if-match",
                Level::Must,
                "§13.1.1",
                "conditional writes",
                Outcome::Skip("no strong ETag: If-Match can never hold".into()),
                "",
            );
            return;
        };
        let inner = quoted_inner(&etag).to_owned();

        // A stale If-Match.
        let stale =
            self.exchange(put(Request::new("PUT")).header("If-Match", "\"precond-probe-stale\""));
        let after = self.fresh_etag();
        let outcome = match (&stale, &after) {
            (Some(r), Some(now)) if r.status == 412 && *now == etag => Outcome::Pass,
            (Some(r), _) if r.status == 412 => {
                Outcome::Fail("412, but the resource changed".into())
            }
            (Some(r), _) => Outcome::Fail(format!(
                "got {}, expected 412: a write based on a version that is not the current one went through",
                r.status
            )),
            (None, _) => Outcome::Fail("no answer".into()),
        };
        self.record("stale-if-match", Level::Must, "§13.1.1", "a stale If-Match gives 412 and changes nothing", outcome, "compare If-Match with the current ETag (strong comparison) before writing, atomically with the write");
        if let Some(r) = stale.as_ref().filter(|r| r.status == 412) {
            self.exchanges
                .push(("(the 412 of stale-if-match)".into(), r.head()));
            let body_tag = serde_json::from_slice::<Value>(&r.body)
                .ok()
                .and_then(|b| b.get("current_etag").cloned());
            let outcome = match (r.header("etag"), body_tag) {
                (Some(tag), Some(Value::String(b))) if tag == etag && b == etag => Outcome::Pass,
                (Some(tag), None) if tag == etag => Outcome::Pass,
                (Some(tag), Some(other)) => Outcome::Fail(format!(
                    "ETag {tag}, body current_etag {other}; current is {etag}"
                )),
                (Some(tag), _) => Outcome::Fail(format!("ETag {tag}; current is {etag}")),
                (None, _) => Outcome::Fail("the 412 carries no ETag".into()),
            };
            self.record(
                "412-current-etag",
                Level::Should,
                "§13.1.1",
                "the 412 carries the current ETag (header, and current_etag in a JSON body)",
                outcome,
                "send the current ETag on a 412 so the client knows what it is refused against",
            );
        }

        // Malformed and weak If-Match.
        let response = self.exchange(put(Request::new("PUT")).header("If-Match", inner.clone()));
        let outcome = match &response {
            Some(r) if r.status == 412 || r.status == 400 => Outcome::Pass,
            Some(r) if (200..300).contains(&r.status) => Outcome::Fail(format!(
                "{}: the unquoted tag was accepted (or the malformed field silently dropped): the write went through without a valid precondition",
                r.status
            )),
            Some(r) => Outcome::Fail(format!("got {}, expected 412 or 400", r.status)),
            None => Outcome::Fail("no answer".into()),
        };
        self.record(
            "unquoted-if-match",
            Level::Must,
            "§13.1.1",
            "an unquoted If-Match (the tag without its quotes) gives 412 or 400, never 2xx",
            outcome,
            "treat an If-Match that is not a list of entity tags as false (412), never as absent",
        );
        self.expect_status(
            "weak-if-match",
            Level::Must,
            "§13.1.1",
            "If-Match with the W/ form of the current tag gives 412 (strong comparison)",
            put(Request::new("PUT")).header("If-Match", format!("W/\"{inner}\"")),
            &[412],
            "If-Match uses the strong comparison: a weak tag never matches",
        );

        // If-None-Match: * on the existing resource.
        let before = self.fresh_etag();
        let response = self.exchange(put(Request::new("PUT")).header("If-None-Match", "*"));
        let unchanged = self.fresh_etag() == before;
        let outcome = match &response {
            Some(r) if (r.status == 412 || r.status == 428) && unchanged => Outcome::Pass,
            Some(r) if r.status == 412 => Outcome::Fail("412, but the resource changed".into()),
            Some(r) => Outcome::Fail(format!(
                "got {}, expected 412: a create-only write replaced an existing resource",
                r.status
            )),
            None => Outcome::Fail("no answer".into()),
        };
        self.record(
            "inm-star-write",
            Level::Must,
            "§13.1.2",
            "If-None-Match: * on an existing resource gives 412 and changes nothing",
            outcome,
            "If-None-Match: * is false when the resource exists: refuse with 412",
        );

        // If-Unmodified-Since.
        let lm = self
            .base
            .as_ref()
            .and_then(|b| b.header("last-modified"))
            .and_then(|d| parse_http_date(d.as_bytes()));
        match lm {
            Some(lm) => {
                let old = fmt_http_date(
                    lm.checked_sub(Duration::from_secs(86_400))
                        .unwrap_or(UNIX_EPOCH),
                );
                self.expect_status(
                    "ius-old",
                    Level::Must,
                    "§13.1.4",
                    "If-Unmodified-Since a day before Last-Modified gives 412 (or 428 where only If-Match counts)",
                    put(Request::new("PUT")).header("If-Unmodified-Since", old),
                    &[412, 428],
                    "refuse a write whose If-Unmodified-Since is earlier than Last-Modified",
                );
            }
            None => self.record(
                "ius-old",
                Level::Should,
                "§13.1.4",
                "If-Unmodified-Since",
                Outcome::Skip("no Last-Modified".into()),
                "",
            ),
        }

        // DELETE with a stale tag.
        let response =
            self.exchange(Request::new("DELETE").header("If-Match", "\"precond-probe-stale\""));
        let still = self
            .exchange(Request::new("GET"))
            .is_some_and(|r| r.status == 200);
        let outcome = match &response {
            Some(r) if r.status == 412 && still => Outcome::Pass,
            Some(r) if (200..300).contains(&r.status) => Outcome::Fail(format!(
                "{}: a stale DELETE went through (the probe cannot put the resource back)",
                r.status
            )),
            Some(r) if r.status == 405 => Outcome::Skip("DELETE is not allowed here".into()),
            Some(r) => Outcome::Fail(format!("got {}, expected 412", r.status)),
            None => Outcome::Fail("no answer".into()),
        };
        self.record(
            "stale-delete",
            Level::Must,
            "§13.1.1",
            "DELETE with a stale If-Match gives 412 and the resource is still there",
            outcome,
            "evaluate If-Match before deleting, atomically with the delete",
        );

        let before = self.fresh_etag();
        // The normal checks first: an unsupported media type with a stale tag.
        let response = self.exchange(
            Request::new("PUT")
                .header("If-Match", "\"precond-probe-stale\"")
                .body("application/x-precond-probe", b"\x00"),
        );
        let unchanged = self.fresh_etag() == before;
        let outcome = match &response {
            Some(r) if (r.status == 415 || r.status == 412) && unchanged => Outcome::Pass,
            Some(r) if (200..300).contains(&r.status) => Outcome::Fail(format!(
                "{}: a stale write of an unsupported body went through",
                r.status
            )),
            Some(r) => Outcome::Warn(format!("got {}, expected 415 or 412", r.status)),
            None => Outcome::Fail("no answer".into()),
        };
        self.record(
            "order-of-checks",
            Level::Should,
            "§13.2.1",
            "a stale write with an unsupported Content-Type gives 415 or 412 and changes nothing",
            outcome,
            "answer either the media-type error or the precondition failure; never write",
        );

        // The current tag: 2xx, and If-Unmodified-Since beside it ignored.
        let etag = self.fresh_etag().unwrap_or(etag);
        let old_lm = self
            .base
            .as_ref()
            .and_then(|b| b.header("last-modified"))
            .map(str::to_owned);
        let response = self.exchange(
            put(Request::new("PUT"))
                .header("If-Match", etag.clone())
                .header("If-Unmodified-Since", "Thu, 01 Jan 1970 00:00:00 GMT"),
        );
        let outcome = match &response {
            Some(r) if (200..300).contains(&r.status) => Outcome::Pass,
            Some(r) => Outcome::Fail(format!(
                "got {}, expected 2xx (If-Unmodified-Since must be ignored beside If-Match)",
                r.status
            )),
            None => Outcome::Fail("no answer".into()),
        };
        self.record("current-if-match", Level::Must, "§13.1.4", "the current If-Match (beside an old If-Unmodified-Since, which it overrides) gives 2xx", outcome, "ignore If-Unmodified-Since when the request has If-Match");
        let written = response
            .as_ref()
            .is_some_and(|r| (200..300).contains(&r.status));
        let new_etag = self.fresh_etag();
        if written {
            self.exchanges.clear();
            let outcome = match &new_etag {
                Some(new) if *new != etag => Outcome::Pass,
                Some(_) => Outcome::Skip(
                    "the same content was written back, and the ETag is derived from the content"
                        .into(),
                ),
                None => Outcome::Fail("no ETag after the write".into()),
            };
            let moved = matches!(outcome, Outcome::Pass);
            self.record(
                "write-changes-etag",
                Level::Advice,
                "§8.8.3",
                "a write gives a new ETag",
                outcome,
                "",
            );
            if moved && let Some(old_lm) = old_lm {
                self.expect_status(
                    "ims-after-write",
                    Level::Must,
                    "§13.1.3",
                    "after a write, a GET with the old If-Modified-Since gives 200",
                    Request::new("GET").header("If-Modified-Since", old_lm),
                    &[200],
                    "move Last-Modified forward with every write",
                );
            }
            if moved {
                self.lost_updates(&content_type, &body);
            } else {
                self.record("lost-update", Level::Must, "§13.1.1", "concurrent writers holding one ETag: exactly one succeeds", Outcome::Skip("the ETag does not change when the same content is written back, so concurrent identical writes may all pass".into()), "");
            }
        }
    }

    /// Eight writers with the same current ETag at once: exactly one 2xx.
    fn lost_updates(&mut self, content_type: &str, body: &[u8]) {
        let Some(etag) = self.fresh_etag() else {
            return;
        };
        let target = self.target.clone();
        let headers = self.headers.clone();
        let request = Request::new("PUT")
            .header("If-Match", etag.clone())
            .body(content_type, body);
        let statuses: Vec<Option<u16>> = std::thread::scope(|scope| {
            let writers: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| send(&target, &request, &headers).ok().map(|r| r.status)))
                .collect();
            writers
                .into_iter()
                .map(|w| w.join().ok().flatten())
                .collect()
        });
        let successes = statuses
            .iter()
            .filter(|s| s.is_some_and(|s| (200..300).contains(&s)))
            .count();
        self.exchanges.push((
            request
                .head(&self.target, &self.headers)
                .trim_end()
                .replace("\r\n", "\n")
                + "\n(x8, at once)",
            format!("statuses: {statuses:?}"),
        ));
        let outcome = if successes == 1 {
            Outcome::Pass
        } else {
            Outcome::Fail(format!(
                "{successes} of 8 writes with the same If-Match succeeded"
            ))
        };
        self.record("lost-update", Level::Must, "§13.1.1", "concurrent writers holding one ETag: exactly one succeeds", outcome, "make the check and the write one atomic step (a conditional UPDATE ... WHERE version = $checked, or a lock held from the check to the write)");
    }

    /// The current ETag, read with a fresh GET (not recorded).
    fn fresh_etag(&mut self) -> Option<String> {
        send(&self.target, &Request::new("GET"), &self.headers)
            .ok()
            .filter(|r| r.status == 200)
            .and_then(|r| r.header("etag").map(str::to_owned))
    }

    // -----------------------------------------------------------------------------------------
    // Output

    pub fn report(&self) -> String {
        let mut out = String::new();
        for check in &self.results {
            let (word, detail) = match &check.outcome {
                Outcome::Pass => ("pass", None),
                Outcome::Fail(d) => ("FAIL", Some(d)),
                Outcome::Warn(d) => ("warn", Some(d)),
                Outcome::Skip(d) => ("skip", Some(d)),
            };
            out.push_str(&format!(
                "{word:<4}  {:<6}  {:<11}  {}\n",
                check.level.as_str(),
                check.section,
                check.title
            ));
            if let Some(detail) = detail {
                out.push_str(&format!("      {detail}\n"));
            }
            if matches!(check.outcome, Outcome::Fail(_) | Outcome::Warn(_)) {
                for (request, response) in &check.exchanges {
                    for line in request.lines() {
                        out.push_str(&format!("      > {line}\n"));
                    }
                    for line in response.lines() {
                        out.push_str(&format!("      < {line}\n"));
                    }
                }
                if !check.fix.is_empty() {
                    out.push_str(&format!("      fix: {}\n", check.fix));
                }
            }
        }
        let count = |f: fn(&Outcome) -> bool| self.results.iter().filter(|c| f(&c.outcome)).count();
        out.push_str(&format!(
            "\n{} checks: {} passed, {} failed, {} warnings, {} skipped\n",
            self.results.len(),
            count(|o| *o == Outcome::Pass),
            count(|o| matches!(o, Outcome::Fail(_))),
            count(|o| matches!(o, Outcome::Warn(_))),
            count(|o| matches!(o, Outcome::Skip(_))),
        ));
        out
    }

    pub fn json(&self) -> String {
        let checks: Vec<Value> = self
            .results
            .iter()
            .map(|c| {
                let (outcome, detail) = match &c.outcome {
                    Outcome::Pass => ("pass", None),
                    Outcome::Fail(d) => ("fail", Some(d.clone())),
                    Outcome::Warn(d) => ("warn", Some(d.clone())),
                    Outcome::Skip(d) => ("skip", Some(d.clone())),
                };
                json!({
                    "id": c.id,
                    "level": c.level.as_str(),
                    "section": c.section,
                    "title": c.title,
                    "outcome": outcome,
                    "detail": detail,
                    "exchanges": c.exchanges.iter().map(|(q, r)| json!({"request": q, "response": r})).collect::<Vec<_>>(),
                    "fix": c.fix,
                })
            })
            .collect();
        serde_json::to_string_pretty(&json!({ "checks": checks })).unwrap_or_default()
    }
}

fn join(statuses: &[u16]) -> String {
    statuses
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(" or ")
}

/// `time` as ISO 8601 (`1994-11-06T08:49:37Z`): a date form HTTP does not accept.
fn iso8601(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = secs / 86_400;
    let (h, m, s) = (secs / 3600 % 24, secs / 60 % 60, secs % 60);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{d:02}T{h:02}:{m:02}:{s:02}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert_eq!(
            iso8601(UNIX_EPOCH + Duration::from_secs(784_111_777)),
            "1994-11-06T08:49:37Z"
        );
        assert_eq!(iso8601(UNIX_EPOCH), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn inner_tags() {
        assert_eq!(quoted_inner("\"abc\""), "abc");
        assert_eq!(quoted_inner("W/\"abc\""), "abc");
        assert_eq!(quoted_inner("abc"), "abc");
    }
}
