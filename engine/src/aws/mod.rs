//! AWS in scripts: the bindings of `runbook_aws` registered as Rhai modules, sent through the
//! bridge, with paging, waits, resources and secrets. Only this module uses `runbook_aws`.

pub use runbook_aws::{binding, clients, error, path, schema, services, waiter};

pub mod bridge;
pub mod document;
pub mod examples;
pub mod paginate;
pub mod propagation;
pub mod resources;
pub mod script;
pub mod secrets;
pub mod static_check;
pub mod wait;
