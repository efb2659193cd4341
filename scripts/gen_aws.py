"""Writes aws/src/services/: every operation of every SDK crate runbook depends on, from AWS's
published service models (the botocore package's JSON: names, documentation, required
members, paginators) and the SDK crates' own sources (the Rust names of types, fields and
enum values, which smithy-rs derives by rules of its own).

For the crates that carry smithy schemas (codebuild, codecommit, codepipeline, ecs) the SDK's
generated (de)serializers are used; for the others this writes the same thing the SDK would:
a schema per structure and the code that drives a `ShapeDeserializer`/`ShapeSerializer`
through the builders. Either way `aws::schema`'s Reader and Writer are the one converter.

Run by scripts/gen-aws; `--check` fails when the checked-in output is not current.
"""

import argparse
import gzip
import html
import json
import os
import re
import subprocess
import sys

from botocore import xform_name
import botocore
import jmespath

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "aws", "src", "services")
# AWS's Smithy models (github.com/aws/api-models-aws) carry no @readonly trait for any of these
# services, and botocore's drop Smithy traits: an operation is read-only when its HTTP method
# is GET or HEAD, or its name starts with one of the verbs AWS APIs use for reads.
READ_VERBS = ("Get", "Describe", "List", "BatchGet", "Head", "Lookup", "Filter", "Search",
              "Query", "Simulate", "Test", "Validate", "BatchCheck", "Check", "Estimate",
              "Preview", "Export")

# (module, botocore service, crate); the order `runbook functions` lists them in.
SERVICES = [
    ("sts", "sts", "aws-sdk-sts"),
    ("iam", "iam", "aws-sdk-iam"),
    ("codecommit", "codecommit", "aws-sdk-codecommit"),
    ("codebuild", "codebuild", "aws-sdk-codebuild"),
    ("ecr", "ecr", "aws-sdk-ecr"),
    ("codepipeline", "codepipeline", "aws-sdk-codepipeline"),
    ("ecs", "ecs", "aws-sdk-ecs"),
    ("ec2", "ec2", "aws-sdk-ec2"),
    ("s3", "s3", "aws-sdk-s3"),
    ("events", "events", "aws-sdk-eventbridge"),
    ("logs", "logs", "aws-sdk-cloudwatchlogs"),
    ("secretsmanager", "secretsmanager", "aws-sdk-secretsmanager"),
]

def until(operation, argument, success, failures, each=False, more=()):
    """A waiter polling `operation` until `argument` is `success` (for `each`, every element
    of the list it gives), failing on any of `failures`."""
    return {"delay": 15, "maxAttempts": 240, "operation": operation, "acceptors": [
        {"matcher": "pathAll" if each else "path", "argument": argument,
         "expected": success, "state": "success"},
        *({"matcher": "pathAny" if each else "path", "argument": argument,
           "expected": failure, "state": "failure"} for failure in failures),
        *more,
    ]}


# botocore publishes no waiters for CodeBuild and CodePipeline, whose builds and executions
# runbooks wait for most: these are written in its format (waiters-2.json) and generated the
# same way, with the statuses the API references list.
BY_HAND_WAITERS = {
    "codebuild": {
        "BuildSucceeded": until(
            "BatchGetBuilds", "builds[].buildStatus", "SUCCEEDED",
            ("FAILED", "FAULT", "STOPPED", "TIMED_OUT"), each=True,
            more=[{"matcher": "path", "argument": "length(buildsNotFound[]) > `0`",
                   "expected": True, "state": "failure"}]),
    },
    "codepipeline": {
        "PipelineExecutionSucceeded": until(
            "GetPipelineExecution", "pipelineExecution.status", "Succeeded",
            ("Failed", "Stopped", "Superseded", "Cancelled")),
    },
}

# Acceptors put before a model's own. ECS's circuit breaker marks a deployment FAILED and rolls
# it back: the model's ServicesStable would wait out its bound on a deployment that never ends.
EXTRA_ACCEPTORS = {
    ("ecs", "ServicesStable"): [
        {"matcher": "pathAny", "argument": "services[].deployments[].rolloutState",
         "expected": "FAILED", "state": "failure"},
    ],
}

