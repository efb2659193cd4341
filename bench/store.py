#!/usr/bin/env python3
"""The team store's cost: bench/steps.py's trivial steps with runs kept in a local
directory and in S3 (`--state-dir s3://...`, the emulator's S3, versioned as the store
requires), side by side.

    .local-aws/venv/bin/python bench/store.py [--runs N]

The release build, 200 steps a run (each step in S3 is two objects, written one at a
time), median of N runs (5). For each store: the per-step overhead (median gap between
consecutive `step_completed` events: in S3 the outcome's PutObject, acknowledged before the
next step, with the `started` record's written while the step runs), replay of the finished
run (listing and reading every record), start to the first step (S3: bucket check, caller
identity, the run id claimed by its lock), and an empty script's start to exit. On
loopback against moto, one Python process: a real bucket adds the network's round trip to
each durable record. Nothing is asserted: the figures go to README.md.
"""

import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in bench/ or tests/rig
# Checked before chaos is imported: under another python, its import re-execs chaos.py.
if os.path.realpath(sys.prefix) != os.path.realpath(os.path.join(HERE, "..", ".local-aws", "venv")):
    sys.exit("store: run it with the rig's python: .local-aws/venv/bin/python bench/store.py")
import boto3  # noqa: E402
from chaos import REGION, Emulator, Runbook  # noqa: E402
from release import BIN, TARGET, prepare  # noqa: E402
from steps import measure  # noqa: E402

STEPS = 200
BUCKET = "bench-runs"


def main():
    runs = prepare()
    work = os.path.join(TARGET, "bench-store")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    emulator = Emulator(work)
    try:
        s3 = boto3.client("s3", endpoint_url=emulator.moto, region_name=REGION,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
        s3.create_bucket(Bucket=BUCKET,
                         CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_bucket_versioning(Bucket=BUCKET,
                                 VersioningConfiguration={"Status": "Enabled"})
        env = Runbook(BIN, work, emulator, faults=False).env
        local = measure(BIN, runs, STEPS, env=env)
        remote = measure(BIN, runs, STEPS, state=f"s3://{BUCKET}/bench", env=env)
    finally:
        emulator.close()

    version = subprocess.run([BIN, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"runbook {version}, {STEPS} trivial steps, median of {runs} runs")
    print(f"  {'':34}{'local directory':>18}{'S3 (emulator)':>18}")
    rows = [("per-step overhead (median gap)", "per_step", 1000, "ms", 3),
            ("exec, whole run", "exec", 1000, "ms", 1),
            ("replay of the finished run", "replay", 1000, "ms", 1),
            ("start to first step", "first_step", 1000, "ms", 1),
            ("empty script, start to exit", "empty", 1000, "ms", 1),
            ("peak RSS, exec", "rss_exec", 1, "MiB", 1)]
    for label, key, scale, unit, digits in rows:
        cells = [f"{f[key] * scale:.{digits}f} {unit}" for f in (local, remote)]
        print(f"  {label:34}{cells[0]:>18}{cells[1]:>18}")


if __name__ == "__main__":
    main()
