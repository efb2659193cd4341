//! The bindings as Rhai modules: `ecr::create_repository(#{ repositoryName: "x" })`.
//!
//! Each function takes its input map (or nothing) and, optionally, a map of call options:
//! `#{ all_pages: false }` returns only the first page of a list, `#{ max_pages: n }` at
//! most n pages. A call that changes the world is refused outside a step during a run. A
//! failed call raises `#{ service, operation, code, message, request_id }`.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::time::{Duration, Instant};

use rhai::{
    Dynamic, Engine, EvalAltResult, FuncRegistration, Map, Module, NativeCallContext, Position,
};

use super::documents::{from_document, to_document};
use crate::aws::binding::Binding;
use crate::aws::bridge::Failure;
use crate::aws::error::CallError;
use crate::aws::paginate::call_pages;
use crate::aws::services;
use crate::aws::wait::{self, Ended};
use crate::aws::waiter::Waiter;

use super::runtime::{runtime_error, Halt, Runtime};
use crate::{functions, output};

type Result<T> = std::result::Result<T, Box<EvalAltResult>>;

/// Registers `aws_region()`, which every script may call, and every service as an empty
/// module: a script compiles only against modules that exist (`register_services` fills them).
pub fn register_region(engine: &mut Engine, runtime: &Rc<Runtime>) {
    for service in services::SERVICES {
        engine.register_static_module(service, Module::new().into());
    }
    let rt = runtime.clone();
    super::builtins::builtin("aws_region", &["string"]).register_into_engine(
        engine,
        move |ctx: NativeCallContext| -> Result<String> {
            let pos = ctx.call_position();
            match rt.aws.region(&rt.interrupt) {
                Ok(Some(region)) => Ok(region),
                Ok(None) => Err(runtime_error(crate::aws::clients::NO_REGION, pos)),
                Err(Failure::Aws(error)) => Err(runtime_error(error.message, pos)),
                Err(Failure::Stopped(stop)) => Err(Halt::from(stop).at(pos)),
            }
        },
    );
}

/// Whether the bindings are registered with their docs and typed params. Only the definitions
/// export (`runbook init`) reads them; a run or the REPL would pay megabytes for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metadata {
    Skip,
    Attach,
}

/// Which functions `register_services` registers.
#[derive(Debug, Clone, Copy)]
pub enum Reach<'a> {
    /// Every function of every service: the REPL, the definitions export.
    All,
    /// These functions (by service) and no other: the ones a script calls.
    Only(&'a BTreeMap<String, BTreeSet<String>>),
}

impl<'a> Reach<'a> {
    /// None: none of `service`'s functions; Some(None): all of them.
    fn functions(self, service: &str) -> Option<Option<&'a BTreeSet<String>>> {
        match self {
            Reach::All => Some(None),
            Reach::Only(functions) => functions.get(service).map(Some),
        }
    }
}

/// Registers the service modules' functions that `reach` names (all 1,642 bindings take
/// milliseconds to register: a run registers only those its script calls).
pub fn register_services(
    engine: &mut Engine,
    runtime: &Rc<Runtime>,
    reach: Reach,
    metadata: Metadata,
) {
    for service in services::SERVICES {
        let Some(only) = reach.functions(service) else {
            continue;
        };
        let wanted = |function: &str| only.is_none_or(|names| names.contains(function));
        let mut module = Module::new();
        for binding in services::of(service)
            .into_iter()
            .filter(|b| wanted(b.function))
        {
            let doc = (metadata == Metadata::Attach).then(|| {
                format!(
                    "/// {}\n///\n/// `{}`",
                    binding.doc,
                    functions::signature(&binding)
                )
            });
            let rt = runtime.clone();
            registration(binding.function, doc.as_deref(), &["Map"]).set_into_module(
                &mut module,
                move |ctx: NativeCallContext| {
                    invoke(&rt, &binding, ctx.call_position(), Map::new(), Map::new())
                },
            );
            let rt = runtime.clone();
            registration(binding.function, doc.as_deref(), &["input: Map", "Map"]).set_into_module(
                &mut module,
                move |ctx: NativeCallContext, input: Map| {
                    invoke(&rt, &binding, ctx.call_position(), input, Map::new())
                },
            );
            let rt = runtime.clone();
            registration(
                binding.function,
                doc.as_deref(),
                &["input: Map", "options: Map", "Map"],
            )
            .set_into_module(
                &mut module,
                move |ctx: NativeCallContext, input: Map, options: Map| {
                    invoke(&rt, &binding, ctx.call_position(), input, options)
                },
            );
        }
        register_waits(&mut module, service, &wanted, runtime, metadata);
        engine.register_static_module(service, module.into());
    }
}

