//! Checks on the model that the type system cannot make: contradictory attributes, and field
//! types whose serialization is not deterministic. Each error points at the user's token and
//! says what to write instead.

use syn::visit::Visit;

use super::ast::{Body, Fields, Input};
use crate::errors::Errors;

pub(crate) fn check(input: &Input, errors: &mut Errors) {
    match &input.body {
        Body::Struct(fields) => {
            check_fields(fields, errors);
            // With a version field nothing is hashed, so any field type is fine.
            if fields.version().is_none() {
                check_hashed_types(fields, errors);
            }
        }
        Body::Enum(variants) => {
            for variant in variants {
                check_fields(&variant.fields, errors);
                for field in &variant.fields.list {
                    if let Some(span) = field.attrs.version {
                        errors.at(
                            span,
                            "`version` is not supported in an enum: two variants with equal \
                             versions would share one ETag; remove `version` to hash the \
                             variant and its fields, or put the version field in a struct \
                             that holds the enum",
                        );
                    }
                }
                check_hashed_types(&variant.fields, errors);
            }
        }
    }
}

/// At most one `version` and one `last_modified` field, and never `version` with `skip`.
fn check_fields(fields: &Fields, errors: &mut Errors) {
    let mut version: Option<String> = None;
    let mut last_modified: Option<String> = None;
    for field in &fields.list {
        if let Some(span) = field.attrs.version {
            match &version {
                Some(first) => errors.at(
                    span,
                    format!(
                        "a second `version` field: the ETag comes from one field, and `{first}` \
                         is already `#[versioned(version)]`; remove `version` from one of them"
                    ),
                ),
                None => version = Some(field.name()),
            }
            if let Some(skip) = field.attrs.skip {
                errors.at(
                    skip,
                    "`skip` contradicts `version` on the same field: the version field is the \
                     ETag; remove `skip`, or remove `version` to hash the other fields instead",
                );
            }
        }
        if let Some(span) = field.attrs.last_modified {
            match &last_modified {
                Some(first) => errors.at(
                    span,
                    format!(
                        "a second `last_modified` field: `Last-Modified` comes from one field, \
                         and `{first}` is already `#[versioned(last_modified)]`; remove \
                         `last_modified` from one of them"
                    ),
                ),
                None => last_modified = Some(field.name()),
            }
        }
    }
}

/// Hashed fields must serialize the same way in every process.
fn check_hashed_types(fields: &Fields, errors: &mut Errors) {
    for field in fields.hashed() {
        let mut finder = Unordered::default();
        finder.visit_type(field.ty);
        for found in finder.found {
            let name = found
                .path
                .segments
                .last()
                .map(|segment| segment.ident.to_string())
                .unwrap_or_default();
            let ordered = if name.ends_with("Set") {
                "BTreeSet"
            } else {
                "BTreeMap"
            };
            errors.spanned_by(
                found,
                format!(
                    "`{name}` iterates in a different order in every process, so replicas \
                     would disagree on the ETag of equal values; use `{ordered}` instead, or \
                     mark the field `#[versioned(skip)]` if it is not part of the \
                     representation"
                ),
            );
        }
    }
}

/// Hash-ordered collections, whose iteration order depends on a random seed or on the
/// history of insertions.
const UNORDERED: &[&str] = &[
    "HashMap",
    "HashSet",
    "FxHashMap",
    "FxHashSet",
    "AHashMap",
    "AHashSet",
    "FnvHashMap",
    "FnvHashSet",
    "DashMap",
    "DashSet",
];

/// Finds the outermost hash-ordered collections in a type, including inside generic
/// arguments (`Option<HashMap<K, V>>`), references, tuples, arrays and slices.
#[derive(Default)]
struct Unordered<'ast> {
    found: Vec<&'ast syn::TypePath>,
}

impl<'ast> Visit<'ast> for Unordered<'ast> {
    fn visit_type_path(&mut self, node: &'ast syn::TypePath) {
        let unordered = node
            .path
            .segments
            .last()
            .is_some_and(|segment| UNORDERED.iter().any(|name| segment.ident == name));
        if unordered {
            self.found.push(node);
        } else {
            syn::visit::visit_type_path(self, node);
        }
    }
}
