//! The JSON merge patch (RFC 7396) from one JSON value to another.

use serde_json::{Map, Value};

/// The merge patch that turns `before` into `after`: for two objects, the members that
/// changed (recursively), `null` for those removed; otherwise `after` itself. A member whose
/// new value is `null` cannot be expressed (a merge patch removes it instead), which RFC 7396
/// §1 accepts.
pub(crate) fn diff(before: &Value, after: &Value) -> Value {
    let (Value::Object(before), Value::Object(after)) = (before, after) else {
        return after.clone();
    };
    let mut patch = Map::new();
    for (key, old) in before {
        match after.get(key) {
            None => {
                patch.insert(key.clone(), Value::Null);
            }
            Some(new) if new != old => {
                patch.insert(key.clone(), diff(old, new));
            }
            Some(_) => {}
        }
    }
    for (key, new) in after {
        if !before.contains_key(key) {
            patch.insert(key.clone(), new.clone());
        }
    }
    Value::Object(patch)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::diff;

    /// RFC 7396 §3's algorithm, to check that applying the diff gives `after`.
    fn apply(target: &serde_json::Value, patch: &serde_json::Value) -> serde_json::Value {
        let serde_json::Value::Object(patch) = patch else {
            return patch.clone();
        };
        let mut target = match target {
            serde_json::Value::Object(map) => map.clone(),
            _ => serde_json::Map::new(),
        };
        for (key, value) in patch {
            if value.is_null() {
                target.remove(key);
            } else {
                let merged = apply(target.get(key).unwrap_or(&serde_json::Value::Null), value);
                target.insert(key.clone(), merged);
            }
        }
        serde_json::Value::Object(target)
    }

    #[test]
    fn the_diff_applied_gives_the_edited_value() {
        let before = json!({"title": "A", "tags": ["x"], "meta": {"a": 1, "b": 2}, "gone": true});
        let after = json!({"title": "B", "tags": ["x", "y"], "meta": {"a": 1, "c": 3}, "new": 0});
        let patch = diff(&before, &after);
        assert_eq!(
            patch,
            json!({"title": "B", "tags": ["x", "y"], "meta": {"b": null, "c": 3}, "gone": null, "new": 0})
        );
        assert_eq!(apply(&before, &patch), after);
        assert_eq!(diff(&before, &before), json!({}));
        assert_eq!(diff(&json!([1]), &json!([2])), json!([2]));
    }
}
