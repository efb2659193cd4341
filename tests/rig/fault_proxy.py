"""A FAULT-INJECTING HTTP PROXY for the test rig. It is not AWS and not part of the product.

It sits between an AWS SDK client and the local AWS (moto and the CodeCommit stand-in)
and, by rules a test sets over its own control API, answers the way real AWS misbehaves:
throttling and other errors in each protocol's real error format, latency, connections
reset before or after the upstream saw the request, requests that are never answered,
and IAM's eventual consistency (a role created a second ago cannot be used yet).
Without rules it is a transparent pass-through.

This module owns: the proxying (client keep-alive, Content-Length and chunked request
bodies, CodeCommit requests routed to the stand-in, everything else to moto), telling the
service and operation of a request, the rules and their evaluation, the injected error
bodies, the request log, and the control API under /fault-proxy/. `local_aws.py
--proxy-port N` runs it in the rig's process; `python fault_proxy.py --port N --moto URL
--codecommit URL` runs it alone in front of a rig that is already up. The rule schema and
error formats are described in README.md ("The fault proxy").
"""

import argparse
import http.client
import json
import random
import re
import select
import socket
import struct
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape

CODECOMMIT_TARGET = "CodeCommit_20150413."
FAULTS = ("error", "latency", "reset", "reset_after", "timeout", "answer")
# The signing name is the service part of the SigV4 credential scope
# (AKID/date/region/service/aws4_request; SigV4a scopes have no region).
CREDENTIAL = re.compile(r"Credential=[^/,\s]+/\d{8}/(?:[^/,\s]+/)?([^/,\s]+)/aws4_request")
QUERY_NAMESPACES = {"iam": "https://iam.amazonaws.com/doc/2010-05-08/",
                    "sts": "https://sts.amazonaws.com/doc/2011-06-15/"}
DEFAULT_CODES = {500: "InternalFailure", 503: "ServiceUnavailable"}
# Hop-by-hop headers describe one connection, not the message, so they are not passed
# on: the proxy frames each side itself. Expect is answered by http.server already (it
# sends 100 Continue before the body is read), so the upstream must not wait for it.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te",
              "trailer", "upgrade", "expect"}
ROLE_NAME_CHARS = r"[\w+=,.@-]"  # IAM's RoleName alphabet
UPSTREAM_TIMEOUT = 300  # some moto calls are slow; the client's own timeout is what tests use


class RuleError(ValueError):
    pass


# -- What a request is ------------------------------------------------------------------

# Bucket and object subresources whose operation name is verb + Bucket/Object + this.
S3_BUCKET_SUBRESOURCES = {
    "versioning": "Versioning", "policy": "Policy", "tagging": "Tagging", "acl": "Acl",
    "location": "Location", "encryption": "Encryption", "cors": "Cors", "website": "Website",
    "logging": "Logging", "lifecycle": "LifecycleConfiguration",
    "notification": "NotificationConfiguration", "ownershipControls": "OwnershipControls",
}
S3_OBJECT_SUBRESOURCES = {"tagging": "Tagging", "acl": "Acl", "retention": "Retention",
                          "legal-hold": "LegalHold", "attributes": "Attributes"}
S3_MULTIPART = {"PUT": "UploadPart", "POST": "CompleteMultipartUpload",
                "DELETE": "AbortMultipartUpload", "GET": "ListParts"}


