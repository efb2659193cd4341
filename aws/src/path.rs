//! The part of JMESPath that AWS's waiter models use (`services[].status`,
//! `length(services[?!(length(deployments) == `1`)]) == `0``), evaluated over documents.
//! scripts/gen-aws parses the models' expressions with the jmespath package botocore uses
//! and writes them as these trees, so nothing is parsed at run time and an expression the
//! evaluator lacks fails the generator, not a run.

use aws_smithy_types::{Document, Number};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Expr {
    /// `@`: the current value.
    Identity,
    Field(&'static str),
    /// `a.b`: the right side over the left's value.
    Sub(&'static Expr, &'static Expr),
    /// `a[].b`: the right side over each element of the left's array, nulls dropped.
    Projection(&'static Expr, &'static Expr),
    /// `a[]`: one level of nested arrays merged.
    Flatten(&'static Expr),
    /// `a[?cond].b`: the projection of the elements for which the condition is truthy.
    Filter(&'static Expr, &'static Expr, &'static Expr),
    Length(&'static Expr),
    Compare(Comparison, &'static Expr, &'static Expr),
    Not(&'static Expr),
    And(&'static Expr, &'static Expr),
    Or(&'static Expr, &'static Expr),
    Literal(Literal),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A value written in a model: a waiter's expected value or an expression's literal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Int(i64),
    Str(&'static str),
}

impl Literal {
    pub fn matches(&self, value: &Document) -> bool {
        same(&self.document(), value)
    }

    pub fn document(&self) -> Document {
        match *self {
            Literal::Null => Document::Null,
            Literal::Bool(b) => Document::Bool(b),
            Literal::Int(i) if i >= 0 => Document::Number(Number::PosInt(i as u64)),
            Literal::Int(i) => Document::Number(Number::NegInt(i)),
            Literal::Str(s) => Document::String(s.to_string()),
        }
    }
}

/// An expression that cannot be evaluated on this value (`length` of a number): a waiter's
/// acceptor does not match, as in botocore.
#[derive(Debug, PartialEq, Eq)]
pub struct Invalid;

pub fn eval(expr: &Expr, value: &Document) -> Result<Document, Invalid> {
    Ok(match *expr {
        Expr::Identity => value.clone(),
        Expr::Field(name) => match value {
            Document::Object(object) => object.get(name).cloned().unwrap_or(Document::Null),
            _ => Document::Null,
        },
        Expr::Sub(left, right) => match eval(left, value)? {
            Document::Null => Document::Null,
            found => eval(right, &found)?,
        },
        Expr::Projection(left, right) => match eval(left, value)? {
            Document::Array(items) => project(&items, right)?,
            _ => Document::Null,
        },
        Expr::Flatten(inner) => match eval(inner, value)? {
            Document::Array(items) => Document::Array(
                items
                    .into_iter()
                    .flat_map(|item| match item {
                        Document::Array(nested) => nested,
                        other => vec![other],
                    })
                    .collect(),
            ),
            _ => Document::Null,
        },
        Expr::Filter(left, right, condition) => match eval(left, value)? {
            Document::Array(items) => {
                let mut kept = Vec::new();
                for item in items {
                    if truthy(&eval(condition, &item)?) {
                        kept.push(item);
                    }
                }
                project(&kept, right)?
            }
            _ => Document::Null,
        },
        Expr::Length(inner) => {
            let length = match eval(inner, value)? {
                Document::String(s) => s.chars().count(),
                Document::Array(items) => items.len(),
                Document::Object(object) => object.len(),
                _ => return Err(Invalid),
            };
            Document::Number(Number::PosInt(length as u64))
        }
        Expr::Compare(comparison, left, right) => {
            let (left, right) = (eval(left, value)?, eval(right, value)?);
            match comparison {
                Comparison::Eq => Document::Bool(same(&left, &right)),
                Comparison::Ne => Document::Bool(!same(&left, &right)),
                ordering => match (number(&left), number(&right)) {
                    (Some(l), Some(r)) => Document::Bool(match ordering {
                        Comparison::Lt => l < r,
                        Comparison::Le => l <= r,
                        Comparison::Gt => l > r,
                        _ => l >= r,
                    }),
                    _ => Document::Null,
                },
            }
        }
        Expr::Not(inner) => Document::Bool(!truthy(&eval(inner, value)?)),
        Expr::And(left, right) => match eval(left, value)? {
            found if !truthy(&found) => found,
            _ => eval(right, value)?,
        },
        Expr::Or(left, right) => match eval(left, value)? {
            found if truthy(&found) => found,
            _ => eval(right, value)?,
        },
        Expr::Literal(literal) => literal.document(),
    })
}

fn project(items: &[Document], right: &Expr) -> Result<Document, Invalid> {
    let mut out = Vec::new();
    for item in items {
        match eval(right, item)? {
            Document::Null => {}
            found => out.push(found),
        }
    }
    Ok(Document::Array(out))
}

/// JMESPath's truth: false, null and empty strings, arrays and objects are false.
fn truthy(value: &Document) -> bool {
    match value {
        Document::Null | Document::Bool(false) => false,
        Document::String(s) => !s.is_empty(),
        Document::Array(items) => !items.is_empty(),
        Document::Object(object) => !object.is_empty(),
        _ => true,
    }
}

fn number(value: &Document) -> Option<f64> {
    match value {
        Document::Number(n) => Some(n.to_f64_lossy()),
        _ => None,
    }
}

/// Equality as JSON has it: `1` and `1.0` are one number whichever way a parser stored it.
fn same(left: &Document, right: &Document) -> bool {
    match (left, right) {
        (Document::Number(l), Document::Number(r)) => l.to_f64_lossy() == r.to_f64_lossy(),
        (Document::Array(l), Document::Array(r)) => {
            l.len() == r.len() && l.iter().zip(r).all(|(l, r)| same(l, r))
        }
        (Document::Object(l), Document::Object(r)) => {
            l.len() == r.len()
                && l.iter()
                    .all(|(key, value)| r.get(key).is_some_and(|other| same(value, other)))
        }
        (l, r) => l == r,
    }
}
