//! Turns Rhai's errors into diagnostics that point at the script: the innermost failing
//! expression, with the chain of function calls that led there as notes.

use rhai::{EvalAltResult, Map, ParseError, Position};

use super::runtime::Runtime;
use crate::diagnostic::Diagnostic;

/// The text of an error value thrown by a script or a binding. AWS errors are maps
/// `#{service, operation, code, message}` and read as `ecr CreateRepository: Code: message`.
pub fn thrown_message(value: &rhai::Dynamic) -> String {
    if let Some(map) = value.read_lock::<Map>() {
        let field = |k: &str| map.get(k).map(|v| v.to_string()).filter(|s| !s.is_empty());
        if let (Some(code), Some(message)) = (field("code"), field("message")) {
            let call = match (field("service"), field("operation")) {
                (Some(service), Some(operation)) => format!("{service} {operation}: "),
                _ => String::new(),
            };
            return format!("{call}{code}: {message}");
        }
    }
    value.to_string()
}

fn message_of(error: &EvalAltResult) -> String {
    match error {
        EvalAltResult::ErrorRuntime(value, _) => thrown_message(value),
        other => {
            // Rhai appends " (line L, position P)"; the diagnostic shows the place itself.
            let text = other.to_string();
            let suffix = format!(" ({})", other.position());
            text.strip_suffix(&suffix)
                .map_or(text.clone(), str::to_string)
        }
    }
}

/// A function call on the way to an error: its name, its source (module), its call site.
type Call = (String, Option<String>, Position);

/// Where the error happened and the calls that led there, outermost first.
fn unwind(error: &EvalAltResult) -> (&EvalAltResult, Vec<Call>) {
    let mut calls = Vec::new();
    let mut current = error;
    loop {
        match current {
            EvalAltResult::ErrorInFunctionCall(name, source, inner, pos) => {
                let source = (!source.is_empty()).then(|| source.clone());
                calls.push((name.clone(), source, *pos));
                current = inner;
            }
            EvalAltResult::ErrorInModule(_, inner, _) => current = inner,
            _ => return (current, calls),
        }
    }
}

pub fn eval_diagnostic(error: &EvalAltResult, runtime: &Runtime) -> Diagnostic {
    let (root, calls) = unwind(error);
    let mut diagnostic = Diagnostic::new(message_of(root));
    // Rhai reports the innermost position relative to the source of the innermost function.
    let source = calls
        .iter()
        .rev()
        .find_map(|(_, source, _)| source.clone())
        .or_else(|| runtime.main_source_name());
    let pos = if root.position().is_none() {
        calls.last().map_or(Position::NONE, |(_, _, pos)| *pos)
    } else {
        root.position()
    };
    if let (Some(name), Some(line)) = (source, pos.line()) {
        if let Some((file, text)) = runtime.source_file(&name) {
            diagnostic = diagnostic.at(&file, &text, line, pos.position().unwrap_or(1));
        }
    }
    for (name, _, pos) in calls.iter().rev() {
        if let Some(line) = pos.line() {
            diagnostic = diagnostic.note(format!("in function {name}, called at line {line}"));
        }
    }
    diagnostic.in_step(runtime.current_step())
}

pub fn parse_diagnostic(error: &ParseError, file: &str, text: &str) -> Diagnostic {
    let diagnostic = Diagnostic::new(error.err_type().to_string());
    let pos = error.position();
    match pos.line() {
        Some(line) => diagnostic.at(file, text, line, pos.position().unwrap_or(1)),
        None => diagnostic,
    }
}
