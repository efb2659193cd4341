//! The functions every runbook has: `param`, `secret`, `log`, `print`, `sleep`, `fail`, and
//! file access (`read_file`, `list_files`, `file_exists`, `write_file`, `append_file`; relative paths resolve against the
//! script's directory, and writing counts as changing the world, so it needs a step).

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use rhai::{Dynamic, Engine, EvalAltResult, FuncRegistration, NativeCallContext};

use super::runtime::{runtime_error, Halt, Runtime};
use crate::error::Error;
use crate::journal::Stream;

type Result<T> = std::result::Result<T, Box<EvalAltResult>>;

/// Each builtin's signature and doc line, for the REPL's completion and `:help`.
pub const BUILTINS: [(&str, &str); 17] = [
    ("param(name[, default])", "a param of the run, typed like its default"),
    ("secret(name)", "a secret: env RUNBOOK_SECRET_<NAME>, the params file, the terminal, or secretsmanager:NAME"),
    ("log(value)", "a line on stderr (a `log` event with --json)"),
    ("print(value)", "a line on stdout (a `print` event with --json)"),
    ("sleep(seconds)", "waits; Ctrl-C and a step's timeout end it early"),
    ("fail(message)", "raises an error"),
    ("read_file(path)", "a file's text; relative paths start at the script's directory"),
    ("list_files(dir)", "the files under dir, recursively, sorted"),
    ("file_exists(path)", "whether the path exists"),
    ("write_file(path, text)", "writes a file (changes the world: inside a step)"),
    ("append_file(path, text)", "appends to a file (changes the world: inside a step)"),
    ("step_token()", "a token the same on every attempt of this step in this run, another once its body is edited (an idempotency token); fresh outside a step"),
    ("claim(resource, existed)", "inside a step: records that it found `resource` (adopted) or makes it; returns whether it is adopted"),
    ("adopted(resource)", "in an undo: whether its step adopted `resource` (leave it in place), false with destroy --include-adopted"),
    ("param_error(name, message)", "stops the run as a usage error about a param (exit 2): for checks before the first step"),
    ("destroying()", "whether this is a destroy's replay (checks before the first step skip it)"),
    ("aws_region()", "the region the AWS bindings call: --region, param region, AWS_REGION or the profile"),
];

/// A builtin's name, from its signature in `BUILTINS`.
pub fn name_of(signature: &str) -> &str {
    signature.split('(').next().unwrap_or(signature)
}

/// A builtin's registration with its doc from `BUILTINS` and its typed params, which editors
/// read from the engine's definitions (`runbook init`).
pub fn builtin(name: &str, params: &[&str]) -> FuncRegistration {
    let doc = BUILTINS
        .iter()
        .find(|(signature, _)| name_of(signature) == name)
        .map(|(signature, doc)| format!("/// {doc}\n///\n/// `{signature}`"));
    FuncRegistration::new(name)
        .with_params_info(params)
        .with_comments(doc)
}

