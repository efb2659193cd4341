//! `:save FILE`: the session's successful inputs as a runbook. Each top-level statement that
//! changes the world (a mutating AWS call, `write_file`, or a function that makes one,
//! transitively) is wrapped in a step named after the call, so the saved file runs with
//! `exec` and resumes like any runbook; reads stay outside steps, as the resume rules want.
//!
//! What a statement is, what it calls, what it binds and which variables it reads come from
//! the parsed AST (unoptimised, so it holds the statements as typed). The parser keeps
//! neither comments nor where a statement ends, so the text between one statement's last
//! token and the next statement (comments, function definitions) is kept as typed.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use rhai::{ASTNode, Expr, FnCallExpr, Module, Position, Stmt, AST};
use serde_json::Value;

use super::lex::lex;
use crate::aws::services;
use crate::dsl::source::Lines;

/// The functions whose calls change the world.
pub struct Mutators {
    names: HashSet<String>,
}

/// The name a call is made by (`ecr::create_repository`, `tag`); none for an operator.
fn call_name(call: &FnCallExpr) -> Option<String> {
    if call.op_token.is_some() {
        None
    } else if call.namespace.is_empty() {
        Some(call.name.to_string())
    } else {
        Some(format!("{}::{}", call.namespace, call.name))
    }
}

/// What a walk over some nodes found: the calls in the order met (outer before inner, left
/// before right), whether a step is among them, and the variables read.
#[derive(Default)]
struct Found {
    calls: Vec<String>,
    steps: usize,
    variables: BTreeSet<String>,
}

impl Found {
    fn visit(&mut self, path: &[ASTNode]) -> bool {
        match path.last() {
            Some(ASTNode::Expr(Expr::FnCall(call, _)) | ASTNode::Stmt(Stmt::FnCall(call, _))) => {
                self.calls.extend(call_name(call));
            }
            Some(ASTNode::Expr(Expr::Custom(custom, _)))
                if custom.tokens.first().map(|t| t.as_str()) == Some("step") =>
            {
                self.steps += 1;
            }
            Some(ASTNode::Expr(Expr::Variable(variable, ..))) if variable.2.is_empty() => {
                self.variables.insert(variable.1.to_string());
            }
            _ => {}
        }
        true
    }

    fn in_ast(ast: &AST) -> Found {
        let mut found = Found::default();
        ast.walk(&mut |path: &[ASTNode]| found.visit(path));
        found
    }

    fn in_stmt(stmt: &Stmt) -> Found {
        let mut found = Found::default();
        stmt.walk(&mut Vec::new(), &mut |path: &[ASTNode]| found.visit(path));
        found
    }
}

impl Default for Mutators {
    /// The mutating bindings and file builtins.
    fn default() -> Mutators {
        let mut names: HashSet<String> = services::all()
            .iter()
            .filter(|b| b.is_mutating())
            .map(|b| b.qualified())
            .collect();
        names.extend(["write_file".to_string(), "append_file".to_string()]);
        Mutators { names }
    }
}

impl Mutators {
    /// Learns which of the functions in `library` change the world; `module` is the alias
    /// they are called through (`aws` for stdlib/aws.rhai), or none for the session's own.
    pub fn learn(&mut self, module: Option<&str>, library: &Module) {
        let qualify = |name: &str| match module {
            Some(module) => format!("{module}::{name}"),
            None => name.to_string(),
        };
        let bodies: Vec<(String, Vec<String>)> = library
            .iter_script_fn_info()
            .map(|(.., def)| {
                let mut alone = Module::new();
                alone.set_script_fn(def.clone());
                let calls = Found::in_ast(&AST::new_from_module(alone)).calls;
                (def.name.to_string(), calls)
            })
            .collect();
        let defined: HashSet<&str> = bodies.iter().map(|(name, _)| name.as_str()).collect();
        // Until nothing changes: a function that calls one that mutates, mutates.
        loop {
            let before = self.names.len();
            for (name, called) in &bodies {
                let mutates = called.iter().any(|call| {
                    if defined.contains(call.as_str()) {
                        self.names.contains(&qualify(call))
                    } else {
                        self.names.contains(call)
                    }
                });
                if mutates {
                    self.names.insert(qualify(name));
                }
            }
            if self.names.len() == before {
                break;
            }
        }
    }

