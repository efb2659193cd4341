#!/usr/bin/env python3
"""Chaos bench: runbooks/setup.rhai killed at a random moment and resumed, N times, each on
a fresh local AWS; how often it ends exactly as an uninterrupted run, and destroys cleanly.

    .local-aws/venv/bin/python bench/chaos.py -n 100            # kills only
    .local-aws/venv/bin/python bench/chaos.py -n 100 --faults   # kills + AWS misbehaviour
    python3 bench/chaos.py -n 3 --seed 1 -v                     # re-execs with the venv

The goals are `-n 100` and `-n 100 --faults` with every run clean; CI runs a small N.
Needs the rig (`scripts/local-aws install`) and a built binary (`--bin`, default
`$CARGO_TARGET_DIR/debug/runbook`, else `~/.cache/runbook-target/debug/runbook`; the
bench runs a private hard link (or copy) of it, so that a rebuild during the bench does
not mix binaries).
Everything runs on 127.0.0.1.

What it does:
- A reference: one uninterrupted `runbook --json exec runbooks/setup.rhai` on a fresh
  emulator, without faults: its wall time T and the account's shape
  (tests/rig/account_state.py `shape`, read from moto and the stand-in directly).
- Then each run on its own fresh emulator (tests/rig/local_aws.py: new ports, its state in
  a new temp dir) with a VPC, subnet and security group made with boto3: exec, SIGKILL at
  a uniformly random moment in (0, 1.2 T), then `resume` until it exits 0 (at most 5
  resumes; a resume that exits 1 is resumed again, any other failure stops), then
  `status --json` must say done, the shape must equal the reference's, `destroy` must exit
  0 (retried up to 3 more times while it exits 1) and nothing of the seed may be left
  (account_state `left` is `{}`). Anything else makes the run unclean, and the script
  says why: the shape diff, the exit codes and the last 20 lines of the stderr of the
  command that failed (the unclean run's directory, with every command's stdout and
  stderr and the rig's log, is kept and named). A kill in exec's first few tens of ms,
  before the run was recorded, leaves nothing to resume: exec then runs again, unkilled,
  and the run id it prints is used (a kill that left a run directory without its
  metadata makes that `setup-2`).
- With --faults, runbook's calls (not the bench's own reads) go through the rig's fault
  proxy with the propagation rules and the weather of tests/faults.rs (written out below)
  for the whole run, kill, resumes and destroy included; AWS_MAX_ATTEMPTS is then 6.
  A run under faults takes 10-20 times as long, so the kill window then comes from a
  second, faulted reference (whose shape must equal the first one's).
- A run's time is from spawning exec to the exit of the command that finished it (the
  last resume, or exec itself when it finished before its kill moment); destroy's time is
  shown apart. The step a kill landed in is the last `step_started` event exec printed.
- The summary: k/N clean, median and max run time, kills per step and, with --faults, the
  `aws_retry` events (runbook's own retries of IAM propagation errors; the SDK's retries of
  throttling and 5xx print no event) and the slowest one (waited_ms + delay_ms), plus the
  faults the proxy injected. The exit status is 0 only when every run was clean.

--seed S makes the kill moments (as fractions of 1.2 T) and the proxy's seeds repeat;
without it a seed is drawn and printed. -v prints every command and its exit.
"""

import argparse
import json
import os
import random
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".local-aws", "venv")
VENV_PYTHON = os.path.join(VENV, "bin", "python")
RIG = os.path.join(ROOT, "tests", "rig")
REGION = "ap-northeast-1"
RUN_ID = "setup-1"
MAX_RESUMES = 5
MAX_DESTROY_RETRIES = 3


def ensure_venv():
    """Re-execs this script with the rig's python (it has boto3) when started with another."""
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    if not os.path.exists(VENV_PYTHON):
        sys.exit(f"chaos: the rig is not installed ({VENV_PYTHON} is missing): "
                 "run scripts/local-aws install")
    os.execv(VENV_PYTHON, [VENV_PYTHON, os.path.abspath(__file__), *sys.argv[1:]])


ensure_venv()
sys.dont_write_bytecode = True  # no __pycache__ in tests/rig
sys.path.insert(0, RIG)
import account_state  # noqa: E402


# -- The fault proxy's rules: tests/faults.rs propagation_rules() and weather() ----------

