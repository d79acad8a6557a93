//! `If-Match` / `If-None-Match` lists (`precond_core::list`) and `ETag::parse`, against a
//! straightforward model of the grammar (RFC 9110 §8.8.3, §13.1.1, §13.1.2, §5.6.1).
//!
//! Input: one selector byte, then header lines separated by `\n`. The selector picks the
//! current entity tag (none, the first line parsed as a tag, or the first line as an opaque
//! value), whether it is made weak, and whether the first line is left out of the list.
#![no_main]

use libfuzzer_sys::fuzz_target;
use precond_core::ETag;
use precond_core::list::{Comparison, EntityTagRef, ListMatch, for_each_tag, match_list};

/// `etagc` (RFC 9110 §8.8.3), written out independently of the crate.
fn etagc(b: u8) -> bool {
    b == 0x21 || (0x23..=0x7E).contains(&b) || b >= 0x80
}

/// A list element as the model scans it, borrowed from the input (no allocation: the
/// sanitizer makes each one costly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Elem<'a> {
    Star,
    Tag { weak: bool, opaque: &'a [u8] },
}

/// One field line: the elements scanned before the end or the first syntax error, and whether
/// the line is valid.
fn model_line<'a>(line: &'a [u8], out: &mut Vec<Elem<'a>>) -> bool {
    let ows = |i: &mut usize| {
        while *i < line.len() && (line[*i] == b' ' || line[*i] == b'\t') {
            *i += 1;
        }
    };
    let mut i = 0;
    loop {
        ows(&mut i);
        if i == line.len() {
            return true;
        }
        if line[i] == b',' {
            i += 1;
            continue;
        }
        if line[i] == b'*' {
            out.push(Elem::Star);
            i += 1;
        } else {
            let weak = line[i..].starts_with(b"W/");
            if weak {
                i += 2;
            }
            if line.get(i) != Some(&b'"') {
                return false;
            }
            i += 1;
            let start = i;
            while i < line.len() && etagc(line[i]) {
                i += 1;
            }
            if line.get(i) != Some(&b'"') {
                return false;
            }
            out.push(Elem::Tag {
                weak,
                opaque: &line[start..i],
            });
            i += 1;
        }
        ows(&mut i);
        if i == line.len() {
            return true;
        }
        if line[i] != b',' {
            return false;
        }
        i += 1;
    }
}

/// The elements of a whole field (several lines), and whether it is valid.
fn model_field<'a>(lines: &[&'a [u8]]) -> (Vec<Elem<'a>>, bool) {
    let mut elems = Vec::new();
    for line in lines {
        if !model_line(line, &mut elems) {
            return (elems, false);
        }
    }
    let stars = elems.iter().filter(|e| **e == Elem::Star).count();
    let valid = !elems.is_empty() && (stars == 0 || elems.len() == 1);
    (elems, valid)
}

/// The comparison of a list the model scanned with `current`.
fn model_match(
    (elems, valid): &(Vec<Elem<'_>>, bool),
    current: Option<&ETag>,
    cmp: Comparison,
) -> ListMatch {
    if !valid {
        return ListMatch::Invalid;
    }
    if *elems == [Elem::Star] {
        return ListMatch::Any;
    }
    let Some(current) = current else {
        return ListMatch::NoMatch;
    };
    let matched = elems.iter().any(|e| match e {
        Elem::Star => unreachable!("a valid list with * has one element"),
        Elem::Tag { weak, opaque } => {
            let weakness_ok = match cmp {
                Comparison::Strong => !weak && !current.is_weak(),
                Comparison::Weak => true,
            };
            weakness_ok && *opaque == current.opaque()
        }
    });
    if matched {
        ListMatch::Match
    } else {
        ListMatch::NoMatch
    }
}

/// `ETag::parse` as the model sees it: (weak, opaque) of a valid wire form.
fn model_tag(wire: &[u8]) -> Option<(bool, &[u8])> {
    let (weak, quoted) = match wire.strip_prefix(b"W/") {
        Some(rest) => (true, rest),
        None => (false, wire),
    };
    if quoted.len() < 2 || quoted[0] != b'"' || quoted[quoted.len() - 1] != b'"' {
        return None;
    }
    let opaque = &quoted[1..quoted.len() - 1];
    opaque.iter().all(|&b| etagc(b)).then_some((weak, opaque))
}

fn check_tag(wire: &[u8]) -> Option<ETag> {
    let parsed = ETag::parse(wire);
    let model = model_tag(wire);
    assert_eq!(parsed.is_ok(), model.is_some(), "ETag::parse({wire:?})");
    let tag = parsed.ok()?;
    let (weak, opaque) = model?;
    assert_eq!(tag.as_bytes(), wire);
    assert_eq!(tag.is_weak(), weak);
    assert_eq!(tag.opaque(), opaque);
    // Round trips: wire form, constructors, Display, header value.
    assert_eq!(ETag::parse(tag.as_bytes()).as_ref(), Ok(&tag));
    let built = if weak {
        ETag::weak(opaque)
    } else {
        ETag::strong(opaque)
    };
    assert_eq!(built.as_ref(), Ok(&tag));
    if let Ok(text) = std::str::from_utf8(wire) {
        assert_eq!(tag.to_string(), text);
        assert_eq!(text.parse::<ETag>().as_ref(), Ok(&tag));
    }
    assert_eq!(tag.to_header_value().as_bytes(), wire);
    assert_eq!(ETag::try_from(&tag.to_header_value()).as_ref(), Ok(&tag));
    let as_weak = tag.clone().into_weak();
    assert!(as_weak.is_weak());
    assert_eq!(as_weak.opaque(), opaque);
    assert_eq!(tag.strong_eq(&tag), !weak);
    assert!(tag.weak_eq(&as_weak));
    assert!(!tag.strong_eq(&as_weak));
    Some(tag)
}

/// `for_each_tag` against the model's scan of the same lines.
fn check_members<'a>(lines: &[&'a [u8]], model: &(Vec<Elem<'a>>, bool)) {
    let (elems, model_valid) = model;
    let mut seen: Vec<Elem<'a>> = Vec::new();
    let valid = for_each_tag(lines.iter().copied(), |tag: Option<EntityTagRef<'a>>| {
        seen.push(match tag {
            None => Elem::Star,
            Some(t) => Elem::Tag {
                weak: t.weak,
                opaque: t.opaque,
            },
        });
    });
    assert_eq!(valid, *model_valid, "for_each_tag validity of {lines:?}");
    if valid {
        assert_eq!(&seen, elems, "for_each_tag members of {lines:?}");
    } else {
        // Members before the syntax error may have been reported, in order, and nothing else.
        assert!(
            elems.starts_with(&seen),
            "for_each_tag reported {seen:?}, model {elems:?}"
        );
    }
}