    /// Whether `ast` calls anything that changes the world, in a step or not.
    pub fn mutates(&self, ast: &AST) -> bool {
        Found::in_ast(ast)
            .calls
            .iter()
            .any(|name| self.names.contains(name))
    }

    /// The first call in `stmt` that changes the world, unless it holds a step already.
    fn first_call(&self, stmt: &Stmt) -> Option<String> {
        let found = Found::in_stmt(stmt);
        if found.steps > 0 {
            return None;
        }
        found
            .calls
            .into_iter()
            .find(|name| self.names.contains(name))
    }
}

fn earliest(a: Position, b: Position) -> Position {
    let key = |p: Position| (p.line().unwrap_or(usize::MAX), p.position().unwrap_or(0));
    if key(b) < key(a) {
        b
    } else {
        a
    }
}

/// Where the text of a call at `pos` starts: Rhai places an operator's call at the operator
/// (and `a in b` as `contains(b, a)`) and a qualified call at its name, so at the leftmost of
/// its namespace and its arguments.
fn call_start(call: &FnCallExpr, pos: Position) -> Position {
    let name = if call.namespace.is_empty() {
        pos
    } else {
        call.namespace.position()
    };
    call.args.iter().map(expr_start).fold(name, earliest)
}

fn expr_start(expr: &Expr) -> Position {
    match expr {
        Expr::FnCall(call, pos) => call_start(call, *pos),
        Expr::Dot(x, ..) | Expr::Index(x, ..) => expr_start(&x.lhs),
        Expr::And(x, _) | Expr::Or(x, _) | Expr::Coalesce(x, _) => {
            x.iter().map(expr_start).fold(expr.position(), earliest)
        }
        _ => expr.start_position(),
    }
}

fn stmt_start(stmt: &Stmt) -> Position {
    match stmt {
        Stmt::Expr(expr) => expr_start(expr),
        Stmt::Assignment(x) => expr_start(&x.1.lhs),
        Stmt::FnCall(call, pos) => call_start(call, *pos),
        _ => stmt.position(),
    }
}