def s3_operation(method, path, query, headers):
    """The S3 operation of a path-style REST request, as far as it can be told."""
    if "x-id" in query:  # the Rust and Java SDKs name the operation themselves
        return query["x-id"][0]
    verb = method.capitalize()
    bucket, _, key = unquote(path).lstrip("/").partition("/")
    if not bucket:
        return "ListBuckets" if method == "GET" else f"{verb}Bucket"
    if not key:
        if method == "GET" and "list-type" in query:
            return "ListObjectsV2"
        if method == "GET" and "versions" in query:
            return "ListObjectVersions"
        if method == "GET" and "uploads" in query:
            return "ListMultipartUploads"
        if method == "POST" and "delete" in query:
            return "DeleteObjects"
        for sub, name in S3_BUCKET_SUBRESOURCES.items():
            if sub in query:
                return f"{verb}Bucket{name}"
        return {"GET": "ListObjects", "PUT": "CreateBucket", "DELETE": "DeleteBucket",
                "HEAD": "HeadBucket"}.get(method, f"{verb}Bucket")
    if method == "POST" and "uploads" in query:
        return "CreateMultipartUpload"
    if "uploadId" in query and method in S3_MULTIPART:
        copy = method == "PUT" and "x-amz-copy-source" in headers
        return "UploadPartCopy" if copy else S3_MULTIPART[method]
    for sub, name in S3_OBJECT_SUBRESOURCES.items():
        if sub in query:
            return f"{verb}Object{name}"
    if method == "PUT" and "x-amz-copy-source" in headers:
        return "CopyObject"
    return f"{verb}Object"


class Request:
    """One client request with its body read, and what the rules look at."""

    def __init__(self, method, target, headers, body):
        self.method, self.target, self.headers, self.body = method, target, headers, body
        url = urlsplit(target)
        self.path = url.path
        query = parse_qs(url.query, keep_blank_values=True)
        self.amz_target = headers.get("X-Amz-Target") or ""
        scope = CREDENTIAL.search(headers.get("Authorization") or "")
        if not scope:  # a presigned URL carries the scope in its query
            scope = CREDENTIAL.search("Credential=" + (query.get("X-Amz-Credential") or [""])[0])
        self.service = scope[1] if scope else None
        if self.amz_target.startswith(CODECOMMIT_TARGET) and not self.service:
            self.service = "codecommit"
        self.form = {}
        if "x-www-form-urlencoded" in (headers.get("Content-Type") or ""):
            self.form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        self.operation = None
        if self.amz_target:
            self.operation = self.amz_target.rsplit(".", 1)[-1]
        elif self.service == "s3":
            self.operation = s3_operation(method, self.path, query, headers)
        elif "Action" in self.form or "Action" in query:
            self.operation = (self.form.get("Action") or query["Action"])[0]
        # Not AWS: the rig's own endpoints are always passed through and not logged.
        self.is_aws = not self.path.startswith(("/moto-api/", "/standin/"))

    def text(self):
        """The path and body as text, percent-decoded too, for finding a role's name."""
        raw = self.target + "\n" + self.body.decode("utf-8", "replace")
        return raw + "\n" + unquote(raw)


# -- Rules ------------------------------------------------------------------------------

