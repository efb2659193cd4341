"""Speed bench: runbooks/setup.rhai against its boto3 peer (bench/seed_boto3.py) on the
local emulator, with the emulator's own time taken out, and the engine's fixed costs.

    .local-aws/venv/bin/python bench/speed.py [--bin PATH] [--runs N] [--build] [--json]

Needs the rig (`scripts/local-aws install`) and a built binary: `--bin`, default the
release build (`$CARGO_TARGET_DIR/release/runbook`, else
`~/.cache/runbook-target/release/runbook`); `--build` builds that first (bench/release.py).
The bench runs a private hard link (or copy) of the binary, so a rebuild meanwhile does not
mix binaries. Everything runs on 127.0.0.1; nothing is asserted.

Each repetition starts a fresh rig (tests/rig/local_aws.py, as bench/chaos.py does) for
each side, makes the ECS service's VPC, subnet and security group with boto3 straight to
moto and warms every service the seed uses with one read (moto builds a service's backend
on its first request, 40-80 ms that AWS does not charge; not counted, not logged), then
runs one side with every AWS request sent to the
rig's fault proxy without rules (AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_CODECOMMIT), so
both sides pay the same proxy cost:
- runbook: `runbook --json exec runbooks/setup.rhai --param subnets=.. --param
  security_groups=.. --param stand_in_push=true`;
- boto3: `.local-aws/venv/bin/python bench/seed_boto3.py SUBNET SG`, the same resources
  created without look-ups.
For each side:
- wall: from spawning the command to its exit (for boto3 the interpreter's start and
  imports included, as a user pays them);
- requests: the AWS requests the proxy forwarded (its log);
- floor: the sum of the log's `upstream_ms`, the emulator's own time for those requests
  (from sending a request to moto or the CodeCommit stand-in until its answer was read):
  no client, however fast, can make these calls in less;
- wall/floor: what the side spends beyond the emulator, as a multiple of it;
- busy: how long the emulator was answering at least one of the side's requests (the union
  of their upstream intervals). For serial calls it is the floor; when a side's requests
  overlap (parallel steps), moto answers them one at a time (one Python process), each
  request's upstream time includes its wait for the others, the floor sums those waits and
  stops being a floor, and busy is the least time those calls need from this emulator.
The ratios the goals are about (each the median of the per-repetition ratios):
- runbook wall / runbook floor (goal <= 1.2): the engine's overhead over its own calls;
- boto3 wall / runbook wall (goal >= 3): how much faster the runbook is than its peer;
- runbook wall / boto3 floor (goal <= 0.8): the runbook, look-ups included, against the
  least time the peer's calls alone need.
Engine figures, for the same binary:
- start: the median wall of `runbook --version` and of `exec` of a script with no steps
  and no AWS (`let x = 1;`), 20 runs each (goal <= 10 ms each);
- 1,000-step replay and per-step overhead: bench/steps.py's figures, measured by it.
Also: the runbook's top 5 operations by upstream time and the requests per operation of
both sides (the runbook's extra look-ups), each the median a repetition; and whether both
sides left the same account (tests/rig/account_state.py `shape`).
Figures are medians over `--runs N` repetitions (default 5); `--json` prints them as JSON.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in bench/ or tests/rig
# Checked before chaos is imported: under another python, its import re-execs chaos.py.
if os.path.realpath(sys.prefix) != os.path.realpath(os.path.join(HERE, "..", ".local-aws", "venv")):
    sys.exit("speed: run it with the rig's python: .local-aws/venv/bin/python bench/speed.py")
import chaos  # noqa: E402  (the rig, the VPC, runbook's environment)
import steps  # noqa: E402
from chaos import account_state  # noqa: E402
from release import BIN, ROOT, TARGET, prepare  # noqa: E402

STARTS = 20
SEED_BOTO3 = os.path.join(HERE, "seed_boto3.py")
SIDES = ("runbook", "boto3")
median = statistics.median


def build():
    """release.py's build; its prepare() parses the command line, so it gets an empty one."""
    argv, sys.argv = sys.argv, sys.argv[:1]
    try:
        prepare()
    finally:
        sys.argv = argv


