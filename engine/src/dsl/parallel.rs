//! The `parallel` syntax: steps that do not depend on each other, run at once.
//!
//! ```text
//! let role;
//! parallel {
//!     role = step "role" { ... } undo |r| { ... };
//!     step "log group" { ... };
//! }
//! role.Arn // set once the group is done
//! ```
//!
//! A group holds only steps, each on its own or assigned to a variable declared before the
//! group (`NAME = step ...`: the compiler checks the name as for any assignment, and the
//! scope keeps its shape, so variable look-ups stay resolved at compile time). The
//! steps are journaled one by one as if written one after the other (the same positions, so a
//! resume replays the finished ones and runs only the rest, a changed or renamed one is a
//! divergence, and `destroy` undoes them newest first); only their bodies run together. A body
//! sees the variables in scope before the group, and what it assigns stays its own: its value
//! is what it gives to the group. When a step fails, the others still run to their end, then
//! the group fails with the first failure.

use std::rc::Rc;

use rhai::{CustomExpr, Dynamic, Engine, EvalAltResult, EvalContext, Expr, Expression};
use rhai::{Position, Stmt};

use super::runtime::{is_halt, runtime_error, Entered, Halt, Runtime};
use super::step;

type EvalResult<T> = Result<T, Box<EvalAltResult>>;

pub fn register(engine: &mut Engine, runtime: Rc<Runtime>) {
    engine
        .register_custom_syntax(["parallel", "$block$"], false, move |ctx, inputs| {
            eval(ctx, inputs, &runtime)
        })
        .expect("`parallel { ... }` is a valid custom syntax");
}

/// One step of a group, and the variable its value is assigned to.
pub struct Member<'a> {
    variable: Option<&'a str>,
    step: &'a CustomExpr,
}

/// What a group may hold, said where it holds something else.
pub const ONLY_STEPS: &str = "a parallel group holds only steps: `step NAME { ... }` or \
    `variable = step NAME { ... }` (the variable declared before the group)";

/// A group's steps, or the position of the first statement that is not one.
pub fn members(block: &Expr) -> Result<Vec<Member<'_>>, Position> {
    let Expr::Stmt(block) = block else {
        return Err(block.position());
    };
    let mut members = Vec::new();
    for statement in block.statements() {
        let (variable, expr) = match statement {
            Stmt::Assignment(assignment) if !assignment.0.is_op_assignment() => {
                let target = &assignment.1.lhs;
                match target {
                    Expr::Variable(var, ..) if var.2.is_empty() => {
                        (Some(var.1.as_str()), &assignment.1.rhs)
                    }
                    other => return Err(other.position()),
                }
            }
            Stmt::Expr(expr) => (None, &**expr),
            other => return Err(other.position()),
        };
        match expr {
            Expr::Custom(custom, _)
                if custom.tokens.first().map(|t| t.as_str()) == Some("step") =>
            {
                members.push(Member {
                    variable,
                    step: custom,
                })
            }
            other => return Err(other.position()),
        }
    }
    Ok(members)
}

fn eval(ctx: &mut EvalContext, inputs: &[Expression], runtime: &Runtime) -> EvalResult<Dynamic> {
    let pos = inputs[0].position();
    if let Some(outer) = runtime.current_step() {
        return Err(runtime_error(
            format!("a parallel group is inside step {outer:?}: steps cannot be nested"),
            pos,
        ));
    }
    // Checked before a run too (`compile`), but not in imported modules.
    let members = members(&inputs[0]).map_err(|at| runtime_error(ONLY_STEPS, at))?;
    let inputs: Vec<Vec<Expression>> = members
        .iter()
        .map(|m| m.step.inputs.iter().map(Expression::from).collect())
        .collect();

    // In the group's order, as serial steps would: names, options, positions, divergence.
    let mut values: Vec<Option<Dynamic>> = Vec::with_capacity(members.len());
    let mut to_run = Vec::new();
    let mut end_of_replay = None;
    for (i, (member, inputs)) in members.iter().zip(&inputs).enumerate() {
        let call = step::call(ctx, inputs, &member.step.state, runtime)?;
        let body = call.body;
        match runtime.enter(ctx, call) {
            Ok(Entered::Value(value)) => values.push(Some(value)),
            Ok(Entered::Run(pending)) => {
                to_run.push((i, pending, body));
                values.push(None);
            }
            // `destroy`: a group's step may have failed while a later one completed; every
            // completed one is collected before the replay ends.
            Err(end) if is_halt(&end, Halt::EndOfReplay) => {
                end_of_replay.get_or_insert(end);
                values.push(None);
            }
            Err(error) => return Err(error),
        }
    }
    if let Some(end) = end_of_replay {
        return Err(end);
    }

    let (indices, steps): (Vec<usize>, Vec<_>) = to_run
        .into_iter()
        .map(|(i, pending, body)| (i, (pending, body)))
        .unzip();
    let mut failure: Option<Box<EvalAltResult>> = None;
    if !steps.is_empty() {
        for (i, outcome) in indices.into_iter().zip(runtime.run_group(ctx, steps)?) {
            match outcome {
                Ok(value) => values[i] = Some(value),
                // A stop (Ctrl-C, a journal that cannot be written) outranks a step's failure.
                Err(error) => match &failure {
                    Some(first) if is_halt(first, Halt::Stop) => {}
                    Some(_) if !is_halt(&error, Halt::Stop) => {}
                    _ => failure = Some(error),
                },
            }
        }
    }
    if let Some(error) = failure {
        return Err(error);
    }

    for (member, value) in members.iter().zip(values) {
        // The compiler has refused an assignment to a constant already.
        if let (Some(name), Some(value)) = (member.variable, value) {
            ctx.scope_mut().set_value(name, value);
        }
    }
    Ok(Dynamic::UNIT)
}
