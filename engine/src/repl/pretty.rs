//! Results as the REPL shows them: pretty JSON, coloured on a terminal (keys, strings,
//! numbers and literals apart), in the layout `serde_json::to_string_pretty` uses.

use std::fmt::Write;

use serde_json::Value;

const KEY: &str = "\x1b[34m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[36m";
const LITERAL: &str = "\x1b[35m";
const RESET: &str = "\x1b[0m";

pub fn render(value: &Value, colour: bool) -> String {
    if !colour {
        return serde_json::to_string_pretty(value).unwrap_or_default();
    }
    let mut out = String::new();
    write_value(&mut out, value, 0);
    out
}

fn paint(out: &mut String, colour: &str, text: &str) {
    let _ = write!(out, "{colour}{text}{RESET}");
}

fn write_value(out: &mut String, value: &Value, depth: usize) {
    let indent = |n: usize| "  ".repeat(n);
    match value {
        Value::Null | Value::Bool(_) => paint(out, LITERAL, &value.to_string()),
        Value::Number(n) => paint(out, NUMBER, &n.to_string()),
        Value::String(_) => paint(out, STRING, &value.to_string()),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Object(members) if members.is_empty() => out.push_str("{}"),
        Value::Array(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                out.push_str(&indent(depth + 1));
                write_value(out, item, depth + 1);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            let _ = write!(out, "{}]", indent(depth));
        }
        Value::Object(members) => {
            out.push_str("{\n");
            for (i, (key, item)) in members.iter().enumerate() {
                out.push_str(&indent(depth + 1));
                paint(out, KEY, &Value::String(key.clone()).to_string());
                out.push_str(": ");
                write_value(out, item, depth + 1);
                out.push_str(if i + 1 < members.len() { ",\n" } else { "\n" });
            }
            let _ = write!(out, "{}}}", indent(depth));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn colour_changes_only_the_paint_not_the_layout() {
        let value = serde_json::json!({ "a": [1, "x", null], "b": {}, "c": { "d": true } });
        let plain = render(&value, false);
        let coloured = render(&value, true);
        let stripped: String = {
            let mut out = String::new();
            let mut chars = coloured.chars();
            while let Some(c) = chars.next() {
                if c == '\x1b' {
                    for d in chars.by_ref() {
                        if d == 'm' {
                            break;
                        }
                    }
                } else {
                    out.push(c);
                }
            }
            out
        };
        assert_eq!(stripped, plain);
        assert!(coloured.contains("\x1b[34m\"a\"\x1b[0m"));
    }
}
