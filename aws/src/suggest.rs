//! "Did you mean" hints for misspelt names.

/// ` (did you mean "x"?)` for the closest candidate, or nothing when none is close. A
/// candidate that differs only in case is the closest (`fargate` for `FARGATE`).
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    if let Some(same) = candidates.iter().find(|c| c.eq_ignore_ascii_case(word)) {
        return format!(" (did you mean {same:?}?)");
    }
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map_or_else(String::new, |(_, c)| format!(" (did you mean {c:?}?)"))
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_only_close_names() {
        assert_eq!(
            did_you_mean("retrys", ["retries", "timeout"]),
            " (did you mean \"retries\"?)"
        );
        assert_eq!(did_you_mean("zzz", ["retries", "timeout"]), "");
        assert_eq!(
            did_you_mean("fargate", ["EC2", "FARGATE"]),
            " (did you mean \"FARGATE\"?)"
        );
    }
}
