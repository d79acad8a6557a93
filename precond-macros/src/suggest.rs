//! "Did you mean ...?" for misspelled attribute keys.

/// The candidate closest to `word`, if one is close enough to be a plausible typo, or if
/// `word` is a known synonym of it.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: &[&'a str],
    synonyms: &[(&str, &'a str)],
) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    if let Some(&(_, key)) = synonyms
        .iter()
        .find(|(synonym, key)| *synonym == lower && candidates.contains(key))
    {
        return Some(key);
    }
    candidates
        .iter()
        .map(|&candidate| (distance(&lower, candidate), candidate))
        .filter(|&(d, candidate)| d <= budget(candidate.len().max(lower.len())))
        .min_by_key(|&(d, _)| d)
        .map(|(_, candidate)| candidate)
}

/// How many edits still count as a typo of a word this long.
fn budget(len: usize) -> usize {
    (len / 3).max(1)
}

/// The optimal string alignment distance: insertions, deletions, substitutions and
/// transpositions of adjacent characters each cost one (`verison` is one edit from `version`).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // rows[i][j]: distance between a[..i] and b[..j].
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let substitution = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + substitution);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: &[&str] = &["skip", "version", "last_modified"];

    #[test]
    fn typos_find_their_key() {
        assert_eq!(closest("verison", KEYS, &[]), Some("version"));
        assert_eq!(closest("skp", KEYS, &[]), Some("skip"));
        assert_eq!(closest("lastmodified", KEYS, &[]), Some("last_modified"));
        assert_eq!(closest("Last_Modified", KEYS, &[]), Some("last_modified"));
        assert_eq!(closest("weka", &["weak", "crate"], &[]), Some("weak"));
    }

    #[test]
    fn unrelated_words_find_nothing() {
        assert_eq!(closest("banana", KEYS, &[]), None);
        assert_eq!(closest("x", KEYS, &[]), None);
    }

    #[test]
    fn synonyms_win() {
        let synonyms = [("updated_at", "last_modified"), ("ignore", "skip")];
        assert_eq!(
            closest("updated_at", KEYS, &synonyms),
            Some("last_modified")
        );
        assert_eq!(closest("ignore", KEYS, &synonyms), Some("skip"));
        assert_eq!(closest("ignore", &["weak"], &synonyms), None);
    }

    #[test]
    fn distances() {
        assert_eq!(distance("", ""), 0);
        assert_eq!(distance("abc", ""), 3);
        assert_eq!(distance("ab", "ba"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
