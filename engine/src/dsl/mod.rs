//! The Rhai engine as runbooks see it: the `step` syntax, params, secrets, builtins and
//! limits, and compiling a script with the checks that run before anything executes.

pub mod aws_check;
pub mod aws_modules;
pub mod aws_secrets;
pub mod builtins;
pub mod documents;
pub mod errors;
pub mod imports;
pub mod parallel;
pub mod params;
pub mod runtime;
pub mod scan;
pub mod secrets;
pub mod source;
pub mod stdlib;
pub mod step;
pub use crate::aws::suggest;
pub mod value;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use rhai::{Dynamic, Engine, Expr, Stmt, AST};

use crate::diagnostic::Diagnostic;
use runtime::Runtime;

/// Builds an engine whose builtins and steps act on `runtime`.
pub fn engine(runtime: &Rc<Runtime>) -> Engine {
    let mut engine = Engine::new();
    // Limits keep a runaway script from exhausting the machine; they are far above what a
    // runbook needs (an AWS setup runs a few thousand operations).
    engine
        .set_max_operations(1_000_000_000)
        .set_max_call_levels(64)
        .set_max_expr_depths(128, 64)
        .set_max_string_size(16 << 20)
        .set_max_array_size(1_000_000)
        .set_max_map_size(1_000_000)
        .set_strict_variables(true);
    let interrupt = runtime.interrupt.clone();
    engine.on_progress(move |ops| {
        // Reading the clock on every operation would cost more than the operation itself.
        if ops % 256 != 0 {
            return None;
        }
        interrupt
            .check()
            .map(|stop| Dynamic::from(runtime::Halt::from(stop)))
    });
    engine.set_module_resolver(imports::Imports::new(&runtime.base_dir()));
    builtins::register(&mut engine, runtime);
    step::register(&mut engine, runtime.clone());
    parallel::register(&mut engine, runtime.clone());
    aws_modules::register_region(&mut engine, runtime);
    engine
}

/// The AWS functions a script can reach, by service (`None`: every one, as for an `eval`).
pub type Reached = Option<BTreeMap<String, BTreeSet<String>>>;

/// `engine` with the AWS functions the compiled script can reach registered (every one when
/// that cannot be told), and which those are: a script that makes five calls does not pay
/// for registering 1,642 (EC2's 811 among them for one `ec2::describe_subnets`).
pub fn register_services_for(
    engine: &mut Engine,
    runtime: &Rc<Runtime>,
    compiled: &Compiled,
) -> Reached {
    let called = scan::aws_calls(
        &compiled.ast,
        &compiled.imported,
        &crate::aws::services::SERVICES,
    );
    let reach = match &called {
        Some(functions) => aws_modules::Reach::Only(functions),
        None => aws_modules::Reach::All,
    };
    aws_modules::register_services(engine, runtime, reach, aws_modules::Metadata::Skip);
    called
}

/// Where `import "name" as x;` looks on disk: next to the script, then in the project's
/// `stdlib/` (the nearest one above the script, or `RUNBOOK_STDLIB`). The stdlib built into
/// the binary comes after these.
pub fn module_dirs(script_dir: &Path) -> Vec<PathBuf> {
    let stdlib = std::env::var_os("RUNBOOK_STDLIB")
        .map(PathBuf::from)
        .or_else(|| {
            script_dir
                .ancestors()
                .map(|dir| dir.join("stdlib"))
                .find(|dir| dir.is_dir())
        });
    std::iter::once(script_dir.to_path_buf())
        .chain(stdlib)
        .collect()
}

/// A script compiled, with the modules it imports (compiled, not run).
pub struct Compiled {
    pub ast: AST,
    pub imported: scan::Imported,
}

/// Compiles a script and the modules it imports, and runs the static checks: a syntax error
/// in the script or a call to a function that exists nowhere, in the script or in a module,
/// stops here, before any step runs (in a module, it would fail only when a step reached it).
pub fn compile(
    engine: &Engine,
    runtime: &Runtime,
    name: &str,
    text: &str,
) -> Result<Compiled, Box<Diagnostic>> {
    let mut ast = engine
        .compile(text)
        .map_err(|e| Box::new(errors::parse_diagnostic(&e, name, text)))?;
    ast.set_source(name);
    let names = names(engine);
    check_calls(&names, &ast, name, text)?;
    // Through the resolver, which keeps what it compiles for the import (imports.rs).
    let load = |path: &str| {
        engine
            .module_resolver()
            .resolve_ast(engine, None, path, rhai::Position::NONE)?
            .ok()
    };
    let imported = scan::imports(&ast, &load);
    for module in &imported.modules {
        let source = module.source().unwrap_or_default();
        let (file, text) = runtime
            .source_file(source)
            .unwrap_or_else(|| (source.to_string(), Rc::from("")));
        check_calls(&names, module, &file, &text)?;
    }
    if let Some(&(line, column)) = scan::misplaced_in_groups(&ast).first() {
        return Err(Box::new(
            Diagnostic::new(parallel::ONLY_STEPS).at(name, text, line, column),
        ));
    }
    Ok(Compiled { ast, imported })
}

/// What calls may name in `engine` (see `check_calls`).
pub fn names(engine: &Engine) -> scan::Names<'_> {
    scan::Names::new(engine, aws_modules::functions_by_module)
}

/// Refuses calls to functions that exist nowhere, naming the first and noting the others.
pub fn check_calls(
    names: &scan::Names,
    ast: &AST,
    name: &str,
    text: &str,
) -> Result<(), Box<Diagnostic>> {
    let unknown = scan::unknown_calls(ast, names);
    let Some(first) = unknown.first() else {
        return check_inputs(ast, name, text);
    };
    let mut diagnostic = Diagnostic::new(format!("unknown function {}{}", first.name, first.hint))
        .at(name, text, first.line, first.column);
    for other in &unknown[1..] {
        diagnostic = diagnostic.note(format!(
            "also unknown: {} at line {}{}",
            other.name, other.line, other.hint
        ));
    }
    Err(Box::new(diagnostic))
}

/// Refuses binding calls whose written-out input the call would refuse, naming the first and
/// noting the others.
fn check_inputs(ast: &AST, name: &str, text: &str) -> Result<(), Box<Diagnostic>> {
    let refused = aws_check::refused_calls(ast, text);
    let Some(first) = refused.first() else {
        return Ok(());
    };
    let mut diagnostic = Diagnostic::new(&first.message).at(name, text, first.line, first.column);
    for other in &refused[1..] {
        diagnostic = diagnostic.note(format!("also at line {}: {}", other.line, other.message));
    }
    Err(Box::new(diagnostic))
}

/// Makes the top-level `import "path" as name;` modules of `ast` static modules of the
/// engine, so code that runs after the script (undo closures, the REPL's next input) still
/// sees them.
pub fn keep_imports(engine: &mut Engine, ast: &AST) {
    let mut modules = Vec::new();
    for stmt in ast.statements() {
        if let Stmt::Import(import, pos) = stmt {
            if let (Expr::StringConstant(path, _), alias) = (&import.0, &import.1) {
                let resolved = engine.module_resolver().resolve(engine, None, path, *pos);
                if let Ok(module) = resolved {
                    modules.push((alias.name.to_string(), module));
                }
            }
        }
    }
    for (alias, module) in modules {
        engine.register_static_module(alias, module);
    }
}
