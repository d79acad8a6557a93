//! What a 412 tells the client (issue 12): the reason a precondition was false, and messages
//! that only suggest what the handler accepts. Each case is one the issue measured.

use std::time::{Duration, UNIX_EPOCH};

use http::Method;
use precond_core::{
    Decision, ETag, Field, Policy, Preconditions, Reason, Rejection, Requirement, Validators,
    evaluate,
};

fn current() -> Validators {
    Validators::new(ETag::strong("abc123").unwrap())
        .with_last_modified(UNIX_EPOCH + Duration::from_secs(1_700_000_000))
}

fn decide(
    method: Method,
    fields: &[(Field, &str)],
    current: Option<&Validators>,
    policy: Policy,
) -> Decision {
    let mut pre = Preconditions::new();
    for (field, value) in fields {
        pre.add(*field, value.as_bytes());
    }
    evaluate(&method, &pre, current, &policy)
}

fn failed(
    method: Method,
    fields: &[(Field, &str)],
    current: Option<&Validators>,
    policy: Policy,
) -> Rejection {
    match decide(method, fields, current, policy) {
        Decision::PreconditionFailed(rejection) => rejection,
        other => panic!("expected 412, got {other:?}"),
    }
}

fn json(rejection: &Rejection) -> serde_json::Value {
    serde_json::from_str(&rejection.body().expect("a body")).expect("JSON")
}

fn message(rejection: &Rejection) -> String {
    json(rejection)["message"].as_str().unwrap().to_owned()
}

const LOST_UPDATE: Policy = Policy::lost_update();

#[test]
fn an_unquoted_tag_is_told_to_keep_its_quotes() {
    let now = current();
    for sent in ["abc123", "abc123, \"other\"", " abc123 ", "W/abc123"] {
        let r = failed(
            Method::PUT,
            &[(Field::IfMatch, sent)],
            Some(&now),
            LOST_UPDATE,
        );
        assert_eq!(r.reason(), Some(Reason::EtagNotQuoted), "{sent}");
        assert_eq!(json(&r)["reason"], "etag_not_quoted");
        let text = message(&r);
        assert!(text.contains("double quotes included"), "{text}");
        assert!(!text.contains("has changed"), "{text}");
        assert_eq!(json(&r)["current_etag"], "\"abc123\"");
    }
    // A version number without its quotes, as in `If-Match: 2` for the tag `"2"`.
    let two = Validators::new(ETag::from_version(2));
    let r = failed(
        Method::PUT,
        &[(Field::IfMatch, "2")],
        Some(&two),
        LOST_UPDATE,
    );
    assert_eq!(r.reason(), Some(Reason::EtagNotQuoted));
}