/// Where the definition of a function whose body opens at `body` starts: at its `fn`, or at
/// the `private` before it.
fn definition_start(text: &str, body: usize) -> Option<usize> {
    let head = &text[..body];
    let at = head.rmatch_indices("fn").map(|(i, _)| i).find(|&i| {
        let before = head[..i].chars().next_back();
        let after = head[i + 2..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            && after.is_some_and(char::is_whitespace)
    })?;
    let before = head[..at].trim_end();
    Some(match before.strip_suffix("private") {
        Some(rest) => rest.len(),
        None => at,
    })
}

/// One input as it goes into the saved runbook.
pub struct Saved {
    pub text: String,
    /// The steps in it: those typed and those made by wrapping.
    pub steps: usize,
    /// The variables it reads, so `:save` can define those of an attached run first.
    pub variables: BTreeSet<String>,
}

/// A JSON value written as a Rhai literal, for the variables a saved session needs.
pub fn literal(value: &Value) -> String {
    match value {
        Value::Null => "()".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => Value::String(s.clone()).to_string(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(literal).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(members) => {
            let members: Vec<String> = members
                .iter()
                .map(|(k, v)| format!("{}: {}", Value::String(k.clone()), literal(v)))
                .collect();
            format!("#{{ {} }}", members.join(", "))
        }
    }
}

/// Turns inputs into runbook text, naming the steps it makes uniquely.
pub struct Skeleton {
    pub mutators: Mutators,
    labels: HashMap<String, usize>,
}

impl Skeleton {
    pub fn new(mutators: Mutators) -> Skeleton {
        Skeleton {
            mutators,
            labels: HashMap::new(),
        }
    }

    fn label(&mut self, call: &str) -> String {
        let count = self.labels.entry(call.to_string()).or_insert(0);
        *count += 1;
        if *count == 1 {
            call.to_string()
        } else {
            format!("{call} ({count})")
        }
    }

    /// One input, `text` parsed as `ast` (unoptimised), as it goes into the saved runbook.
    pub fn input(&mut self, ast: &AST, text: &str) -> Saved {
        let lines = Lines::new(Rc::from(text));
        let offset = |pos: Position| lines.offset(pos).unwrap_or(text.len());
        let definitions = ast
            .iter_fn_def()
            .filter(|f| !f.name.starts_with("anon$"))
            .filter_map(|f| definition_start(text, offset(f.body.start_position())));
        let statements: Vec<&Stmt> = ast
            .statements()
            .iter()
            .filter(|s| !matches!(s, Stmt::Noop(_)))
            .collect();
        let starts: Vec<usize> = statements.iter().map(|s| offset(stmt_start(s))).collect();
        let mut anchors: Vec<usize> = starts.iter().copied().chain(definitions).collect();
        anchors.sort_unstable();
        let found = Found::in_ast(ast);
        let mut saved = Saved {
            text: String::new(),
            steps: found.steps,
            variables: found.variables,
        };
        let mut out = Vec::new();
        let mut rest = 0;
        for (stmt, &start) in statements.iter().zip(&starts) {
            let limit = anchors
                .iter()
                .copied()
                .find(|&a| a > start)
                .unwrap_or(text.len());
            // The last token before the next statement or definition ends this one's code.
            let Some(end) = lex(&text[start..limit]).last().map(|t| start + t.end) else {
                continue;
            };
            let before = text[rest..start].trim();
            if !before.is_empty() {
                out.push(before.to_string());
            }
            rest = end;
            let value = match stmt {
                Stmt::Var(x, ..) if !matches!(x.1, Expr::Unit(_)) => Some(offset(expr_start(&x.1))),
                _ => None,
            };
            match self.mutators.first_call(stmt) {
                Some(call) => {
                    saved.steps += 1;
                    out.push(self.wrapped(&call, &text[start..end], value.map(|v| v - start)));
                }
                None => out.push(with_semicolon(text[start..end].trim())),
            }
        }
        let after = text[rest..].trim();
        if !after.is_empty() {
            out.push(after.to_string());
        }
        saved.text = out.join("\n");
        saved
    }

    /// `statement` in a step named after `call`; a `let` binds the step's value, its value
    /// starting at `value`.
    fn wrapped(&mut self, call: &str, statement: &str, value: Option<usize>) -> String {
        let label = Value::String(self.label(call)).to_string();
        let (head, body) = match value {
            Some(at) => (format!("{} ", statement[..at].trim_end()), &statement[at..]),
            None => (String::new(), statement),
        };
        let body = body.trim().trim_end_matches(';').trim_end();
        let body = body.replace('\n', "\n    ");
        format!("{head}step {label} {{\n    {body}\n}};")
    }
}

fn with_semicolon(text: &str) -> String {
    if text.ends_with(';') || text.ends_with('}') {
        text.to_string()
    } else {
        format!("{text};")
    }
}

#[cfg(test)]
mod tests {
    use rhai::{Engine, OptimizationLevel};

    use super::{literal, Mutators, Skeleton};

    /// A parser with `step NAME { BODY }`, the form of the step syntax the skeleton makes.
    fn parser() -> Engine {
        let mut engine = Engine::new();
        engine.set_optimization_level(OptimizationLevel::None);
        engine
            .register_custom_syntax(["step", "$expr$", "$block$"], false, |_, _| {
                Ok(rhai::Dynamic::UNIT)
            })
            .expect("registers");
        engine
    }

    fn parse(text: &str) -> rhai::AST {
        parser().compile(text).expect("compiles")
    }

    fn saved(skeleton: &mut Skeleton, text: &str) -> String {
        skeleton.input(&parse(text), text).text
    }

    #[test]
    fn wraps_mutating_statements_and_keeps_reads_outside_steps() {
        let mut skeleton = Skeleton::new(Mutators::default());
        let text = "let r = ecr::create_repository(#{ repositoryName: \"a\" }); \
                    ecr::describe_repositories()";
        let input = skeleton.input(&parse(text), text);
        assert_eq!(
            input.text,
            "let r = step \"ecr::create_repository\" {\n    \
             ecr::create_repository(#{ repositoryName: \"a\" })\n};\n\
             ecr::describe_repositories();"
        );
        assert_eq!(input.steps, 1);
        assert_eq!(
            saved(
                &mut skeleton,
                "ecr::create_repository(#{ repositoryName: \"b\" })"
            ),
            "step \"ecr::create_repository (2)\" {\n    \
             ecr::create_repository(#{ repositoryName: \"b\" })\n};"
        );
        // Already a step: as it is.
        let step = "step \"s\" { write_file(\"a\", \"b\") }";
        let input = skeleton.input(&parse(step), step);
        assert_eq!((input.text.as_str(), input.steps), (step, 1));
    }

    #[test]
    fn statements_keep_their_text_comments_and_definitions_between_them() {
        let mut skeleton = Skeleton::new(Mutators::default());
        let text = "let n = 1 + 2; // three\n\
                    if n > 0 { write_file(\"a\", \"b\") } else { n }\n\
                    fn f(x) { x }\n\
                    private fn g() { 1 }\n\
                    n in [3] || write_file(\"c\", \"d\");\n\
                    n.to_string().len()";
        assert_eq!(
            saved(&mut skeleton, text),
            "let n = 1 + 2;\n\
             // three\n\
             step \"write_file\" {\n    if n > 0 { write_file(\"a\", \"b\") } else { n }\n};\n\
             fn f(x) { x }\n\
             private fn g() { 1 }\n\
             step \"write_file (2)\" {\n    n in [3] || write_file(\"c\", \"d\")\n};\n\
             n.to_string().len();"
        );
    }

    #[test]
    fn reads_the_variables_an_input_uses() {
        let mut skeleton = Skeleton::new(Mutators::default());
        let text = "let a = 1; a + b.len() + c::d";
        let mut scope = rhai::Scope::new();
        scope.push("b", "x");
        let ast = parser().compile_with_scope(&scope, text).expect("compiles");
        let variables = skeleton.input(&ast, text).variables;
        assert_eq!(variables.into_iter().collect::<Vec<_>>(), ["a", "b"]);
    }

    #[test]
    fn functions_that_mutate_are_known_transitively() {
        let mut mutators = Mutators::default();
        let library = parse(
            "fn inner(n) { iam::create_role(#{ RoleName: n }) }\n\
             fn outer(n) { inner(n) }\nfn read() { iam::get_role(#{ RoleName: \"x\" }) }",
        );
        mutators.learn(Some("lib"), library.shared_lib());
        let first = |text: &str| {
            let ast = parse(text);
            mutators.first_call(&ast.statements()[0])
        };
        assert_eq!(first("lib::outer(\"a\")").as_deref(), Some("lib::outer"));
        assert_eq!(first("lib::read()"), None);
        assert_eq!(first("x.write_file()"), None);
        assert!(mutators.mutates(&parse("fn h() { lib::inner(1) }")));
        assert!(!mutators.mutates(&parse("lib::read()")));
    }

    #[test]
    fn json_values_become_rhai_literals() {
        let value = serde_json::json!({ "a": [1, "two", null, true] });
        assert_eq!(literal(&value), "#{ \"a\": [1, \"two\", (), true] }");
    }
}
