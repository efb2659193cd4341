//! The bindings as Rhai modules: `ecr::create_repository(#{ repositoryName: "x" })`.
//!
//! Each function takes its input map (or nothing) and, optionally, a map of call options:
//! `#{ all_pages: false }` returns only the first page of a list, `#{ max_pages: n }` at
//! most n pages. A call that changes the world is refused outside a step during a run. A
//! failed call raises `#{ service, operation, code, message, request_id }`.

use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Instant;

use rhai::{Dynamic, Engine, EvalAltResult, Map, Module, NativeCallContext, Position};

use super::binding::Binding;
use super::bridge::Failure;
use super::document::{from_document, to_document};
use super::error::CallError;
use super::paginate::call_pages;
use super::services;
use crate::dsl::runtime::{runtime_error, Runtime};
use crate::output;

type Result<T> = std::result::Result<T, Box<EvalAltResult>>;

pub fn register(engine: &mut Engine, runtime: &Rc<Runtime>) {
    for service in services::SERVICES {
        let mut module = Module::new();
        for binding in services::all().into_iter().filter(|b| b.service == service) {
            let rt = runtime.clone();
            module.set_native_fn(binding.function, move |ctx: NativeCallContext| {
                invoke(&rt, &binding, ctx.call_position(), Map::new(), Map::new())
            });
            let rt = runtime.clone();
            module.set_native_fn(
                binding.function,
                move |ctx: NativeCallContext, input: Map| {
                    invoke(&rt, &binding, ctx.call_position(), input, Map::new())
                },
            );
            let rt = runtime.clone();
            module.set_native_fn(
                binding.function,
                move |ctx: NativeCallContext, input: Map, options: Map| {
                    invoke(&rt, &binding, ctx.call_position(), input, options)
                },
            );
        }
        engine.register_static_module(service, module.into());
    }
}

/// Each module's function names, for the static check of `module::function` calls.
pub fn functions_by_module() -> BTreeMap<&'static str, Vec<&'static str>> {
    let mut modules: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for binding in services::all() {
        modules
            .entry(binding.service)
            .or_default()
            .push(binding.function);
    }
    modules
}

/// The error value scripts catch: `try { ... } catch (e) { if e.code == "..." { ... } }`.
fn raise(binding: &Binding, error: CallError, pos: Position) -> Box<EvalAltResult> {
    let mut map = Map::new();
    map.insert("service".into(), binding.service.into());
    map.insert("operation".into(), binding.operation.into());
    map.insert("code".into(), error.code.into());
    map.insert("message".into(), error.message.into());
    map.insert(
        "request_id".into(),
        error.request_id.map_or(Dynamic::UNIT, Dynamic::from),
    );
    EvalAltResult::ErrorRuntime(map.into(), pos).into()
}

/// `max_pages` from the call options: `None` for every page.
fn max_pages(options: &Map, pos: Position) -> Result<Option<usize>> {
    let mut max = None;
    for (key, value) in options {
        match key.as_str() {
            "all_pages" => match value.as_bool() {
                Ok(true) => {}
                Ok(false) => max = Some(1),
                Err(_) => return Err(runtime_error("call option all_pages must be a bool", pos)),
            },
            "max_pages" => match value.as_int() {
                Ok(n) if n >= 1 => max = Some(n as usize),
                _ => return Err(runtime_error("call option max_pages must be >= 1", pos)),
            },
            other => {
                return Err(runtime_error(
                    format!("unknown call option {other:?} (options: all_pages, max_pages)"),
                    pos,
                ))
            }
        }
    }
    Ok(max)
}

fn invoke(
    rt: &Runtime,
    binding: &Binding,
    pos: Position,
    input: Map,
    options: Map,
) -> Result<Dynamic> {
    if binding.is_mutating() {
        rt.require_step(&binding.qualified(), pos)?;
    }
    let max_pages = max_pages(&options, pos)?;
    let input = to_document(&Dynamic::from_map(input))
        .map_err(|message| raise(binding, CallError::invalid("", message), pos))?;
    let started = Instant::now();
    let result = call_pages(&rt.aws, &rt.interrupt, binding, input, max_pages);
    let outcome = match &result {
        Ok(_) => "ok".to_string(),
        Err(Failure::Aws(error)) => error.code.clone(),
        Err(Failure::Stopped(_)) => "cancelled".to_string(),
    };
    rt.output.detail(&format!(
        "aws {} {}: {outcome} ({})",
        binding.service,
        binding.operation,
        output::duration(started.elapsed())
    ));
    match result {
        Ok(document) => Ok(from_document(document)),
        Err(Failure::Aws(error)) => Err(raise(binding, error, pos)),
        Err(Failure::Stopped(stop)) => {
            Err(EvalAltResult::ErrorTerminated(stop.token().into(), pos).into())
        }
    }
}
