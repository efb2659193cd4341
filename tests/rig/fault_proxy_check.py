"""Checks the fault proxy (fault_proxy.py) end to end with boto3; selfcheck.py calls run().

Every client goes through the proxy with exactly one attempt. botocore's
`retries={"max_attempts": 1}` means one *retry* (two attempts), which would send every
injected throttle twice and spend `times` twice, so these clients say
`total_max_attempts: 1` instead.
"""

import http.client
import json
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError

REGION = "ap-northeast-1"
ECR_TARGET = "AmazonEC2ContainerRegistry_V20150921."
ONE_ATTEMPT = {"total_max_attempts": 1, "mode": "standard"}


def fake_authorization(service):
    # moto and the proxy read only the credential scope; nobody checks the signature.
    return (f"AWS4-HMAC-SHA256 Credential=testing/20260101/{REGION}/{service}/aws4_request, "
            f"SignedHeaders=host;x-amz-date, Signature={'0' * 64}")


class Rig:
    def __init__(self, proxy_url):
        self.url = proxy_url
        parts = urlsplit(proxy_url)
        self.host, self.port = parts.hostname, parts.port
        session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                region_name=REGION)
        config = Config(retries=ONE_ATTEMPT, s3={"addressing_style": "path"})
        for name in ("ecr", "iam", "s3", "codecommit", "ec2", "sts"):
            setattr(self, name, session.client(name, endpoint_url=proxy_url, config=config))
        self.impatient_ecr = session.client("ecr", endpoint_url=proxy_url, config=Config(
            retries=ONE_ATTEMPT, read_timeout=0.5, connect_timeout=1))

    def control(self, method, path, payload=None):
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(self.url + path, method=method, data=data,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as e:
            return e.code, json.load(e)

    def rules(self, *rules, seed=None):
        status, answer = self.control("POST", "/fault-proxy/rules", {"rules": list(rules), "seed": seed})
        assert status == 200, answer
        self.control("DELETE", "/fault-proxy/log")

    def log(self):
        return self.control("GET", "/fault-proxy/log")[1]

    def reset(self):
        urllib.request.urlopen(urllib.request.Request(self.url + "/moto-api/reset", method="POST"))

    def raw_ecr(self, operation, conn=None):
        """An ECR call with http.client, for what boto3 hides (sockets, resets)."""
        conn = conn or http.client.HTTPConnection(self.host, self.port, timeout=5)
        conn.request("POST", "/", body=b"{}", headers={
            "X-Amz-Target": ECR_TARGET + operation, "Content-Type": "application/x-amz-json-1.1",
            "Authorization": fake_authorization("ecr")})
        response = conn.getresponse()
        return conn, response.status, response.read()


def outcome(call, **kwargs):
    """"ok", or the error code boto3 parsed."""
    try:
        call(**kwargs)
        return "ok"
    except ClientError as e:
        return e.response["Error"]["Code"]


def client_error(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        return e.response
    return {"Error": {}, "ResponseMetadata": {}}


def repositories(rig):
    return sorted(r["repositoryName"] for r in rig.ecr.describe_repositories()["repositories"])


def run(check, proxy_url):
    rig = Rig(proxy_url)
    rig.reset()
    pass_through(check, rig)
    errors(check, rig)
    resets_and_timeouts(check, rig)
    counting(check, rig)
    propagation(check, rig)
    log_and_control(check, rig)
    reset_clears(check, rig)


def pass_through(check, rig):
    rig.control("DELETE", "/fault-proxy/log")
    rig.ecr.create_repository(repositoryName="proxied")
    check("proxy: ecr passes through", repositories(rig) == ["proxied"])
    arn = rig.iam.create_role(RoleName="proxied-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    check("proxy: iam passes through",
          rig.iam.get_role(RoleName="proxied-role")["Role"]["Arn"] == arn, arn)
    rig.s3.create_bucket(Bucket="proxied-bucket",
                         CreateBucketConfiguration={"LocationConstraint": REGION})
    rig.s3.put_object(Bucket="proxied-bucket", Key="dir/a.txt", Body=b"through the proxy")
    body = rig.s3.get_object(Bucket="proxied-bucket", Key="dir/a.txt")["Body"].read()
    check("proxy: s3 passes through", body == b"through the proxy", body)
    rig.codecommit.create_repository(repositoryName="proxied-cc")
    # moto has no ListRepositories for CodeCommit: an answer means the stand-in served it.
    listed = [r["repositoryName"] for r in rig.codecommit.list_repositories()["repositories"]]
    check("proxy: codecommit goes to the stand-in", listed == ["proxied-cc"], listed)
    vpc = rig.ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    check("proxy: ec2 passes through",
          vpc in [v["VpcId"] for v in rig.ec2.describe_vpcs()["Vpcs"]])
    seen = [(e["service"], e["operation"], e["fault"], e["status"]) for e in rig.log()]
    expected = [("ecr", "CreateRepository"), ("ecr", "DescribeRepositories"),
                ("iam", "CreateRole"), ("iam", "GetRole"), ("s3", "CreateBucket"),
                ("s3", "PutObject"), ("s3", "GetObject"), ("codecommit", "CreateRepository"),
                ("codecommit", "ListRepositories"), ("ec2", "CreateVpc"), ("ec2", "DescribeVpcs")]
    check("proxy: log names service and operation of each request",
          seen == [(s, o, None, 200) for s, o in expected], seen)
    times = [e["upstream_ms"] for e in rig.log()]
    check("proxy: log has upstream_ms (a float, 3 decimals) for each forwarded request",
          all(isinstance(t, float) and t > 0 and round(t, 3) == t for t in times), times)

    conn, first, _ = rig.raw_ecr("DescribeRepositories")
    sock = conn.sock
    _, second, _ = rig.raw_ecr("DescribeRepositories", conn)
    check("proxy: keep-alive (two requests on one connection)",
          (first, second) == (200, 200) and sock is not None and conn.sock is sock)
    conn.close()

    conn = http.client.HTTPConnection(rig.host, rig.port, timeout=5)
    conn.request("PUT", "/proxied-bucket/chunked.txt", body=iter([b"sent ", b"in ", b"chunks"]),
                 encode_chunked=True, headers={"Authorization": fake_authorization("s3"),
                                               "x-amz-content-sha256": "UNSIGNED-PAYLOAD"})
    status = conn.getresponse().status
    conn.close()
    body = rig.s3.get_object(Bucket="proxied-bucket", Key="chunked.txt")["Body"].read()
    check("proxy: a chunked request body is forwarded", status == 200 and body == b"sent in chunks",
          (status, body))


def errors(check, rig):
    rig.rules(
        {"service": "ecr", "operation": "DescribeRepositories", "fault": "error",
         "code": "RepositoryNotFoundException",
         "message": "The repository with name 'x' does not exist in the registry with id \"1\""},
        {"service": "iam", "operation": "GetRole", "fault": "error", "status": 400,
         "code": "Throttling", "message": "Rate exceeded <&>"},
        {"service": "iam", "operation": "ListRoles", "fault": "error", "status": 500},
        {"service": "sts", "operation": "GetCallerIdentity", "fault": "error", "status": 403,
         "code": "ExpiredToken", "message": "The security token included in the request is expired"},
        {"service": "s3", "operation": "GetObject", "fault": "error", "status": 503,
         "code": "SlowDown", "message": "Please reduce your request rate."},
        {"service": "s3", "operation": "HeadObject", "fault": "error", "status": 404,
         "code": "NoSuchKey", "message": "no body for HEAD"},
        {"service": "ec2", "operation": "DescribeVpcs", "fault": "error", "status": 503,
         "code": "RequestLimitExceeded", "message": "Request limit exceeded."},
        {"service": "ecr", "operation": "ListImages", "fault": "error", "status": 503},
        {"service": "codecommit", "fault": "error", "status": 429,
         "code": "ThrottlingException", "message": "Rate exceeded"},
    )

    def expect(name, response, status, code, message, kind=None):
        error, meta = response["Error"], response["ResponseMetadata"]
        got = (meta.get("HTTPStatusCode"), error.get("Code"), error.get("Message"))
        ok = got == (status, code, message) and bool(meta.get("RequestId"))
        if kind:
            ok = ok and error.get("Type") == kind
        check(f"proxy: injected error parses ({name})", ok, (got, error.get("Type"), meta.get("RequestId")))

    expect("ecr, JSON", client_error(rig.ecr.describe_repositories), 400,
           "RepositoryNotFoundException",
           "The repository with name 'x' does not exist in the registry with id \"1\"")
    expect("iam, query, escaped", client_error(rig.iam.get_role, RoleName="proxied-role"), 400,
           "Throttling", "Rate exceeded <&>", "Sender")
    expect("iam 500 without a code", client_error(rig.iam.list_roles), 500,
           "InternalFailure", "Fault injected by the test rig's fault proxy.", "Receiver")
    expect("sts", client_error(rig.sts.get_caller_identity), 403, "ExpiredToken",
           "The security token included in the request is expired")
    expect("s3 503", client_error(rig.s3.get_object, Bucket="proxied-bucket", Key="dir/a.txt"),
           503, "SlowDown", "Please reduce your request rate.")
    head = client_error(rig.s3.head_object, Bucket="proxied-bucket", Key="dir/a.txt")
    check("proxy: injected HEAD error has no body (boto3 names it by status)",
          head["Error"].get("Code") == "404" and
          head["ResponseMetadata"]["HTTPHeaders"].get("x-amz-request-id"), head["Error"])
    expect("ec2", client_error(rig.ec2.describe_vpcs), 503, "RequestLimitExceeded",
           "Request limit exceeded.")
    expect("ecr 503 without a code", client_error(rig.ecr.list_images, repositoryName="proxied"),
           503, "ServiceUnavailable", "Fault injected by the test rig's fault proxy.")
    expect("codecommit 429", client_error(rig.codecommit.list_repositories), 429,
           "ThrottlingException", "Rate exceeded")
    log = rig.log()
    check("proxy: log records errors with code and status",
          all(e["fault"] == "error" for e in log) and len(log) == 9 and
          (log[0]["code"], log[0]["status"]) == ("RepositoryNotFoundException", 400), log)
    rig.control("DELETE", "/fault-proxy/rules")
    check("proxy: DELETE /fault-proxy/rules passes everything through",
          outcome(rig.ecr.describe_repositories) == "ok")


def resets_and_timeouts(check, rig):
    rig.rules({"service": "ecr", "operation": "CreateRepository", "fault": "reset"})
    try:
        rig.raw_ecr("CreateRepository")
        raw = "answered"
    except ConnectionResetError:
        raw = "RST"
    except (OSError, http.client.HTTPException) as e:
        raw = repr(e)
    check("proxy: reset is a TCP RST", raw == "RST", raw)
    try:
        rig.ecr.create_repository(repositoryName="never-made")
        error = None
    except ConnectionClosedError as e:
        error = e
    check("proxy: reset gives botocore a connection error", error is not None, error)
    check("proxy: reset never reaches upstream", "never-made" not in repositories(rig))

    rig.rules({"service": "ecr", "operation": "CreateRepository", "fault": "reset_after"})
    try:
        rig.ecr.create_repository(repositoryName="made-anyway")
        error = None
    except ConnectionClosedError as e:
        error = e
    check("proxy: reset_after loses the answer", error is not None, error)
    check("proxy: reset_after made the change", "made-anyway" in repositories(rig))
    check("proxy: log records reset_after without a status, timed upstream",
          [(e["fault"], e["status"], isinstance(e["upstream_ms"], float)) for e in rig.log()][0]
          == ("reset_after", None, True), rig.log())

    rig.rules({"service": "ecr", "operation": "DescribeRepositories", "fault": "timeout", "delay": 2})
    started = time.monotonic()
    try:
        rig.impatient_ecr.describe_repositories()
        error = None
    except ReadTimeoutError as e:
        error = e
    elapsed = time.monotonic() - started
    check("proxy: timeout makes the client's read time out", error is not None and elapsed < 1.5,
          f"{error!r} after {elapsed:.2f} s")

    rig.rules({"service": "ecr", "operation": "DescribeRepositories", "fault": "latency", "delay": 0.3})
    started = time.monotonic()
    ok = outcome(rig.ecr.describe_repositories)
    elapsed = time.monotonic() - started
    check("proxy: latency delays, then answers", ok == "ok" and elapsed >= 0.3, f"{ok} {elapsed:.2f} s")
    check("proxy: log records latency with the upstream status",
          [(e["fault"], e["status"]) for e in rig.log()] == [("latency", 200)], rig.log())
    upstream_ms = rig.log()[0]["upstream_ms"]
    check("proxy: upstream_ms leaves out an injected latency",
          isinstance(upstream_ms, float) and upstream_ms < 300, upstream_ms)
    rig.control("DELETE", "/fault-proxy/rules")


def counting(check, rig):
    def outcomes(n):
        return [outcome(rig.ecr.describe_repositories) for _ in range(n)]

    def error(code, **extra):
        return {"service": "ecr", "operation": "DescribeRepositories", "fault": "error",
                "code": code, **extra}

    rig.rules(error("ThrottlingException", times=2))
    check("proxy: times", outcomes(4) == ["ThrottlingException"] * 2 + ["ok"] * 2)
    rig.rules(error("ThrottlingException", after=3))
    check("proxy: after", outcomes(4) == ["ok"] * 2 + ["ThrottlingException"] * 2)
    rig.rules(error("A", times=1), error("B"))
    check("proxy: a rule that does not fire lets the next one decide", outcomes(3) == ["A", "B", "B"])
    rig.rules(error("A", times=1), error("B", after=2))
    check("proxy: after counts requests even when an earlier rule fired", outcomes(3) == ["A", "B", "B"])
    rig.rules({"service": "ecr", "operation": ["DescribeRepositories", "ListImages"],
               "fault": "error", "code": "Listed"})
    check("proxy: operation given as a list",
          [outcome(rig.ecr.describe_repositories), outcome(rig.ecr.list_images, repositoryName="proxied"),
           outcome(rig.ecr.describe_registry)] == ["Listed", "Listed", "ok"])
    rig.rules({"service": "iam", "fault": "error", "code": "X"})
    check("proxy: a rule for another service does not fire", outcomes(1) == ["ok"])

    rig.rules(error("ThrottlingException", probability=0.5), seed=42)
    first = outcomes(12)
    rig.rules(error("ThrottlingException", probability=0.5), seed=42)
    again = outcomes(12)
    check("proxy: probability with a seed is reproducible and mixed",
          first == again and "ok" in first and "ThrottlingException" in first, first)
    rig.rules(error("never", probability=0), error("always", probability=1))
    check("proxy: probability 0 and 1", outcomes(3) == ["always"] * 3)
    status, answer = rig.control("GET", "/fault-proxy/rules")
    check("proxy: GET /fault-proxy/rules counts matches and fires",
          [(r["matched"], r["fired"]) for r in answer["rules"]] == [(3, 0), (3, 3)], answer)
    rig.control("DELETE", "/fault-proxy/rules")


def propagation(check, rig):
    policy_for = lambda arn: json.dumps({"Version": "2012-10-17", "Statement": [{  # noqa: E731
        "Effect": "Allow", "Principal": {"AWS": arn}, "Action": ["ecr:BatchGetImage"]}]})
    rig.rules(
        {"service": "ecr", "operation": "SetRepositoryPolicy", "fault": "error",
         "code": "InvalidParameterException",
         "message": "Invalid parameter at 'PolicyText' failed to satisfy constraint: "
                    "'Invalid repository policy provided'", "propagation": 1},
        {"service": "sts", "operation": "AssumeRole", "fault": "error", "status": 403,
         "code": "AccessDenied", "message": "not yet", "propagation": 1},
        {"service": "ecr", "operation": "ListImages", "fault": "error",
         "code": "ThrottlingException", "propagation": 1, "mentioned": False})
    check("proxy: propagation rules fire for no role before one is created",
          outcome(rig.ecr.list_images, repositoryName="proxied") == "ok")
    arn = rig.iam.create_role(RoleName="fresh-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    created = time.monotonic()
    set_policy = lambda arn: outcome(  # noqa: E731
        rig.ecr.set_repository_policy, repositoryName="proxied", policyText=policy_for(arn))
    fresh = set_policy(arn)
    other = set_policy(arn + "-2")  # a longer name that contains the fresh one
    assume = outcome(rig.sts.assume_role, RoleArn=arn, RoleSessionName="check")  # form-encoded ARN
    unmentioned = outcome(rig.ecr.list_images, repositoryName="proxied")
    within = time.monotonic() - created < 1
    check("proxy: propagation fires for a policy naming a role created just now",
          within and fresh == "InvalidParameterException", fresh)
    check("proxy: propagation does not fire for another role", other == "ok", other)
    check("proxy: propagation finds the role in a form-encoded body", assume == "AccessDenied", assume)
    check("proxy: propagation with mentioned false fires for any new role",
          unmentioned == "ThrottlingException", unmentioned)
    time.sleep(max(0.0, created + 1.05 - time.monotonic()))
    later = (set_policy(arn), outcome(rig.sts.assume_role, RoleArn=arn, RoleSessionName="check"),
             outcome(rig.ecr.list_images, repositoryName="proxied"))
    check("proxy: propagation stops firing after the window", later == ("ok", "ok", "ok"), later)
    rig.control("DELETE", "/fault-proxy/rules")


def log_and_control(check, rig):
    rig.rules({"service": "ecr", "operation": "ListImages", "fault": "error",
               "code": "ThrottlingException", "times": 1},
              {"service": "ecr", "operation": "CreateRepository", "fault": "reset"})
    outcome(rig.ecr.list_images, repositoryName="proxied")
    outcome(rig.ecr.list_images, repositoryName="proxied")
    try:
        rig.ecr.create_repository(repositoryName="lost")
    except ConnectionClosedError:
        pass
    outcome(rig.iam.get_role, RoleName="proxied-role")
    log = rig.log()
    check("proxy: the log has every request with its fault, in order",
          [(e["service"], e["operation"], e["fault"], e["code"], e["status"]) for e in log] == [
              ("ecr", "ListImages", "error", "ThrottlingException", 400),
              ("ecr", "ListImages", None, None, 200),
              ("ecr", "CreateRepository", "reset", None, None),
              ("iam", "GetRole", None, None, 200)]
          and all(isinstance(e["t"], float) for e in log)
          and [e["t"] for e in log] == sorted(e["t"] for e in log), log)
    check("proxy: upstream_ms is null for what was not forwarded (errors, resets)",
          [e["upstream_ms"] is None for e in log] == [True, False, True, False], log)
    rig.control("DELETE", "/fault-proxy/log")
    check("proxy: DELETE /fault-proxy/log clears it", rig.log() == [])

    status, answer = rig.control("POST", "/fault-proxy/rules", {"rules": [
        {"fault": "error", "code": "Fine"}, {"fault": "explode"}]})
    check("proxy: a malformed rule is a 400 naming it",
          status == 400 and "rule 1" in answer.get("error", ""), (status, answer))
    status, answer = rig.control("POST", "/fault-proxy/rules", {"rules": [
        {"fault": "reset", "sevrice": "ecr"}]})
    check("proxy: an unknown rule key is a 400 naming it",
          status == 400 and "sevrice" in answer.get("error", ""), (status, answer))
    check("proxy: a rejected rule set leaves the old rules",
          len(rig.control("GET", "/fault-proxy/rules")[1]["rules"]) == 2)
    rig.control("DELETE", "/fault-proxy/rules")


def reset_clears(check, rig):
    rig.iam.create_role(RoleName="before-reset", AssumeRolePolicyDocument="{}")
    rig.rules({"service": "ecr", "operation": "DescribeRepositories", "fault": "error",
               "code": "ThrottlingException"})
    outcome(rig.ecr.describe_repositories)
    rig.reset()
    check("proxy: reset through the proxy clears the rules and the log",
          rig.control("GET", "/fault-proxy/rules")[1] == {"rules": []} and rig.log() == [])
    check("proxy: reset through the proxy resets moto", repositories(rig) == [])
    rig.rules({"service": "ecr", "operation": "DescribeRepositories", "fault": "error",
               "code": "ThrottlingException", "propagation": 60, "mentioned": False})
    check("proxy: reset forgets role creation times", outcome(rig.ecr.describe_repositories) == "ok")
    rig.reset()