# Where a long wait is, beyond the values its acceptors test, for its spinner and `wait` events:
# a build's phase, a deployment's tasks.
PROGRESS = {
    ("codebuild", "BuildSucceeded"): [("phase", "builds[].currentPhase")],
    ("ecs", "ServicesStable"): [("running", "services[].runningCount"),
                                ("desired", "services[].desiredCount")],
    ("ecs", "TasksRunning"): [("last status", "tasks[].lastStatus")],
}

# Where a long wait is when the answer polled does not say: an execution's answer names no
# stage, the pipeline's state does (members of the wait's input passed on by name). Stages'
# latest executions can be a newer run's, hence the label.
PROGRESS_READS = {
    ("codepipeline", "PipelineExecutionSucceeded"): (
        "GetPipelineState", {"name": "pipelineName"},
        [("stage in progress", "stageStates[?latestExecution.status == 'InProgress'].stageName")]),
}

# The operations the default build binds (`runbook-aws`'s feature `all-operations` binds every
# one): an operation costs the binary 30 to 50 kB of SDK code, so all 1,642 make it 88 MB.
# The core is every Describe, Get and List of the services other than EC2 (to look around in
# the REPL), EC2's reads of the network and instances below, every operation a waiter polls,
# and every call the stdlib and the runbooks of this repository make (found in their text, so
# a new call there makes `scripts/gen-aws --check` fail until this is run again).
CORE_EC2_READS = (
    "DescribeAddresses", "DescribeAvailabilityZones", "DescribeImages", "DescribeInstanceStatus",
    "DescribeInstances", "DescribeInternetGateways", "DescribeKeyPairs", "DescribeLaunchTemplates",
    "DescribeNatGateways", "DescribeNetworkAcls", "DescribeNetworkInterfaces", "DescribeRegions",
    "DescribeRouteTables", "DescribeSecurityGroups", "DescribeSubnets", "DescribeTags",
    "DescribeVolumes", "DescribeVpcEndpoints", "DescribeVpcs",
)
CORE_SOURCES = ("stdlib", "runbooks")
CORE_READ_VERBS = ("Describe", "Get", "List", "BatchGet", "Head")


def core_calls():
    """(module, function) of every call written in CORE_SOURCES' scripts."""
    modules = "|".join(m for m, _, _ in SERVICES)
    call = re.compile(rf"\b({modules})::([a-z0-9_]+)\s*\(")
    found = set()
    for source in CORE_SOURCES:
        for dirpath, _, names in os.walk(os.path.join(ROOT, source)):
            for name in names:
                if name.endswith(".rhai"):
                    with open(os.path.join(dirpath, name)) as f:
                        found.update(call.findall(f.read()))
    return found


# IAM returns policy documents URL-encoded (RFC 3986); scripts get the JSON text back, as
# boto3 and the AWS CLI show it.
URL_ENCODED = {("iam", "policyDocumentType")}


def norm(name):
    return re.sub(r"[^a-z0-9]", "", name.lower())


def load_model(service):
    base = os.path.join(os.path.dirname(botocore.__file__), "data", service)
    version = sorted(os.listdir(base))[-1]
    found = {}
    for kind in ("service-2", "paginators-1", "waiters-2"):
        path = os.path.join(base, version, kind + ".json")
        if os.path.exists(path):
            found[kind] = json.load(open(path))
        elif os.path.exists(path + ".gz"):
            found[kind] = json.load(gzip.open(path + ".gz"))
    return version, found


def crate_sources():
    meta = json.loads(subprocess.check_output(
        ["cargo", "metadata", "--format-version", "1", "--locked"], cwd=ROOT))
    wanted = {crate for _, _, crate in SERVICES}
    return {p["name"]: (p["version"], os.path.join(os.path.dirname(p["manifest_path"]), "src"))
            for p in meta["packages"] if p["name"] in wanted}


