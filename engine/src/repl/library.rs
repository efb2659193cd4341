//! The stdlib modules the REPL imports at start (`stdlib/aws.rhai` as `aws`, ...), with
//! their public functions' signatures and doc comments for completion and `:help`.

use std::path::Path;

use rhai::{Engine, FnAccess, Module, Position, Shared};

use crate::dsl::{self, stdlib};

pub struct ScriptFn {
    pub name: String,
    pub params: Vec<String>,
    pub doc: String,
}

impl ScriptFn {
    pub fn signature(&self, module: &str) -> String {
        format!("{module}::{}({})", self.name, self.params.join(", "))
    }
}

pub struct LibraryModule {
    pub alias: String,
    pub functions: Vec<ScriptFn>,
    /// The module itself, to learn which of its functions change the world.
    pub module: Shared<Module>,
}

pub fn functions_of(module: &Module) -> Vec<ScriptFn> {
    let mut functions: Vec<ScriptFn> = module
        .iter_script_fn_info()
        .filter(|(_, access, ..)| *access == FnAccess::Public)
        // A closure in a module is compiled into a function of its own, named `anon$<hash>`.
        .filter(|(.., def)| !def.name.starts_with("anon$"))
        .map(|(.., def)| ScriptFn {
            name: def.name.to_string(),
            params: def.params.iter().map(|p| p.to_string()).collect(),
            doc: def
                .comments
                .iter()
                .flat_map(|comment| comment.lines())
                .map(|line| line.trim().trim_start_matches("///").trim())
                .collect::<Vec<_>>()
                .join("\n"),
        })
        .collect();
    functions.sort_by(|a, b| a.name.cmp(&b.name));
    functions
}

/// Imports every stdlib module, each as a static module named after its file: those of the
/// `stdlib/` directory that `base_dir` sees, then the built-in ones it does not override. One
/// that does not compile is skipped with the reason.
pub fn import_all(engine: &mut Engine, base_dir: &Path) -> (Vec<LibraryModule>, Vec<String>) {
    let mut modules = Vec::new();
    let mut problems = Vec::new();
    let dirs = dsl::module_dirs(base_dir);
    let mut files: Vec<_> = dirs
        .get(1)
        .and_then(|stdlib| std::fs::read_dir(stdlib).ok())
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rhai"))
        .filter_map(|p| {
            let alias = p.file_stem()?.to_string_lossy().into_owned();
            Some((alias, p.display().to_string()))
        })
        .collect();
    for (alias, _) in stdlib::EMBEDDED {
        if !files.iter().any(|(name, _)| name == alias) {
            files.push((alias.to_string(), stdlib::display_name(alias)));
        }
    }
    files.sort();
    for (alias, shown) in files {
        let resolved: Result<Shared<Module>, _> =
            engine
                .module_resolver()
                .resolve(engine, None, &alias, Position::NONE);
        match resolved {
            Ok(module) => {
                modules.push(LibraryModule {
                    alias: alias.clone(),
                    functions: functions_of(&module),
                    module: module.clone(),
                });
                engine.register_static_module(alias, module);
            }
            Err(error) => problems.push(format!("{shown}: {error}")),
        }
    }
    (modules, problems)
}
