//! One file per service; each lists its bindings.

pub mod codebuild;
pub mod codecommit;
pub mod codepipeline;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod events;
pub mod iam;
pub mod logs;
pub mod s3;
pub mod secretsmanager;
pub mod sts;

use super::binding::Binding;

/// The Rhai module names, in the order `runbook functions` lists them.
pub const SERVICES: [&str; 12] = [
    "sts",
    "iam",
    "codecommit",
    "codebuild",
    "ecr",
    "codepipeline",
    "ecs",
    "ec2",
    "s3",
    "events",
    "logs",
    "secretsmanager",
];

/// Every binding of every service.
pub fn all() -> Vec<Binding> {
    let mut all = Vec::new();
    all.extend(sts::bindings());
    all.extend(iam::bindings());
    all.extend(codecommit::bindings());
    all.extend(codebuild::bindings());
    all.extend(ecr::bindings());
    all.extend(codepipeline::bindings());
    all.extend(ecs::bindings());
    all.extend(ec2::bindings());
    all.extend(s3::bindings());
    all.extend(events::bindings());
    all.extend(logs::bindings());
    all.extend(secretsmanager::bindings());
    all
}
