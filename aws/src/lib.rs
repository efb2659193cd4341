//! runbook's AWS layer, which knows nothing of scripts: one SDK configuration, lazily built
//! clients, and every operation of the SDK crates runbook uses as a binding that takes and
//! gives `Document`s keyed by the API's member names. The bindings are generated from AWS's
//! models by scripts/gen-aws (`services/`).

pub mod binding;
pub mod clients;
pub mod document;
pub mod error;
pub mod partial;
pub mod path;
pub mod schema;
// Written by scripts/gen-aws, as its check compares it.
#[rustfmt::skip]
pub mod services;
pub mod shape;
pub mod suggest;
pub mod trace;
pub mod waiter;
