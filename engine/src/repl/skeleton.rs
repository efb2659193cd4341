//! `:save FILE`: the session's successful inputs as a runbook. Each statement that changes
//! the world (a mutating AWS call, `write_file`, or a function that makes one, transitively)
//! is wrapped in a step named after the call, so the saved file runs with `exec` and resumes
//! like any runbook; reads stay outside steps, as the resume rules want.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::lex::{lex, Kind, Token};
use crate::aws::services;

/// The functions whose calls change the world.
pub struct Mutators {
    names: HashSet<String>,
}

/// `(name, start)` of each call in `tokens`: a word followed by `(`, not a method call and
/// not a function being defined.
fn calls(text: &str, tokens: &[Token]) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let next = tokens.get(i + 1).map(|t| &t.kind);
        let prev = i.checked_sub(1).map(|p| &tokens[p]);
        let defined = prev.is_some_and(|p| p.is_word(text, "fn"));
        let method = prev.is_some_and(|p| p.kind == Kind::Punct('.'));
        if token.kind == Kind::Word && next == Some(&Kind::Open('(')) && !defined && !method {
            found.push((token.text(text).to_string(), token.start));
        }
    }
    found
}

/// The index of the token that closes the bracket opened at `open`.
fn closing(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        match token.kind {
            Kind::Open(_) | Kind::MapOpen => depth += 1,
            Kind::Close(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

impl Default for Mutators {
    /// The mutating bindings and file builtins.
    fn default() -> Mutators {
        let mut names: HashSet<String> = services::all()
            .iter()
            .filter(|b| b.is_mutating())
            .map(|b| b.qualified())
            .collect();
        names.extend(["write_file".to_string(), "append_file".to_string()]);
        Mutators { names }
    }
}

impl Mutators {
    /// Learns the functions `text` defines that change the world; `module` is the alias
    /// they are called through (`aws` for stdlib/aws.rhai), or none for the session's own.
    pub fn learn(&mut self, module: Option<&str>, text: &str) {
        let tokens = lex(text);
        let qualify = |name: &str| match module {
            Some(module) => format!("{module}::{name}"),
            None => name.to_string(),
        };
        let mut bodies: Vec<(String, Vec<String>)> = Vec::new();
        let mut i = 0;
        while i + 1 < tokens.len() {
            if tokens[i].is_word(text, "fn") && tokens[i + 1].kind == Kind::Word {
                let name = tokens[i + 1].text(text).to_string();
                let Some(open) = (i..tokens.len()).find(|&j| tokens[j].kind == Kind::Open('{'))
                else {
                    break;
                };
                let close = closing(&tokens, open);
                let body = &tokens[open..close.min(tokens.len())];
                bodies.push((
                    name,
                    calls(text, body).into_iter().map(|(n, _)| n).collect(),
                ));
                i = close;
            }
            i += 1;
        }
        let defined: HashSet<String> = bodies.iter().map(|(name, _)| name.clone()).collect();
        // Until nothing changes: a function that calls one that mutates, mutates.
        loop {
            let before = self.names.len();
            for (name, called) in &bodies {
                let mutates = called.iter().any(|call| {
                    let call = if defined.contains(call) {
                        qualify(call)
                    } else {
                        call.clone()
                    };
                    self.names.contains(&call)
                });
                if mutates {
                    self.names.insert(qualify(name));
                }
            }
            if self.names.len() == before {
                break;
            }
        }
    }

    /// Whether `text` calls anything that changes the world, in a step or not.
    pub fn mutates(&self, text: &str) -> bool {
        calls(text, &lex(text))
            .iter()
            .any(|(name, _)| self.names.contains(name))
    }

    /// The first call in `text` that changes the world, unless `text` is already a step.
    pub fn first_call(&self, text: &str) -> Option<String> {
        let tokens = lex(text);
        if tokens.iter().any(|t| t.is_word(text, "step")) {
            return None;
        }
        calls(text, &tokens)
            .into_iter()
            .map(|(name, _)| name)
            .find(|name| self.names.contains(name))
    }
}

/// The byte ranges of the top-level statements of `text`: a statement ends at a `;`, or at
/// a block's `}` that no `else`, `catch`, `undo`, `;` or operator continues.
pub fn statements(text: &str) -> Vec<(usize, usize)> {
    let tokens = lex(text);
    let mut ranges = Vec::new();
    let mut start: Option<usize> = None;
    let mut stack: Vec<Kind> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        start.get_or_insert(token.start);
        let ends = match &token.kind {
            Kind::Open(_) | Kind::MapOpen => {
                stack.push(token.kind.clone());
                false
            }
            Kind::Close(_) => {
                let opened = stack.pop();
                stack.is_empty()
                    && opened == Some(Kind::Open('{'))
                    && tokens.get(i + 1).is_none_or(|next| {
                        next.kind == Kind::Word
                            && !["else", "catch", "undo"].contains(&next.text(text))
                    })
            }
            Kind::Punct(';') => stack.is_empty(),
            _ => false,
        };
        if ends {
            if let Some(begin) = start.take() {
                ranges.push((begin, token.end));
            }
        }
    }
    if let (Some(begin), Some(last)) = (start, tokens.last()) {
        ranges.push((begin, last.end));
    }
    ranges
}

/// A JSON value written as a Rhai literal, for the variables a saved session needs.
pub fn literal(value: &Value) -> String {
    match value {
        Value::Null => "()".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => Value::String(s.clone()).to_string(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(literal).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(members) => {
            let members: Vec<String> = members
                .iter()
                .map(|(k, v)| format!("{}: {}", Value::String(k.clone()), literal(v)))
                .collect();
            format!("#{{ {} }}", members.join(", "))
        }
    }
}

/// Turns inputs into runbook text, naming the steps it makes uniquely.
pub struct Skeleton {
    pub mutators: Mutators,
    labels: HashMap<String, usize>,
}

impl Skeleton {
    pub fn new(mutators: Mutators) -> Skeleton {
        Skeleton {
            mutators,
            labels: HashMap::new(),
        }
    }

    fn label(&mut self, call: &str) -> String {
        let count = self.labels.entry(call.to_string()).or_insert(0);
        *count += 1;
        if *count == 1 {
            call.to_string()
        } else {
            format!("{call} ({count})")
        }
    }

    /// One input as it goes into the saved runbook.
    pub fn input(&mut self, text: &str) -> String {
        let mut out = Vec::new();
        let mut rest = 0;
        for (start, end) in statements(text) {
            let before = text[rest..start].trim();
            if !before.is_empty() {
                out.push(before.to_string());
            }
            rest = end;
            out.push(self.statement(&text[start..end]));
        }
        let after = text[rest..].trim();
        if !after.is_empty() {
            out.push(after.to_string());
        }
        out.join("\n")
    }

    fn statement(&mut self, text: &str) -> String {
        let text = text.trim();
        let Some(call) = self.mutators.first_call(text) else {
            return with_semicolon(text);
        };
        let tokens = lex(text);
        if tokens.first().is_some_and(|t| t.is_word(text, "fn")) {
            return text.to_string();
        }
        let label = Value::String(self.label(&call)).to_string();
        let binding = match tokens.as_slice() {
            [keyword, name, equals, value, ..]
                if (keyword.is_word(text, "let") || keyword.is_word(text, "const"))
                    && name.kind == Kind::Word
                    && equals.kind == Kind::Punct('=') =>
            {
                Some((&text[..equals.end], &text[value.start..]))
            }
            _ => None,
        };
        let (head, body) = binding.unwrap_or(("", text));
        let body = body.trim_end().trim_end_matches(';').trim_end();
        let body = body.replace('\n', "\n    ");
        let head = if head.is_empty() {
            String::new()
        } else {
            format!("{head} ")
        };
        format!("{head}step {label} {{\n    {body}\n}};")
    }
}

fn with_semicolon(text: &str) -> String {
    if text.ends_with(';') || text.ends_with('}') {
        text.to_string()
    } else {
        format!("{text};")
    }
}

#[cfg(test)]
mod tests {
    use super::{literal, statements, Mutators, Skeleton};

    #[test]
    fn splits_statements_at_semicolons_and_block_ends() {
        let text = "let a = 1; if a > 0 { x() } else { y() }\nfor i in [1] { z(i) } f()";
        let parts: Vec<&str> = statements(text).iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(
            parts,
            vec![
                "let a = 1;",
                "if a > 0 { x() } else { y() }",
                "for i in [1] { z(i) }",
                "f()"
            ]
        );
    }

    #[test]
    fn wraps_mutating_statements_and_keeps_reads_outside_steps() {
        let mut skeleton = Skeleton::new(Mutators::default());
        let saved = skeleton.input(
            "let r = ecr::create_repository(#{ repositoryName: \"a\" }); \
             ecr::describe_repositories()",
        );
        assert_eq!(
            saved,
            "let r = step \"ecr::create_repository\" {\n    \
             ecr::create_repository(#{ repositoryName: \"a\" })\n};\n\
             ecr::describe_repositories();"
        );
        assert_eq!(
            skeleton.input("ecr::create_repository(#{ repositoryName: \"b\" })"),
            "step \"ecr::create_repository (2)\" {\n    \
             ecr::create_repository(#{ repositoryName: \"b\" })\n};"
        );
        // Already a step: as it is.
        assert_eq!(
            skeleton.input("step \"s\" { write_file(\"a\", \"b\") }"),
            "step \"s\" { write_file(\"a\", \"b\") }"
        );
    }

    #[test]
    fn functions_that_mutate_are_known_transitively() {
        let mut mutators = Mutators::default();
        mutators.learn(
            Some("lib"),
            "fn inner(n) { iam::create_role(#{ RoleName: n }) }\n\
             fn outer(n) { inner(n) }\nfn read() { iam::get_role(#{ RoleName: \"x\" }) }",
        );
        assert_eq!(
            mutators.first_call("lib::outer(\"a\")").as_deref(),
            Some("lib::outer")
        );
        assert_eq!(mutators.first_call("lib::read()"), None);
        assert_eq!(mutators.first_call("x.write_file()"), None);
    }

    #[test]
    fn json_values_become_rhai_literals() {
        let value = serde_json::json!({ "a": [1, "two", null, true] });
        assert_eq!(literal(&value), "#{ \"a\": [1, \"two\", (), true] }");
    }
}