class Crate:
    """What smithy-rs named things in one SDK crate: types by module path, their fields,
    enum values and union variants."""

    FIELD = re.compile(r"^    pub (r#)?(\w+): (.+),$", re.M)

    def __init__(self, src):
        self.src = src
        self.types = {}  # norm(name) -> (rust name, kind, body)
        for name in os.listdir(os.path.join(src, "types")):
            if name.startswith("_") and name.endswith(".rs"):
                self._scan(open(os.path.join(src, "types", name)).read())
        self.operations = {}  # norm(operation) -> module
        for module in os.listdir(os.path.join(src, "operation")):
            if os.path.isdir(os.path.join(src, "operation", module)):
                self.operations[norm(module)] = module
        # Some crates' generated code carries smithy schemas, with (de)serializers over them.
        sample = sorted(self.operations.values())[0]
        self.schemas = "aws_smithy_schema::Schema" in open(
            os.path.join(src, "operation", sample, f"_{sample}_input.rs")).read()

    def _scan(self, text):
        for m in re.finditer(r"^pub (struct|enum) (\w+) \{(\}|\n.*?^\})", text, re.M | re.S):
            kind, name, body = m.groups()
            if kind == "enum" and "fn as_str" in text:
                values = re.findall(rf"{name}::\w+ => \"([^\"]*)\"", text)
                self.types[norm(name)] = (name, "enum", values)
            elif kind == "enum":
                variants = re.findall(r"^    (\w+)\((.+)\),$", body, re.M)
                self.types[norm(name)] = (name, "union", [v for v, _ in variants])
            else:
                self.types[norm(name)] = (name, "struct", self.fields(body))

    def fields(self, body):
        return [(raw or "") + name for raw, name, _ in self.FIELD.findall(body)]

    def io(self, module, suffix):
        path = os.path.join(self.src, "operation", module, f"_{module}_{suffix.lower()}.rs")
        text = open(path).read()
        m = re.search(r"^pub struct (\w+) \{(\}|\n.*?^\})", text, re.M | re.S)
        return m.group(1), self.fields(m.group(2)), text


def doc_line(documentation):
    text = html.unescape(re.sub(r"<[^>]+>", " ", documentation or ""))
    text = re.sub(r"\s+", " ", text).strip()
    m = re.match(r"(.+?[.!?])(\s|$)", text)
    line = (m.group(1) if m else text) or "No documentation."
    return line.replace("\\", "\\\\").replace('"', '\\"')


def read_only(name, op):
    if op.get("http", {}).get("method") in ("GET", "HEAD"):
        return True
    return any(name.startswith(v) and name[len(v):][:1].isupper() for v in READ_VERBS)


def lit(s):
    return json.dumps(s)


