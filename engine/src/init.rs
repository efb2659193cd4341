//! `runbook init [NAME]`: a project to start from. A first runbook that compiles and runs
//! against AWS (or the emulator), its params file, and an editor set-up: the Rhai language
//! server's `Rhai.toml` and the engine's definitions export, so editors complete and check
//! every binding with its members and doc. Nothing that exists is overwritten without
//! `--force`, except the definitions, which are generated.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use serde_json::json;

use crate::aws::clients::AwsOptions;
use crate::dsl::aws_modules::{self, Metadata};
use crate::dsl::{self, params::Params, runtime::Runtime};
use crate::error::{Error, Result};
use crate::interrupt::Interrupt;
use crate::output::Output;
use crate::repl::library;

const RUNBOOK: &str = include_str!("../assets/init/runbook.rhai");
const PARAMS: &str = include_str!("../assets/init/params.toml");
const LANGUAGE_SERVER: &str = include_str!("../assets/init/Rhai.toml");
/// Where the definitions go, as `Rhai.toml` names them.
pub const DEFINITIONS: &str = ".rhai/definitions";
/// What a project keeps out of version control: the local store of runs.
const IGNORED: &str = ".runbook/";

pub struct Request<'a> {
    pub dir: &'a Path,
    pub name: &'a str,
    /// Only refresh the definitions (after an upgrade).
    pub definitions_only: bool,
    pub force: bool,
}

pub fn init(request: &Request, aws: &AwsOptions, output: &Rc<Output>) -> Result<()> {
    let name = request.name;
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Error::Usage(format!(
            "runbook name {name:?}: use letters, digits, `-` and `_` (it names the file and its runs)"
        )));
    }
    let files = if request.definitions_only {
        Vec::new()
    } else {
        scaffold(request)?
    };
    let definitions = request.dir.join(DEFINITIONS);
    let count = write_definitions(request.dir, &definitions, aws, output)?;
    let shown: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    if output.is_json() {
        output.stdout(
            &json!({"created": shown, "definitions": definitions, "definition_files": count})
                .to_string(),
        );
        return Ok(());
    }
    for file in &shown {
        output.stdout(&format!("created {file}"));
    }
    output.stdout(&format!(
        "wrote {count} definition files to {} (for editors with the Rhai language server)",
        definitions.display()
    ));
    if !request.definitions_only {
        output.stdout(&format!(
            "next: `runbook check {name}`, then `runbook exec {name} --params {name}.params.toml`"
        ));
    }
    Ok(())
}

/// Writes the runbook, its params and `Rhai.toml`, and adds the store to `.gitignore`; the
/// files written, relative to the project.
fn scaffold(request: &Request) -> Result<Vec<PathBuf>> {
    let name = request.name;
    let prefix = name.to_ascii_lowercase().replace('_', "-");
    let fill = |text: &str| {
        text.replace("{{NAME}}", name)
            .replace("{{PREFIX}}", &prefix)
    };
    let files = [
        (
            PathBuf::from(format!("runbooks/{name}.rhai")),
            fill(RUNBOOK),
        ),
        (PathBuf::from(format!("{name}.params.toml")), fill(PARAMS)),
        (PathBuf::from("Rhai.toml"), LANGUAGE_SERVER.to_string()),
    ];
    let existing: Vec<String> = files
        .iter()
        .filter(|(path, text)| {
            std::fs::read_to_string(request.dir.join(path)).is_ok_and(|old| old != *text)
        })
        .map(|(path, _)| path.display().to_string())
        .collect();
    if !existing.is_empty() && !request.force {
        return Err(Error::Usage(format!(
            "{} already exist{} in {}: nothing was written (--force overwrites)",
            existing.join(", "),
            if existing.len() == 1 { "s" } else { "" },
            request.dir.display()
        )));
    }
    let mut written = Vec::new();
    for (path, text) in files {
        let full = request.dir.join(&path);
        if std::fs::read_to_string(&full).is_ok_and(|old| old == text) {
            continue;
        }
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::state(format!("cannot create {}", parent.display()), e))?;
        }
        std::fs::write(&full, text)
            .map_err(|e| Error::state(format!("cannot write {}", full.display()), e))?;
        written.push(path);
    }
    let ignore = request.dir.join(".gitignore");
    let ignored = std::fs::read_to_string(&ignore).unwrap_or_default();
    if !ignored.lines().any(|line| line.trim() == IGNORED) {
        let separator = if ignored.is_empty() || ignored.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        std::fs::write(&ignore, format!("{ignored}{separator}{IGNORED}\n"))
            .map_err(|e| Error::state(format!("cannot write {}", ignore.display()), e))?;
        written.push(PathBuf::from(".gitignore"));
    }
    Ok(written)
}

/// The engine a run builds, with every service and stdlib module, exported as Rhai
/// definition files; how many.
fn write_definitions(
    project: &Path,
    dir: &Path,
    aws: &AwsOptions,
    output: &Rc<Output>,
) -> Result<usize> {
    let base_dir = project.join("runbooks");
    let runtime = Rc::new(Runtime::new(
        output.clone(),
        Params::new(Default::default()),
        Rc::new(Interrupt::default()),
        base_dir.clone(),
        aws.clone(),
    ));
    let mut engine = dsl::engine(&runtime);
    aws_modules::register_services(
        &mut engine,
        &runtime,
        aws_modules::Reach::All,
        Metadata::Attach,
    );
    let mut files: Vec<(String, String)> = engine
        .definitions()
        .include_standard_packages(true)
        .iter_files()
        .collect();
    // Rhai's export of a script module lists its closures and no docs: the stdlib modules
    // are written from their public functions, as the REPL completes them.
    let (library, problems) = library::import_all(&mut engine, &base_dir);
    for problem in problems {
        output.warn(&format!(
            "stdlib module left out of the definitions: {problem}"
        ));
    }
    files.extend(library.iter().map(|module| {
        let mut text = format!("module {};\n", module.alias);
        for function in &module.functions {
            text.push('\n');
            for line in function.doc.lines() {
                text.push_str(&format!("/// {line}\n").replace("/// \n", "///\n"));
            }
            let params: Vec<String> = function.params.iter().map(|p| format!("{p}: ?")).collect();
            text.push_str(&format!(
                "fn {}({}) -> ?;\n",
                function.name,
                params.join(", ")
            ));
        }
        (format!("{}.d.rhai", module.alias), text)
    }));
    // Stale files of services an older version had would mislead the editor.
    if dir.is_dir() {
        std::fs::remove_dir_all(dir)
            .map_err(|e| Error::state(format!("cannot replace {}", dir.display()), e))?;
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::state(format!("cannot create {}", dir.display()), e))?;
    for (name, text) in &files {
        let path = dir.join(name);
        std::fs::write(&path, text)
            .map_err(|e| Error::state(format!("cannot write {}", path.display()), e))?;
    }
    Ok(files.len())
}
