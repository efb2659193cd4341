//! What can be read from a compiled script without running it: its steps (for `plan`), the
//! params it asks for, and calls to functions that exist nowhere (for `check`, and before
//! every run, so a typo fails before the first step changes anything).

use std::cell::{LazyCell, OnceCell};
use std::collections::{BTreeMap, BTreeSet, HashSet};

use rhai::{ASTNode, Engine, Expr, FnCallExpr, Position, Stmt, AST};

use super::source;
use super::suggest::did_you_mean;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepName {
    Literal(String),
    /// A name computed at run time, shown as its source text.
    Computed(String),
}

impl StepName {
    /// As `plan` and `check` show it: `create repo`, or `` `item ${i}` (computed name) ``.
    pub fn shown(&self) -> String {
        match self {
            StepName::Literal(name) => name.clone(),
            StepName::Computed(text) => format!("{text} (computed name)"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct StaticStep {
    pub name: StepName,
    pub line: usize,
    pub column: usize,
    pub hash: String,
    /// The function the step is written in, if any.
    pub function: Option<String>,
    /// Whether it has an undo block, for `destroy`.
    pub has_undo: bool,
}

#[derive(Debug, Clone)]
pub struct ParamUse {
    pub has_default: bool,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone)]
pub struct UnknownCall {
    pub name: String,
    pub line: usize,
    pub column: usize,
    pub hint: String,
}

/// Calls every expression of the script, functions included.
fn each_expr(ast: &AST, mut f: impl FnMut(&Expr)) {
    ast.walk(&mut |path: &[ASTNode]| {
        if let Some(ASTNode::Expr(expr)) = path.last() {
            f(expr);
        }
        true
    });
}

/// Calls every function call of the script, functions included. Rhai writes a call that is
/// a whole statement as a statement, not an expression: both are visited.
pub(crate) fn each_call(ast: &AST, mut f: impl FnMut(&FnCallExpr, Position)) {
    ast.walk(&mut |path: &[ASTNode]| {
        match path.last() {
            Some(ASTNode::Expr(Expr::FnCall(call, pos))) => f(call, *pos),
            Some(ASTNode::Stmt(Stmt::FnCall(call, pos))) => f(call, *pos),
            _ => {}
        }
        true
    });
}

pub(crate) fn line_col(pos: Position) -> (usize, usize) {
    (pos.line().unwrap_or(0), pos.position().unwrap_or(1))
}

/// The steps in source order, main body first, then those inside functions.
pub fn steps(ast: &AST, text: &str) -> Vec<StaticStep> {
    // Function bodies as (line, column) ranges, to say which function a step is written in.
    type LineCol = (usize, usize);
    let functions: Vec<(String, LineCol, LineCol)> = ast
        .iter_fn_def()
        .map(|f| {
            let name = if f.name.starts_with("anon$") {
                "a closure".into()
            } else {
                f.name.to_string()
            };
            (
                name,
                line_col(f.body.start_position()),
                line_col(f.body.end_position()),
            )
        })
        .collect();
    let lines = source::Lines::new(text.into());
    let mut steps = Vec::new();
    each_expr(ast, |expr| {
        let Expr::Custom(custom, pos) = expr else {
            return;
        };
        if custom.tokens.first().map(|t| t.as_str()) != Some("step") {
            return;
        }
        let Some(name_expr) = custom.inputs.first() else {
            return;
        };
        let Some(Expr::Stmt(block)) = custom
            .inputs
            .iter()
            .skip(1)
            .find(|e| matches!(e, Expr::Stmt(_)))
        else {
            return;
        };
        let name = match name_expr {
            Expr::StringConstant(s, _) => StepName::Literal(s.to_string()),
            _ => {
                // `step` is 4 characters: the name's text runs from after it to the body or
                // the options.
                let (line, column) = line_col(*pos);
                let after_keyword = Position::new(line.max(1) as u16, (column + 4) as u16);
                let end = custom
                    .inputs
                    .get(1)
                    .map_or(block.position(), |e| e.position());
                let shown = lines.between(after_keyword, end).unwrap_or("?");
                StepName::Computed(shown.trim().trim_end_matches(',').trim().to_string())
            }
        };
        let body = lines
            .slice(block.position(), block.end_position())
            .unwrap_or("");
        let (line, column) = line_col(name_expr.position());
        let function = functions
            .iter()
            .filter(|(_, start, end)| (*start..=*end).contains(&(line, column)))
            .min_by_key(|(_, start, end)| (end.0 - start.0, end.1.abs_diff(start.1)))
            .map(|(name, ..)| name.clone());
        steps.push(StaticStep {
            name,
            line,
            column,
            hash: source::body_hash(body),
            function,
            has_undo: custom.tokens.iter().any(|t| t == "undo"),
        });
    });
    steps.sort_by_key(|s| (s.function.is_some(), s.line, s.column));
    steps
}

/// Where `parallel` groups hold something other than steps: the first such statement of
/// each, as (line, column).
pub fn misplaced_in_groups(ast: &AST) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    each_expr(ast, |expr| {
        let Expr::Custom(custom, _) = expr else {
            return;
        };
        if custom.tokens.first().map(|t| t.as_str()) != Some("parallel") {
            return;
        }
        if let Some(Err(at)) = custom.inputs.first().map(super::parallel::members) {
            found.push(line_col(at));
        }
    });
    found
}

/// The params the script asks for by literal name; `None` when a name is computed, so the
/// set of params cannot be known.
pub fn params(ast: &AST) -> Option<BTreeMap<String, ParamUse>> {
    let mut found = BTreeMap::new();
    let mut computed = false;
    each_call(ast, |call, pos| {
        if call.name != "param" || call.is_qualified() || call.args.is_empty() {
            return;
        }
        match &call.args[0] {
            Expr::StringConstant(name, _) => {
                let (line, column) = line_col(pos);
                let entry = found.entry(name.to_string()).or_insert(ParamUse {
                    has_default: false,
                    line,
                    column,
                });
                entry.has_default |= call.args.len() > 1;
            }
            _ => computed = true,
        }
    });
    (!computed).then_some(found)
}

/// The secrets the script asks for by literal name (`secret("dockerhub_password")`), and
/// whether some name is computed, so that more may be asked for.
pub fn secrets(ast: &AST) -> (BTreeSet<String>, bool) {
    let mut found = BTreeSet::new();
    let mut computed = false;
    each_call(ast, |call, _| {
        if call.name != "secret" || call.is_qualified() || call.args.is_empty() {
            return;
        }
        match &call.args[0] {
            Expr::StringConstant(name, _) => {
                found.insert(name.to_string());
            }
            _ => computed = true,
        }
    });
    (found, computed)
}

/// Functions Rhai resolves at run time without a registered or script-defined namesake.
const LANGUAGE_FUNCTIONS: [&str; 10] = [
    "Fn",
    "call",
    "curry",
    "eval",
    "is_def_fn",
    "is_def_var",
    "is_shared",
    "type_of",
    "print",
    "debug",
];

/// The modules a script imports by a constant name, and those they import, each once, as
/// `load` compiled them (never run). `complete` is false when some import cannot be
/// followed: an import by a computed name, or of a module `load` cannot compile.
pub struct Imported {
    pub modules: Vec<AST>,
    pub complete: bool,
}

pub fn imports(ast: &AST, load: &dyn Fn(&str) -> Option<AST>) -> Imported {
    let mut imported = Imported {
        modules: Vec::new(),
        complete: true,
    };
    let mut seen = HashSet::new();
    follow_imports(ast, load, &mut seen, &mut imported);
    imported
}

fn follow_imports(
    ast: &AST,
    load: &dyn Fn(&str) -> Option<AST>,
    seen: &mut HashSet<String>,
    imported: &mut Imported,
) {
    let mut names = Vec::new();
    ast.walk(&mut |path: &[ASTNode]| {
        if let Some(ASTNode::Stmt(Stmt::Import(import, _))) = path.last() {
            match &import.0 {
                Expr::StringConstant(name, _) => names.push(name.to_string()),
                _ => imported.complete = false,
            }
        }
        true
    });
    for name in names {
        if !seen.insert(name.clone()) {
            continue;
        }
        match load(&name) {
            Some(module) => {
                follow_imports(&module, load, seen, imported);
                imported.modules.push(module);
            }
            None => imported.complete = false,
        }
    }
}

/// The AWS functions running the script may call, by service (of `services`): those it
/// calls, in the script or in the modules it imports. `None` when that cannot be told, so
/// every function of every service may be called: an import that cannot be followed, or an
/// `eval`, whose text may call anything. (A function pointer cannot name a module's
/// function: `Fn` takes a plain name.)
pub fn aws_calls(
    ast: &AST,
    imported: &Imported,
    services: &[&str],
) -> Option<BTreeMap<String, BTreeSet<String>>> {
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut evaluates = false;
    for ast in std::iter::once(ast).chain(&imported.modules) {
        each_call(ast, |call, _| {
            if !call.is_qualified() {
                evaluates |= call.name == "eval";
                return;
            }
            let namespace = call.namespace.to_string();
            if services.contains(&namespace.as_str()) {
                found
                    .entry(namespace)
                    .or_default()
                    .insert(call.name.to_string());
            }
        });
    }
    (imported.complete && !evaluates).then_some(found)
}

/// Why a call to an operation of the models this build does not bind is refused, and what binds it.
pub(crate) const LEFT_OUT: &str = ": this build binds only the core operations (README, \"AWS\"); \
    `cargo install --locked --path engine --features all-operations` binds every one";

/// What calls in a script and the modules it imports may name beyond their own functions
/// and variables: the functions of each static module (`ecr` -> `create_repository`, ...)
/// and the engine's own. Each table is built once, and only when a call needs it: a script
/// with no calls starts at once, one with five imported modules reads the engine's names once.
pub struct Names<'e> {
    engine: &'e Engine,
    list_modules: fn() -> BTreeMap<&'static str, Vec<&'static str>>,
    modules: OnceCell<BTreeMap<&'static str, Vec<&'static str>>>,
    functions: OnceCell<HashSet<String>>,
}

impl<'e> Names<'e> {
    pub fn new(
        engine: &'e Engine,
        list_modules: fn() -> BTreeMap<&'static str, Vec<&'static str>>,
    ) -> Names<'e> {
        Names {
            engine,
            list_modules,
            modules: OnceCell::new(),
            functions: OnceCell::new(),
        }
    }