def one_side(side, bin, dir):
    """One side on its own fresh rig: its wall seconds, the proxy's log, the account shape."""
    emulator = chaos.Emulator(dir)
    try:
        subnet, group = chaos.vpc(emulator.client)
        warm(emulator.client)
        runbook = chaos.Runbook(bin, dir, emulator, faults=True)  # faults=True: via the proxy
        # Each client with its own defaults (retries, read timeout), as a user runs it.
        for name in ("AWS_MAX_ATTEMPTS", "RUNBOOK_READ_TIMEOUT"):
            runbook.env.pop(name)
        runbook.env["AWS_DEFAULT_REGION"] = chaos.REGION  # boto3 does not read AWS_REGION
        if side == "runbook":
            ran = runbook.run(chaos.setup_args(subnet, group))
            code, wall, why = ran.code, ran.wall, ran.stderr_tail
        else:
            with open(os.path.join(dir, "boto3.out"), "wb") as out:
                started = time.monotonic()
                done = subprocess.run([sys.executable, SEED_BOTO3, subnet, group], cwd=ROOT,
                                      env=runbook.env, stdout=out, stderr=subprocess.STDOUT)
                wall = time.monotonic() - started
            code, why = done.returncode, lambda: chaos.tail(out.name)
        if code != 0:
            raise RuntimeError(f"{side} exited {code}:\n{why()}")
        return wall, emulator.control("GET", "/fault-proxy/log"), account_state.shape(emulator.client)
    finally:
        emulator.close()


def warm(client):
    """One read per service the seed uses, straight to moto: moto builds a service's backend
    on its first request (40-80 ms each, a cost AWS does not have), which would otherwise be
    most of the floor and fall on whichever side's call comes first."""
    client("sts").get_caller_identity()
    client("iam").list_roles()
    client("codecommit").list_repositories()
    client("codebuild").list_projects()
    client("ecr").describe_repositories()
    client("codepipeline").list_pipelines()
    client("ecs").list_clusters()
    client("events").list_rules()
    client("logs").describe_log_groups()
    client("s3").list_buckets()


def busy_ms(log):
    """How long the emulator was answering at least one of the side's requests: the union
    of the requests' upstream intervals (the log's `t` is when the proxy took a request)."""
    spans = sorted((e["t"] * 1000, e["t"] * 1000 + e["upstream_ms"]) for e in log if e["upstream_ms"])
    busy, end = 0.0, float("-inf")
    for start, stop in spans:
        busy += max(0.0, stop - max(start, end))
        end = max(end, stop)
    return busy


def side_figures(runs):
    """Medians of one side's runs [(wall s, log)], and its per-operation medians."""
    walls = [wall * 1000 for wall, _ in runs]
    floors = [sum(e["upstream_ms"] or 0 for e in log) for _, log in runs]
    busies = [busy_ms(log) for _, log in runs]
    ops = sorted({op(e) for _, log in runs for e in log})
    counts = [Counter(op(e) for e in log) for _, log in runs]
    upstream = [Counter() for _ in runs]
    for total, (_, log) in zip(upstream, runs):
        for e in log:
            total[op(e)] += e["upstream_ms"] or 0
    return {
        "wall_ms": median(walls), "requests": median(len(log) for _, log in runs),
        "floor_ms": median(floors), "wall_over_floor": median(w / f for w, f in zip(walls, floors)),
        "busy_ms": median(busies), "wall_over_busy": median(w / b for w, b in zip(walls, busies)),
        "per_run": [{"wall_ms": w, "requests": len(log), "floor_ms": f}
                    for w, f, (_, log) in zip(walls, floors, runs)],
        "operations": {o: {"requests": median(c[o] for c in counts),
                           "upstream_ms": median(u[o] for u in upstream)} for o in ops},
    }


def op(entry):
    return f"{entry['service']} {entry['operation']}"


