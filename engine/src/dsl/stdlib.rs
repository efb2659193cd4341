//! The stdlib built into the binary: `import "aws"` works for a runbook anywhere, not only
//! inside the repository. A module file next to the script, or in a `stdlib/` directory
//! above it (or `RUNBOOK_STDLIB`), still wins, so a project can change or extend it.

/// (import path, source) of every stdlib module.
pub const EMBEDDED: [(&str, &str); 2] = [
    ("aws", include_str!("../../../stdlib/aws.rhai")),
    ("seed", include_str!("../../../stdlib/seed.rhai")),
];

pub fn embedded(path: &str) -> Option<&'static str> {
    EMBEDDED
        .iter()
        .find(|(name, _)| *name == path)
        .map(|(_, text)| *text)
}

/// How an embedded module is named in diagnostics.
pub fn display_name(path: &str) -> String {
    format!("<built-in stdlib>/{path}.rhai")
}
