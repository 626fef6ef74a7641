//! "Did you mean …?": the valid name closest to a mistyped one, for messages
//! about unknown fields of the input and of templates.

/// A name folded for comparison: lower case, without `_`, `-` and spaces.
fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The candidate closest to `typed`, when close enough to be a likely typo:
/// at most 1 edit for names of up to 4 characters, 2 up to 8, 3 beyond
/// (optimal string alignment distance: an adjacent swap is one edit).
pub fn nearest<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let typed = fold(typed);
    let limit = match typed.chars().count() {
        0..=4 => 1,
        5..=8 => 2,
        _ => 3,
    };
    candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(&typed, &fold(c)), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_field() {
        let fields = ["paragraphs", "title", "type", "items"];
        assert_eq!(nearest("paragraph", fields), Some("paragraphs"));
        assert_eq!(nearest("titel", fields), Some("title"));
        assert_eq!(nearest("Title", fields), Some("title"));
        assert_eq!(nearest("typ", fields), Some("type"));
        assert_eq!(nearest("total-issue", ["total_issue"]), Some("total_issue"));
        assert_eq!(nearest("masthead", fields), None);
        assert_eq!(nearest("", fields), None);
    }
}