def _propagation(service, operation, code, message, mentioned):
    return {"service": service, "operation": operation, "fault": "error", "status": 400,
            "code": code, "message": message, "propagation": 120, "mentioned": mentioned,
            "times": 2}


PROPAGATION_RULES = [
    _propagation("ecr", "SetRepositoryPolicy", "InvalidParameterException",
                 "Invalid parameter at 'PolicyText' failed to satisfy constraint: "
                 "'Principal not found'", True),
    _propagation("codebuild", "CreateProject", "InvalidInputException",
                 "CodeBuild is not authorized to perform: sts:AssumeRole on "
                 "arn:aws:iam::123456789012:role/service-role/"
                 "codebuild-example_2022_1126-service-role", True),
    _propagation("codepipeline", "CreatePipeline", "InvalidStructureException",
                 "CodePipeline is not authorized to perform AssumeRole on role "
                 "arn:aws:iam::123456789012:role/service-role/"
                 "AWSCodePipelineServiceRole-ap-northeast-1-example_2022_1126", True),
    _propagation("events", "PutTargets", "ValidationException",
                 "Role arn:aws:iam::123456789012:role/service-role/cwe-role cannot be "
                 "assumed by principal events.amazonaws.com", True),
    _propagation("ecs", "RegisterTaskDefinition", "ClientException", "Role is not valid", True),
    _propagation("ecs", "CreateService", "InvalidParameterException",
                 "Unable to assume the service linked role. Please verify that the ECS "
                 "service linked role exists.", False),
]


def _throttle(service, status, code):
    return {"service": service, "fault": "error", "status": status, "code": code,
            "message": "Rate exceeded", "probability": 0.1}


# Throttling (as each protocol spells it) on one request in ten, 5xx answers on one in
# twenty, and one connection in thirty reset before the request reached the service.
WEATHER_RULES = [
    _throttle("iam", 400, "Throttling"),
    _throttle("sts", 400, "Throttling"),
    _throttle("s3", 503, "SlowDown"),
    *[_throttle(service, 400, "ThrottlingException")
      for service in ["codebuild", "codecommit", "codepipeline", "ecr", "ecs", "events", "logs"]],
    {"fault": "error", "status": 503, "probability": 0.03},
    {"fault": "error", "status": 500, "probability": 0.02},
    {"fault": "reset", "probability": 0.03},
]

FAULT_RULES = PROPAGATION_RULES + WEATHER_RULES


# -- Processes ------------------------------------------------------------------------------

LIVE = set()  # every child still running, for the cleanup on any exit
VERBOSE = False


def log(line):
    if VERBOSE:
        print(f"  | {line}", flush=True)


try:  # resolved before any fork: the child only calls it
    import ctypes
    _PRCTL = ctypes.CDLL(None, use_errno=True).prctl
except Exception:
    _PRCTL = None


def _die_with_parent():
    """In the child before exec: SIGKILL when the bench dies, however it dies (Linux)."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _stop(proc, grace=5.0):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    LIVE.discard(proc)


def cleanup():
    for proc in list(LIVE):
        try:
            if proc.stdin:
                proc.stdin.close()
        except OSError:
            pass
        try:
            proc.kill()
            proc.wait(5)
        except Exception:
            pass
        LIVE.discard(proc)


class Emulator:
    """tests/rig/local_aws.py on free ports, its temp files under `dir`; stdin kept open."""

    def __init__(self, dir):
        self.dir = dir
        ready = os.path.join(dir, "ready.json")
        env = dict(os.environ, AWS_REGION=REGION, AWS_DEFAULT_REGION=REGION, TMPDIR=dir)
        self.log_path = os.path.join(dir, "rig.log")
        with open(self.log_path, "wb") as out:
            self.proc = subprocess.Popen(
                [VENV_PYTHON, os.path.join(RIG, "local_aws.py"), "--moto-port", "0",
                 "--codecommit-port", "0", "--proxy-port", "0", "--ready-file", ready,
                 "--exit-on-stdin-eof"],
                cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)  # a Ctrl-C reaches the bench only; it stops the rig
        LIVE.add(self.proc)
        deadline = time.monotonic() + 60
        while not os.path.exists(ready):
            if self.proc.poll() is not None:
                raise RuntimeError(f"the local AWS exited at start-up "
                                   f"({self.proc.returncode}):\n{tail(self.log_path)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the local AWS did not start in 60 s:\n{tail(self.log_path)}")
            time.sleep(0.02)
        with open(ready) as f:
            ports = json.load(f)
        self.moto = f"http://127.0.0.1:{ports['moto']}"
        self.codecommit = f"http://127.0.0.1:{ports['codecommit']}"
        self.proxy = f"http://127.0.0.1:{ports['proxy']}" if "proxy" in ports else None
        self.client = account_state.clients(self.moto, self.codecommit)
        log(f"local AWS: moto {self.moto}, stand-in {self.codecommit}, proxy {self.proxy}")

    def control(self, method, path, payload=None):
        """A call to the proxy's control API; its JSON answer."""
        data = None if payload is None else json.dumps(payload).encode()
        req = urllib.request.Request(self.proxy + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read() or b"null")

    def close(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass
        _stop(self.proc)


def vpc(client):
    """A VPC with a subnet and a security group, as tests/emulator.rs vpc() makes them."""
    ec2 = client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="web", Description="web",
                                      VpcId=vpc_id)["GroupId"]
    return subnet, group


