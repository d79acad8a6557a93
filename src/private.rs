//! Framework-free helpers that `#[conditional]` expands to, re-exported through
//! `precond::__private`. Not public API.

use std::future::Future;

use precond_core::http::{HeaderMap, HeaderName, HeaderValue};

/// Returns `future` unchanged; naming `R` gives the handler body's `async` block the handler's
/// return type, so that `?` and `return` in the body infer as they did in the original `fn`.
///
/// ```
/// # async fn run() {
/// let out = precond::__private::hint::<Result<u8, String>, _>(async { Ok(1) }).await;
/// assert_eq!(out, Ok(1));
/// # }
/// ```
#[inline(always)]
pub fn hint<R, F: Future<Output = R>>(future: F) -> F {
    future
}

/// How many declared headers fit without allocating: `#[conditional]` declares at most four
/// (`Cache-Control`, `Vary`, `Expires`, `Content-Location`).
const INLINE: usize = 4;

/// The response headers a handler declares in `#[conditional(...)]`, which go on its 304
/// answers and on 2xx answers that do not carry them already.
///
/// Up to four headers are kept inline, so declaring them costs no allocation beyond what a
/// value's own conversion needs (none for a `&'static str`).
///
/// ```
/// use precond::__private::ExtraHeaders;
/// use precond::__private::http::header::{CACHE_CONTROL, CONTENT_LOCATION, VARY};
///
/// let mut headers = ExtraHeaders::new();
/// headers.push_static(CACHE_CONTROL, "no-cache");
/// headers.push(CONTENT_LOCATION, format!("/documents/{}", 42));
/// headers.push(VARY, "bad\nvalue"); // not a valid header value: left out
/// ```
#[derive(Debug, Clone, Default)]
pub struct ExtraHeaders {
    inline: [Option<(HeaderName, HeaderValue)>; INLINE],
    len: usize,
    overflow: Vec<(HeaderName, HeaderValue)>,
}

impl ExtraHeaders {
    /// No headers.
    #[inline]
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a header whose value `#[conditional]` checked at compile time. A value that is not
    /// a valid header value (visible ASCII, space and tab) is left out, never a panic.
    #[inline]
    pub fn push_static(&mut self, name: HeaderName, value: &'static str) {
        if value
            .bytes()
            .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
        {
            self.push_value(name, HeaderValue::from_static(value));
        }
    }

    /// Adds a header from any value convertible into a [`HeaderValue`]; a value whose
    /// conversion fails is left out.
    #[inline]
    pub fn push<V: TryInto<HeaderValue>>(&mut self, name: HeaderName, value: V) {
        if let Ok(value) = value.try_into() {
            self.push_value(name, value);
        }
    }

    fn push_value(&mut self, name: HeaderName, value: HeaderValue) {
        if self.len < INLINE {
            self.inline[self.len] = Some((name, value));
            self.len += 1;
        } else {
            self.overflow.push((name, value));
        }
    }

    /// Whether no header was declared (or every declared value was left out).
    #[inline]
    #[cfg_attr(not(any(feature = "axum", feature = "actix")), allow(dead_code))]
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The headers, in the order they were pushed.
    #[cfg_attr(not(any(feature = "axum", feature = "actix")), allow(dead_code))]
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&HeaderName, &HeaderValue)> {
        self.inline
            .iter()
            .flatten()
            .chain(&self.overflow)
            .map(|(name, value)| (name, value))
    }

    /// Appends every header (for a 304).
    #[cfg_attr(not(any(feature = "axum", feature = "actix")), allow(dead_code))]
    pub(crate) fn append_all(&self, headers: &mut impl Headers) {
        for (name, value) in self.iter() {
            headers.add(name, value);
        }
    }

    /// Appends the headers whose name `headers` does not carry yet (for a 2xx). Presence is
    /// judged before anything is added, so a name pushed twice gets both values (for the first
    /// 64 headers; later ones, never declared by `#[conditional]`, are judged one by one).
    #[cfg_attr(not(any(feature = "axum", feature = "actix")), allow(dead_code))]
    pub(crate) fn append_missing(&self, headers: &mut impl Headers) {
        if self.is_empty() {
            return;
        }
        let mut missing: u64 = 0;
        for (i, (name, _)) in self.iter().enumerate().take(64) {
            if !headers.has(name) {
                missing |= 1 << i;
            }
        }
        for (i, (name, value)) in self.iter().enumerate() {
            let add = if i < 64 {
                missing & (1 << i) != 0
            } else {
                !headers.has(name)
            };
            if add {
                headers.add(name, value);
            }
        }
    }
}

/// A response's header map, as [`ExtraHeaders`] adds to it: `http` 1's (axum), or actix-web's
/// (whose `http` 0.2 types take the same bytes).
pub(crate) trait Headers {
    /// Whether the map has a value of this name.
    fn has(&self, name: &HeaderName) -> bool;
    /// Appends a value (a name or value that does not convert is left out; none fails).
    fn add(&mut self, name: &HeaderName, value: &HeaderValue);
}

impl Headers for HeaderMap {
    #[inline]
    fn has(&self, name: &HeaderName) -> bool {
        self.contains_key(name)
    }

    #[inline]
    fn add(&mut self, name: &HeaderName, value: &HeaderValue) {
        self.append(name.clone(), value.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use precond_core::http::header::{CACHE_CONTROL, CONTENT_LOCATION, EXPIRES, VARY};

    fn pushed(count: usize) -> ExtraHeaders {
        let mut headers = ExtraHeaders::new();
        for n in 0..count {
            headers.push(VARY, format!("x-{n}"));
        }
        headers
    }

    #[test]
    fn keeps_order_inline_and_beyond() {
        for count in [0, 1, INLINE, INLINE + 1, 9] {
            let headers = pushed(count);
            let values: Vec<String> = headers
                .iter()
                .map(|(_, v)| v.to_str().unwrap_or_default().to_owned())
                .collect();
            let expected: Vec<String> = (0..count).map(|n| format!("x-{n}")).collect();
            assert_eq!(values, expected);
            assert_eq!(headers.is_empty(), count == 0);
            let mut map = HeaderMap::new();
            headers.append_all(&mut map);
            assert_eq!(map.get_all(VARY).iter().count(), count);
        }
    }

    #[test]
    fn invalid_values_are_left_out() {
        let mut headers = ExtraHeaders::new();
        headers.push_static(CACHE_CONTROL, "no-cache\r\nx-injected: 1");
        headers.push_static(EXPIRES, "caf\u{e9}");
        headers.push(CONTENT_LOCATION, String::from("/a\nb"));
        headers.push(VARY, "Accept-Encoding");
        headers.push_static(CACHE_CONTROL, "max-age=60,\tpublic");
        let names: Vec<&HeaderName> = headers.iter().map(|(n, _)| n).collect();
        assert_eq!(names, [&VARY, &CACHE_CONTROL]);
    }

    #[test]
    fn missing_only_judged_before_adding() {
        let mut headers = ExtraHeaders::new();
        headers.push(VARY, "Accept");
        headers.push(VARY, "Accept-Encoding");
        headers.push(CACHE_CONTROL, "no-cache");
        let mut map = HeaderMap::new();
        map.insert(CACHE_CONTROL, HeaderValue::from_static("private"));
        headers.append_missing(&mut map);
        let vary: Vec<_> = map.get_all(VARY).iter().collect();
        assert_eq!(vary, ["Accept", "Accept-Encoding"]);
        let cache: Vec<_> = map.get_all(CACHE_CONTROL).iter().collect();
        assert_eq!(cache, ["private"]);
    }
}
