//! Shell completion from the CLI definition (clap_complete's dynamic engine): the shell calls
//! `runbook` back with `COMPLETE=<shell>` for each Tab, so run ids, step names and services
//! are read when they are asked for, from the state directory the command line names.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use clap::{ArgMatches, CommandFactory};
use clap_complete::env::Shells;
use clap_complete::{ArgValueCandidates, ArgValueCompleter, CompletionCandidate, PathCompleter};

use crate::cli::Cli;
use crate::error::exit;
use crate::journal::{ReplayIndex, Store};

const VAR: &str = "COMPLETE";
pub const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "elvish", "powershell"];
/// The shell calling back, as `COMPLETE` named it.
static CALLING_SHELL: OnceLock<String> = OnceLock::new();

/// Answers the shell when it is the one calling (`COMPLETE` set); `None` otherwise.
pub fn serve(args: &[OsString]) -> Option<i32> {
    // clap takes the variable out of the environment before the completers run.
    let _ = CALLING_SHELL.set(std::env::var(VAR).unwrap_or_default());
    let current_dir = std::env::current_dir().ok();
    match clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(VAR)
        .try_complete(args.iter().cloned(), current_dir.as_deref())
    {
        Ok(true) => Some(exit::DONE),
        Ok(false) => None,
        Err(error) => {
            let _ = error.print();
            Some(exit::USAGE)
        }
    }
}

/// `runbook completions SHELL`: the script that registers completion for SHELL, calling back
/// this same binary (by its path when it was run by one, else through PATH).
pub fn write_registration(shell: &str, out: &mut dyn Write) -> std::io::Result<()> {
    let shells = Shells::builtins();
    let Some(completer) = shells.completer(shell) else {
        return Err(std::io::Error::other(format!("unknown shell `{shell}`")));
    };
    let invoked = std::env::args_os().next().map(PathBuf::from);
    let program = match invoked {
        Some(path) if path.components().count() > 1 => std::path::absolute(&path)?,
        _ => PathBuf::from("runbook"),
    };
    completer.write_registration(VAR, "runbook", "runbook", &program.to_string_lossy(), out)
}

/// The words the shell is completing, as far as clap can make them out.
fn typed_line() -> ArgMatches {
    let words: Vec<OsString> = std::env::args_os()
        .skip_while(|word| word != "--")
        .skip(1)
        .collect();
    Cli::command()
        .ignore_errors(true)
        .try_get_matches_from(words)
        .unwrap_or_default()
}

fn store(matches: &ArgMatches) -> Store {
    let root = matches
        .get_one::<PathBuf>("state_dir")
        .cloned()
        .or_else(|| std::env::var_os("RUNBOOK_STATE_DIR").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(".runbook"));
    Store::new(root)
}

/// Run ids, newest first, each with its status and script for shells that show help.
pub fn run_ids() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        let store = store(&typed_line());
        let mut runs = store.list().unwrap_or_default();
        runs.reverse();
        runs.iter()
            .enumerate()
            .map(|(order, meta)| {
                let help = format!(
                    "{} · {} · {}",
                    store.live_status(meta),
                    meta.script.display(),
                    meta.started_at
                );
                CompletionCandidate::new(&meta.id)
                    .help(Some(help.into()))
                    .display_order(Some(order))
            })
            .collect()
    })
}

/// The steps of the run the line names (`resume RUN --from`, `logs RUN`), or for `resume`
/// without one, of the run it would pick.
pub fn step_names() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        // bash puts a candidate on the line as it is, so `ecs service` would become two
        // words: it gets `ecs\ service`, and the word typed so far comes escaped too.
        let bash = CALLING_SHELL.get().is_some_and(|shell| shell == "bash");
        let typed = current.to_string_lossy();
        let typed = if bash {
            bash_unescape(&typed)
        } else {
            typed.into_owned()
        };
        let matches = typed_line();
        let store = store(&matches);
        let named = matches
            .subcommand()
            .and_then(|(_, command)| command.try_get_one::<String>("run").ok().flatten().cloned());
        let Some(run) = named.or_else(|| crate::runs::newest_unfinished(&store).ok()) else {
            return Vec::new();
        };
        let Ok(contents) = store.read(&run) else {
            return Vec::new();
        };
        let index = ReplayIndex::from_records(&contents.records);
        index
            .entries()
            .iter()
            .map(|entry| (entry.step.label(), entry))
            .filter(|(label, _)| label.starts_with(&typed))
            .map(|(label, entry)| {
                let status = if entry.is_completed() {
                    "done"
                } else {
                    "not done"
                };
                let value = if bash { bash_escape(&label) } else { label };
                CompletionCandidate::new(value)
                    .help(Some(format!("line {} · {status}", entry.step.line).into()))
            })
            .collect()
    })
}

/// `text` as one bash word: each character the shell would read specially behind a `\`.
fn bash_escape(text: &str) -> String {
    let mut word = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_whitespace() || "\\'\"`$&;|<>()*?[]{}#!~".contains(c) {
            word.push('\\');
        }
        word.push(c);
    }
    word
}

/// The word being completed as bash has it on the line (`ecs\ s`, `'ecs s`, `"ecs s`),
/// as the text it stands for.
fn bash_unescape(word: &str) -> String {
    let mut text = String::with_capacity(word.len());
    let mut quote = None;
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None | Some('"'), '\\') => text.extend(chars.next()),
            _ => text.push(c),
        }
    }
    text
}

pub fn services() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        crate::aws::services::SERVICES
            .iter()
            .map(CompletionCandidate::new)
            .collect()
    })
}

/// Scripts: `.rhai` files and the directories that may hold them.
pub fn scripts() -> ArgValueCompleter {
    ArgValueCompleter::new(
        PathCompleter::any().filter(|path: &Path| {
            path.is_dir() || path.extension().is_some_and(|ext| ext == "rhai")
        }),
    )
}
