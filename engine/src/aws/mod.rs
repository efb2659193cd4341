//! AWS for the engine, knowing nothing of Rhai: the bindings of `runbook_aws` sent through the
//! bridge (the one async runtime, cancellation, IAM-propagation retries), with paging and
//! waits. The Rhai glue (modules, values, the static check, secret references) is in `dsl/`,
//! which uses this module and is never used by it. Only this module uses `runbook_aws`.

pub use runbook_aws::{binding, clients, document, error, path, schema, services, suggest, waiter};

pub mod bridge;
pub mod examples;
pub mod paginate;
pub mod propagation;
pub mod wait;
