"""What the seed left in the account, read from outside with boto3: the one place both the
Rust tests (tests/seed.rs, tests/faults.rs) and bench/chaos.py read the account from.

Two plain functions over a `client(name)` factory that returns a boto3 client:

- `shape(client)`: the end state that matters, in counts and names (ids differ from run
  to run). Two runs that built the same chain have equal shapes.
- `left(client)`: what is left of the seed's resources in every service, only the
  services with something left; `{}` after a complete destroy.

Both answer plain dicts whose JSON is what SHAPE and LEFT in tests/seed.rs printed:
`json.dumps(shape(client), sort_keys=True)` and `json.dumps(left(client), default=str)`
(`left` keeps the services in LEFT's order and its values as boto3 returned them, dates
included, hence `default=str`). The calls are the same ones, in the same order, without
pagination: the seed's resources fit in one page.

`clients(moto_url, codecommit_url)` makes a factory for the rig (CodeCommit goes to the
stand-in, everything else to moto). Run alone, the module prints one of them:

    python tests/rig/account_state.py shape|left --moto URL --codecommit URL
"""

import argparse
import json
import sys

NAME = "example_2022_1126"
REGION = "ap-northeast-1"


def clients(moto_url, codecommit_url, region=REGION):
    """A `client(name)` factory for the rig, with the fake credentials the tests use."""
    import boto3

    session = boto3.session.Session()
    made = {}

    def client(name):
        if name not in made:
            url = codecommit_url if name == "codecommit" else moto_url
            made[name] = session.client(
                name, endpoint_url=url, region_name=region,
                aws_access_key_id="testing", aws_secret_access_key="testing")
        return made[name]

    return client


def shape(client):
    """The facts SHAPE in tests/seed.rs prints, as a dict (lists where it printed lists)."""
    name = NAME
    iam, cc, ev, ecs = client("iam"), client("codecommit"), client("events"), client("ecs")
    head = cc.get_branch(repositoryName=name, branchName="master")["branch"]["commitId"]
    roles = sorted(r["RoleName"] for r in iam.list_roles()["Roles"])
    return {
        "commits on master": 1 + len(
            cc.get_commit(repositoryName=name, commitId=head)["commit"]["parents"]),
        "roles": roles,
        "inline": {r: iam.list_role_policies(RoleName=r)["PolicyNames"] for r in roles},
        "attached": {r: len(iam.list_attached_role_policies(RoleName=r)["AttachedPolicies"])
                     for r in roles},
        # SHAPE sorts (name, count) tuples; lists sort the same and equal their JSON.
        "policy versions": sorted(
            [p["PolicyName"], len(iam.list_policy_versions(PolicyArn=p["Arn"])["Versions"])]
            for p in iam.list_policies(Scope="Local")["Policies"]),
        "rules": [r["Name"] for r in ev.list_rules()["Rules"]],
        "targets": [t["Id"] for r in ev.list_rules()["Rules"]
                    for t in ev.list_targets_by_rule(Rule=r["Name"])["Targets"]],
        "revisions": len(ecs.list_task_definitions(familyPrefix=name)["taskDefinitionArns"]),
        "services": len(ecs.list_services(cluster=name)["serviceArns"]),
        "ecr": len(client("ecr").describe_repositories()["repositories"]),
        "projects": client("codebuild").list_projects()["projects"],
        "pipeline version": client("codepipeline").get_pipeline(name=name)["pipeline"]["version"],
        "buckets": len(client("s3").list_buckets()["Buckets"]),
        "log groups": len(client("logs").describe_log_groups()["logGroups"]),
    }


def left(client):
    """What LEFT in tests/seed.rs computes: the non-empty leftovers per service."""
    name = NAME
    found = {
        # The account's service-linked roles are shared by everything in it: never removed.
        "roles": [r["RoleName"] for r in client("iam").list_roles()["Roles"]
                  if not r["Path"].startswith("/aws-service-role/")],
        "policies": [p["PolicyName"]
                     for p in client("iam").list_policies(Scope="Local")["Policies"]],
        "codecommit": client("codecommit").list_repositories()["repositories"],
        "ecr": client("ecr").describe_repositories()["repositories"],
        "codebuild": client("codebuild").list_projects()["projects"],
        "pipelines": client("codepipeline").list_pipelines()["pipelines"],
        "rules": client("events").list_rules()["Rules"],
        "buckets": client("s3").list_buckets()["Buckets"],
        "log groups": client("logs").describe_log_groups()["logGroups"],
        "clusters": [c for c in client("ecs").describe_clusters(clusters=[name])["clusters"]
                     if c["status"] == "ACTIVE"],
        "task definitions":
            client("ecs").list_task_definitions(status="ACTIVE")["taskDefinitionArns"],
    }
    return {k: v for k, v in found.items() if v}


def main():
    parser = argparse.ArgumentParser(description="Print the account's shape or leftovers.")
    parser.add_argument("what", choices=["shape", "left"])
    parser.add_argument("--moto", required=True, help="e.g. http://127.0.0.1:4566")
    parser.add_argument("--codecommit", required=True, help="e.g. http://127.0.0.1:4567")
    args = parser.parse_args()
    client = clients(args.moto, args.codecommit)
    if args.what == "shape":
        print(json.dumps(shape(client), sort_keys=True))
    else:
        print(json.dumps(left(client), default=str))


if __name__ == "__main__":
    sys.exit(main())