def _number(index, spec, key, low, high=None):
    value = spec[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f">= {low}"
        raise RuleError(f"rule {index}: {key} must be a number {bounds}, not {value!r}")
    return value


def _integer(index, spec, key, low):
    value = spec[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise RuleError(f"rule {index}: {key} must be an integer >= {low}, not {value!r}")
    return value


def _string(index, spec, key):
    value = spec[key]
    if not isinstance(value, str):
        raise RuleError(f"rule {index}: {key} must be a string, not {value!r}")
    return value


class Rule:
    COMMON = {"service", "operation", "fault", "probability", "times", "after",
              "propagation", "mentioned"}
    # Keys that mean something for one fault only: given with another fault, they are a
    # mistake in the test, not something to ignore.
    FOR_FAULT = {"error": {"status", "code", "message"}, "latency": {"delay"},
                 "timeout": {"delay"}, "reset": set(), "reset_after": set(),
                 "answer": {"members"}}

    def __init__(self, index, spec):
        if not isinstance(spec, dict):
            raise RuleError(f"rule {index}: must be a JSON object, not {spec!r}")
        self.spec = spec
        self.fault = spec.get("fault")
        if self.fault not in FAULTS:
            raise RuleError(f"rule {index}: fault must be one of {', '.join(FAULTS)}, "
                            f"not {self.fault!r}")
        allowed = self.COMMON | self.FOR_FAULT[self.fault]
        for key in spec:
            if key not in allowed:
                known = key in set().union(*self.FOR_FAULT.values())
                raise RuleError(f"rule {index}: {key!r} " + (
                    f"does not apply to fault {self.fault!r}" if known else "is not a rule key"))
        self.service = _string(index, spec, "service") if "service" in spec else "*"
        operation = spec.get("operation", "*")
        if isinstance(operation, str):
            operation = [operation]
        if not (isinstance(operation, list) and operation
                and all(isinstance(o, str) for o in operation)):
            raise RuleError(f"rule {index}: operation must be a name or a list of names, "
                            f"not {spec['operation']!r}")
        self.operations = set(operation)
        self.probability = _number(index, spec, "probability", 0, 1) if "probability" in spec else 1
        self.times = _integer(index, spec, "times", 0) if "times" in spec else None
        self.after = _integer(index, spec, "after", 1) if "after" in spec else 1
        self.propagation = _number(index, spec, "propagation", 0) if "propagation" in spec else None
        self.mentioned = spec.get("mentioned", True)
        if not isinstance(self.mentioned, bool):
            raise RuleError(f"rule {index}: mentioned must be true or false")
        if "mentioned" in spec and self.propagation is None:
            raise RuleError(f"rule {index}: mentioned needs propagation")
        if self.fault == "latency" and "delay" not in spec:
            raise RuleError(f"rule {index}: a latency rule needs delay (seconds)")
        self.delay = _number(index, spec, "delay", 0) if "delay" in spec else 30
        self.status = _integer(index, spec, "status", 400) if "status" in spec else 400
        if self.status > 599:
            raise RuleError(f"rule {index}: status must be an error status (400-599), not {self.status}")
        if "code" in spec:
            self.code = _string(index, spec, "code")
        elif self.fault == "error":
            self.code = DEFAULT_CODES.get(self.status, "InternalFailure" if self.status >= 500 else None)
            if self.code is None:
                raise RuleError(f"rule {index}: an error with status {self.status} needs a code")
        else:
            self.code = None
        # `answer`: forward, then set these members of a JSON protocol's 2xx answer: the
        # partial failures AWS reports with success (PutTargets' FailedEntryCount, ...).
        self.members = spec.get("members", {})
        if self.fault == "answer" and not (isinstance(self.members, dict) and self.members):
            raise RuleError(f"rule {index}: an answer rule needs members (a JSON object)")
        self.message = _string(index, spec, "message") if "message" in spec \
            else "Fault injected by the test rig's fault proxy."
        self.matched = 0  # requests that matched service and operation, for `after`
        self.fired = 0  # for `times`

    def matches(self, req):
        return (self.service == "*" or self.service == req.service) and \
            ("*" in self.operations or req.operation in self.operations)

    def describe(self):
        return {**self.spec, "matched": self.matched, "fired": self.fired}


class Role:
    def __init__(self, name, created):
        self.name, self.created = name, created
        # The name as a whole word: it is how both the bare name and the ARN (".../name")
        # mention the role, while "fresh-role-2" does not mention "fresh-role".
        self.mention = re.compile(rf"(?<!{ROLE_NAME_CHARS}){re.escape(name)}(?!{ROLE_NAME_CHARS})")

    def mentioned_in(self, text):
        return bool(self.mention.search(text))


# -- Injected errors --------------------------------------------------------------------

def error_answer(req, rule):
    """(status, headers, body) of the injected error, in the protocol's real format."""
    request_id = str(uuid.uuid4())
    headers = [("x-amzn-RequestId", request_id)]
    code, message = escape(rule.code), escape(rule.message)
    if req.amz_target:  # the JSON protocols
        content_type = req.headers.get("Content-Type") or ""
        if not content_type.startswith("application/x-amz-json-"):
            content_type = "application/x-amz-json-1.1"
        body = json.dumps({"__type": rule.code, "message": rule.message}).encode()
        headers += [("Content-Type", content_type), ("x-amzn-ErrorType", rule.code)]
    elif req.service == "s3":
        headers += [("x-amz-request-id", request_id), ("Content-Type", "application/xml")]
        body = b"" if req.method == "HEAD" else (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f"<Error><Code>{code}</Code><Message>{message}</Message>"
            f"<RequestId>{request_id}</RequestId></Error>").encode()
    elif req.service == "ec2":
        headers.append(("Content-Type", "text/xml;charset=UTF-8"))
        body = ('<?xml version="1.0" encoding="UTF-8"?>'
                f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message>"
                f"</Error></Errors><RequestID>{request_id}</RequestID></Response>").encode()
    else:  # awsQuery: iam, sts, and any other form-encoded Action
        namespace = QUERY_NAMESPACES.get(req.service, f"https://{req.service}.amazonaws.com/doc/")
        kind = "Receiver" if rule.status >= 500 else "Sender"
        headers.append(("Content-Type", "text/xml"))
        body = (f'<ErrorResponse xmlns="{namespace}"><Error><Type>{kind}</Type>'
                f"<Code>{code}</Code><Message>{message}</Message></Error>"
                f"<RequestId>{request_id}</RequestId></ErrorResponse>").encode()
    return rule.status, headers, body


# -- The proxy's state ------------------------------------------------------------------

class FaultProxy:
    def __init__(self, moto_url, codecommit_url, seed=None):
        self.moto = self._address(moto_url)
        self.codecommit = self._address(codecommit_url)
        self.started = time.monotonic()
        self.lock = threading.Lock()
        self.rules = []
        self.rng = random.Random(seed)
        self.log = []
        self.roles = []

    @staticmethod
    def _address(url):
        parts = urlsplit(url)
        return parts.hostname, parts.port or 80

    def upstream(self, req):
        to_standin = req.amz_target.startswith(CODECOMMIT_TARGET) or req.path.startswith("/standin/")
        return self.codecommit if to_standin else self.moto

    def set_rules(self, payload):
        """Replaces all rules; raises RuleError (and keeps the old ones) when one is wrong."""
        if not isinstance(payload, dict) or not isinstance(payload.get("rules"), list):
            raise RuleError('expected {"rules": [RULE, ...], "seed": N}')
        extra = set(payload) - {"rules", "seed"}
        if extra:
            raise RuleError(f"unknown key(s) {', '.join(sorted(extra))} beside rules and seed")
        seed = payload.get("seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, str))):
            raise RuleError(f"seed must be an integer or a string, not {seed!r}")
        rules = [Rule(i, spec) for i, spec in enumerate(payload["rules"])]
        with self.lock:
            self.rules = rules
            self.rng = random.Random(seed)

    def clear_rules(self):
        with self.lock:
            self.rules = []

    def clear_log(self):
        with self.lock:
            self.log = []

    def reset(self):
        with self.lock:
            self.rules, self.log, self.roles = [], [], []

    def describe_rules(self):
        with self.lock:
            return {"rules": [r.describe() for r in self.rules]}

    def snapshot_log(self):
        with self.lock:
            return [dict(entry) for entry in self.log]

    def decide(self, req):
        """The rule that fires for this request, or None, and its (unfinished) log entry."""
        with self.lock:
            now = time.monotonic()
            matching = [rule for rule in self.rules if rule.matches(req)]
            # Every matching rule counts the request, even one evaluated after another
            # fired, so that `after: N` means "the N-th such request" whatever comes first.
            for rule in matching:
                rule.matched += 1
            chosen = None
            for rule in matching:
                if rule.matched < rule.after:
                    continue
                if rule.times is not None and rule.fired >= rule.times:
                    continue
                if rule.propagation is not None and not self._new_role_involved(rule, req, now):
                    continue
                # Drawn last and only when needed, so that a seed gives the same choices
                # for the same requests however many certain rules precede.
                if rule.probability < 1 and self.rng.random() >= rule.probability:
                    continue
                rule.fired += 1
                chosen = rule
                break
            entry = {"t": round(now - self.started, 6), "service": req.service,
                     "operation": req.operation, "fault": chosen.fault if chosen else None,
                     "code": chosen.code if chosen and chosen.fault == "error" else None,
                     "status": None, "upstream_ms": None}
            self.log.append(entry)
        return chosen, entry

    def _new_role_involved(self, rule, req, now):
        recent = [role for role in self.roles if now - role.created < rule.propagation]
        if not rule.mentioned:
            return bool(recent)
        text = req.text() if recent else ""
        return any(role.mentioned_in(text) for role in recent)

    def answered(self, entry, status):
        with self.lock:
            entry["status"] = status

    def took_upstream(self, entry, upstream_ms):
        with self.lock:
            entry["upstream_ms"] = upstream_ms

    def note_upstream(self, req, status, body):
        """Remembers roles the upstream created, for the propagation rules."""
        if req.service == "iam" and req.operation == "CreateRole" and status == 200:
            name = (req.form.get("RoleName") or [None])[0]
            if name is None:
                found = re.search(r"<RoleName>([^<]+)</RoleName>", body.decode("utf-8", "replace"))
                name = found and found[1]
            if name:
                with self.lock:
                    self.roles.append(Role(name, time.monotonic()))


# -- HTTP -------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the SDKs pool their connections
    server_version = "fault-proxy"
    # Headers and body go out in two writes; with Nagle on, the client's delayed ACK
    # added 40-50 ms to every proxied call.
    disable_nagle_algorithm = True

    def do_any(self):
        try:
            body = self.read_body()
        except ValueError as e:
            self.close_connection = True
            return self.send_json(400, {"ok": False, "error": f"bad request body: {e}"})
        proxy = self.server.proxy
        path = urlsplit(self.path).path
        if path.startswith("/fault-proxy/"):
            return self.control(path, body)
        req = Request(self.command, self.path, self.headers, body)
        if not req.is_aws:
            *answer, _ = self.forward(req)
            if path == "/moto-api/reset" and self.command == "POST":
                proxy.reset()
            return self.send_answer(*answer)

        rule, entry = proxy.decide(req)
        fault = rule.fault if rule else None
        if fault == "latency":
            time.sleep(rule.delay)
        if fault == "error":
            status, headers, data = error_answer(req, rule)
            # Logged before it is sent: a client that reads the log after its answer sees it.
            proxy.answered(entry, status)
            return self.send_answer(status, None, headers, data)
        if fault == "reset":
            return self.abort()
        if fault == "timeout":
            return self.hold(rule.delay)
        status, reason, headers, data, upstream_ms = self.forward(req)
        proxy.took_upstream(entry, upstream_ms)
        proxy.note_upstream(req, status, data)
        if fault == "reset_after":
            return self.abort()
        if fault == "answer" and req.amz_target and 200 <= status < 300:
            answer = {**json.loads(data or b"{}"), **rule.members}
            data = json.dumps(answer).encode()
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        proxy.answered(entry, status)
        self.send_answer(status, reason, headers, data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = do_any

    def read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline(65537).split(b";")[0].strip() or b"x", 16)
                if size == 0:
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()  # the CRLF after the chunk
            while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                pass  # trailer fields: nothing upstream needs them once the body is whole
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def forward(self, req):
        """(status, reason, headers, body, upstream_ms) from the upstream, or a 502 (and
        None) when it fails. upstream_ms runs from sending the request until the whole
        answer was read: what the emulator itself took, without the proxy's own work."""
        conn = http.client.HTTPConnection(*self.server.proxy.upstream(req), timeout=UPSTREAM_TIMEOUT)
        try:
            conn.connect()  # a new connection per request is the proxy's cost, not upstream's
            sent = time.perf_counter()
            # Host is passed verbatim: SigV4 signs it.
            conn.putrequest(req.method, req.target, skip_host=True, skip_accept_encoding=True)
            for name, value in self.headers.items():
                if name.lower() not in HOP_BY_HOP:
                    conn.putheader(name, value)
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                conn.putheader("Content-Length", str(len(req.body)))
            conn.endheaders(req.body or None)
            resp = conn.getresponse()
            data = resp.read()
            upstream_ms = round((time.perf_counter() - sent) * 1000, 3)
            return resp.status, resp.reason, resp.getheaders(), data, upstream_ms
        except (OSError, http.client.HTTPException) as e:
            data = json.dumps({"__type": "FaultProxyUpstreamError",
                               "message": f"the fault proxy could not reach upstream: {e}"}).encode()
            return 502, None, [("Content-Type", "application/json")], data, None
        finally:
            conn.close()

    def send_answer(self, status, reason, headers, data):
        self.send_response_only(status, reason)  # not send_response: no Server/Date of our own
        has_length = False
        for name, value in headers:
            if name.lower() in HOP_BY_HOP:
                continue
            has_length |= name.lower() == "content-length"
            self.send_header(name, value)
        if not has_length and self.command != "HEAD" and status not in (204, 304):
            self.send_header("Content-Length", str(len(data)))  # it was chunked upstream
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_json(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_answer(status, None, [("Content-Type", "application/json")], data)

    def abort(self):
        """Resets the client connection: SO_LINGER 0 makes close() send RST, not FIN."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        # rfile holds a reference to the socket: until it is closed too, close() would
        # not really close, and socketserver would then shut the socket down with a FIN.
        self.rfile.close()
        self.connection.close()

    def hold(self, seconds):
        """Answers nothing for `seconds`, or until the client closes, then closes."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            readable, _, _ = select.select([self.connection], [], [], min(left, 0.2))
            if readable:
                try:
                    if not self.connection.recv(1, socket.MSG_PEEK):
                        break  # the client went away
                except OSError:
                    break
                time.sleep(min(left, 0.2))  # it sent more: nothing to do but wait
        self.close_connection = True

    def control(self, path, body):
        proxy = self.server.proxy
        if path == "/fault-proxy/rules" and self.command == "POST":
            try:
                proxy.set_rules(json.loads(body or b"null"))
            except json.JSONDecodeError as e:
                return self.send_json(400, {"ok": False, "error": f"not JSON: {e}"})
            except RuleError as e:
                return self.send_json(400, {"ok": False, "error": str(e)})
            return self.send_json(200, {"ok": True})
        if path == "/fault-proxy/rules" and self.command == "DELETE":
            proxy.clear_rules()
            return self.send_json(200, {"ok": True})
        if path == "/fault-proxy/rules" and self.command == "GET":
            return self.send_json(200, proxy.describe_rules())
        if path == "/fault-proxy/log" and self.command == "GET":
            return self.send_json(200, proxy.snapshot_log())
        if path == "/fault-proxy/log" and self.command == "DELETE":
            proxy.clear_log()
            return self.send_json(200, {"ok": True})
        self.send_json(404, {"ok": False, "error": f"no {self.command} {path}: the control API is "
                             "POST/GET/DELETE /fault-proxy/rules, GET/DELETE /fault-proxy/log"})

    def log_message(self, *args):
        pass


def make_server(port, proxy):
    """Binds 127.0.0.1:port (0 = any free port); raises OSError when it cannot."""
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.proxy = proxy
    return server


def main():
    parser = argparse.ArgumentParser(description="The rig's fault-injecting proxy, alone.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--moto", required=True, help="e.g. http://127.0.0.1:4566")
    parser.add_argument("--codecommit", required=True, help="e.g. http://127.0.0.1:4567")
    args = parser.parse_args()
    server = make_server(args.port, FaultProxy(args.moto, args.codecommit))
    print(json.dumps({"proxy": server.server_address[1]}), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
