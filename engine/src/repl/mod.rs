//! `runbook repl [--run RUN]`: the same engine and AWS bindings as a run, one input at a
//! time. Variables and functions carry over between inputs (each input's functions are
//! merged into one AST, its statements run against one scope); `import`s stay imported and
//! the stdlib is imported at start. Nothing is journaled: steps run ad hoc, mutating calls
//! say so, and `:save` turns the session into a runbook that is.
//!
//! On a terminal the line editor completes, hints and keeps history in the state dir; with a
//! pipe on standard input the REPL reads lines (no prompts) so tests and scripts can drive
//! it. An error never ends the session.

pub mod attach;
pub mod context;
pub mod helper;
pub mod lex;
pub mod library;
pub mod meta;
pub mod pretty;
pub mod resources;
pub mod skeleton;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::rc::Rc;

use rhai::{Dynamic, Engine, EvalAltResult, Scope, AST};
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{CompletionType, Config, Editor};
use serde_json::Value;

use crate::aws::clients::AwsOptions;
use crate::aws::services::SERVICES;
use crate::dsl::errors::{eval_diagnostic, parse_diagnostic};
use crate::dsl::params::Params;
use crate::dsl::runtime::{is_halt, Runtime};
use crate::dsl::value::to_json;
use crate::dsl::{self};
use crate::error::{exit, Result};
use crate::interrupt::{Interrupt, Stop};
use crate::journal::Store;
use crate::output::Output;
use attach::{attach, Attached};
use helper::{Helper, Known};
use library::LibraryModule;
use resources::ResourceNames;
use skeleton::{Mutators, Saved, Skeleton};

pub struct Repl {
    pub runtime: Rc<Runtime>,
    engine: Engine,
    pub scope: Scope<'static>,
    /// Every function the session defined; statements are cleared after each input.
    functions: AST,
    inputs: usize,
    /// How many inputs failed: a piped session that had one exits 1.
    failures: usize,
    /// Each successful input as it goes into `:save`'s runbook.
    pub saved: Vec<Saved>,
    pub skeleton: Skeleton,
    pub attached: Option<Attached>,
    pub library: Rc<Vec<LibraryModule>>,
    pub resources: Rc<ResourceNames>,
    known: Rc<RefCell<Known>>,
    colour: bool,
    pub quit: bool,
}

/// Whether Rhai's parser wants more input: the text ends inside a block, a map, a call or a
/// string, or before an expression is complete.
pub fn is_incomplete(parser: &Engine, text: &str) -> bool {
    let Err(error) = parser.compile(text) else {
        return false;
    };
    if matches!(
        error.err_type(),
        rhai::ParseErrorType::UnexpectedEOF
            | rhai::ParseErrorType::BadInput(rhai::LexError::UnterminatedString)
    ) {
        return true;
    }
    // Rhai reports what it missed at the end of the input: at or after its last character.
    let pos = error.position();
    // An error with no place cannot be at the end: show it rather than wait for more.
    let (Some(line), Some(column)) = (pos.line(), pos.position()) else {
        return false;
    };
    let trimmed = text.trim_end();
    let last_line = trimmed.lines().count().max(1);
    let last_column = trimmed.lines().last().map_or(0, |l| l.chars().count());
    (line, column) > (last_line, last_column)
}