    fn module(&self, namespace: &str) -> Option<&Vec<&'static str>> {
        self.modules
            .get_or_init(|| (self.list_modules)())
            .get(namespace)
    }

    /// The engine's functions, by name alone: formatting every registered function's
    /// signature to read its name back was most of a no-op run's start.
    fn functions(&self) -> &HashSet<String> {
        self.functions.get_or_init(|| {
            self.engine
                .collect_fn_metadata(
                    None,
                    |f| {
                        f.namespace.is_empty().then(|| {
                            let name = f.metadata.name.as_str();
                            name.trim_start_matches("get$")
                                .trim_start_matches("set$")
                                .to_string()
                        })
                    },
                    true,
                )
                .into_iter()
                .collect()
        })
    }
}

/// Calls in `ast` to functions that exist nowhere, `ecr::creat_repository` too.
pub fn unknown_calls(ast: &AST, names: &Names) -> Vec<UnknownCall> {
    let own = LazyCell::new(|| own_names(ast));
    let mut unknown = Vec::new();
    each_call(ast, |call, pos| {
        let (line, column) = line_col(pos);
        if call.is_qualified() {
            // Only the static modules are known here; `import`ed ones resolve at run time.
            let namespace = call.namespace.to_string();
            let Some(functions) = names.module(namespace.as_str()) else {
                return;
            };
            if !functions.contains(&call.name.as_str()) {
                let hint = if crate::aws::services::left_out(&namespace, &call.name) {
                    LEFT_OUT.to_string()
                } else {
                    did_you_mean(&call.name, functions.iter().copied())
                };
                let name = format!("{namespace}::{}", call.name);
                unknown.push(UnknownCall {
                    name,
                    line,
                    column,
                    hint,
                });
            }
            return;
        }
        let name = call.name.as_str();
        if call.is_operator_call() || own.contains(name) || names.functions().contains(name) {
            return;
        }
        let known = own.iter().chain(names.functions()).map(String::as_str);
        unknown.push(UnknownCall {
            name: name.to_string(),
            line,
            column,
            hint: did_you_mean(name, known),
        });
    });
    unknown.sort_by_key(|u| (u.line, u.column));
    unknown
}

/// What an unqualified call in `ast` may name besides the engine's functions: the
/// language's, the script's own, and its variables and parameters (which may hold a
/// function pointer).
fn own_names(ast: &AST) -> HashSet<String> {
    let mut known: HashSet<String> = LANGUAGE_FUNCTIONS.iter().map(|s| s.to_string()).collect();
    known.extend(ast.iter_functions().map(|f| f.name.to_string()));
    for f in ast.iter_functions() {
        known.extend(f.params.iter().map(|p| p.to_string()));
    }
    ast.walk(&mut |path: &[ASTNode]| {
        if let Some(ASTNode::Stmt(Stmt::Var(var, ..))) = path.last() {
            known.insert(var.0.name.to_string());
        }
        true
    });
    known
}