class Service:
    def __init__(self, module, name, crate_name, version, src, calls):
        self.module, self.crate_name, self.crate_version = module, crate_name, version
        self.krate = crate_name.replace("-", "_")
        self.model_version, files = load_model(name)
        self.model = files["service-2"]
        self.shapes = self.model["shapes"]
        self.paginators = files.get("paginators-1", {}).get("pagination", {})
        self.waiters = {name: (waiter, False) for name, waiter
                        in files.get("waiters-2", {}).get("waiters", {}).items()}
        self.waiters.update({name: (waiter, True)
                             for name, waiter in BY_HAND_WAITERS.get(module, {}).items()})
        self.sdk = Crate(src)
        self.ns = "com.amazonaws." + module
        self.skipped = []
        self.operations = []
        for op_name in sorted(self.model["operations"]):
            op = self.model["operations"][op_name]
            module_name = self.sdk.operations.get(norm(op_name))
            if module_name is None:
                self.skipped.append((op_name, "not in " + crate_name))
                continue
            if self.has_event_stream(op):
                self.skipped.append((op_name, "an event stream"))
                continue
            self.operations.append((op_name, op, module_name))
        self.core = self.core_operations(calls)
        self.io_fields = {}
        for op_name, op, module in self.operations:
            for key, suffix in (("input", "Input"), ("output", "Output")):
                if key in op:
                    self.io_fields[op[key]["shape"]] = self.sdk.io(module, suffix)[1]

    def core_operations(self, calls):
        """The names of the operations in the default build (CORE_EC2_READS above)."""
        by_function = {xform_name(op_name): op_name for op_name, _, _ in self.operations}
        core = {op_name for op_name, op, _ in self.operations
                if self.module != "ec2" and op_name.startswith(CORE_READ_VERBS)}
        core.update(op for op in CORE_EC2_READS if self.module == "ec2")
        for module, function in calls:
            if module != self.module:
                continue
            if function in by_function:
                core.add(by_function[function])
            elif function.startswith("wait_"):
                continue  # a waiter: its operations are core below
            else:
                raise SystemExit(f"{module}::{function} is called in {'/, '.join(CORE_SOURCES)}/ "
                                 "and is no operation")
        for name, (waiter, _) in self.waiters.items():
            core.add(waiter["operation"])
            read = PROGRESS_READS.get((self.module, name))
            if read:
                core.add(read[0])
        unknown = core - {op_name for op_name, _, _ in self.operations}
        if unknown:
            raise SystemExit(f"{self.module}: core operations not bound: {sorted(unknown)}")
        return core

    def has_event_stream(self, op):
        for key in ("input", "output"):
            shape = op.get(key, {}).get("shape")
            for member in self.shapes.get(shape, {}).get("members", {}).values():
                if self.shapes[member["shape"]].get("eventstream"):
                    return True
        return False

    # The input member the model marks as an idempotency token, if the crate has it.
    def idempotency_token(self, shape, fields):
        members = self.shapes[shape].get("members", {})
        have = {norm(f.removeprefix("r#")) for f in fields}
        return next((m for m, d in members.items()
                     if d.get("idempotencyToken") and norm(m) in have), None)

    def required(self, shape):
        s = self.shapes[shape]
        return [m for m in s.get("required", [])
                if not s["members"].get(m, {}).get("idempotencyToken")]

    # The shapes reachable from the inputs (read) and the outputs (written), through the
    # members the crate has (botocore may be newer than the crate).
    def reach(self, roots):
        seen, stack = set(), list(roots)
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            s = self.shapes[name]
            if s["type"] == "structure":
                fields = self.fields_of(name)
                if fields is None:
                    continue
                for _, _, _, member, _ in self.members(name, fields):
                    stack.append(s["members"][member]["shape"])
            for k in ("member", "key", "value"):
                if k in s:
                    stack.append(s[k]["shape"])
        return seen

    def fields_of(self, shape):
        """The crate's fields of a structure (an operation's input or output, or a type)."""
        if shape in self.io_fields:
            return self.io_fields[shape]
        found = self.sdk.types.get(norm(shape))
        if found is None:
            return None
        return found[2] if found[1] == "struct" else [v for v in found[2]]

    def rust_type(self, shape):
        found = self.sdk.types.get(norm(shape))
        if found is None:
            raise SystemExit(f"{self.crate_name}: no type for shape {shape}")
        return found

    def members(self, shape, fields):
        """(index, rust field, setter, member name, adapter) of the members both the model
        and the crate have."""
        by_norm = {norm(f.removeprefix("r#")): f for f in fields}
        out = []
        for name, member in self.shapes[shape].get("members", {}).items():
            field = by_norm.get(norm(name))
            if field is None:
                continue
            adapter = "UrlEncodedJson" if (self.module, member["shape"]) in URL_ENCODED else None
            out.append((len(out), field, "set_" + field.removeprefix("r#"), name, adapter))
        return out

    def render(self):
        lines = [
            f"//! @generated by scripts/gen-aws from botocore {botocore.__version__} "
            f"({self.model['metadata']['serviceId']} {self.model_version}) and "
            f"{self.crate_name} {self.crate_version}: do not edit.",
            f"//! {len(self.operations)} operations"
            + (", left out: " + ", ".join(f"{o} ({why})" for o, why in self.skipped)
               if self.skipped else "") + ".",
            "",
            "// Deprecated operations and members stay callable, as they are in boto3.",
            "#![allow(deprecated)]",
            "",
            f"use {self.krate} as sdk;",
            "",
            "use crate::schema::Rules;",
            "#[allow(unused_imports)]",
            "use crate::path::{Comparison, Expr, Literal};",
            "#[allow(unused_imports)]",
            "use crate::waiter::{Acceptor, Matcher, PathKind, ProgressRead, State, Waiter};",
            "",
        ]
        inputs = [op["input"]["shape"] for _, op, _ in self.operations if "input" in op]
        outputs = [op["output"]["shape"] for _, op, _ in self.operations if "output" in op]
        read, write = self.reach(inputs), self.reach(outputs)
        for op_name, op, module in self.operations:
            for key, suffix in (("input", "Input"), ("output", "Output")):
                rust, fields, _ = self.sdk.io(module, suffix)
                path = f"sdk::operation::{module}::{rust}"
                shape = op.get(key, {}).get("shape")
                lines += self.io_glue(path, shape, fields, key)
        if not self.sdk.schemas:
            io = set(inputs) | set(outputs)
            for shape in sorted(read | write):
                s = self.shapes[shape]
                if s["type"] != "structure" and not s.get("enum"):
                    continue
                if shape in io and norm(shape) not in self.sdk.types:
                    continue  # only an operation's input or output: done above
                lines += self.type_glue(shape, shape in read, shape in write)
        lines += self.nested(read)
        lines += self.member_tree(read)
        lines += self.bindings()
        lines += self.render_waiters()
        return "\n".join(lines) + "\n"

    def mode(self, readable, writable):
        return "both" if readable and writable else "read" if readable else "write"

    def io_glue(self, path, shape, fields, key):
        if self.sdk.schemas:
            return [f"crate::schema_{key}!({path});"]
        name = shape or path.rsplit("::", 1)[1]
        members = self.members(shape, fields) if shape else []
        return self.structure(path, name, members, "read" if key == "input" else "write")

    def structure(self, path, name, members, mode, union=False):
        macro = "union" if union else "structure"
        out = [f"crate::{macro}!(@{mode} {path} = {lit(self.ns)} # {lit(name)} [{len(members)}] {{"]
        for i, field, setter, member, adapter in members:
            if union:
                out.append(f"    {i} {field} {lit(member)};")
            else:
                extra = f" as {adapter}" if adapter else ""
                out.append(f"    {i} {field} {setter} {lit(member)}{extra};")
        out.append("});")
        return out

    def type_glue(self, shape, readable, writable):
        s = self.shapes[shape]
        rust, kind, detail = self.rust_type(shape)
        path = f"sdk::types::{rust}"
        mode = self.mode(readable, writable)
        if kind == "enum":
            values = ", ".join(lit(v) for v in detail)
            return [f"crate::enumeration!(@{mode} {path} [{values}]);"]
        if kind == "union":
            by_norm = {norm(v): v for v in detail}
            members = []
            for name in s["members"]:
                variant = by_norm.get(norm(name))
                if variant:
                    members.append((len(members), variant, None, name, None))
            return self.structure(path, shape, members, mode, union=True)
        return self.structure(path, shape, self.members(shape, detail), mode)

    def nested(self, read):
        out = ["", "/// What the models ask of the inputs' shapes beyond their Rust types.",
               "pub const RULES: Rules = Rules {", "    required: &["]
        inputs = {op["input"]["shape"]: op_name for op_name, op, _ in self.operations
                  if "input" in op}
        for shape in sorted(read):
            s = self.shapes[shape]
            if s["type"] == "structure" and self.required(shape) and shape not in inputs:
                out.append(f"        ({lit(shape)}, &[{', '.join(lit(m) for m in self.required(shape))}]),")
        out += ["    ],", "    enums: &["]
        # The SDK's own enums take any string in the schema crates: the Reader checks them
        # by the member's shape (smithy names an operation's input `<Operation>Input`).
        if self.sdk.schemas:
            for shape in sorted(read):
                s = self.shapes[shape]
                if s["type"] != "structure":
                    continue
                name = inputs[shape] + "Input" if shape in inputs else shape
                fields = self.fields_of(shape) or []
                for _, _, _, member, _ in self.members(shape, fields):
                    values = self.enum_of(s["members"][member]["shape"])
                    if values:
                        out.append(f"        ({lit(name)}, {lit(member)}, &[{', '.join(lit(v) for v in values)}]),")
        out += ["    ],", "};"]
        return out

    def leads_to(self, shape):
        """The structure a member of this shape holds, through lists and maps; None."""
        s = self.shapes[shape]
        if s["type"] == "structure":
            return shape if self.fields_of(shape) is not None else None
        element = next((s[k]["shape"] for k in ("member", "value") if k in s), None)
        return self.leads_to(element) if element else None

    def member_tree(self, read):
        inputs = [(xform_name(op_name), op["input"]["shape"])
                  for op_name, op, _ in self.operations if "input" in op]
        out = ["", "/// The inputs' structures below the top level, for the REPL's completion: each",
               "/// one's members with the structure each leads to (through lists and maps), or \"\".",
               "pub const SHAPES: &[(&str, &[(&str, &str)])] = &["]
        for shape in sorted(read):
            if self.shapes[shape]["type"] != "structure":
                continue
            fields = self.fields_of(shape)
            if fields is None:
                continue
            members = [(m, self.leads_to(self.shapes[shape]["members"][m]["shape"]) or "")
                       for _, _, _, m, _ in self.members(shape, fields)]
            pairs = ", ".join(f"({lit(m)}, {lit(t)})" for m, t in members)
            out.append(f"    ({lit(shape)}, &[{pairs}]),")
        out += ["];", "", "/// Each binding's input shape in SHAPES.",
                "pub const INPUTS: &[(&str, &str)] = &["]
        out += [f"    ({lit(f)}, {lit(shape)})," for f, shape in sorted(inputs)]
        out += ["];"]
        return out

    def enum_of(self, shape):
        """The values of an enum shape, or of the enum a list's elements or a map's values
        are."""
        s = self.shapes[shape]
        if not s.get("enum"):
            element = next((s[k]["shape"] for k in ("member", "value") if k in s), None)
            return self.enum_of(element) if element and "enum" in self.shapes[element] else None
        # The model and the crate may each know a value the other does not yet: both pass.
        crate = self.sdk.types.get(norm(shape))
        extra = [v for v in crate[2] if v not in s["enum"]] if crate and crate[1] == "enum" else []
        return s["enum"] + extra

    def bindings(self):
        out = ["", "crate::bindings! {", f"    {self.module}, {self.krate}, &RULES,"]
        for op_name, op, module in self.operations:
            rust_in, in_fields, _ = self.sdk.io(module, "Input")
            setters = " ".join(f"{f} set_{f.removeprefix('r#')}" for f in in_fields)
            rust_out, _, text = self.sdk.io(module, "Output")
            shape = op.get("input", {}).get("shape")
            required = ", ".join(lit(m) for m in self.required(shape)) if shape else ""
            flags = ["core"] if op_name in self.core else []
            if read_only(op_name, op):
                flags.append("read_only")
            token = self.idempotency_token(shape, in_fields) if shape else None
            if token:
                flags.append(f"token({lit(token)})")
            page = self.paginators.get(op_name)
            if page and isinstance(page.get("input_token"), str):
                results = page.get("result_key", [])
                results = [results] if isinstance(results, str) else results
                more = page.get("more_results")
                more = f"Some({lit(more)})" if more else "None"
                flags.append(
                    f"pages({lit(page['input_token'])}, {lit(page['output_token'])}, "
                    f"[{', '.join(lit(r) for r in results)}], {more})")
            stream = re.search(r"^    pub (\w+): ::aws_smithy_types::byte_stream::ByteStream,", text, re.M)
            if stream:
                out_shape = op.get("output", {}).get("shape")
                member = next(m for m in self.shapes[out_shape]["members"]
                              if norm(m) == norm(stream.group(1)))
                flags.append(f"body({stream.group(1)} {lit(member)})")
            flag_text = (" " + " ".join(flags)) if flags else ""
            out.append(f"    {xform_name(op_name)} {module} {rust_in} {rust_out} {{{setters}}} "
                       f"[{required}]{flag_text} {lit(doc_line(op.get('documentation')))};")
        out.append("}")
        return out

    def render_waiters(self):
        functions = {op_name: xform_name(op_name) for op_name, _, _ in self.operations}
        out = ["", "/// The waiters of the model (and those written by hand for it, in gen-aws).",
               "pub const WAITERS: &[Waiter] = &["]
        for name in sorted(self.waiters):
            waiter, by_hand = self.waiters[name]
            if waiter["operation"] not in functions:
                raise SystemExit(f"{self.module}: waiter {name} polls {waiter['operation']}, "
                                 "which is not bound")
            acceptors = EXTRA_ACCEPTORS.get((self.module, name), []) + waiter["acceptors"]
            out += [
                "    Waiter {",
                f"        service: {lit(self.module)},",
                f"        name: {lit(name)},",
                f"        function: {lit('wait_' + xform_name(name))},",
                f"        operation: {lit(functions[waiter['operation']])},",
                f"        delay: {waiter['delay']},",
                f"        max_attempts: {waiter['maxAttempts']},",
                f"        by_hand: {'true' if by_hand else 'false'},",
                "        acceptors: &[",
            ]
            out += [f"            {acceptor_rust(self.module, name, a)}," for a in acceptors]
            out += ["        ],", "        progress: &["]
            out += [f"            ({lit(label)}, &{expr_rust(jmespath.compile(path).parsed)}),"
                    for label, path in PROGRESS.get((self.module, name), [])]
            out += ["        ],"]
            read = PROGRESS_READS.get((self.module, name))
            if read is None:
                out.append("        progress_read: None,")
            else:
                operation, passed, shown = read
                out += [
                    "        progress_read: Some(&ProgressRead {",
                    f"            operation: {lit(functions[operation])},",
                    "            input: &[" + ", ".join(f"({lit(to)}, {lit(of)})"
                                              for to, of in passed.items()) + "],",
                    "            shown: &[",
                    *(f"                ({lit(label)}, &{expr_rust(jmespath.compile(path).parsed)}),"
                      for label, path in shown),
                    "            ],",
                    "        }),",
                ]
            out.append("    },")
        out.append("];")
        return out


