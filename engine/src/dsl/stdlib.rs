//! The stdlib built into the binary: `import "aws"` works for a runbook anywhere, not only
//! inside the repository. A module file next to the script, or in a `stdlib/` directory
//! above it (or `RUNBOOK_STDLIB`), still wins, so a project can change or extend it.

use rhai::module_resolvers::ModuleResolver;
use rhai::{Engine, EvalAltResult, Module, Position, Scope, Shared};

/// (import path, source) of every stdlib module.
pub const EMBEDDED: [(&str, &str); 2] = [
    ("aws", include_str!("../../../stdlib/aws.rhai")),
    ("seed", include_str!("../../../stdlib/seed.rhai")),
];

pub fn embedded(path: &str) -> Option<&'static str> {
    EMBEDDED
        .iter()
        .find(|(name, _)| *name == path)
        .map(|(_, text)| *text)
}

/// How an embedded module is named in diagnostics.
pub fn display_name(path: &str) -> String {
    format!("<built-in stdlib>/{path}.rhai")
}

/// Resolves the embedded modules, after the file resolvers found nothing.
pub struct EmbeddedResolver;

impl ModuleResolver for EmbeddedResolver {
    fn resolve(
        &self,
        engine: &Engine,
        _source: Option<&str>,
        path: &str,
        pos: Position,
    ) -> Result<Shared<Module>, Box<EvalAltResult>> {
        let Some(text) = embedded(path) else {
            return Err(EvalAltResult::ErrorModuleNotFound(path.to_string(), pos).into());
        };
        let in_module = |error| EvalAltResult::ErrorInModule(path.to_string(), error, pos);
        let mut ast = engine
            .compile(text)
            .map_err(|e| Box::new(in_module(e.into())))?;
        ast.set_source(path);
        let module = Module::eval_ast_as_new(Scope::new(), &ast, engine).map_err(in_module)?;
        Ok(module.into())
    }
}
