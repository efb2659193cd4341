//! The line editor's helper: Tab completion of modules, functions, API member names,
//! resource names, variables and meta-commands; a hint with the signature of the function
//! being called; and multi-line input while Rhai's parser says the input is incomplete.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use rhai::Engine;
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::{Hint, Hinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::Context;

use super::context::{self, Place};
use super::library::LibraryModule;
use super::meta::COMMANDS;
use super::resources::{Kind, ResourceNames};
use crate::aws::binding::Binding;
use crate::aws::services::{self, SERVICES};
use crate::dsl::builtins::{name_of, BUILTINS};
use crate::functions::{signature, wait_signature};
use crate::report::shorten;

/// Hints longer than this are cut: a terminal line is not much wider.
const HINT_WIDTH: usize = 100;

const KEYWORDS: [&str; 20] = [
    "let", "const", "step", "undo", "fn", "if", "else", "for", "in", "while", "loop", "break",
    "continue", "return", "throw", "try", "catch", "import", "true", "false",
];

/// What the session knows that completion offers: refreshed after every input.
#[derive(Default)]
pub struct Known {
    pub variables: Vec<String>,
    pub functions: Vec<String>,
}

pub struct Helper {
    pub known: Rc<RefCell<Known>>,
    library: Rc<Vec<LibraryModule>>,
    resources: Rc<ResourceNames>,
    bindings: Vec<Binding>,
    parser: Engine,
    files: FilenameCompleter,
    /// Hints are dimmed unless NO_COLOR asks for plain text.
    colour: bool,
}

/// A hint shows a signature; accepting it (→) inserts only the rest of the name.
pub struct SignatureHint {
    display: String,
    completion: Option<String>,
}

impl Hint for SignatureHint {
    fn display(&self) -> &str {
        &self.display
    }

    fn completion(&self) -> Option<&str> {
        self.completion.as_deref()
    }
}

fn pair(display: impl Into<String>, replacement: impl Into<String>) -> Pair {
    Pair {
        display: display.into(),
        replacement: replacement.into(),
    }
}

impl Helper {
    pub fn new(
        known: Rc<RefCell<Known>>,
        library: Rc<Vec<LibraryModule>>,
        resources: Rc<ResourceNames>,
        parser: Engine,
        colour: bool,
    ) -> Helper {
        Helper {
            known,
            library,
            resources,
            bindings: services::all(),
            parser,
            files: FilenameCompleter::new(),
            colour,
        }
    }

    fn binding(&self, qualified: &str) -> Option<&Binding> {
        self.bindings.iter().find(|b| b.qualified() == qualified)
    }

    /// `module::function` names with the text after the `(` of their signature.
    fn functions(&self, module: &str) -> Vec<(String, String)> {
        let mut found: Vec<(String, String)> = self
            .bindings
            .iter()
            .filter(|b| b.service == module)
            .map(|b| (b.function.to_string(), after_paren(&signature(b))))
            .collect();
        for waiter in services::waiters().filter(|w| w.service == module) {
            found.push((
                waiter.function.to_string(),
                after_paren(&wait_signature(waiter)),
            ));
        }
        for library in self.library.iter().filter(|l| l.alias == module) {
            for f in &library.functions {
                found.push((f.name.clone(), after_paren(&f.signature(module))));
            }
        }
        found
    }

    fn words(&self, prefix: &str) -> Vec<Pair> {
        if let Some((module, partial)) = prefix.rsplit_once("::") {
            return self
                .functions(module)
                .into_iter()
                .filter(|(name, _)| name.starts_with(partial))
                .map(|(name, _)| pair(name.clone(), format!("{module}::{name}(")))
                .collect();
        }
        let known = self.known.borrow();
        let modules = SERVICES
            .iter()
            .map(|s| s.to_string())
            .chain(self.library.iter().map(|l| l.alias.clone()))
            .map(|m| pair(format!("{m}::"), format!("{m}::")));
        let calls = BUILTINS
            .iter()
            .map(|(sig, _)| name_of(sig).to_string())
            .chain(known.functions.iter().cloned())
            .map(|f| pair(f.clone(), format!("{f}(")));
        let names = known
            .variables
            .iter()
            .cloned()
            .chain(KEYWORDS.iter().map(|k| k.to_string()))
            .map(|v| pair(v.clone(), v));
        let mut all: Vec<Pair> = modules
            .chain(calls)
            .chain(names)
            .filter(|p| p.replacement.starts_with(prefix))
            .collect();
        all.sort_by(|a, b| a.replacement.cmp(&b.replacement));
        all.dedup_by(|a, b| a.replacement == b.replacement);
        all
    }

    /// The members of the map being written in `function`'s input, at `path` below its top
    /// level (`containerDefinitions` for a container definition), not given yet.
    fn members(
        &self,
        function: &str,
        path: &[String],
        given: &[String],
        prefix: &str,
    ) -> Vec<Pair> {
        let names: Vec<&str> = if path.is_empty() {
            let Some(binding) = self.binding(function) else {
                return Vec::new();
            };
            binding
                .members()
                .into_iter()
                .map(|(name, _)| name)
                .collect()
        } else {
            nested_members(function, path).unwrap_or_default()
        };
        names
            .into_iter()
            .filter(|name| name.starts_with(prefix) && !given.iter().any(|g| g == name))
            .map(|name| pair(name.to_string(), format!("{name}: ")))
            .collect()
    }

    fn values(&self, function: &str, member: &str, prefix: &str) -> Vec<Pair> {
        let service = function.split("::").next().unwrap_or_default();
        let Some(kind) = Kind::of(service, member) else {
            return Vec::new();
        };
        self.resources
            .of(kind)
            .into_iter()
            .filter(|name| name.starts_with(prefix))
            .map(|name| pair(name.clone(), format!("{name}\"")))
            .collect()
    }

    /// The signature of `function` after its `(`, for the hint.
    fn arguments(&self, function: &str) -> Option<String> {
        let (module, name) = function.rsplit_once("::")?;
        self.functions(module)
            .into_iter()
            .find(|(f, _)| f == name)
            .map(|(_, args)| args)
    }
}

/// The members of the structure at `path` (map keys; lists and maps pass through) below the
/// input of `function` (`ecs::register_task_definition`), from the models' shapes.
fn nested_members(function: &str, path: &[String]) -> Option<Vec<&'static str>> {
    let (service, name) = function.split_once("::")?;
    let (shapes, inputs) = services::member_tree(service)?;
    let members_of = |shape: &str| {
        shapes
            .binary_search_by(|(s, _)| (*s).cmp(shape))
            .ok()
            .map(|i| shapes[i].1)
    };
    let mut shape = inputs
        .binary_search_by(|(f, _)| (*f).cmp(name))
        .ok()
        .map(|i| inputs[i].1)?;
    for segment in path {
        shape = members_of(shape)?
            .iter()
            .find(|(member, _)| member == segment)
            .map(|(_, target)| *target)
            .filter(|target| !target.is_empty())?;
    }
    Some(
        members_of(shape)?
            .iter()
            .map(|(member, _)| *member)
            .collect(),
    )
}

