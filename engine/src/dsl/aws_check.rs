//! The binding calls a script spells out, checked against the models before it runs: the
//! literal parts of each call's input map go through the converter the call itself uses
//! (`schema::check`), so an unknown member, a missing required one, a value of the wrong type
//! or an enum value that does not exist is refused with the run's own words, at its line and
//! column. Values computed at run time (variables, calls, interpolations) are left out, and
//! nothing their value could make right is refused.

use std::cell::LazyCell;
use std::collections::HashMap;

use rhai::{Expr, Position, AST};

use super::documents::to_document;
use super::scan::{each_call, line_col};
use crate::aws::binding::Binding;
use crate::aws::error::PARAM_VALIDATION;
use crate::aws::services;
use aws_smithy_types::{Document, Number};

/// One refused call: where, and the message the run would give.
pub struct Refused {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// The input of a call as far as the script's text shows it.
#[derive(Default)]
struct Literal {
    /// The paths of members whose values are computed at run time.
    unknown: Vec<String>,
    /// Where each member's key (or a value without a key) is written.
    positions: HashMap<String, Position>,
}

/// `text` is the script `ast` was compiled from.
pub fn refused_calls(ast: &AST, text: &str) -> Vec<Refused> {
    // Built at the first qualified call: a script without one does not pay for 1,642.
    let bindings = LazyCell::new(services::all);
    let find = |service: &str, function: &str| {
        bindings
            .iter()
            .find(|b| b.service == service && b.function == function)
    };
    let mut refused = Vec::new();
    each_call(ast, |call, pos| {
        if !call.is_qualified() {
            return;
        }
        let service = call.namespace.to_string();
        // A wait takes the input of the operation it polls.
        let binding = find(&service, &call.name).or_else(|| {
            services::waiters()
                .find(|w| w.service == service && w.function == call.name.as_str())
                .and_then(|w| find(w.service, w.operation))
        });
        let Some(binding) = binding else {
            return;
        };
        if let Some(found) = check_call(binding, call.args.first(), pos, text) {
            refused.push(found);
        }
    });
    refused.sort_by_key(|r| (r.line, r.column));
    refused
}

fn check_call(
    binding: &Binding,
    input: Option<&Expr>,
    pos: Position,
    text: &str,
) -> Option<Refused> {
    let mut literal = Literal::default();
    let document = match input {
        None => Document::Null,
        Some(expr) => literal.read(expr, "")?,
    };
    let refusal = (binding.check)(&document, &literal.unknown).err()?;
    let at = match literal.positions.get(&refusal.path) {
        Some(at) => *at,
        // Rhai folds a map of constants into one value, without its keys' places: a member
        // that is written is found in the text after the place of the map.
        None => {
            let start = literal.position_of(&refusal.path).unwrap_or(pos);
            written(&document, &refusal.path)
                .then(|| key_in_text(text, start, &refusal.path))
                .flatten()
                .unwrap_or(start)
        }
    };
    let (line, column) = line_col(at);
    let member = if refusal.path.is_empty() {
        refusal.message
    } else {
        format!("{}: {}", refusal.path, refusal.message)
    };
    Some(Refused {
        line,
        column,
        message: format!(
            "{} {}: {PARAM_VALIDATION}: {member}",
            binding.service, binding.operation
        ),
    })
}

/// Whether the member at `path` is in the document (as opposed to missing).
fn written(document: &Document, path: &str) -> bool {
    let mut at = document;
    for segment in path.split('.') {
        let (name, indices) = segment.split_once('[').unwrap_or((segment, ""));
        at = match at {
            Document::Object(members) => match members.get(name) {
                Some(value) => value,
                None => return false,
            },
            _ => return false,
        };
        for index in indices.split('[').filter(|i| !i.is_empty()) {
            let i: usize = index.trim_end_matches(']').parse().unwrap_or(usize::MAX);
            at = match at {
                Document::Array(items) if i < items.len() => &items[i],
                _ => return false,
            };
        }
    }
    true
}

/// The place of the key of the member at `path`, looking for each of its names in turn as a
/// map key (`name:` or `"name":`) after `start`.
fn key_in_text(text: &str, start: Position, path: &str) -> Option<Position> {
    let (line, column) = line_col(start);
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let mut offset = line_start
        + text[line_start..]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(0, |(at, _)| at);
    let mut found = None;
    for segment in path.split('.') {
        let name = segment.split('[').next().unwrap_or(segment);
        let at = key_after(text, offset, name)?;
        found = Some(at);
        offset = at + name.len();
    }
    let at = found?;
    let line = text[..at].matches('\n').count() + 1;
    let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let column = text[line_start..at].chars().count() + 1;
    Some(Position::new(line as u16, column as u16))
}

fn key_after(text: &str, from: usize, name: &str) -> Option<usize> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut search = from;
    while let Some(found) = text.get(search..)?.find(name) {
        let at = search + found;
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].trim_start_matches('"').trim_start();
        if !before.is_some_and(ident) && after.starts_with(':') && !after.starts_with("::") {
            return Some(at);
        }
        search = at + name.len();
    }
    None
}

impl Literal {
    /// The value of `expr` if the text gives it; `None` if it is computed at run time.
    fn read(&mut self, expr: &Expr, path: &str) -> Option<Document> {
        self.positions
            .entry(path.to_string())
            .or_insert(expr.position());
        Some(match expr {
            Expr::StringConstant(s, _) => Document::String(s.to_string()),
            Expr::CharConstant(c, _) => Document::String(c.to_string()),
            Expr::BoolConstant(b, _) => Document::Bool(*b),
            Expr::IntegerConstant(i, _) if *i >= 0 => Document::Number(Number::PosInt(*i as u64)),
            Expr::IntegerConstant(i, _) => Document::Number(Number::NegInt(*i)),
            Expr::FloatConstant(f, _) => Document::Number(Number::Float(**f)),
            Expr::Unit(_) => Document::Null,
            Expr::DynamicConstant(value, _) => to_document(value).ok()?,
            Expr::Array(items, _) => {
                // Indices name the elements: one computed element leaves the whole array out.
                let mut inner = Literal::default();
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    out.push(inner.read(item, &format!("{path}[{i}]"))?);
                }
                self.unknown.extend(inner.unknown);
                self.positions.extend(inner.positions);
                Document::Array(out)
            }
            Expr::Map(map, _) => {
                let mut out = HashMap::new();
                for (key, value) in &map.0 {
                    let member = if path.is_empty() {
                        key.name.to_string()
                    } else {
                        format!("{path}.{}", key.name)
                    };
                    self.positions.insert(member.clone(), key.pos);
                    match self.read(value, &member) {
                        Some(document) => {
                            out.insert(key.name.to_string(), document);
                        }
                        None => self.unknown.push(member),
                    }
                }
                Document::Object(out)
            }
            _ => return None,
        })
    }

    /// Where the member at `path` is written, or the nearest enclosing value that is.
    fn position_of(&self, path: &str) -> Option<Position> {
        let mut path = path;
        loop {
            if let Some(pos) = self.positions.get(path) {
                return Some(*pos);
            }
            if path.is_empty() {
                return None;
            }
            path = &path[..path.rfind(['.', '[']).unwrap_or(0)];
        }
    }
}