#[test]
fn a_weak_tag_is_told_if_match_needs_the_strong_one() {
    let two = Validators::new(ETag::from_version(2));
    for sent in ["W/\"2\"", "W/\"1\", W/\"2\""] {
        let r = failed(
            Method::PUT,
            &[(Field::IfMatch, sent)],
            Some(&two),
            LOST_UPDATE,
        );
        assert_eq!(r.reason(), Some(Reason::WeakEtag), "{sent}");
        let text = message(&r);
        assert!(text.contains("strong comparison"), "{text}");
        assert!(text.contains("current_etag"), "{text}");
    }
    // The resource's own tag is weak: If-Match can never hold, so the message must not send the
    // client round again with current_etag.
    let weak = Validators::new(ETag::weak("v1").unwrap())
        .with_last_modified(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let r = failed(
        Method::PUT,
        &[(Field::IfMatch, "\"v1\"")],
        Some(&weak),
        LOST_UPDATE,
    );
    assert_eq!(r.reason(), Some(Reason::WeakEtag));
    let text = message(&r);
    assert!(text.contains("only a weak entity tag"), "{text}");
    assert!(text.contains("If-Unmodified-Since"), "{text}");
    assert!(!text.contains("If-Match set to current_etag"), "{text}");
}

#[test]
fn other_syntax_errors_are_malformed() {
    let now = current();
    for sent in ["\"unterminated", "\"a\" \"b\"", "*, \"a\"", ","] {
        let r = failed(
            Method::PUT,
            &[(Field::IfMatch, sent)],
            Some(&now),
            LOST_UPDATE,
        );
        assert_eq!(r.reason(), Some(Reason::Malformed), "{sent}");
        assert!(message(&r).contains("not a valid list"));
    }
}

#[test]
fn a_stale_tag_is_told_to_refetch() {
    let now = current();
    let r = failed(
        Method::PUT,
        &[(Field::IfMatch, "\"old\"")],
        Some(&now),
        LOST_UPDATE,
    );
    assert_eq!(r.reason(), Some(Reason::Changed));
    assert_eq!(
        message(&r),
        "The resource has changed since you last fetched it. Fetch it again, reapply your \
         change, and resubmit with If-Match set to current_etag."
    );
}

#[test]
fn a_failed_if_unmodified_since_names_what_the_handler_accepts() {
    let now = current();
    let early = [(Field::IfUnmodifiedSince, "Sun, 06 Nov 1994 08:49:37 GMT")];
    let r = failed(Method::PUT, &early, Some(&now), LOST_UPDATE);
    assert_eq!(r.reason(), Some(Reason::ModifiedSince));
    let text = message(&r);
    assert!(
        text.contains("modified since the date in If-Unmodified-Since"),
        "{text}"
    );
    assert!(text.contains("If-Match set to current_etag"), "{text}");

    // A handler that only takes dates is told to send a date again.
    let dates = Policy::none().put(Requirement::IF_UNMODIFIED_SINCE);
    let r = failed(Method::PUT, &early, Some(&now), dates);
    let text = message(&r);
    assert!(
        text.contains("If-Unmodified-Since set to its Last-Modified"),
        "{text}"
    );
    assert!(!text.contains("If-Match"), "{text}");
}

#[test]
fn a_missing_resource_suggests_creating_it_only_where_that_is_accepted() {
    let star = [(Field::IfMatch, "*")];
    // require = "If-Match": If-None-Match: * would be 428, so it is not suggested.
    let if_match = Policy::none().put(Requirement::IF_MATCH);
    let r = failed(Method::PUT, &star, None, if_match);
    assert_eq!(r.reason(), Some(Reason::NotFound));
    let text = message(&r);
    assert!(!text.contains("If-None-Match"), "{text}");
    // ...and indeed it is refused with 428.
    let create = [(Field::IfNoneMatch, "*")];
    assert!(matches!(
        decide(Method::PUT, &create, None, if_match),
        Decision::PreconditionRequired(_)
    ));

    // Where the policy takes If-None-Match: *, the suggestion is made, and it works.
    let r = failed(Method::PUT, &star, None, LOST_UPDATE);
    assert!(message(&r).contains("resubmit with If-None-Match: *"));
    assert!(decide(Method::PUT, &create, None, LOST_UPDATE).is_proceed());

    // A DELETE of what is gone is never told to create it.
    let r = failed(
        Method::DELETE,
        &[(Field::IfMatch, "\"abc123\"")],
        None,
        LOST_UPDATE,
    );
    let text = message(&r);
    assert!(text.contains("nothing to delete"), "{text}");
    assert!(!text.contains("create"), "{text}");

    // A lost race decided without the request suggests nothing it cannot know is accepted.
    let text = Rejection::precondition_failed(None).message();
    assert!(!text.contains("If-None-Match"), "{text}");
}

#[test]
fn if_match_etag_counts_only_an_entity_tag() {
    let now = current();
    let strict = Policy::none()
        .put(Requirement::IF_MATCH_ETAG | Requirement::IF_NONE_MATCH_STAR)
        .delete(Requirement::IF_MATCH_ETAG);
    // `*` and a date far in the future would overwrite without checking any version.
    for fields in [
        vec![(Field::IfMatch, "*")],
        vec![(Field::IfUnmodifiedSince, "Fri, 01 Jan 2100 00:00:00 GMT")],
    ] {
        for method in [Method::PUT, Method::DELETE] {
            let decision = decide(method.clone(), &fields, Some(&now), strict);
            let Decision::PreconditionRequired(r) = decision else {
                panic!("{method} {fields:?}: expected 428, got {decision:?}");
            };
            assert!(r.message().contains("* does not count"), "{}", r.message());
        }
        // The looser policy lets both through: what the stricter one is for.
        assert!(decide(Method::PUT, &fields, Some(&now), LOST_UPDATE).is_proceed());
    }
    assert!(
        decide(
            Method::PUT,
            &[(Field::IfMatch, "\"abc123\"")],
            Some(&now),
            strict
        )
        .is_proceed()
    );
    assert!(decide(Method::PUT, &[(Field::IfNoneMatch, "*")], None, strict).is_proceed());
    // A malformed tag counts as an attempt, and gets the 412 that says what is wrong with it.
    let r = failed(
        Method::PUT,
        &[(Field::IfMatch, "abc123")],
        Some(&now),
        strict,
    );
    assert_eq!(r.reason(), Some(Reason::EtagNotQuoted));
    assert_eq!(Requirement::IF_MATCH_ETAG.to_string(), "If-Match: <etag>");
}

/// A GET tagged by a shallow-ETag layer and a write checked against the derive's tag: the
/// client that re-fetches after a 412 gets the body's tag again, forever. The 412 says so.
#[test]
fn a_shallow_tag_on_a_versioned_resource_is_named() {
    let now = Validators::new(ETag::from_version(3));
    let shallow = "\"s-0123456789abcdef0123456789abcdef\"";
    for sent in [
        shallow.to_owned(),
        format!("W/{shallow}"),
        format!("\"1\", {shallow}"),
    ] {
        let r = failed(
            Method::PUT,
            &[(Field::IfMatch, &sent)],
            Some(&now),
            LOST_UPDATE,
        );
        assert_eq!(r.reason(), Some(Reason::ShallowEtag), "{sent}");
        let text = message(&r);
        assert!(text.contains("shallow-ETag layer"), "{text}");
        assert!(text.contains("If-Match set to current_etag"), "{text}");
        assert_eq!(json(&r)["current_etag"], "\"3\"");
    }
    // A resource whose own tags are shallow ones (the layer tags every response) is just stale.
    let own = Validators::new(ETag::strong("s-ffffffffffffffffffffffffffffffff").unwrap());
    let r = failed(
        Method::PUT,
        &[(Field::IfMatch, shallow)],
        Some(&own),
        LOST_UPDATE,
    );
    assert_eq!(r.reason(), Some(Reason::Changed));
    // Near misses are not shallow tags.
    for sent in [
        "\"s-0123\"",
        "\"s-0123456789ABCDEF0123456789ABCDEF\"",
        "\"t-0123456789abcdef0123456789abcdef\"",
    ] {
        let r = failed(
            Method::PUT,
            &[(Field::IfMatch, sent)],
            Some(&now),
            LOST_UPDATE,
        );
        assert_eq!(r.reason(), Some(Reason::Changed), "{sent}");
    }
}