STATES = {"success": "Success", "failure": "Failure", "retry": "Retry"}
PATHS = {"path": "One", "pathAll": "All", "pathAny": "Any"}
COMPARISONS = {"eq": "Eq", "ne": "Ne", "lt": "Lt", "lte": "Le", "gt": "Gt", "gte": "Ge"}


def literal_rust(value):
    if value is None:
        return "Literal::Null"
    if isinstance(value, bool):
        return f"Literal::Bool({'true' if value else 'false'})"
    if isinstance(value, int):
        return f"Literal::Int({value})"
    if isinstance(value, str):
        return f"Literal::Str({lit(value)})"
    raise ValueError(f"no literal for {value!r}")


def expr_rust(node):
    """A jmespath parse tree as an `aws::path::Expr`; other node kinds stop the generator."""
    kind, children = node["type"], [c for c in node.get("children", []) if isinstance(c, dict)]
    args = [expr_rust(c) for c in children]
    if kind == "identity" or kind == "current":
        return "Expr::Identity"
    if kind == "field":
        return f"Expr::Field({lit(node['value'])})"
    if kind == "literal":
        return f"Expr::Literal({literal_rust(node['value'])})"
    if kind == "function_expression" and node["value"] == "length" and len(args) == 1:
        return f"Expr::Length(&{args[0]})"
    if kind == "comparator":
        return f"Expr::Compare(Comparison::{COMPARISONS[node['value']]}, &{args[0]}, &{args[1]})"
    simple = {"subexpression": "Sub", "projection": "Projection", "flatten": "Flatten",
              "filter_projection": "Filter", "not_expression": "Not",
              "and_expression": "And", "or_expression": "Or"}
    if kind in simple:
        return f"Expr::{simple[kind]}({', '.join('&' + a for a in args)})"
    raise ValueError(f"JMESPath {kind} is not in aws/src/path.rs")