def tail(path, n=20):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:]).rstrip("\n")
    except OSError:
        return "(no output)"


class Ran:
    """One runbook command: its exit code (-9 when the bench killed it), events and files."""

    def __init__(self, args, code, events, wall, killed, timed_out, out, err):
        self.args, self.code, self.events, self.wall = args, code, events, wall
        self.killed, self.timed_out, self.out, self.err = killed, timed_out, out, err

    def of(self, kind):
        return [e for e in self.events if e.get("event") == kind]

    def last_step(self):
        started = self.of("step_started")
        return started[-1].get("step") if started else None

    def run_id(self):
        for event in self.events:
            if event.get("run"):
                return event["run"]
        return None

    def stdout(self):
        with open(self.out, errors="replace") as f:
            return f.read()

    def stderr_tail(self):
        return tail(self.err)


class Runbook:
    """The binary with the environment of one run (tests/emulator.rs aws_test)."""

    def __init__(self, bin, dir, emulator, faults):
        self.bin, self.dir, self.count = bin, dir, 0
        endpoint = emulator.proxy if faults else emulator.moto
        endpoint_cc = emulator.proxy if faults else emulator.codecommit
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("AWS_", "RUNBOOK_"))}
        env.update({
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ENDPOINT_URL_CODECOMMIT": endpoint_cc,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing-secret-key",
            "AWS_REGION": REGION,
            "AWS_MAX_ATTEMPTS": "6" if faults else "1",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "RUNBOOK_READ_TIMEOUT": "2",
            "RUNBOOK_STATE_DIR": os.path.join(dir, "state"),
        })
        self.env = env

    def run(self, args, kill_after=None, timeout=600.0):
        """Runs `runbook ARGS`, SIGKILLing it `kill_after` seconds after the spawn (if it is
        still running then) or after `timeout`; reads its NDJSON events as they come."""
        self.count += 1
        name = f"{self.count:02d}-{args[1] if args[0] == '--json' else args[0]}"
        out_path = os.path.join(self.dir, name + ".out")
        err_path = os.path.join(self.dir, name + ".err")
        log(f"runbook {' '.join(args)}" + (f"   (kill at {kill_after:.2f} s)" if kill_after else ""))
        with open(err_path, "wb") as err, open(out_path, "wb") as out:
            started = time.monotonic()
            proc = subprocess.Popen([self.bin, *args], cwd=ROOT, env=self.env,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=err, preexec_fn=_die_with_parent)
            LIVE.add(proc)
            events, buf = [], b""
            killed = timed_out = False
            kill_at = started + kill_after if kill_after is not None else None
            give_up = started + timeout
            fd = proc.stdout.fileno()
            eof_deadline = None
            while True:
                now = time.monotonic()
                if not killed and (kill_at is not None and now >= kill_at or now >= give_up):
                    timed_out = kill_at is None or now < kill_at
                    proc.kill()
                    killed = True
                    eof_deadline = now + 10
                if eof_deadline is not None and now >= eof_deadline:
                    break  # something else holds the pipe: stop reading
                if killed:
                    waits = [eof_deadline - now]
                else:
                    waits = [t - now for t in (kill_at, give_up) if t is not None]
                ready, _, _ = select.select([fd], [], [], max(0.0, min(waits)))
                if not ready:
                    continue
                data = os.read(fd, 65536)
                if not data:
                    break
                out.write(data)
                buf += data
                *lines, buf = buf.split(b"\n")
                for line in lines:
                    try:
                        event = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(event, dict):
                        event["_t"] = time.monotonic() - started
                        events.append(event)
            proc.stdout.close()
            code = proc.wait()
            wall = time.monotonic() - started
            LIVE.discard(proc)
        if killed and code >= 0:
            killed = False  # it exited on its own just before the kill landed
        log(f"  exit {code} after {wall:.2f} s" + (" (timed out)" if timed_out else ""))
        slow = [f"{e.get('step')} {e.get('duration_ms', 0) / 1000:.1f} s" for e in events
                if e.get("event") == "step_completed" and e.get("duration_ms", 0) >= 2000]
        if slow:
            log("  slow steps: " + ", ".join(slow))
        return Ran(args, code, events, wall, killed, timed_out, out_path, err_path)


