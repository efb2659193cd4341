//! The bindings as Rhai modules: `ecr::create_repository(#{ repositoryName: "x" })`.
//!
//! Each function takes its input map (or nothing) and, optionally, a map of call options:
//! `#{ all_pages: false }` returns only the first page of a list, `#{ max_pages: n }` at
//! most n pages. A call that changes the world is refused outside a step during a run. A
//! failed call raises `#{ service, operation, code, message, request_id }`.

use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::{Duration, Instant};

use rhai::{Dynamic, Engine, EvalAltResult, Map, Module, NativeCallContext, Position};

use super::binding::Binding;
use super::bridge::Failure;
use super::document::{from_document, to_document};
use super::error::CallError;
use super::paginate::call_pages;
use super::services;
use super::wait::{self, Wait};
use crate::dsl::runtime::{runtime_error, Runtime};
use crate::output;

type Result<T> = std::result::Result<T, Box<EvalAltResult>>;

pub fn register(engine: &mut Engine, runtime: &Rc<Runtime>) {
    let rt = runtime.clone();
    engine.register_fn(
        "aws_region",
        move |ctx: NativeCallContext| -> Result<String> {
            let pos = ctx.call_position();
            match rt.aws.region(&rt.interrupt) {
                Ok(Some(region)) => Ok(region),
                Ok(None) => Err(runtime_error(super::clients::NO_REGION, pos)),
                Err(Failure::Aws(error)) => Err(runtime_error(error.message, pos)),
                Err(Failure::Stopped(stop)) => {
                    Err(EvalAltResult::ErrorTerminated(stop.token().into(), pos).into())
                }
            }
        },
    );
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
        register_waits(&mut module, service, runtime);
        engine.register_static_module(service, module.into());
    }
}

fn register_waits(module: &mut Module, service: &str, runtime: &Rc<Runtime>) {
    match service {
        "codebuild" => {
            let rt = runtime.clone();
            module.set_native_fn("wait_build", move |ctx: NativeCallContext, id: &str| {
                build(&rt, ctx.call_position(), id, Map::new())
            });
            let rt = runtime.clone();
            module.set_native_fn(
                "wait_build",
                move |ctx: NativeCallContext, id: &str, options: Map| {
                    build(&rt, ctx.call_position(), id, options)
                },
            );
        }
        "ecs" => {
            let rt = runtime.clone();
            module.set_native_fn(
                "wait_services_stable",
                move |ctx: NativeCallContext, input: Map| {
                    services_stable(&rt, ctx.call_position(), input, Map::new())
                },
            );
            let rt = runtime.clone();
            module.set_native_fn(
                "wait_services_stable",
                move |ctx: NativeCallContext, input: Map, options: Map| {
                    services_stable(&rt, ctx.call_position(), input, options)
                },
            );
            let rt = runtime.clone();
            module.set_native_fn(
                "wait_services_inactive",
                move |ctx: NativeCallContext, input: Map| {
                    services_inactive(&rt, ctx.call_position(), input, Map::new())
                },
            );
            let rt = runtime.clone();
            module.set_native_fn(
                "wait_services_inactive",
                move |ctx: NativeCallContext, input: Map, options: Map| {
                    services_inactive(&rt, ctx.call_position(), input, options)
                },
            );
        }
        "codepipeline" => {
            let rt = runtime.clone();
            module.set_native_fn(
                "wait_execution",
                move |ctx: NativeCallContext, input: Map| {
                    execution(&rt, ctx.call_position(), input, Map::new())
                },
            );
            let rt = runtime.clone();
            module.set_native_fn(
                "wait_execution",
                move |ctx: NativeCallContext, input: Map, options: Map| {
                    execution(&rt, ctx.call_position(), input, options)
                },
            );
        }
        _ => {}
    }
}

/// The `timeout` of a wait's options, in seconds (default 30 minutes).
fn timeout(options: &Map, pos: Position) -> Result<Duration> {
    let mut timeout = Duration::from_secs(30 * 60);
    for (key, value) in options {
        match (
            key.as_str(),
            value
                .as_float()
                .or_else(|_| value.as_int().map(|i| i as f64)),
        ) {
            ("timeout", Ok(secs)) if secs > 0.0 && secs.is_finite() => {
                timeout = Duration::from_secs_f64(secs)
            }
            ("timeout", _) => {
                return Err(runtime_error(
                    "wait option timeout must be seconds > 0",
                    pos,
                ))
            }
            (other, _) => {
                return Err(runtime_error(
                    format!("unknown wait option {other:?} (options: timeout)"),
                    pos,
                ))
            }
        }
    }
    Ok(timeout)
}

