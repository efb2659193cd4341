//! The REPL's meta-commands: `:help [fn]`, `:vars`, `:steps`, `:load FILE`, `:save FILE`,
//! `:region [NAME]`, `:profile [NAME]`, `:quit`.

use std::path::Path;

use serde_json::Value;

use super::skeleton::literal;
use super::Repl;
use crate::aws::examples::example;
use crate::aws::services::{self, SERVICES};
use crate::dsl::builtins::{name_of, BUILTINS};
use crate::dsl::suggest::did_you_mean;
use crate::dsl::value::to_json;
use crate::functions::{signature, wait_doc, wait_signature};
use crate::report::shorten;

/// (name, arguments, what it does)
pub const COMMANDS: [(&str, &str, &str); 8] = [
    ("help", "[NAME]", "commands, or a function's signature, doc and example (ecr, ecr::create_repository, aws::ensure_role, param)"),
    ("vars", "", "the session's variables and their values"),
    ("steps", "", "the attached run's steps and the variables that hold their values"),
    ("load", "FILE", "runs a file in the session (its steps run ad hoc)"),
    ("save", "FILE", "writes the session's successful inputs as a runbook, each change in a step"),
    ("region", "[NAME]", "the region the bindings call, or switch them to NAME"),
    ("profile", "[NAME]", "the AWS profile the bindings use, or switch them to NAME"),
    ("quit", "", "leaves (so does Ctrl-D)"),
];

pub fn command(repl: &mut Repl, line: &str) {
    let line = line.trim_start_matches(':');
    let (name, argument) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let argument = argument.trim();
    match name {
        "help" | "h" => help(repl, argument),
        "vars" => vars(repl),
        "steps" => steps(repl),
        "load" | "save" if argument.is_empty() => {
            repl.output()
                .error(&format!(":{name} needs a file: :{name} FILE"));
        }
        "load" => repl.load(Path::new(argument)),
        "save" => save(repl, Path::new(argument)),
        "region" | "profile" => switch(repl, name, argument),
        "quit" | "q" | "exit" => repl.quit = true,
        other => {
            let hint = did_you_mean(other, COMMANDS.iter().map(|(n, ..)| *n));
            repl.output().error(&format!(
                "unknown command :{other}{hint} (:help lists them)"
            ));
        }
    }
}

fn help(repl: &Repl, topic: &str) {
    let output = repl.output();
    let topic = topic.trim_start_matches(':').trim_end_matches('(');
    if topic.is_empty() {
        let mut text = String::from("commands:\n");
        for (name, args, doc) in COMMANDS {
            text.push_str(&format!("  :{:<12} {doc}\n", format!("{name} {args}")));
        }
        text.push_str(
            "code: any Rhai, with the runbook builtins and the AWS modules \
             (service::function(#{ Member: value }), members as the API names them);\n\
             results print as JSON; a step runs ad hoc; nothing is journaled.\n\
             modules: ",
        );
        let modules: Vec<&str> = SERVICES
            .iter()
            .copied()
            .chain(repl.library.iter().map(|l| l.alias.as_str()))
            .collect();
        text.push_str(&modules.join(" "));
        output.stdout(&text);
        return;
    }
    if let Some(text) = describe(repl, topic) {
        output.stdout(&text);
        return;
    }
    let mut names: Vec<String> = SERVICES.iter().map(|s| s.to_string()).collect();
    names.extend(services::all().iter().map(|b| b.qualified()));
    names.extend(services::waiters().map(|w| w.qualified()));
    names.extend(BUILTINS.iter().map(|(sig, _)| name_of(sig).to_string()));
    names.extend(COMMANDS.iter().map(|(n, ..)| n.to_string()));
    for library in repl.library.iter() {
        names.push(library.alias.clone());
        names.extend(
            library
                .functions
                .iter()
                .map(|f| format!("{}::{}", library.alias, f.name)),
        );
    }
    let hint = did_you_mean(topic, names.iter().map(String::as_str));
    output.error(&format!("nothing named {topic}{hint}"));
}

/// The help text of a service, a binding, a wait, a stdlib module or function, a builtin or
/// a command.
fn describe(repl: &Repl, topic: &str) -> Option<String> {
    let bindings = services::all();
    if SERVICES.contains(&topic) {
        let mut lines: Vec<String> = bindings
            .iter()
            .filter(|b| b.service == topic)
            .map(|b| format!("{}\n    {}", signature(b), b.doc))
            .collect();
        lines.extend(
            services::waiters()
                .filter(|w| w.service == topic)
                .map(|w| format!("{}\n    {}", wait_signature(w), wait_doc(w))),
        );
        return Some(lines.join("\n"));
    }
    if let Some(binding) = bindings.iter().find(|b| b.qualified() == topic) {
        let effect = if binding.is_mutating() {
            "changes the world: in a runbook it must run inside a step"
        } else {
            "a read: fine anywhere"
        };
        let mut text = format!(
            "{}\n    {} ({} {}; {effect})",
            signature(binding),
            binding.doc,
            binding.service,
            binding.operation
        );
        if let Some(example) = example(topic) {
            text.push_str(&format!(
                "\nexample:\n    {}",
                example.replace('\n', "\n    ")
            ));
        }
        return Some(text);
    }
    if let Some(waiter) = services::waiters().find(|w| w.qualified() == topic) {
        let mut text = format!("{}\n    {}", wait_signature(waiter), wait_doc(waiter));
        if let Some(example) = example(topic) {
            text.push_str(&format!(
                "\nexample:\n    {}",
                example.replace('\n', "\n    ")
            ));
        }
        return Some(text);
    }
    for library in repl.library.iter() {
        if library.alias == topic {
            let lines: Vec<String> = library
                .functions
                .iter()
                .map(|f| {
                    let first = f.doc.lines().next().unwrap_or_default();
                    format!("{}\n    {first}", f.signature(&library.alias))
                })
                .collect();
            return Some(lines.join("\n"));
        }
        if let Some(f) = library
            .functions
            .iter()
            .find(|f| format!("{}::{}", library.alias, f.name) == topic)
        {
            let doc = f.doc.replace('\n', "\n    ");
            return Some(format!("{}\n    {doc}", f.signature(&library.alias)));
        }
    }
    if let Some((sig, doc)) = BUILTINS.iter().find(|(sig, _)| name_of(sig) == topic) {
        return Some(format!("{sig}\n    {doc}"));
    }
    COMMANDS
        .iter()
        .find(|(name, ..)| *name == topic)
        .map(|(name, args, doc)| format!(":{name} {args}\n    {doc}"))
}

