//! AWS: one SDK configuration, lazily built clients, and the bindings scripts call. Only
//! this module touches the SDK.

pub mod binding;
pub mod bridge;
pub mod clients;
pub mod document;
pub mod error;
pub mod examples;
pub mod paginate;
pub mod propagation;
pub mod resources;
pub mod schema;
pub mod script;
pub mod secrets;
pub mod services;
pub mod table;
pub mod wait;