def start_figures(bin, work):
    """Median walls (ms) of `--version` and of a no-op exec, STARTS runs each."""
    script = os.path.join(work, "noop.rhai")
    with open(script, "w") as f:
        f.write("let x = 1;\n")

    def wall(args):
        started = time.perf_counter()
        subprocess.run([bin, *args], cwd=work, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        return (time.perf_counter() - started) * 1000
    return {"version_ms": median(wall(["--version"]) for _ in range(STARTS)),
            "noop_exec_ms": median(wall(["--state-dir", os.path.join(work, "state"), "exec", script])
                                   for _ in range(STARTS))}


def steps_figures(bin, runs):
    """bench/steps.py's per-step overhead and 1,000-step replay (ms)."""
    figures = steps.measure(bin, runs)
    return {"per_step_ms": figures["per_step"] * 1000, "replay_1000_ms": figures["replay"] * 1000}


def report(result):
    r, b, g, e = result["runbook"], result["boto3"], result["ratios"], result["engine"]
    lines = [f"speed: {result['binary']} ({result['version']}), median of {result['runs']} runs",
             "every AWS request of both sides goes through the rig's fault proxy (no rules): "
             "both pay the same proxy cost",
             "floor = sum of upstream_ms (the emulator's own time for the side's requests)"]
    if result["debug"]:
        lines.append("a DEBUG (dev) build: slower than the release build the goals are for")
    lines += ["", f"{'':24}{'wall':>12}{'requests':>10}{'floor':>12}{'wall/floor':>12}"
                  f"{'busy':>10}{'wall/busy':>11}"]
    for name, s in (("runbook exec setup.rhai", r), ("boto3 seed_boto3.py", b)):
        lines.append(f"{name:24}{s['wall_ms']:>9.0f} ms{s['requests']:>10g}"
                     f"{s['floor_ms']:>9.0f} ms{s['wall_over_floor']:>12.2f}"
                     f"{s['busy_ms']:>7.0f} ms{s['wall_over_busy']:>11.2f}")
    lines.append(f"same account shape: {'yes' if result['same_shape'] else 'NO'}")
    lines += ["", f"{'ratio':40}{'value':>10}   goal"]
    for label, key, goal in (("runbook wall / runbook floor", "runbook_wall_over_floor", "<= 1.2"),
                             ("runbook wall / emulator busy", "runbook_wall_over_busy", "-"),
                             ("boto3 wall / runbook wall", "boto3_wall_over_runbook_wall", ">= 3"),
                             ("runbook wall / boto3 floor", "runbook_wall_over_boto3_floor", "<= 0.8")):
        lines.append(f"{label:40}{g[key]:>10.2f}   {goal}")
    lines += ["", f"{'engine':40}{'value':>10}   goal",
              f"{f'start: --version (median of {STARTS})':40}{e['version_ms']:>7.1f} ms   <= 10 ms",
              f"{f'start: no-op exec (median of {STARTS})':40}{e['noop_exec_ms']:>7.1f} ms   <= 10 ms",
              f"{'1,000-step replay (bench/steps.py)':40}{e['replay_1000_ms']:>7.1f} ms",
              f"{'per-step overhead (bench/steps.py)':40}{e['per_step_ms']:>7.3f} ms"]
    lines += ["", "runbook: top 5 operations by upstream time (a run), in N requests"]
    top = sorted(r["operations"].items(), key=lambda kv: -kv[1]["upstream_ms"])[:5]
    for name, o in top:
        lines.append(f"  {name:38}{o['upstream_ms']:>7.0f} ms  in {o['requests']:g}")
    lines += ["", f"{'requests per operation (a run)':40}{'runbook':>8}{'boto3':>8}"]
    for name in sorted(set(r["operations"]) | set(b["operations"])):
        counts = [s["operations"].get(name, {"requests": 0})["requests"] for s in (r, b)]
        lines.append(f"  {name:38}{counts[0]:>8g}{counts[1]:>8g}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description="runbook's setup.rhai against its boto3 peer, "
                                                 "with the emulator's own time taken out.")
    parser.add_argument("--bin", default=BIN, help=f"the binary (default {BIN})")
    parser.add_argument("--runs", type=int, default=5, help="repetitions (medians are shown)")
    parser.add_argument("--build", action="store_true", help="build the release binary first")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if args.build:
        build()
    if not os.path.isfile(args.bin):
        sys.exit(f"speed: no binary at {args.bin} (give --bin, or --build)")
    # On the build's disk, not /tmp: a tmpfs would make the journal's fsyncs free.
    os.makedirs(TARGET, exist_ok=True)
    work = tempfile.mkdtemp(prefix="bench-speed-", dir=TARGET)
    try:
        bin = chaos.private_binary(args.bin, work)
        version = subprocess.run([bin, "--version"], capture_output=True, text=True,
                                 check=True).stdout.strip()  # also reads it into the page cache
        runs = {side: [] for side in SIDES}
        shapes = set()
        for i in range(1, args.runs + 1):
            for side in SIDES:
                wall, log, shape = one_side(side, bin, tempfile.mkdtemp(prefix=f"{side}-{i}-", dir=work))
                runs[side].append((wall, log))
                shapes.add(json.dumps(shape, sort_keys=True, default=str))
            if not args.json:
                print(f"run {i}: runbook {runs['runbook'][-1][0]:.2f} s, "
                      f"boto3 {runs['boto3'][-1][0]:.2f} s", file=sys.stderr, flush=True)
        result = {"binary": args.bin, "version": version, "runs": args.runs,
                  "debug": f"{os.sep}debug{os.sep}" in args.bin, "same_shape": len(shapes) == 1,
                  **{side: side_figures(runs[side]) for side in SIDES}}
        r, b = result["runbook"]["per_run"], result["boto3"]["per_run"]
        result["ratios"] = {
            "runbook_wall_over_floor": result["runbook"]["wall_over_floor"],
            "runbook_wall_over_busy": result["runbook"]["wall_over_busy"],
            "boto3_wall_over_runbook_wall": median(y["wall_ms"] / x["wall_ms"] for x, y in zip(r, b)),
            "runbook_wall_over_boto3_floor": median(x["wall_ms"] / y["floor_ms"] for x, y in zip(r, b)),
        }
        result["engine"] = {**start_figures(bin, work), **steps_figures(bin, args.runs)}
    except RuntimeError as e:
        sys.exit(f"speed: {e}")
    finally:
        chaos.cleanup()
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, indent=2) if args.json else report(result))


if __name__ == "__main__":
    main()