def acceptor_rust(module, waiter, acceptor):
    state = STATES[acceptor["state"]]
    matcher, expected = acceptor["matcher"], acceptor["expected"]
    try:
        if matcher in PATHS:
            argument = acceptor["argument"]
            expr = expr_rust(jmespath.compile(argument).parsed)
            m = (f"Matcher::Path {{ kind: PathKind::{PATHS[matcher]}, argument: {lit(argument)}, "
                 f"expr: &{expr}, expected: {literal_rust(expected)} }}")
        elif matcher == "status":
            m = f"Matcher::Status({int(expected)})"
        elif matcher == "error" and isinstance(expected, str):
            m = f"Matcher::Error({lit(expected)})"
        else:
            raise ValueError(f"matcher {matcher} with {expected!r}")
    except ValueError as e:
        raise SystemExit(f"{module}: waiter {waiter}: {e}")
    return f"Acceptor {{ state: State::{state}, matcher: {m} }}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="fail when aws/src/services/ is not what this would write")
    args = parser.parse_args()
    sources = crate_sources()
    calls = core_calls()
    files = {}
    left_out = {}
    for module, name, crate in SERVICES:
        version, src = sources[crate]
        service = Service(module, name, crate, version, src, calls)
        files[module + ".rs"] = service.render()
        left_out[module] = sorted(xform_name(op_name) for op_name, _, _ in service.operations
                                  if op_name not in service.core)
    mods = ["//! @generated by scripts/gen-aws: one file per service. Do not edit.", ""]
    mods += [f"pub mod {m};" for m, _, _ in SERVICES]
    mods += ["", "/// The Rhai module names, in the order `runbook functions` lists them.",
             f"pub const SERVICES: [&str; {len(SERVICES)}] = ["]
    mods += [f"    {lit(m)}," for m, _, _ in SERVICES]
    mods += ["];", "", "/// Every binding of every service.",
             "pub fn all() -> Vec<crate::binding::Binding> {", "    let mut all = Vec::new();"]
    mods += [f"    all.extend({m}::bindings());" for m, _, _ in SERVICES]
    mods += ["    all", "}", "", "/// The bindings of one service (none for a name that is not one).",
             "pub fn of(service: &str) -> Vec<crate::binding::Binding> {",
             "    match service {"]
    mods += [f"        {lit(m)} => {m}::bindings()," for m, _, _ in SERVICES]
    mods += ["        _ => Vec::new(),", "    }", "}"]
    mods += ["", "/// A service's SHAPES and INPUTS tables.",
             "pub fn member_tree(service: &str) -> Option<(Shapes, Inputs)> {",
             "    match service {"]
    mods += [f"        {lit(m)} => Some(({m}::SHAPES, {m}::INPUTS))," for m, _, _ in SERVICES]
    mods += ["        _ => None,", "    }", "}", "",
             "pub type Shapes = &'static [(&'static str, &'static [(&'static str, &'static str)])];",
             "pub type Inputs = &'static [(&'static str, &'static str)];"]
    mods += ["", "/// Every waiter of every service.",
             "pub fn waiters() -> impl Iterator<Item = &'static crate::waiter::Waiter> {",
             "    [" + ", ".join(f"{m}::WAITERS" for m, _, _ in SERVICES) + "]",
             "        .into_iter()", "        .flatten()", "}"]
    mods += ["", "/// Whether `service::function` is an operation of the models this build leaves out: the",
             "/// default build binds the core operations (scripts/gen_aws.py says which), the feature",
             "/// `all-operations` every one.",
             "pub fn left_out(service: &str, function: &str) -> bool {",
             "    !cfg!(feature = \"all-operations\")",
             "        && LEFT_OUT",
             "            .iter()",
             "            .any(|(s, functions)| *s == service && functions.contains(&function))",
             "}", "",
             "const LEFT_OUT: &[(&str, &[&str])] = &["]
    mods += [f"    ({lit(m)}, &[{', '.join(lit(f) for f in left_out[m])}]),"
             for m, _, _ in SERVICES]
    mods += ["];"]
    files["mod.rs"] = "\n".join(mods) + "\n"
    stale = []
    for name, text in files.items():
        path = os.path.join(OUT, name)
        current = open(path).read() if os.path.exists(path) else None
        if current != text:
            stale.append(name)
            if not args.check:
                os.makedirs(OUT, exist_ok=True)
                open(path, "w").write(text)
    if args.check and stale:
        print(f"gen-aws: aws/src/services/ is not current ({', '.join(stale)}): "
              "run scripts/gen-aws", file=sys.stderr)
        return 1
    print(f"gen-aws: {len(files) - len(stale)} current, {len(stale)} "
          f"{'stale' if args.check else 'written'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