/// `#{ a*, b })` from `ecr::f(#{ a*, b })`.
fn after_paren(signature: &str) -> String {
    signature
        .split_once('(')
        .map_or(String::new(), |(_, rest)| rest.to_string())
}

impl Completer for Helper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let trimmed = line.trim_start();
        if trimmed.starts_with(":load ") || trimmed.starts_with(":save ") {
            return self.files.complete(line, pos, ctx);
        }
        Ok(match context::at(line, pos) {
            Place::Meta { start, prefix } => {
                let commands = COMMANDS
                    .iter()
                    .filter(|(name, ..)| name.starts_with(prefix.as_str()))
                    .map(|(name, ..)| pair(*name, format!("{name} ")))
                    .collect();
                (start, commands)
            }
            Place::Word { start, prefix } => (start, self.words(&prefix)),
            Place::Member {
                start,
                prefix,
                function,
                path,
                given,
            } => (start, self.members(&function, &path, &given, &prefix)),
            Place::Value {
                start,
                prefix,
                function,
                member,
            } => (start, self.values(&function, &member, &prefix)),
            Place::CallOpen { .. } | Place::Nothing => (pos, Vec::new()),
        })
    }
}

impl Hinter for Helper {
    type Hint = SignatureHint;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<SignatureHint> {
        if pos < line.len() {
            return None;
        }
        match context::at(line, pos) {
            Place::CallOpen { function } => Some(SignatureHint {
                display: shorten(&self.arguments(&function)?, HINT_WIDTH),
                completion: None,
            }),
            Place::Word { prefix, .. } if prefix.contains("::") => {
                let (module, partial) = prefix.rsplit_once("::")?;
                let mut matching = self
                    .functions(module)
                    .into_iter()
                    .filter(|(name, _)| name.starts_with(partial));
                let (name, args) = matching.next()?;
                if matching.next().is_some() {
                    return None;
                }
                let rest = name[partial.len()..].to_string();
                Some(SignatureHint {
                    display: shorten(&format!("{rest}({args}"), HINT_WIDTH),
                    completion: Some(format!("{rest}(")),
                })
            }
            _ => None,
        }
    }
}

impl Highlighter for Helper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.colour {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }
}

impl Validator for Helper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        let input = ctx.input();
        if input.trim_start().starts_with(':') || !super::is_incomplete(&self.parser, input) {
            return Ok(ValidationResult::Valid(None));
        }
        Ok(ValidationResult::Incomplete)
    }
}

impl rustyline::Helper for Helper {}
