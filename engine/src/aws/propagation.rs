//! IAM eventual consistency: for a few seconds up to about a minute after a role or policy
//! is created or changed, other services do not see it yet and refuse a request that names
//! it. This table lists exactly the answers that mean "not propagated yet" (service,
//! operation, error code and a message fragment, as real accounts give them); the bridge
//! retries those with capped exponential backoff and jitter for up to two minutes, and
//! nothing else: every other error, a real validation error among them, stops at once.
//!
//! Throttling, 5xx answers and broken connections are the SDK's own retry policy's job
//! (standard mode, `AWS_MAX_ATTEMPTS`, `--max-attempts`), not this table's.

use std::time::Duration;

use super::error::CallError;

/// One kind of answer that means "the IAM change is not visible here yet".
pub struct Propagation {
    pub service: &'static str,
    pub operations: &'static [&'static str],
    pub code: &'static str,
    /// The answer's message contains one of these (compared case-insensitively).
    pub message: &'static [&'static str],
}

const ASSUME_ROLE: &[&str] = &[
    "not authorized to perform: sts:AssumeRole",
    "not authorized to perform sts:AssumeRole",
    "not authorized to perform AssumeRole",
];

pub const TABLE: &[Propagation] = &[
    // A repository policy naming a role made a moment ago.
    Propagation {
        service: "ecr",
        operations: &["SetRepositoryPolicy"],
        code: "InvalidParameterException",
        message: &["Principal not found"],
    },
    // CodeBuild checks at once that it may assume the service role.
    Propagation {
        service: "codebuild",
        operations: &["CreateProject", "UpdateProject"],
        code: "InvalidInputException",
        message: ASSUME_ROLE,
    },
    // CodePipeline: "CodePipeline is not authorized to perform AssumeRole on role arn:...".
    Propagation {
        service: "codepipeline",
        operations: &["CreatePipeline", "UpdatePipeline"],
        code: "InvalidStructureException",
        message: ASSUME_ROLE,
    },
    // ECS: the execution role or the account's service-linked role is not usable yet.
    Propagation {
        service: "ecs",
        operations: &["CreateService", "UpdateService", "RunTask"],
        code: "InvalidParameterException",
        message: &[
            "Unable to assume role",
            "Unable to assume the service linked role",
            "verify that the ECS service linked role exists",
            "role being passed has the proper permissions",
        ],
    },
    Propagation {
        service: "ecs",
        operations: &["RegisterTaskDefinition"],
        code: "ClientException",
        message: &["Role is not valid"],
    },
    // EventBridge refuses a target whose role it cannot assume yet (as an error, or as a
    // failed entry, which the binding raises as one).
    Propagation {
        service: "events",
        operations: &["PutTargets"],
        code: "ValidationException",
        message: &[
            "cannot be assumed",
            "not authorized to perform: sts:AssumeRole",
        ],
    },
];

/// Whether `error`, answered to `service`'s `operation`, means "not propagated yet".
pub fn is_propagation(service: &str, operation: &str, error: &CallError) -> bool {
    let message = error.message.to_lowercase();
    TABLE.iter().any(|p| {
        p.service == service
            && p.operations.contains(&operation)
            && p.code == error.code
            && p.message
                .iter()
                .any(|fragment| message.contains(&fragment.to_lowercase()))
    })
}

/// How long the bridge keeps retrying one call: IAM changes are seen everywhere within a
/// minute in practice; two minutes leaves room without hiding a real fault for long.
pub const BUDGET: Duration = Duration::from_secs(120);
const FIRST: Duration = Duration::from_millis(500);
const CAP: Duration = Duration::from_secs(10);

/// The pause before attempt `attempt + 1` (`attempt` >= 1): 0.5 s doubling up to 10 s,
/// each drawn between half and all of that ("equal jitter"), so many callers do not retry
/// in step. `unit` is a uniform draw in [0, 1).
pub fn delay(attempt: u32, unit: f64) -> Duration {
    let base = FIRST
        .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
        .min(CAP);
    base.mul_f64(0.5 + 0.5 * unit.clamp(0.0, 1.0))
}

/// A uniform draw in [0, 1) for jitter: xorshift over the clock and a counter; no need
/// for a random crate when only spreading retries.
pub fn jitter() -> f64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{SystemTime, UNIX_EPOCH};
    static STATE: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut x = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed) ^ nanos ^ 0xD1B5;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{delay, is_propagation, jitter};
    use crate::aws::error::CallError;

    #[test]
    fn only_the_listed_answers_are_propagation() {
        let principal = CallError::new(
            "InvalidParameterException",
            "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Principal not found'",
        );
        assert!(is_propagation("ecr", "SetRepositoryPolicy", &principal));
        // The same code for a malformed policy is a real error.
        let malformed = CallError::new(
            "InvalidParameterException",
            "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'",
        );
        assert!(!is_propagation("ecr", "SetRepositoryPolicy", &malformed));
        // The same answer from another operation is not in the table.
        assert!(!is_propagation("ecr", "CreateRepository", &principal));
        let codebuild = CallError::new(
            "InvalidInputException",
            "CodeBuild is not authorized to perform: sts:AssumeRole on arn:aws:iam::123456789012:role/service-role/x",
        );
        assert!(is_propagation("codebuild", "CreateProject", &codebuild));
        let bad_image = CallError::new("InvalidInputException", "Invalid image: nope");
        assert!(!is_propagation("codebuild", "CreateProject", &bad_image));
        let ecs = CallError::new(
            "InvalidParameterException",
            "Unable to assume the service linked role. Please verify that the ECS service linked role exists.",
        );
        assert!(is_propagation("ecs", "CreateService", &ecs));
    }

    #[test]
    fn delays_grow_to_a_cap_with_jitter_inside_each_band() {
        assert_eq!(delay(1, 0.0), Duration::from_millis(250));
        assert_eq!(delay(1, 1.0), Duration::from_millis(500));
        assert_eq!(delay(2, 1.0), Duration::from_secs(1));
        assert_eq!(delay(5, 1.0), Duration::from_secs(8));
        assert_eq!(delay(6, 1.0), Duration::from_secs(10));
        assert_eq!(delay(60, 0.0), Duration::from_secs(5));
        for _ in 0..1000 {
            let unit = jitter();
            assert!((0.0..1.0).contains(&unit), "{unit}");
        }
    }
}