/// `:region [NAME]` and `:profile [NAME]`: with a name, the bindings are rebuilt for it (and
/// the cached resource names, which belong to the old ones, forgotten); then both are shown.
fn switch(repl: &Repl, what: &str, name: &str) {
    let runtime = &repl.runtime;
    if !name.is_empty() {
        runtime.aws.reconfigure(|options| match what {
            "region" => options.region = Some(name.to_string()),
            _ => options.profile = Some(name.to_string()),
        });
        repl.resources.forget();
    }
    let profile =
        runtime.aws.options().profile.unwrap_or_else(|| {
            std::env::var("AWS_PROFILE").unwrap_or_else(|_| "default".to_string())
        });
    match runtime.aws.region(&runtime.interrupt) {
        Ok(Some(region)) => repl
            .output()
            .stdout(&format!("profile {profile}, region {region}")),
        Ok(None) => repl.output().error(crate::aws::clients::NO_REGION),
        Err(crate::aws::bridge::Failure::Aws(error)) => repl.output().error(&error.message),
        Err(crate::aws::bridge::Failure::Stopped(_)) => {}
    }
}

fn vars(repl: &Repl) {
    let mut lines = Vec::new();
    for (name, constant, value) in repl.scope.iter() {
        let shown = to_json(&value)
            .map_or_else(|_| value.to_string(), |json| shorten(&json.to_string(), 70));
        let kind = if constant { "const" } else { "let" };
        lines.push(format!("{kind} {name}: {} = {shown}", value.type_name()));
    }
    if lines.is_empty() {
        lines.push("no variables yet".into());
    }
    repl.output().stdout(&lines.join("\n"));
}

fn steps(repl: &Repl) {
    let Some(attached) = &repl.attached else {
        repl.output()
            .stdout("no run attached: start with `runbook repl --run RUN` (see `runbook runs`)");
        return;
    };
    let width = attached
        .steps
        .iter()
        .filter_map(|s| s.variable.as_ref().map(String::len))
        .max()
        .unwrap_or(1);
    let mut lines = vec![format!(
        "run {} ({}): step -> variable",
        attached.run, attached.status
    )];
    for step in &attached.steps {
        let variable = step.variable.as_deref().unwrap_or("-");
        lines.push(format!(
            "  {variable:<width$}  {:?} (line {}, {})",
            step.label, step.line, step.status
        ));
    }
    if !attached.params.is_empty() {
        let params: Vec<&str> = attached.params.keys().map(String::as_str).collect();
        lines.push(format!("params as variables: {}", params.join(", ")));
    }
    repl.output().stdout(&lines.join("\n"));
}

/// The attached run's variables the saved inputs use, defined first so the file stands
/// alone: params as `param(name, value)`, step values as literals.
fn prelude(repl: &Repl) -> Vec<String> {
    let Some(attached) = &repl.attached else {
        return Vec::new();
    };
    let used = |name: &str| repl.saved.iter().any(|s| s.variables.contains(name));
    let mut lines = Vec::new();
    for (variable, value) in &attached.variables {
        if !used(variable) {
            continue;
        }
        let param = attached
            .params
            .iter()
            .find(|(name, v)| super::attach::identifier(name) == *variable && *v == value);
        let defined = match param {
            Some((name, _)) => format!(
                "let {variable} = param({}, {});",
                Value::String(name.clone()),
                literal(value)
            ),
            None => format!("let {variable} = {};", literal(value)),
        };
        lines.push(defined);
    }
    if !lines.is_empty() {
        lines.insert(0, format!("// Values from run {}:", attached.run));
    }
    lines
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn save(repl: &Repl, path: &Path) {
    let body: Vec<&str> = repl.saved.iter().map(|s| s.text.as_str()).collect();
    let steps: usize = repl.saved.iter().map(|s| s.steps).sum();
    let mut text = vec![
        "// Saved from `runbook repl`: each input that changed the world is a step. Review the"
            .to_string(),
        "// step names, make the steps safe to repeat (adopt what exists), add undo blocks."
            .to_string(),
        String::new(),
    ];
    text.extend(prelude(repl));
    text.push(body.join("\n"));
    let mut text = text.join("\n");
    text.push('\n');
    let output = repl.output();
    match std::fs::write(path, &text) {
        Ok(()) => output.progress(&format!(
            "wrote {}: {}, {} (`runbook check {}` checks it)",
            path.display(),
            count(repl.saved.len(), "input"),
            count(steps, "step"),
            path.display()
        )),
        Err(error) => output.error(&format!("cannot write {}: {error}", path.display())),
    }
}