fn run_wait(rt: &Runtime, pos: Position, wait: Wait, name: &str) -> Result<Dynamic> {
    let service = wait.service;
    match wait::wait(&rt.aws, &rt.interrupt, &rt.output, wait) {
        Ok(document) => Ok(from_document(document)),
        Err(Failure::Aws(error)) => Err(raise(service, name, error, pos)),
        Err(Failure::Stopped(stop)) => {
            Err(EvalAltResult::ErrorTerminated(stop.token().into(), pos).into())
        }
    }
}

fn document(input: Map, pos: Position) -> Result<aws_smithy_types::Document> {
    to_document(&Dynamic::from_map(input)).map_err(|message| runtime_error(message, pos))
}

fn build(rt: &Runtime, pos: Position, id: &str, options: Map) -> Result<Dynamic> {
    let mut input = Map::new();
    input.insert("ids".into(), Dynamic::from_array(vec![id.into()]));
    let wait = Wait {
        service: "codebuild",
        function: "batch_get_builds",
        what: format!("build {id}"),
        input: document(input, pos)?,
        judge: wait::judge_build,
        timeout: timeout(&options, pos)?,
    };
    run_wait(rt, pos, wait, "wait_build")
}

fn services_stable(rt: &Runtime, pos: Position, input: Map, options: Map) -> Result<Dynamic> {
    services_wait(
        rt,
        pos,
        input,
        options,
        wait::judge_services,
        "wait_services_stable",
    )
}

fn services_inactive(rt: &Runtime, pos: Position, input: Map, options: Map) -> Result<Dynamic> {
    services_wait(
        rt,
        pos,
        input,
        options,
        wait::judge_services_inactive,
        "wait_services_inactive",
    )
}

fn services_wait(
    rt: &Runtime,
    pos: Position,
    input: Map,
    options: Map,
    judge: fn(&aws_smithy_types::Document) -> wait::Poll,
    name: &str,
) -> Result<Dynamic> {
    let names = input
        .get("services")
        .map(|s| s.to_string())
        .unwrap_or_default();
    let wait = Wait {
        service: "ecs",
        function: "describe_services",
        what: format!("ECS services {names}"),
        input: document(input, pos)?,
        judge,
        timeout: timeout(&options, pos)?,
    };
    run_wait(rt, pos, wait, name)
}

fn execution(rt: &Runtime, pos: Position, input: Map, options: Map) -> Result<Dynamic> {
    let id = input
        .get("pipelineExecutionId")
        .map(|s| s.to_string())
        .unwrap_or_default();
    let wait = Wait {
        service: "codepipeline",
        function: "get_pipeline_execution",
        what: format!("pipeline execution {id}"),
        input: document(input, pos)?,
        judge: wait::judge_execution,
        timeout: timeout(&options, pos)?,
    };
    run_wait(rt, pos, wait, "wait_execution")
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
    for (service, function, ..) in wait::WAITS {
        modules.entry(service).or_default().push(function);
    }
    modules
}

/// The error value scripts catch: `try { ... } catch (e) { if e.code == "..." { ... } }`.
fn raise(service: &str, operation: &str, error: CallError, pos: Position) -> Box<EvalAltResult> {
    let mut map = Map::new();
    map.insert("service".into(), service.into());
    map.insert("operation".into(), operation.into());
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
    let input = to_document(&Dynamic::from_map(input)).map_err(|message| {
        raise(
            binding.service,
            binding.operation,
            CallError::invalid("", message),
            pos,
        )
    })?;
    let secret_id = super::secrets::secret_id_of(binding, &input);
    let started = Instant::now();
    let result = call_pages(&rt.aws, &rt.interrupt, binding, input, max_pages);
    if let (Some(id), Ok(output)) = (&secret_id, &result) {
        super::secrets::remember_value(&rt.secrets, id, output);
    }
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
    if result.is_ok() && binding.is_mutating() && rt.is_ad_hoc() && rt.current_step().is_none() {
        rt.output.progress(&format!(
            "note: {} ran ad hoc, not journaled (`:save` wraps it in a step)",
            binding.qualified()
        ));
    }
    match result {
        Ok(document) => Ok(from_document(document)),
        Err(Failure::Aws(error)) => Err(raise(binding.service, binding.operation, error, pos)),
        Err(Failure::Stopped(stop)) => {
            Err(EvalAltResult::ErrorTerminated(stop.token().into(), pos).into())
        }
    }
}