pub fn run(
    store: &Store,
    output: Rc<Output>,
    aws: AwsOptions,
    run: Option<&str>,
    given: BTreeMap<String, Value>,
) -> Result<i32> {
    let contents = run.map(|id| store.read(id)).transpose()?;
    let mut params = contents
        .as_ref()
        .map(|c| c.meta.params.clone())
        .unwrap_or_default();
    params.extend(given);
    // An attached run's region is the one its resources live in.
    let aws = crate::config::for_params(&aws, &params)?;
    let base_dir = std::env::current_dir().unwrap_or_else(|_| ".".into());
    let interrupt = Rc::new(Interrupt::install());
    let runtime = Rc::new(Runtime::new(
        output.clone(),
        Params::new(params),
        interrupt,
        base_dir.clone(),
        aws,
    ));
    runtime.ad_hoc();
    let mut engine = dsl::engine(&runtime);
    // Inputs stay as typed, so `:save` sees every statement and call the operator wrote.
    engine.set_optimization_level(rhai::OptimizationLevel::None);
    crate::dsl::aws_modules::register_services(
        &mut engine,
        &runtime,
        crate::dsl::aws_modules::Reach::All,
        crate::dsl::aws_modules::Metadata::Skip,
    );
    let (library, problems) = library::import_all(&mut engine, &base_dir);
    for problem in problems {
        output.warn(&format!("stdlib module not imported: {problem}"));
    }
    let mut mutators = Mutators::default();
    for module in &library {
        mutators.learn(Some(&module.alias), &module.module);
    }
    let attached = contents.as_ref().map(|c| attach(c, &runtime));
    let mut scope = Scope::new();
    if let Some(attached) = &attached {
        for (name, value) in attached.values() {
            scope.push_dynamic(name.to_string(), value);
        }
    }
    let terminal = std::io::stdin().is_terminal();
    let mut repl = Repl {
        resources: Rc::new(ResourceNames::new(runtime.clone())),
        runtime,
        engine,
        scope,
        functions: AST::empty(),
        inputs: 0,
        failures: 0,
        saved: Vec::new(),
        skeleton: Skeleton::new(mutators),
        attached,
        library: Rc::new(library),
        known: Rc::default(),
        colour: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        quit: false,
    };
    repl.refresh_known();
    if terminal {
        repl.interactive()?;
        return Ok(exit::DONE);
    }
    repl.piped();
    if repl.failures == 0 {
        return Ok(exit::DONE);
    }
    // What feeds a pipe is a script: it must learn that part of it failed.
    let failed = match repl.failures {
        1 => "1 input failed".to_string(),
        n => format!("{n} inputs failed"),
    };
    repl.output()
        .progress(&format!("{failed}; the session went on past each (exit 1)"));
    Ok(exit::STEP_FAILED)
}

/// Where the line editor keeps the history: `runbook/repl_history` in the XDG state
/// directory (`$XDG_STATE_HOME`, else `~/.local/state`), made 0700 when missing. It belongs
/// to the operator, not to a project's run store.
fn history_file() -> std::result::Result<PathBuf, String> {
    use std::os::unix::fs::DirBuilderExt;
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/state")))
        .ok_or("neither XDG_STATE_HOME nor HOME is set")?;
    let dir = state.join("runbook");
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir.join("repl_history"))
}

impl Repl {
    pub fn output(&self) -> &Output {
        &self.runtime.output
    }

    /// An engine that only parses, for telling incomplete input: variables need no scope.
    fn parser(&self) -> Engine {
        let mut parser = dsl::engine(&self.runtime);
        parser.set_strict_variables(false);
        parser
    }

    fn banner(&self) {
        let modules: Vec<&str> = self.library.iter().map(|l| l.alias.as_str()).collect();
        let mut lines = vec![format!(
            "runbook repl: AWS modules {}; stdlib {}",
            SERVICES.join(" "),
            if modules.is_empty() {
                "none found".to_string()
            } else {
                modules.join(" ")
            }
        )];
        if let Some(attached) = &self.attached {
            lines.push(format!(
                "run {} ({}): its params and step values are variables (:steps)",
                attached.run, attached.status
            ));
        }
        lines.push(
            "Tab completes, :help [fn] explains, :save FILE writes a runbook, Ctrl-D quits; \
             nothing here is journaled"
                .into(),
        );
        for line in lines {
            self.output().progress(&line);
        }
    }

    fn interactive(&mut self) -> Result<()> {
        let config = Config::builder()
            .completion_type(CompletionType::List)
            .max_history_size(10_000)
            .map_err(|e| crate::error::Error::Usage(e.to_string()))?
            .auto_add_history(true)
            .build();
        let mut editor: Editor<Helper, FileHistory> = Editor::with_config(config).map_err(|e| {
            crate::error::Error::Usage(format!("cannot start the line editor: {e}"))
        })?;
        editor.set_helper(Some(Helper::new(
            self.known.clone(),
            self.library.clone(),
            self.resources.clone(),
            self.parser(),
            self.colour,
        )));
        let history = history_file();
        if let Ok(history) = &history {
            let _ = editor.load_history(history);
        }
        self.banner();
        while !self.quit {
            match editor.readline("runbook> ") {
                Ok(line) => self.input(&line),
                Err(ReadlineError::Interrupted) => continue,
                Err(ReadlineError::Eof) => break,
                Err(error) => {
                    self.output()
                        .warn(&format!("cannot read the terminal: {error}"));
                    break;
                }
            }
        }
        match &history {
            Ok(history) => {
                if let Err(error) = editor.save_history(history) {
                    let shown = history.display();
                    self.output()
                        .warn(&format!("history not saved to {shown}: {error}"));
                }
            }
            Err(error) => self.output().warn(&format!("history not kept: {error}")),
        }
        Ok(())
    }

