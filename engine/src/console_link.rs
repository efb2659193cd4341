//! Links into the AWS console for what a run claimed (`ecs cluster demo`, `iam role x`, the
//! names the stdlib's `ensure_*` functions claim), in the run's region. A claim of a kind
//! not listed here gets no link rather than a guess.

/// Where the run's resources live: the region it was pinned to, and the account when an ARN
/// in its step values names one.
pub struct Place<'a> {
    pub region: &'a str,
    pub account: Option<&'a str>,
    /// ARNs found in the claiming step's value: some pages need a parent the claim does not
    /// name (an ECS service's cluster).
    pub arns: &'a [String],
}

pub fn for_claim(resource: &str, place: &Place) -> Option<String> {
    let r = place.region;
    let regional = |path: &str| format!("https://{r}.console.aws.amazon.com/{path}");
    let (kind, name) = KINDS
        .iter()
        .find_map(|kind| Some((*kind, resource.strip_prefix(kind)?.strip_prefix(' ')?)))?;
    let n = encode(name);
    Some(match kind {
        "iam role" => format!("https://console.aws.amazon.com/iam/home#/roles/details/{n}"),
        "iam policy" => match place.account {
            Some(a) => format!(
                "https://console.aws.amazon.com/iam/home#/policies/details/{}",
                encode(&format!("arn:aws:iam::{a}:policy/{name}"))
            ),
            None => "https://console.aws.amazon.com/iam/home#/policies".into(),
        },
        "ecr repository" => match place.account {
            Some(a) => regional(&format!("ecr/repositories/private/{a}/{n}?region={r}")),
            None => regional(&format!("ecr/private-registry/repositories?region={r}")),
        },
        "codecommit repository" => regional(&format!(
            "codesuite/codecommit/repositories/{n}/browse?region={r}"
        )),
        "codebuild project" => regional(&format!("codesuite/codebuild/projects/{n}?region={r}")),
        "codepipeline pipeline" => regional(&format!(
            "codesuite/codepipeline/pipelines/{n}/view?region={r}"
        )),
        "events rule" => regional(&format!(
            "events/home?region={r}#/eventbus/default/rules/{n}"
        )),
        "s3 bucket" => format!("https://s3.console.aws.amazon.com/s3/buckets/{n}?region={r}"),
        // The log-groups page takes its name encoded twice, `/` as `$252F`.
        "logs log group" => regional(&format!(
            "cloudwatch/home?region={r}#logsV2:log-groups/log-group/{}",
            n.replace('%', "$25")
        )),
        "ecs cluster" => regional(&format!("ecs/v2/clusters/{n}?region={r}")),
        "ecs task definition family" => {
            regional(&format!("ecs/v2/task-definitions/{n}?region={r}"))
        }
        "ecs service" => match cluster_of_service(name, place.arns) {
            Some(c) => regional(&format!(
                "ecs/v2/clusters/{}/services/{n}?region={r}",
                encode(&c)
            )),
            None => regional(&format!("ecs/v2/clusters?region={r}")),
        },
        _ => return None,
    })
}

/// Longest first, so `ecs task definition family` is not read as a kind `ecs task`.
const KINDS: &[&str] = &[
    "ecs task definition family",
    "codepipeline pipeline",
    "codecommit repository",
    "codebuild project",
    "ecr repository",
    "logs log group",
    "events rule",
    "ecs cluster",
    "ecs service",
    "iam policy",
    "s3 bucket",
    "iam role",
];

/// `arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME` → CLUSTER.
fn cluster_of_service(name: &str, arns: &[String]) -> Option<String> {
    arns.iter().find_map(|arn| {
        let resource = arn.splitn(6, ':').nth(5)?;
        let mut parts = resource.split('/');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("service"), Some(cluster), Some(service)) if service == name => {
                Some(cluster.to_string())
            }
            _ => None,
        }
    })
}

/// The account an ARN names, if it names one (`arn:aws:s3:::bucket` does not).
pub fn account_of(arn: &str) -> Option<&str> {
    let account = arn.split(':').nth(4)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{account_of, for_claim, Place};

    fn link(resource: &str, arns: &[String]) -> Option<String> {
        let place = Place {
            region: "ap-northeast-1",
            account: Some("123456789012"),
            arns,
        };
        for_claim(resource, &place)
    }

    #[test]
    fn links_name_the_resource_in_its_region() {
        assert_eq!(
            link("logs log group /ecs/demo", &[]).as_deref(),
            Some("https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-1#logsV2:log-groups/log-group/$252Fecs$252Fdemo")
        );
        assert_eq!(
            link("ecs task definition family demo", &[]).as_deref(),
            Some("https://ap-northeast-1.console.aws.amazon.com/ecs/v2/task-definitions/demo?region=ap-northeast-1")
        );
        assert_eq!(
            link("iam policy P", &[]).as_deref(),
            Some("https://console.aws.amazon.com/iam/home#/policies/details/arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2FP")
        );
        assert_eq!(link("something else", &[]), None);
        assert_eq!(link("ecs clusterx", &[]), None);
    }

    #[test]
    fn a_service_link_finds_its_cluster_in_the_step_arns() {
        let arns = ["arn:aws:ecs:ap-northeast-1:123456789012:service/prod/web".to_string()];
        assert_eq!(
            link("ecs service web", &arns).as_deref(),
            Some("https://ap-northeast-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web?region=ap-northeast-1")
        );
    }

    #[test]
    fn accounts_come_only_from_arns_that_name_one() {
        assert_eq!(
            account_of("arn:aws:iam::123456789012:role/x"),
            Some("123456789012")
        );
        assert_eq!(account_of("arn:aws:s3:::bucket"), None);
    }
}