# -- One run ------------------------------------------------------------------------------

SETUP = ["exec", "runbooks/setup.rhai"]


def private_binary(path, work):
    """One binary for the whole bench, whatever cargo does meanwhile: a hard link (or a
    copy) in `work` keeps this build's file (cargo and the linker replace the file, they do
    not rewrite it)."""
    bin = os.path.join(work, "runbook")
    try:
        os.link(path, bin)
    except OSError:
        shutil.copy2(path, bin)
    return bin


def setup_args(subnet, group):
    return ["--json", *SETUP, "--param", f"subnets={subnet}", "--param",
            f"security_groups={group}", "--param", "stand_in_push=true"]


def shape_diff(expected, got):
    lines = []
    for key in sorted(set(expected) | set(got)):
        a, b = expected.get(key, "(missing)"), got.get(key, "(missing)")
        if a != b:
            lines.append(f"    {key}: expected {json.dumps(a, default=str)}, "
                         f"got {json.dumps(b, default=str)}")
    return "\n".join(lines)


def reference(bin, work, faults=False, seed=0):
    """One uninterrupted setup: its wall time, the account's shape and its steps. With
    faults, through the proxy (for the kill window of faulted runs, which are far slower)."""
    dir = tempfile.mkdtemp(prefix="reference-", dir=work)
    emulator = Emulator(dir)
    try:
        subnet, group = vpc(emulator.client)
        if faults:
            emulator.control("POST", "/fault-proxy/rules", {"rules": FAULT_RULES, "seed": seed})
        runbook = Runbook(bin, dir, emulator, faults=faults)
        ran = runbook.run(setup_args(subnet, group))
        if ran.code != 0:
            raise RuntimeError(f"the reference setup exited {ran.code}:\n{ran.stderr_tail()}")
        steps = [e.get("step") for e in ran.of("step_completed")]
        return ran.wall, account_state.shape(emulator.client), steps
    finally:
        emulator.close()


class Result:
    def __init__(self, i):
        self.i = i
        self.clean = False
        self.reasons = []
        self.details = []
        self.codes = []
        self.kill_step = None
        self.kill_at = None
        self.killed = False
        self.resumes = 0
        self.time = None
        self.destroy_time = None
        self.retries = []
        self.injected = Counter()
        self.dir = None
        self.reexec = None  # the new run's id when exec had to start again


