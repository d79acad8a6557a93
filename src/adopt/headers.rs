//! The response header fields the shallow-ETag rules read (`Cache-Control`) and keep in a 304.

/// Whether one `Cache-Control` field value has the `no-store` directive (RFC 9111 §5.2),
/// compared case-insensitively. Commas inside quoted strings (`private="a, no-store"`) do not
/// separate directives. Linear in the value; never panics.
///
/// ```
/// use precond::adopt::has_no_store;
/// assert!(has_no_store(b"no-store"));
/// assert!(has_no_store(b"max-age=0 , NO-STORE"));
/// assert!(!has_no_store(b"no-cache"));
/// assert!(!has_no_store(b"private=\"x, no-store\""));
/// ```
#[must_use]
pub fn has_no_store(value: &[u8]) -> bool {
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    // One more step past the end, to close the last directive.
    for i in 0..=value.len() {
        let byte = value.get(i).copied();
        if quoted && byte.is_some() {
            match byte {
                _ if escaped => escaped = false,
                Some(b'\\') => escaped = true,
                Some(b'"') => quoted = false,
                _ => {}
            }
            continue;
        }
        match byte {
            Some(b'"') => quoted = true,
            Some(b',') | None => {
                let directive = &value[start..i];
                let name = directive
                    .split(|&b| b == b'=')
                    .next()
                    .unwrap_or_default()
                    .trim_ascii();
                if name.eq_ignore_ascii_case(b"no-store") {
                    return true;
                }
                start = i + 1;
            }
            Some(_) => {}
        }
    }
    false
}

/// Whether a `304 Not Modified` made from a full response keeps the header field `name`
/// (compared case-insensitively).
///
/// RFC 9110 §15.4.5: a 304 must carry the `Cache-Control`, `Content-Location`, `Date`, `ETag`,
/// `Expires` and `Vary` the 200 would have carried, may carry `Last-Modified`, and should not
/// carry other representation metadata. So a 304 drops the fields that describe the body it
/// does not have: every `Content-*` field but `Content-Location` (`Content-Type`,
/// `Content-Length`, `Content-Encoding`, `Content-Language`, `Content-Range`,
/// `Content-Disposition`, ...), `Transfer-Encoding`, `Trailer`, and the representation digests
/// `Digest` and `Repr-Digest`. It keeps the others, which are about the exchange rather than
/// the body: `Set-Cookie`, the CORS `Access-Control-*` fields, security headers such as
/// `Strict-Transport-Security`, and fields of the application that a client may still expect.
///
/// ```
/// use precond::adopt::keeps_in_not_modified;
/// for kept in ["ETag", "cache-control", "Content-Location", "date", "expires", "vary",
///              "last-modified", "set-cookie", "access-control-allow-origin"] {
///     assert!(keeps_in_not_modified(kept), "{kept}");
/// }
/// for dropped in ["content-type", "Content-Length", "content-encoding", "transfer-encoding"] {
///     assert!(!keeps_in_not_modified(dropped), "{dropped}");
/// }
/// ```
#[must_use]
pub fn keeps_in_not_modified(name: &str) -> bool {
    let name = name.as_bytes();
    let is = |other: &str| name.eq_ignore_ascii_case(other.as_bytes());
    let content = name.len() >= 8 && name[..8].eq_ignore_ascii_case(b"content-");
    !((content && !is("content-location"))
        || is("transfer-encoding")
        || is("trailer")
        || is("digest")
        || is("repr-digest"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_store_directives() {
        for (value, expected) in [
            (&b"no-store"[..], true),
            (b"No-Store", true),
            (b"public, no-store", true),
            (b"no-store=\"x\"", true),
            (b"  no-store  ", true),
            (b"no-cache", false),
            (b"no-storey", false),
            (b"private=\"no-store\"", false),
            (b"private=\"a\\\", no-store\"", false),
            (b"private=\"a\", no-store", true),
            (b"\"", false),
            (b"", false),
            (b",,,", false),
            (b"\xff\xfe", false),
        ] {
            assert_eq!(
                has_no_store(value),
                expected,
                "{:?}",
                String::from_utf8_lossy(value)
            );
        }
    }
}