/// `match_list` under both comparisons against the model.
fn check_list(lines: &[&[u8]], model: &(Vec<Elem<'_>>, bool), current: Option<&ETag>) {
    for cmp in [Comparison::Strong, Comparison::Weak] {
        let got = match_list(lines.iter().copied(), current, cmp);
        let want = model_match(model, current, cmp);
        assert_eq!(got, want, "{lines:?} against {current:?} ({cmp:?})");
    }
}

/// `EntityTagRef::matches` against the comparison functions of RFC 9110 §8.8.3.2.
fn check_matches(lines: &[&[u8]], current: &ETag) {
    for_each_tag(lines.iter().copied(), |tag| {
        if let Some(t) = tag {
            assert_eq!(
                t.matches(current, Comparison::Strong),
                !t.weak && !current.is_weak() && t.opaque == current.opaque()
            );
            assert_eq!(
                t.matches(current, Comparison::Weak),
                t.opaque == current.opaque()
            );
        }
    });
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let all: Vec<&[u8]> = rest.split(|&b| b == b'\n').collect();
    let first = all[0];

    // ETag::parse on the whole input and on every line.
    check_tag(rest);
    let mut tags = Vec::new();
    for line in &all {
        if let Some(tag) = check_tag(line) {
            tags.push((*line, tag));
        }
    }

    let mut current = match selector & 3 {
        0 => None,
        1 => ETag::parse(first).ok(),
        2 => ETag::strong(first).ok(),
        _ => Some(ETag::from_version(u64::from(selector) * 0x0101_0101)),
    };
    if selector & 0x10 != 0 {
        current = current.map(ETag::into_weak);
    }
    let lines: &[&[u8]] = if selector & 0x20 != 0 && all.len() > 1 {
        &all[1..]
    } else {
        &all
    };
    let model = model_field(lines);
    check_members(lines, &model);
    check_list(lines, &model, current.as_ref());
    check_list(lines, &model, None);
    if let Some(current) = &current {
        check_matches(lines, current);
        // The same list against the other weakness of the current tag.
        let other = if current.is_weak() {
            ETag::strong(current.opaque()).ok()
        } else {
            Some(current.clone().into_weak())
        };
        check_list(lines, &model, other.as_ref());
    }

    // A line that is exactly a valid tag matches that tag: by strong comparison only if strong,
    // by weak comparison always, alone, repeated, or with whitespace around it.
    for (line, tag) in &tags {
        let strong = if tag.is_weak() {
            ListMatch::NoMatch
        } else {
            ListMatch::Match
        };
        assert_eq!(match_list([*line], Some(tag), Comparison::Strong), strong);
        assert_eq!(
            match_list([*line], Some(tag), Comparison::Weak),
            ListMatch::Match
        );
        let weak = tag.clone().into_weak();
        assert_eq!(
            match_list([*line], Some(&weak), Comparison::Weak),
            ListMatch::Match
        );
        assert_eq!(
            match_list([*line], Some(&weak), Comparison::Strong),
            ListMatch::NoMatch
        );
        assert_eq!(
            match_list([*line, *line], Some(tag), Comparison::Strong),
            strong
        );
        let padded = [b" \t".as_slice(), line, b" ,"].concat();
        assert_eq!(
            match_list([padded.as_slice()], Some(tag), Comparison::Strong),
            strong
        );
        assert_eq!(
            match_list([*line], None, Comparison::Weak),
            ListMatch::NoMatch
        );
    }
});