fn register_waits(
    module: &mut Module,
    service: &str,
    wanted: &dyn Fn(&str) -> bool,
    runtime: &Rc<Runtime>,
    metadata: Metadata,
) {
    for waiter in services::waiters().filter(|w| w.service == service && wanted(w.function)) {
        let doc = (metadata == Metadata::Attach).then(|| {
            format!(
                "/// {}\n///\n/// `{}`",
                functions::wait_doc(waiter),
                functions::wait_signature(waiter)
            )
        });
        let rt = runtime.clone();
        registration(waiter.function, doc.as_deref(), &["input: Map", "Map"]).set_into_module(
            module,
            move |ctx: NativeCallContext, input: Map| {
                run_wait(&rt, ctx.call_position(), waiter, input, Map::new())
            },
        );
        let rt = runtime.clone();
        registration(
            waiter.function,
            doc.as_deref(),
            &["input: Map", "options: Map", "Map"],
        )
        .set_into_module(
            module,
            move |ctx: NativeCallContext, input: Map, options: Map| {
                run_wait(&rt, ctx.call_position(), waiter, input, options)
            },
        );
    }
}

/// A binding's registration, with its doc and members when there is a doc.
fn registration(function: &str, doc: Option<&str>, params: &[&str]) -> FuncRegistration {
    let registration = FuncRegistration::new(function)
        .in_internal_namespace()
        .with_purity(true)
        .with_volatility(false);
    match doc {
        Some(doc) => registration.with_comments([doc]).with_params_info(params),
        None => registration,
    }
}

/// The `timeout` of a wait's options, in seconds (default: the model's bound).
fn timeout(options: &Map, pos: Position) -> Result<Option<Duration>> {
    let mut timeout = None;
    for (key, value) in options {
        match (
            key.as_str(),
            value
                .as_float()
                .or_else(|_| value.as_int().map(|i| i as f64)),
        ) {
            ("timeout", Ok(secs)) if secs > 0.0 && secs.is_finite() => {
                timeout = Some(Duration::from_secs_f64(secs))
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

fn run_wait(
    rt: &Runtime,
    pos: Position,
    waiter: &'static Waiter,
    input: Map,
    options: Map,
) -> Result<Dynamic> {
    let timeout = timeout(&options, pos)?;
    let input = to_document(&Dynamic::from_map(input)).map_err(|message| {
        raise(
            waiter.service,
            waiter.function,
            CallError::invalid("", message),
            pos,
        )
    })?;
    match wait::wait(&rt.aws, &rt.interrupt, &rt.output, waiter, input, timeout) {
        Ok(document) => Ok(from_document(document)),
        Err(Ended::Failed { error, expected }) => {
            let mut raised = raise(waiter.service, waiter.function, error, pos);
            if let EvalAltResult::ErrorRuntime(value, _) = raised.as_mut() {
                if let Some(mut map) = value.write_lock::<Map>() {
                    map.insert("expected".into(), from_document(expected.document()));
                }
            }
            Err(raised)
        }
        Err(Ended::Failure(Failure::Aws(error))) => {
            Err(raise(waiter.service, waiter.function, error, pos))
        }
        Err(Ended::Failure(Failure::Stopped(stop))) => Err(Halt::from(stop).at(pos)),
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
    for waiter in services::waiters() {
        modules
            .entry(waiter.service)
            .or_default()
            .push(waiter.function);
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
    mut input: Map,
    options: Map,
) -> Result<Dynamic> {
    if binding.is_mutating() {
        rt.require_step(&binding.qualified(), pos)?;
    }
    let max_pages = max_pages(&options, pos)?;
    if let Some(member) = binding.idempotency_token {
        if !input.contains_key(member) {
            if let Some(token) = rt.call_token() {
                input.insert(member.into(), token.into());
            }
        }
    }
    let input = to_document(&Dynamic::from_map(input)).map_err(|message| {
        raise(
            binding.service,
            binding.operation,
            CallError::invalid("", message),
            pos,
        )
    })?;
    let secret_id = super::aws_secrets::secret_id_of(binding, &input);
    let started = Instant::now();
    let result = call_pages(&rt.aws, &rt.interrupt, binding, input, max_pages);
    if let (Some(id), Ok(output)) = (&secret_id, &result) {
        super::aws_secrets::remember_value(&rt.secrets, id, output);
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
        Err(Failure::Stopped(stop)) => Err(Halt::from(stop).at(pos)),
    }
}