    /// Reads inputs from a pipe: lines accumulate while the parser wants more.
    fn piped(&mut self) {
        let parser = self.parser();
        let mut buffer = String::new();
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            buffer.push_str(&line);
            buffer.push('\n');
            let meta = buffer.trim_start().starts_with(':');
            if !meta && is_incomplete(&parser, &buffer) {
                continue;
            }
            let input = std::mem::take(&mut buffer);
            self.input(&input);
            if self.quit {
                return;
            }
        }
        if !buffer.trim().is_empty() {
            self.input(&buffer);
        }
    }

    /// One input: a meta-command or code.
    pub fn input(&mut self, text: &str) {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return;
        }
        if trimmed.starts_with(':') {
            meta::command(self, trimmed);
        } else {
            self.inputs += 1;
            let name = format!("<input {}>", self.inputs);
            if let Some(value) = self.evaluate(&name, text) {
                self.show(&value);
            }
        }
    }

    /// Runs `text` in the session; its value when it succeeded. On failure the error is
    /// shown and the variables it made are dropped: a failed input leaves no trace but the
    /// changes it made in AWS.
    pub fn evaluate(&mut self, name: &str, text: &str) -> Option<Dynamic> {
        self.runtime.set_main_source(name, text.into());
        let ast = match self.engine.compile_with_scope(&self.scope, text) {
            Ok(ast) => ast,
            Err(error) => {
                self.output()
                    .diagnostic(&parse_diagnostic(&error, name, text));
                self.failures += 1;
                return None;
            }
        };
        let mut main = self.functions.merge(&ast);
        main.set_source(name);
        if let Err(diagnostic) = dsl::check_calls(&dsl::names(&self.engine), &main, name, text) {
            self.output().diagnostic(&diagnostic);
            self.failures += 1;
            return None;
        }
        let before = self.scope.len();
        let result = self
            .engine
            .eval_ast_with_scope::<Dynamic>(&mut self.scope, &main);
        self.runtime.interrupt.clear();
        // A failed input may have changed things before it failed.
        if self.skeleton.mutators.mutates(&ast) {
            self.resources.forget();
        }
        let value = match result {
            Ok(value) => value,
            Err(error) => {
                self.scope.rewind(before);
                self.failed(&error);
                self.failures += 1;
                return None;
            }
        };
        main.clear_statements();
        self.functions = main;
        dsl::keep_imports(&mut self.engine, &ast);
        self.skeleton.mutators.learn(None, ast.shared_lib());
        let saved = self.skeleton.input(&ast, text);
        self.saved.push(saved);
        self.refresh_known();
        Some(value)
    }

    fn failed(&self, error: &EvalAltResult) {
        if let Some(stop) = self.runtime.take_stop() {
            match stop.diagnostic() {
                Some(diagnostic) => self.output().diagnostic(diagnostic),
                None => self.output().error(&stop.to_string()),
            }
        } else if is_halt(error, Stop::Interrupted) {
            self.output()
                .progress("interrupted: the call in flight was cancelled");
        } else {
            self.output()
                .diagnostic(&eval_diagnostic(error, &self.runtime));
        }
    }

    fn show(&self, value: &Dynamic) {
        if value.is_unit() {
            return;
        }
        let output = self.output();
        let text = match to_json(value) {
            Ok(json) if output.is_json() => json.to_string(),
            Ok(json) => pretty::render(&json, self.colour),
            Err(_) => value.to_string(),
        };
        output.stdout(&text);
    }

    fn refresh_known(&self) {
        let mut known = self.known.borrow_mut();
        known.variables = self
            .scope
            .iter()
            .map(|(name, ..)| name.to_string())
            .collect();
        known.functions = self
            .functions
            .iter_functions()
            .map(|f| f.name.to_string())
            .collect();
    }

    /// Runs a file in the session, as if its text had been typed.
    pub fn load(&mut self, path: &std::path::Path) {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) => {
                self.output()
                    .error(&format!("cannot read {}: {error}", path.display()));
                return;
            }
        };
        let name = crate::session::display_name(path);
        // Its relative paths resolve against its own directory, as under `exec`.
        let dir = std::path::absolute(path)
            .ok()
            .and_then(|p| p.parent().map(std::path::Path::to_path_buf));
        let before = dir.map(|dir| self.runtime.set_base_dir(dir));
        let loaded = self.evaluate(&name, &text).is_some();
        if let Some(before) = before {
            self.runtime.set_base_dir(before);
        }
        if loaded {
            if let Some(last) = self.saved.last_mut() {
                last.text = format!("// :load {name}\n{}", last.text);
            }
            self.output().progress(&format!("loaded {name}"));
        }
    }
}