def one_run(i, args, bin, work, ref_wall, ref_shape, rng):
    r = Result(i)
    r.dir = dir = tempfile.mkdtemp(prefix=f"run-{i}-", dir=work)
    fraction = rng.random()
    while fraction == 0.0:
        fraction = rng.random()
    r.kill_at = fraction * ref_wall * 1.2
    proxy_seed = rng.randrange(2 ** 31)
    timeout = max(300.0, 30 * ref_wall)
    emulator = Emulator(dir)
    ran_all = []
    try:
        subnet, group = vpc(emulator.client)
        if args.faults:
            if not emulator.proxy:
                raise RuntimeError("the rig started no fault proxy (no \"proxy\" in its ready file)")
            emulator.control("POST", "/fault-proxy/rules",
                             {"rules": FAULT_RULES, "seed": proxy_seed})
        runbook = Runbook(bin, dir, emulator, args.faults)
        started = time.monotonic()

        exec_ = runbook.run(setup_args(subnet, group), kill_after=r.kill_at, timeout=timeout)
        ran_all.append(exec_)
        r.codes.append(f"exec {'killed' if exec_.killed else exec_.code}")
        r.killed = exec_.killed
        r.kill_step = exec_.last_step() if exec_.killed else None
        last = exec_
        run_id = exec_.run_id() or RUN_ID
        if exec_.killed and not exec_.events and not run_known(runbook, RUN_ID):
            # Killed before the run was recorded: nothing to resume. Start it again, unkilled.
            last = runbook.run(setup_args(subnet, group), timeout=timeout)
            ran_all.append(last)
            r.codes.append(f"exec again {last.code}")
            run_id = last.run_id() or RUN_ID
            r.reexec = run_id
        if exec_.timed_out:
            r.reasons.append(f"exec did not finish in {timeout:.0f} s")
        # After the kill (or an exec that failed on its own) resume; after a resume that
        # exited 1 (a step failed: under faults, a fault the retries did not absorb) again.
        while (last is exec_ and last.code != 0 or last.code == 1) and r.resumes < MAX_RESUMES:
            last = runbook.run(["--json", "resume", run_id], timeout=timeout)
            ran_all.append(last)
            r.resumes += 1
            r.codes.append(f"resume {last.code}" + (" (timed out)" if last.timed_out else ""))
        r.time = time.monotonic() - started
        failed = None
        if last.code != 0:
            r.reasons.append(f"the last {'resume' if r.resumes else 'exec'} exited "
                             f"{'killed' if last.killed else last.code}"
                             + (" (timed out)" if last.timed_out else ""))
            failed = last

        status = runbook.run(["--json", "status", run_id], timeout=60)
        try:
            state = json.loads(status.stdout())
            said = state.get("status")
        except ValueError:
            state, said = None, f"(not JSON; exit {status.code})"
        if said != "done":
            r.reasons.append(f"status says {said!r}, not 'done'")
            if state:
                undone = [f"{s.get('name')}: {s.get('status')}" for s in state.get("steps", [])
                          if s.get("status") != "done"]
                if undone:
                    r.details.append("  steps not done: " + "; ".join(undone))
            failed = failed or status

        try:
            got = account_state.shape(emulator.client)
        except Exception as e:
            got = {"(error)": f"{type(e).__name__}: {e}"}
        if got != ref_shape:
            r.reasons.append("the shape differs from the reference")
            r.details.append("  shape diff:\n" + shape_diff(ref_shape, got))
            failed = failed or last

        destroy_started = time.monotonic()
        destroy = runbook.run(["--json", "destroy", run_id], timeout=timeout)
        ran_all.append(destroy)
        destroy_codes = [destroy.code]
        retries = 0
        while destroy.code == 1 and retries < MAX_DESTROY_RETRIES:
            destroy = runbook.run(["--json", "destroy", run_id], timeout=timeout)
            ran_all.append(destroy)
            destroy_codes.append(destroy.code)
            retries += 1
        r.destroy_time = time.monotonic() - destroy_started
        r.codes.extend(f"destroy {code}" for code in destroy_codes)
        if destroy.code != 0:
            r.reasons.append(f"destroy exited {destroy.code}"
                             + (f" after {retries} retries" if retries else ""))
            failed = failed or destroy
        try:
            leftovers = account_state.left(emulator.client)
        except Exception as e:
            leftovers = {"(error)": f"{type(e).__name__}: {e}"}
        if leftovers:
            r.reasons.append("destroy left something behind")
            r.details.append("  left: " + "; ".join(
                f"{kind}: {', '.join(names(items))}" for kind, items in leftovers.items()))

        for ran in ran_all:
            if "panicked" in open(ran.err, errors="replace").read():
                r.reasons.append(f"runbook panicked ({' '.join(ran.args[:3])})")
                failed = failed or ran
            r.retries.extend(ran.of("aws_retry"))
        if args.faults:
            try:
                for entry in emulator.control("GET", "/fault-proxy/log"):
                    if entry.get("fault"):
                        r.injected[entry["fault"]] += 1
            except Exception as e:
                r.details.append(f"  (the proxy's log could not be read: {e})")
        if r.reasons and failed is not None:
            r.details.append(f"  stderr of `runbook {' '.join(failed.args[:3])}` (last 20 lines):\n"
                             + indent(failed.stderr_tail()))
        elif r.reasons and ran_all:
            r.details.append(f"  stderr of `runbook {' '.join(ran_all[-1].args[:3])}` "
                             "(last 20 lines):\n" + indent(ran_all[-1].stderr_tail()))
        r.clean = not r.reasons
    except Exception as e:
        r.reasons.append(f"the bench failed: {type(e).__name__}: {e}")
        if ran_all:
            r.details.append("  stderr (last 20 lines):\n" + indent(ran_all[-1].stderr_tail()))
    finally:
        emulator.close()
    return r


