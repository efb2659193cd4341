"""Checks the rig end to end with boto3: the CodeCommit stand-in, event delivery to
CodePipeline through the EventBridge rules in moto, reset, and the fault proxy
(fault_proxy_check.py).

    .local-aws/venv/bin/python tests/rig/selfcheck.py

Uses the running local AWS when AWS_ENDPOINT_URL is set (eval "$(scripts/local-aws up)"),
otherwise spawns tests/rig/local_aws.py on free ports as the Rust harness does, with
--proxy-port 0; a running local AWS without a proxy gets one in this process for the
proxy checks.
Every raw CodeCommit response is also checked against botocore's service model, since
boto3 would silently drop a misspelled member.
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import fault_proxy  # noqa: E402
import fault_proxy_check  # noqa: E402
from codecommit_standin import matches  # noqa: E402

REGION = "ap-northeast-1"
results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    results["passed" if ok else "failed"] += 1
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + str(detail) if detail else ''}", flush=True)


def error_code(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"]
    return None


def unknown_members(shape, value, path="$"):
    """Members of a raw JSON value that the botocore shape does not define."""
    if shape is None:
        return []
    if shape.type_name == "structure" and isinstance(value, dict):
        bad = []
        for key, item in value.items():
            if key not in shape.members:
                bad.append(f"{path}.{key}")
            else:
                bad += unknown_members(shape.members[key], item, f"{path}.{key}")
        return bad
    if shape.type_name == "list" and isinstance(value, list):
        return [b for i, v in enumerate(value) for b in unknown_members(shape.member, v, f"{path}[{i}]")]
    return []


def validate_raw(http_response, model, **_):
    if http_response.status_code == 200:
        body = json.loads(http_response.content or b"{}")
        bad = unknown_members(model.output_shape, body)
        if bad:
            check(f"{model.name} response members are in the service model", False, bad)


def pattern_checks():
    event = {"source": "aws.codecommit", "resources": ["arn:a", "arn:b"],
             "detail": {"event": "referenceUpdated", "referenceName": "master", "n": 5}}
    cases = [
        ({"source": ["aws.codecommit"]}, True),
        ({"source": ["aws.codebuild"]}, False),
        ({"resources": ["arn:b"]}, True),  # any element of an event array
        ({"detail": {"referenceName": ["main", "master"]}}, True),
        ({"detail": {"referenceName": [{"prefix": "mas"}]}}, True),
        ({"detail": {"referenceName": [{"anything-but": "master"}]}}, False),
        ({"detail": {"referenceName": [{"anything-but": {"prefix": "feat"}}]}}, True),
        ({"detail": {"oldCommitId": [{"exists": False}]}}, True),
        ({"detail": {"oldCommitId": [{"exists": True}]}}, False),
        ({"detail": {"oldCommitId": ["x"]}}, False),  # a field missing from the event
        ({"detail": {"n": [5]}}, True),
        ({"detail": {"n": ["5"]}}, False),  # types differ
        ({"detail": {"n": [{"numeric": [">", 1, "<=", 5]}]}}, True),
        ({"detail": {"referenceName": [{"wildcard": "m*r"}]}}, True),
        ({"$or": [{"source": ["x"]}, {"detail": {"event": ["referenceUpdated"]}}]}, True),
    ]
    for pattern, expected in cases:
        check(f"pattern {json.dumps(pattern)} -> {expected}", matches(pattern, event) == expected)


def start_rig(workdir):
    ready = os.path.join(workdir, "ready.json")
    proc = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "local_aws.py"), "--moto-port", "0",
         "--codecommit-port", "0", "--proxy-port", "0", "--ready-file", ready,
         "--exit-on-stdin-eof"],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    started = time.monotonic()
    while not os.path.exists(ready):
        if proc.poll() is not None or time.monotonic() - started > 30:
            sys.exit("local_aws.py did not become ready")
        time.sleep(0.02)
    print(f"spawned local_aws.py: ready in {time.monotonic() - started:.2f} s")
    ports = json.load(open(ready))
    return proc, *(f"http://127.0.0.1:{ports[k]}" for k in ("moto", "codecommit", "proxy"))


def start_proxy(moto_url, cc_url):
    """A fault proxy in this process, in front of a local AWS that was started without one."""
    server = fault_proxy.make_server(0, fault_proxy.FaultProxy(moto_url, cc_url))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def main():
    pattern_checks()
    proc = None
    moto_url = os.environ.get("AWS_ENDPOINT_URL")
    cc_url = os.environ.get("AWS_ENDPOINT_URL_CODECOMMIT")
    if moto_url and cc_url:
        proxy_url = start_proxy(moto_url, cc_url)
    else:
        workdir = tempfile.TemporaryDirectory()
        proc, moto_url, cc_url, proxy_url = start_rig(workdir.name)
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                            region_name=REGION)
    config = Config(retries={"max_attempts": 1})
    cc = session.client("codecommit", endpoint_url=cc_url, config=config)
    cc.meta.events.register("after-call.codecommit", validate_raw)
    iam = session.client("iam", endpoint_url=moto_url, config=config)
    events = session.client("events", endpoint_url=moto_url, config=config)
    pipelines = session.client("codepipeline", endpoint_url=moto_url, config=config)

    started = time.monotonic()
    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST"))
    print(f"reset (cold): {(time.monotonic() - started) * 1000:.0f} ms")

    # Repositories
    repo = cc.create_repository(repositoryName="example_2022_1126",
                                repositoryDescription="rig")["repositoryMetadata"]
    arn = f"arn:aws:codecommit:{REGION}:123456789012:example_2022_1126"
    check("CreateRepository metadata", repo["Arn"] == arn and len(repo["repositoryId"]) == 36
          and repo["cloneUrlHttp"].endswith("/v1/repos/example_2022_1126")
          and "defaultBranch" not in repo, repo)
    check("duplicate CreateRepository", error_code(
        cc.create_repository, repositoryName="example_2022_1126") == "RepositoryNameExistsException")
    check("GetRepository of a missing repository", error_code(
        cc.get_repository, repositoryName="nope") == "RepositoryDoesNotExistException")

    # Commits
    buildspec = b"version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\n"
    first = cc.create_commit(
        repositoryName="example_2022_1126", branchName="master", authorName="Rig",
        email="rig@example.com", commitMessage="Initial commit",
        putFiles=[{"filePath": "buildspec.yml", "fileContent": buildspec},
                  {"filePath": "nginx/Dockerfile", "fileContent": b"FROM nginx\n"}])
    check("CreateCommit adds two files",
          sorted(f["absolutePath"] for f in first["filesAdded"]) == ["buildspec.yml", "nginx/Dockerfile"]
          and first["filesUpdated"] == [] and first["filesDeleted"] == [], first["commitId"])
    meta = cc.get_repository(repositoryName="example_2022_1126")["repositoryMetadata"]
    check("defaultBranch set by the first commit", meta.get("defaultBranch") == "master")
    put = dict(repositoryName="example_2022_1126", branchName="master",
               filePath="nginx/Dockerfile", fileContent=b"FROM nginx:1.27\n")
    check("PutFile without parent", error_code(cc.put_file, **put) == "ParentCommitIdRequiredException")
    second = cc.put_file(parentCommitId=first["commitId"], commitMessage="Pin nginx", **put)
    check("PutFile with stale parent", error_code(
        cc.put_file, **dict(put, parentCommitId=first["commitId"], fileContent=b"FROM x\n"))
        == "ParentCommitIdOutdatedException")
    check("PutFile with identical content", error_code(
        cc.put_file, **dict(put, parentCommitId=second["commitId"])) == "SameFileContentException")
    check("CreateCommit that changes nothing", error_code(
        cc.create_commit, repositoryName="example_2022_1126", branchName="master",
        parentCommitId=second["commitId"],
        putFiles=[{"filePath": "buildspec.yml", "fileContent": buildspec}]) == "NoChangeException")
    check("CreateCommit on a missing branch", error_code(
        cc.create_commit, repositoryName="example_2022_1126", branchName="nobranch",
        parentCommitId=second["commitId"],
        putFiles=[{"filePath": "x", "fileContent": b"x"}]) == "BranchDoesNotExistException")
    check("CreateCommit deleting a missing file", error_code(
        cc.create_commit, repositoryName="example_2022_1126", branchName="master",
        parentCommitId=second["commitId"], deleteFiles=[{"filePath": "nope.txt"}])
        == "FileDoesNotExistException")

    # Reads
    branch = cc.get_branch(repositoryName="example_2022_1126", branchName="master")["branch"]
    check("GetBranch", branch == {"branchName": "master", "commitId": second["commitId"]}, branch)
    check("GetBranch of a missing branch", error_code(
        cc.get_branch, repositoryName="example_2022_1126", branchName="dev")
        == "BranchDoesNotExistException")
    got = cc.get_file(repositoryName="example_2022_1126", filePath="nginx/Dockerfile")
    check("GetFile (default branch)", got["fileContent"] == b"FROM nginx:1.27\n"
          and got["fileSize"] == 16 and got["fileMode"] == "NORMAL"
          and got["blobId"] == second["blobId"])
    old = cc.get_file(repositoryName="example_2022_1126", filePath="/nginx/Dockerfile",
                      commitSpecifier=first["commitId"])
    check("GetFile at an older commit", old["fileContent"] == b"FROM nginx\n")
    check("GetFile of a missing file", error_code(
        cc.get_file, repositoryName="example_2022_1126", filePath="README.md")
        == "FileDoesNotExistException")
    check("GetFile at a missing commit", error_code(
        cc.get_file, repositoryName="example_2022_1126", filePath="buildspec.yml",
        commitSpecifier="0" * 40) == "CommitDoesNotExistException")
    root = cc.get_folder(repositoryName="example_2022_1126", folderPath="/")
    check("GetFolder /", [f["absolutePath"] for f in root["files"]] == ["buildspec.yml"]
          and [d["absolutePath"] for d in root["subFolders"]] == ["nginx"], root)
    sub = cc.get_folder(repositoryName="example_2022_1126", folderPath="nginx")
    check("GetFolder nginx", [(f["absolutePath"], f["relativePath"]) for f in sub["files"]]
          == [("nginx/Dockerfile", "Dockerfile")])
    check("GetFolder of a missing folder", error_code(
        cc.get_folder, repositoryName="example_2022_1126", folderPath="src")
        == "FolderDoesNotExistException")
    commit = cc.get_commit(repositoryName="example_2022_1126", commitId=second["commitId"])["commit"]
    check("GetCommit", commit["parents"] == [first["commitId"]] and commit["message"] == "Pin nginx"
          and commit["treeId"] == second["treeId"] and commit["author"]["name"] == "moto"
          and commit["author"]["date"].endswith(" +0000"), commit)
    check("GetCommit of a missing commit", error_code(
        cc.get_commit, repositoryName="example_2022_1126", commitId="0" * 40)
        == "CommitIdDoesNotExistException")
    diff = cc.get_differences(repositoryName="example_2022_1126",
                              beforeCommitSpecifier=first["commitId"], afterCommitSpecifier="master")
    check("GetDifferences", [(d["changeType"], d["afterBlob"]["path"], d["beforeBlob"]["mode"])
                             for d in diff["differences"]] == [("M", "nginx/Dockerfile", "100644")], diff)
    everything = cc.get_differences(repositoryName="example_2022_1126", afterCommitSpecifier="master")
    check("GetDifferences without a before commit", sorted(
        (d["changeType"], d["afterBlob"]["path"]) for d in everything["differences"])
        == [("A", "buildspec.yml"), ("A", "nginx/Dockerfile")])
    cc.create_repository(repositoryName="another")
    listed = cc.list_repositories()["repositories"]
    check("ListRepositories", [r["repositoryName"] for r in listed] == ["another", "example_2022_1126"])
    check("DeleteRepository of a missing repository returns no id",
          "repositoryId" not in cc.delete_repository(repositoryName="nope"))

    # The bare repository holds the real commits.
    gitdir = json.load(urllib.request.urlopen(f"{cc_url}/standin/repos"))["example_2022_1126"]
    log = subprocess.run(["git", f"--git-dir={gitdir}", "log", "--format=%H %P %s", "master"],
                         capture_output=True, text=True).stdout.splitlines()
    check("git log in the bare repository", log == [
        f"{second['commitId']} {first['commitId']} Pin nginx", f"{first['commitId']}  Initial commit"], log)
    print("  " + "\n  ".join(log))

    # Event delivery to CodePipeline through the rule stored in moto.
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
             "Principal": {"Service": "codepipeline.amazonaws.com"}}]}
    role = iam.create_role(RoleName="pipeline-role", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    pipelines.create_pipeline(pipeline={
        "name": "example_2022_1126", "roleArn": role["Arn"],
        "artifactStore": {"type": "S3", "location": "codepipeline-artifacts"},
        "stages": [
            {"name": "Source", "actions": [{
                "name": "Source", "actionTypeId": {"category": "Source", "owner": "AWS",
                                                   "provider": "CodeCommit", "version": "1"},
                "configuration": {"RepositoryName": "example_2022_1126", "BranchName": "master",
                                  "PollForSourceChanges": "false"},
                "outputArtifacts": [{"name": "SourceArtifact"}]}]},
            {"name": "Build", "actions": [{
                "name": "Build", "actionTypeId": {"category": "Build", "owner": "AWS",
                                                  "provider": "CodeBuild", "version": "1"},
                "configuration": {"ProjectName": "example_2022_1126"},
                "inputArtifacts": [{"name": "SourceArtifact"}]}]}]})
    pipeline_arn = f"arn:aws:codepipeline:{REGION}:123456789012:example_2022_1126"

    def rule(name, pattern_branch, repo_arn):
        events.put_rule(Name=name, EventPattern=json.dumps({
            "source": ["aws.codecommit"], "detail-type": ["CodeCommit Repository State Change"],
            "resources": [repo_arn],
            "detail": {"event": ["referenceCreated", "referenceUpdated"],
                       "referenceType": ["branch"], "referenceName": [pattern_branch]}}))
        events.put_targets(Rule=name, Targets=[{"Id": "pipeline", "Arn": pipeline_arn,
                                                "RoleArn": role["Arn"]}])

    def executions():
        return len(pipelines.list_pipeline_executions(
            pipelineName="example_2022_1126")["pipelineExecutionSummaries"])

    def commit_to(branch, parent, content):
        return cc.put_file(repositoryName="example_2022_1126", branchName=branch,
                           parentCommitId=parent, filePath="nginx/Dockerfile",
                           fileContent=content)["commitId"]

    rule("wrong-branch", "main", arn)
    rule("wrong-repo", "master", arn.replace("example_2022_1126", "another"))
    head = commit_to("master", second["commitId"], b"FROM nginx:1.28\n")
    check("wrong rules deliver nothing", executions() == 0)
    rule("pipeline-on-master", "master", arn)
    head = commit_to("master", head, b"FROM nginx:1.29\n")
    check("commit to master starts exactly one execution", executions() == 1)
    cc.create_branch(repositoryName="example_2022_1126", branchName="feature", commitId=head)
    commit_to("feature", head, b"FROM nginx:1.30\n")
    check("commit to another branch starts none", executions() == 1)
    events.disable_rule(Name="pipeline-on-master")
    head = commit_to("master", head, b"FROM nginx:1.31\n")
    check("a DISABLED rule delivers nothing", executions() == 1)

    # Reset clears moto and the stand-in with one call.
    started = time.monotonic()
    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST"))
    print(f"reset (after use): {(time.monotonic() - started) * 1000:.0f} ms")
    check("reset clears the stand-in", cc.list_repositories()["repositories"] == [])
    check("reset clears moto", error_code(iam.get_role, RoleName="pipeline-role") == "NoSuchEntity")
    check("reset removes the bare repositories", not os.path.exists(gitdir))

    started = time.monotonic()
    fault_proxy_check.run(check, proxy_url)
    print(f"fault proxy checks: {time.monotonic() - started:.2f} s")

    if proc:
        proc.stdin.close()
        try:
            proc.wait(timeout=5)
            check("local_aws.py exits when its stdin closes", proc.returncode == 0)
        except subprocess.TimeoutExpired:
            proc.kill()
            check("local_aws.py exits when its stdin closes", False)
        workdir.cleanup()
    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