pub fn register(engine: &mut Engine, rt: &Rc<Runtime>) {
    let r = rt.clone();
    engine.on_print(move |text| r.script_output(Stream::Print, text));
    let r = rt.clone();
    engine.on_debug(move |text, _, pos| {
        if r.shows_script_output() {
            r.output
                .detail(&format!("debug (line {}): {text}", pos.line().unwrap_or(0)))
        }
    });

    let r = rt.clone();
    builtin("log", &["value: ?", "()"]).register_into_engine(engine, move |value: Dynamic| {
        r.script_output(Stream::Log, &value.to_string())
    });

    let r = rt.clone();
    builtin("claim", &["resource: string", "existed: bool", "bool"]).register_into_engine(
        engine,
        move |resource: &str, existed: bool| -> Result<bool> { r.claim(resource, existed) },
    );
    let r = rt.clone();
    builtin("adopted", &["resource: string", "bool"])
        .register_into_engine(engine, move |resource: &str| r.adopted(resource));

    let r = rt.clone();
    builtin("param_error", &["name: string", "message: string", "()"]).register_into_engine(
        engine,
        move |ctx: NativeCallContext, name: &str, message: &str| -> Result<()> {
            Err(r.stop(
                Error::Param {
                    name: name.to_string(),
                    message: message.to_string(),
                },
                ctx.call_position(),
            ))
        },
    );
    let r = rt.clone();
    builtin("destroying", &["bool"]).register_into_engine(engine, move || r.is_destroying());

    let r = rt.clone();
    builtin("step_token", &["string"]).register_into_engine(engine, move || r.step_token());

    let r = rt.clone();
    builtin("param", &["name: string", "?"])
        .register_into_engine(engine, move |ctx: NativeCallContext, name: &str| {
            param(&r, &ctx, name, None)
        });
    let r = rt.clone();
    builtin("param", &["name: string", "default: ?", "?"]).register_into_engine(
        engine,
        move |ctx: NativeCallContext, name: &str, default: Dynamic| {
            param(&r, &ctx, name, Some(&default))
        },
    );

    let r = rt.clone();
    builtin("secret", &["name: string", "string"]).register_into_engine(
        engine,
        move |ctx: NativeCallContext, name: &str| -> Result<String> {
            r.secret(name).map_err(|message| {
                r.stop(
                    Error::Secret {
                        name: name.to_string(),
                        message,
                    },
                    ctx.call_position(),
                )
            })
        },
    );

    let r = rt.clone();
    builtin("sleep", &["seconds: int", "()"])
        .register_into_engine(engine, move |ctx: NativeCallContext, secs: rhai::INT| {
            sleep(&r, &ctx, secs as f64)
        });
    let r = rt.clone();
    builtin("sleep", &["seconds: float", "()"])
        .register_into_engine(engine, move |ctx: NativeCallContext, secs: rhai::FLOAT| {
            sleep(&r, &ctx, secs)
        });

    builtin("fail", &["message: ?", "()"]).register_into_engine(
        engine,
        |ctx: NativeCallContext, message: Dynamic| -> Result<()> {
            Err(EvalAltResult::ErrorRuntime(message, ctx.call_position()).into())
        },
    );

    let r = rt.clone();
    builtin("read_file", &["path: string", "string"]).register_into_engine(
        engine,
        move |ctx: NativeCallContext, path: &str| -> Result<String> {
            let path = r.base_dir().join(path);
            std::fs::read_to_string(&path).map_err(|e| {
                runtime_error(
                    format!("cannot read {}: {e}", path.display()),
                    ctx.call_position(),
                )
            })
        },
    );
    let r = rt.clone();
    builtin("list_files", &["dir: string", "array"]).register_into_engine(
        engine,
        move |ctx: NativeCallContext, dir: &str| -> Result<rhai::Array> {
            let root = r.base_dir().join(dir);
            let mut files = Vec::new();
            walk(&root, &root, &mut files).map_err(|e| {
                runtime_error(
                    format!("cannot list {}: {e}", root.display()),
                    ctx.call_position(),
                )
            })?;
            files.sort();
            Ok(files.into_iter().map(Dynamic::from).collect())
        },
    );
    let r = rt.clone();
    builtin("file_exists", &["path: string", "bool"])
        .register_into_engine(engine, move |path: &str| r.base_dir().join(path).exists());
    let r = rt.clone();
    builtin("write_file", &["path: string", "text: string", "()"]).register_into_engine(
        engine,
        move |ctx: NativeCallContext, path: &str, text: &str| {
            write(&r, &ctx, "write_file", r.base_dir().join(path), text, false)
        },
    );
    let r = rt.clone();
    builtin("append_file", &["path: string", "text: string", "()"]).register_into_engine(
        engine,
        move |ctx: NativeCallContext, path: &str, text: &str| {
            write(&r, &ctx, "append_file", r.base_dir().join(path), text, true)
        },
    );
}

/// The files under `dir`, as paths relative to `root` with `/` separators.
fn walk(
    root: &std::path::Path,
    dir: &std::path::Path,
    out: &mut Vec<String>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(root, &path, out)?;
        } else if let Ok(relative) = path.strip_prefix(root) {
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(parts.join("/"));
        }
    }
    Ok(())
}

fn param(
    rt: &Runtime,
    ctx: &NativeCallContext,
    name: &str,
    default: Option<&Dynamic>,
) -> Result<Dynamic> {
    rt.params.get(name, default).map_err(|message| {
        rt.stop(
            Error::Param {
                name: name.to_string(),
                message,
            },
            ctx.call_position(),
        )
    })
}

fn sleep(rt: &Runtime, ctx: &NativeCallContext, secs: f64) -> Result<()> {
    if !(secs >= 0.0 && secs.is_finite()) {
        return Err(runtime_error(
            format!("sleep({secs}): seconds must be >= 0"),
            ctx.call_position(),
        ));
    }
    rt.interrupt
        .sleep(Duration::from_secs_f64(secs))
        .map_err(|stop| Halt::from(stop).at(ctx.call_position()))
}

fn write(
    rt: &Runtime,
    ctx: &NativeCallContext,
    call: &str,
    path: PathBuf,
    text: &str,
    append: bool,
) -> Result<()> {
    rt.require_step(call, ctx.call_position())?;
    let written = OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(&path)
        .and_then(|mut file| file.write_all(text.as_bytes()));
    written.map_err(|e| {
        runtime_error(
            format!("cannot write {}: {e}", path.display()),
            ctx.call_position(),
        )
    })
}