def run_known(runbook, run_id):
    listed = runbook.run(["--json", "runs"], timeout=60)
    try:
        return any(run.get("run") == run_id for run in json.loads(listed.stdout()))
    except ValueError:
        return False


NAME_KEYS = ("RoleName", "repositoryName", "name", "Name", "logGroupName", "clusterName")


def names(items):
    """What `left` found, by name (its items are names, or boto3's descriptions)."""
    if not isinstance(items, list):
        return [str(items)]
    out = []
    for item in items:
        if isinstance(item, dict):
            item = next((item[k] for k in NAME_KEYS if k in item), item)
        out.append(str(item).rsplit("/", 1)[-1] if str(item).startswith("arn:") else str(item))
    return out


def indent(text, by="    "):
    return "\n".join(by + line for line in text.splitlines())


def describe(r):
    if r.killed:
        where = f'killed at {r.kill_at:.2f} s in step "{r.kill_step}"' if r.kill_step \
            else f"killed at {r.kill_at:.2f} s before the first step"
    else:
        where = f"not killed (exec ended before {r.kill_at:.2f} s)"
    if r.reexec:
        where += f", before the run was recorded: exec again (as {r.reexec})"
    resumes = f"{r.resumes} resume" + ("" if r.resumes == 1 else "s")
    verdict = "clean" if r.clean else "UNCLEAN"
    timing = f"{r.time:.1f} s" if r.time is not None else "-"
    if r.destroy_time is not None:
        timing += f", destroy {r.destroy_time:.1f} s"
    extra = ""
    expected = {"exec killed", "exec 0", "exec again 0", "resume 0", "destroy 0"}
    if not r.clean or any(c not in expected for c in r.codes):
        extra = "; exits: " + ", ".join(r.codes)
    if r.injected:
        extra += f"; injected {sum(r.injected.values())} faults, {len(r.retries)} aws_retry"
    return f"run {r.i}: {where}, {resumes}, {verdict} ({timing}){extra}"


def default_bin():
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.expanduser("~/.cache/runbook-target")
    return os.path.join(target, "debug", "runbook")


