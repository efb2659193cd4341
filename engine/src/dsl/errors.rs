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
        // Reached where the static check could not look (an `eval`'s text, a REPL module).
        EvalAltResult::ErrorFunctionNotFound(signature, _) => {
            let name = signature.split(' ').next().unwrap_or_default();
            let left_out = name.split_once("::").is_some_and(|(service, function)| {
                crate::aws::services::left_out(service, function)
            });
            let hint = if left_out { super::scan::LEFT_OUT } else { "" };
            format!("Function not found: {signature}{hint}")
        }
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
    let (root, mut calls) = unwind(error);
    let mut diagnostic = Diagnostic::new(message_of(root));
    // Inside an `eval`, positions count in the evaluated text, which is in no file: the
    // place shown is the `eval` call, the place in the text a note.
    let mut in_eval = None;
    if let Some(at) = calls.iter().rposition(|(name, _, _)| name == "eval") {
        in_eval = root
            .position()
            .line()
            .map(|line| (line, root.position().position()));
        calls.truncate(at + 1);
    }
    // Rhai reports the innermost position relative to the source of the innermost function.
    let source = calls
        .iter()
        .rev()
        .find_map(|(_, source, _)| source.clone())
        .or_else(|| runtime.main_source_name());
    let pos = if root.position().is_none() || in_eval.is_some() {
        calls.last().map_or(Position::NONE, |(_, _, pos)| *pos)
    } else {
        root.position()
    };
    if let (Some(name), Some(line)) = (source, pos.line()) {
        if let Some((file, text)) = runtime.source_file(&name) {
            diagnostic = diagnostic.at(&file, &text, line, pos.position().unwrap_or(1));
        }
    }
    if let Some((line, column)) = in_eval {
        diagnostic = diagnostic.note(format!(
            "in the text given to eval, at line {line}, column {}",
            column.unwrap_or(1)
        ));
    }
    for (name, _, pos) in calls.iter().rev() {
        if let Some(line) = pos.line() {
            diagnostic = diagnostic.note(format!("in function {name}, called at line {line}"));
        }
    }
    diagnostic.in_step(runtime.current_step())
}

/// The character at `pos` when it is one a terminal does not show (a NUL byte, a control
/// character other than whitespace).
fn invisible_at(text: &str, pos: Position) -> Option<char> {
    let line = text.lines().nth(pos.line()?.checked_sub(1)?)?;
    let c = line.chars().nth(pos.position()?.checked_sub(1)?)?;
    (c.is_control() && !c.is_whitespace()).then_some(c)
}

pub fn parse_diagnostic(error: &ParseError, file: &str, text: &str) -> Diagnostic {
    let pos = error.position();
    let message = match invisible_at(text, pos) {
        // Rhai prints the character itself, which the terminal does not show.
        Some(c) => format!(
            "unexpected {} where code was expected (is the file text?)",
            match c {
                '\0' => "NUL byte (\\0)".to_string(),
                c => format!("control character U+{:04X}", c as u32),
            }
        ),
        None => error.err_type().to_string(),
    };
    let diagnostic = Diagnostic::new(message);
    match pos.line() {
        Some(line) => diagnostic.at(file, text, line, pos.position().unwrap_or(1)),
        None => diagnostic,
    }
}
