//! Where `import "name" as x;` finds its module: next to the script, in the project's
//! `stdlib/` (`module_dirs`), then in the stdlib built into the binary. Each module is
//! compiled once: the static scan that tells which AWS functions a run can reach compiles
//! the modules a script imports (`resolve_ast`), and the import itself evaluates that AST
//! instead of reading and parsing the file again. Each is evaluated once per engine, however
//! many imports name it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;

use rhai::module_resolvers::{FileModuleResolver, ModuleResolver};
use rhai::{Engine, EvalAltResult, GlobalRuntimeState, Module, Position, Scope, Shared, AST};

use super::stdlib;

type Result<T> = std::result::Result<T, Box<EvalAltResult>>;
type SharedModule = Shared<Module>;

pub struct Imports {
    /// Rhai's resolvers of the directories, for which file a path names and its compile;
    /// `evaluated` below is the one cache.
    dirs: Vec<FileModuleResolver>,
    /// What the scan compiled, by import path, until an import evaluates it.
    compiled: RefCell<HashMap<String, Compiled>>,
    /// Every module evaluated, by import path.
    evaluated: RefCell<HashMap<String, SharedModule>>,
}

struct Compiled {
    ast: AST,
    /// A built-in module is evaluated on its own, as the files are not: a file module sees
    /// the importing scope (Rhai's `FileModuleResolver`), a built-in one a new scope.
    built_in: bool,
}

impl Imports {
    pub fn new(script_dir: &Path) -> Imports {
        Imports {
            dirs: super::module_dirs(script_dir)
                .into_iter()
                .map(FileModuleResolver::new_with_path)
                .collect(),
            compiled: RefCell::default(),
            evaluated: RefCell::default(),
        }
    }

    /// The first directory's module named `path`, else the built-in one, compiled.
    fn find(&self, engine: &Engine, path: &str, pos: Position) -> Result<Compiled> {
        for dir in &self.dirs {
            match dir.resolve_ast(engine, None, path, pos) {
                None => {}
                Some(Err(error)) if matches!(*error, EvalAltResult::ErrorModuleNotFound(..)) => {}
                Some(found) => {
                    return found.map(|ast| Compiled {
                        ast,
                        built_in: false,
                    })
                }
            }
        }
        built_in(engine, path, pos).map(|ast| Compiled {
            ast,
            built_in: true,
        })
    }
}

impl ModuleResolver for Imports {
    fn resolve(
        &self,
        engine: &Engine,
        _source: Option<&str>,
        path: &str,
        pos: Position,
    ) -> Result<SharedModule> {
        let global = &mut engine.new_global_runtime_state();
        self.resolve_raw(engine, global, &mut Scope::new(), path, pos)
    }

    fn resolve_raw(
        &self,
        engine: &Engine,
        global: &mut GlobalRuntimeState,
        scope: &mut Scope,
        path: &str,
        pos: Position,
    ) -> Result<SharedModule> {
        if let Some(module) = self.evaluated.borrow().get(path) {
            return Ok(module.clone());
        }
        // Taken out first: evaluating a module may import others.
        let compiled = self.compiled.borrow_mut().remove(path);
        let compiled = match compiled {
            Some(compiled) => compiled,
            None => self.find(engine, path, pos)?,
        };
        let module: SharedModule = if compiled.built_in {
            Module::eval_ast_as_new(Scope::new(), &compiled.ast, engine)
        } else {
            Module::eval_ast_as_new_raw(engine, scope, global, &compiled.ast)
        }
        .map_err(|error| in_module(path, error, pos))?
        .into();
        self.evaluated
            .borrow_mut()
            .insert(path.to_string(), module.clone());
        Ok(module)
    }

    fn resolve_ast(
        &self,
        engine: &Engine,
        _source: Option<&str>,
        path: &str,
        pos: Position,
    ) -> Option<Result<AST>> {
        let found = self.find(engine, path, pos);
        Some(found.map(|compiled| {
            let ast = compiled.ast.clone();
            self.compiled
                .borrow_mut()
                .insert(path.to_string(), compiled);
            ast
        }))
    }
}

fn built_in(engine: &Engine, path: &str, pos: Position) -> Result<AST> {
    let Some(text) = stdlib::embedded(path) else {
        return Err(EvalAltResult::ErrorModuleNotFound(path.to_string(), pos).into());
    };
    let mut ast = engine
        .compile(text)
        .map_err(|error| in_module(path, error.into(), pos))?;
    ast.set_source(path);
    Ok(ast)
}

fn in_module(path: &str, error: Box<EvalAltResult>, pos: Position) -> Box<EvalAltResult> {
    EvalAltResult::ErrorInModule(path.to_string(), error, pos).into()
}
