//! The `step` syntax:
//!
//! ```text
//! step NAME [, #{ retries: N, backoff: SECS, timeout: SECS }] { BODY } [undo [|value|] { ... }]
//! ```
//!
//! `step` is an expression whose value is the body's value. The undo closure receives that
//! value at `destroy` time (`undo { ... }` without a parameter does not); it is evaluated
//! only then, so it may use any variable in scope.

use std::rc::Rc;
use std::time::Duration;

use rhai::{Dynamic, Engine, EvalAltResult, EvalContext, Expr, Expression, ImmutableString};
use rhai::{LexError, Map, Position};

use super::runtime::{runtime_error, Runtime, StepOptions, StepSite};
use super::source;
use super::suggest::did_you_mean;

const HAS_OPTIONS: rhai::INT = 1;
const HAS_UNDO: rhai::INT = 2;
const OPTION_NAMES: [&str; 3] = ["retries", "backoff", "timeout"];

pub fn register(engine: &mut Engine, runtime: Rc<Runtime>) {
    engine.register_custom_syntax_with_state_raw(
        "step",
        parse,
        false,
        move |ctx, inputs, state| eval(ctx, inputs, state, &runtime),
    );
}

type ParseResult = Result<Option<ImmutableString>, rhai::ParseError>;

/// Decides the next symbol from the symbols so far and the next token.
fn parse(symbols: &[ImmutableString], look_ahead: &str, state: &mut Dynamic) -> ParseResult {
    let flags = state.as_int().unwrap_or(0);
    let next = match symbols.last().map(|s| s.as_str()) {
        Some("step") => "$expr$",
        Some("$expr$") if symbols.len() == 2 => match look_ahead {
            "," => {
                *state = Dynamic::from(flags | HAS_OPTIONS);
                ","
            }
            "{" => "$block$",
            other => {
                return Err(LexError::ImproperSymbol(
                    other.to_string(),
                    format!("expected '{{' to open the step's body, found '{other}'"),
                )
                .into_err(Position::NONE))
            }
        },
        Some(",") => "$expr$",
        Some("$expr$") => "$block$",
        Some("$block$") if look_ahead == "undo" => {
            *state = Dynamic::from(flags | HAS_UNDO);
            "undo"
        }
        Some("undo") => "$func$",
        _ => return Ok(None),
    };
    Ok(Some(next.into()))
}

fn eval(
    ctx: &mut EvalContext,
    inputs: &[Expression],
    state: &Dynamic,
    runtime: &Runtime,
) -> Result<Dynamic, Box<EvalAltResult>> {
    let call = call(ctx, inputs, state, runtime)?;
    runtime.step(ctx, call)
}

/// A `step` expression's parts, its name and options evaluated.
pub struct StepCall<'e> {
    pub name: String,
    pub options: StepOptions,
    pub body: &'e Expression<'e>,
    pub undo: Option<&'e Expression<'e>>,
    pub site: StepSite,
}

/// Evaluates a `step` expression's name and options; `state` is what `parse` left.
pub fn call<'e>(
    ctx: &mut EvalContext,
    inputs: &'e [Expression<'e>],
    state: &Dynamic,
    runtime: &Runtime,
) -> Result<StepCall<'e>, Box<EvalAltResult>> {
    let flags = state.as_int().unwrap_or(0);
    let name_pos = inputs[0].position();
    let name = ctx.eval_expression_tree(&inputs[0])?;
    let name = match name.into_immutable_string() {
        Ok(name) if !name.trim().is_empty() => name.to_string(),
        Ok(_) => return Err(runtime_error("a step's name must not be empty", name_pos)),
        Err(kind) => {
            return Err(runtime_error(
                format!("a step's name must be a string, not {kind}"),
                name_pos,
            ))
        }
    };
    let mut next = 1;
    let mut options = StepOptions {
        backoff: Duration::from_secs(1),
        ..StepOptions::default()
    };
    if flags & HAS_OPTIONS != 0 {
        let value = ctx.eval_expression_tree(&inputs[1])?;
        options = parse_options(value, inputs[1].position())?;
        next = 2;
    }
    let body = &inputs[next];
    let undo = (flags & HAS_UNDO != 0).then(|| &inputs[next + 1]);
    let site = site(ctx, runtime, name_pos, body);
    Ok(StepCall {
        name,
        options,
        body,
        undo,
        site,
    })
}

fn site(ctx: &EvalContext, runtime: &Runtime, name_pos: Position, body: &Expression) -> StepSite {
    let file = ctx
        .source()
        .map(str::to_string)
        .or_else(|| runtime.main_source_name())
        .unwrap_or_default();
    let hash = match &**body {
        Expr::Stmt(block) => runtime.body_hash(&file, block.position(), block.end_position()),
        _ => source::body_hash(""),
    };
    StepSite {
        line: name_pos.line().unwrap_or(0),
        column: name_pos.position().unwrap_or(1),
        hash,
        file,
    }
}

fn parse_options(value: Dynamic, pos: Position) -> Result<StepOptions, Box<EvalAltResult>> {
    let map = value.try_cast::<Map>().ok_or_else(|| {
        runtime_error(
            "step options must be a map like #{ retries: 3, timeout: 60 }",
            pos,
        )
    })?;
    let mut options = StepOptions {
        backoff: Duration::from_secs(1),
        ..StepOptions::default()
    };
    for (key, value) in map {
        let seconds = |what: &str| -> Result<Duration, Box<EvalAltResult>> {
            let secs = value
                .as_float()
                .or_else(|_| value.as_int().map(|i| i as f64));
            match secs {
                Ok(s) if s >= 0.0 && s.is_finite() => Ok(Duration::from_secs_f64(s)),
                _ => Err(runtime_error(
                    format!("step option {what} must be seconds (>= 0)"),
                    pos,
                )),
            }
        };
        match key.as_str() {
            "retries" => {
                options.retries = value
                    .as_int()
                    .ok()
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| runtime_error("step option retries must be >= 0", pos))?;
            }
            "backoff" => options.backoff = seconds("backoff")?,
            "timeout" => options.timeout = Some(seconds("timeout")?),
            other => {
                let hint = did_you_mean(other, OPTION_NAMES);
                return Err(runtime_error(
                    format!(
                        "unknown step option {other:?}{hint} (options: {})",
                        OPTION_NAMES.join(", ")
                    ),
                    pos,
                ));
            }
        }
    }
    Ok(options)
}