def main():
    global VERBOSE
    parser = argparse.ArgumentParser(
        description="setup.rhai killed at random moments and resumed, each run on a fresh "
                    "local AWS; exits 0 only when every run ends clean.")
    parser.add_argument("-n", type=int, default=10, help="runs (default 10)")
    parser.add_argument("--faults", action="store_true",
                        help="runbook's calls go through the fault proxy (IAM propagation "
                             "delays, throttling, 5xx, resets)")
    parser.add_argument("--bin", default=default_bin(), help=f"the binary (default {default_bin()})")
    parser.add_argument("--seed", help="makes the kill moments and proxy seeds repeat")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    VERBOSE = args.verbose
    if not os.path.isfile(args.bin):
        sys.exit(f"chaos: no binary at {args.bin} (build it, or give --bin)")
    seed = args.seed if args.seed is not None else str(random.SystemRandom().randrange(10 ** 6))
    rng = random.Random(f"chaos-{seed}")

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started ignoring it
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    work = tempfile.mkdtemp(prefix="runbook-chaos-")
    keep = []
    ref_steps = []
    results = []
    try:
        bin = private_binary(args.bin, work)
        stat = os.stat(args.bin)
        print(f"chaos: {args.n} runs{' with faults' if args.faults else ''}, seed {seed}, "
              f"binary {args.bin} (built {time.strftime('%H:%M:%S', time.localtime(stat.st_mtime))})",
              flush=True)
        # Read the (large, debug) binary into the page cache first, or the reference pays
        # for it alone and every kill window is too wide.
        subprocess.run([bin, "--version"], stdout=subprocess.DEVNULL, check=True)
        ref_wall, ref_shape, ref_steps = reference(bin, work)
        if args.faults:
            # The shape comes from the run without faults; the kill window from one with
            # them, so that kills land in every step and not only in the first ones.
            faulted_wall, faulted_shape, _ = reference(bin, work, True, rng.randrange(2 ** 31))
            if faulted_shape != ref_shape:
                raise RuntimeError("the reference run under faults left another shape:\n"
                                   + shape_diff(ref_shape, faulted_shape))
            ref_wall = faulted_wall
        print(f"reference: uninterrupted setup in {ref_wall:.2f} s, {len(ref_steps)} steps; "
              f"kills in (0, {ref_wall * 1.2:.2f} s)", flush=True)
        log("reference shape: " + json.dumps(ref_shape, sort_keys=True, default=str))
        for i in range(1, args.n + 1):
            r = one_run(i, args, bin, work, ref_wall, ref_shape, rng)
            results.append(r)
            print(describe(r), flush=True)
            if not r.clean:
                for reason in r.reasons:
                    print(f"  why: {reason}")
                for detail in r.details:
                    print(detail)
                keep.append(r.dir)
                print(f"  kept: {r.dir}", flush=True)
            else:
                shutil.rmtree(r.dir, ignore_errors=True)
    except KeyboardInterrupt:
        print("\nchaos: interrupted; stopping what it started", file=sys.stderr)
        cleanup()
        summary(results, args, ref_steps)
        return 130
    except RuntimeError as e:
        print(f"chaos: {e}", file=sys.stderr)
        return 1
    finally:
        cleanup()
        if keep:
            for name in os.listdir(work):
                path = os.path.join(work, name)
                if path not in keep:
                    shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) \
                        else os.remove(path)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return summary(results, args, ref_steps)


def summary(results, args, ref_steps):
    if not results:
        print(f"\n0/{args.n} clean: no run finished")
        return 1
    n = len(results)
    k = sum(r.clean for r in results)
    times = [r.time for r in results if r.time is not None]
    print(f"\n{k}/{n} clean" + ("" if n == args.n else f" (of {args.n} asked)"))
    if times:
        print(f"run time: median {statistics.median(times):.1f} s, max {max(times):.1f} s")
    destroys = [r.destroy_time for r in results if r.destroy_time is not None]
    if destroys:
        print(f"destroy time: median {statistics.median(destroys):.1f} s, "
              f"max {max(destroys):.1f} s")
    steps = Counter(r.kill_step if r.kill_step else
                    ("(before the first step)" if r.killed else "(not killed)")
                    for r in results)
    print("kills per step:")
    order = {step: i for i, step in enumerate(ref_steps)}
    for step, count in sorted(steps.items(), key=lambda kv: (order.get(kv[0], -1), kv[0])):
        print(f"  {count:4d}  {step}")
    resumes = Counter(r.resumes for r in results)
    print("resumes: " + ", ".join(f"{c} run{'s' if c != 1 else ''} with {m}"
                                  for m, c in sorted(resumes.items())))
    if args.faults:
        retries = [e for r in results for e in r.retries]
        print(f"aws_retry events: {len(retries)}")
        if retries:
            slow = max(retries, key=lambda e: (e.get("waited_ms") or 0) + (e.get("delay_ms") or 0))
            total = (slow.get("waited_ms") or 0) + (slow.get("delay_ms") or 0)
            print(f"slowest retry: {slow.get('service')} {slow.get('operation')} "
                  f"{total} ms (waited {slow.get('waited_ms')} ms + delay {slow.get('delay_ms')} ms, "
                  f"attempt {slow.get('attempt')}, {slow.get('code')})")
            by_op = Counter(f"{e.get('service')} {e.get('operation')}" for e in retries)
            print("  by operation: " + ", ".join(f"{op} {c}" for op, c in by_op.most_common()))
        injected = Counter()
        for r in results:
            injected.update(r.injected)
        print("faults injected by the proxy: "
              + (", ".join(f"{f} {c}" for f, c in injected.most_common()) or "none"))
    return 0 if k == args.n else 1


if __name__ == "__main__":
    sys.exit(main())
