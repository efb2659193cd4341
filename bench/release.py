"""What every benchmark starts from: the release binary, built into the target dir it is
measured in, and the number of repetitions asked for on the command line."""

import argparse
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/runbook-target"))
BIN = os.path.join(TARGET, "release", "runbook")


def prepare():
    """Parses `--runs N`, builds the release binary, and returns N."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5, help="repetitions (the median is shown)")
    runs = parser.parse_args().runs
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True,
                   env={**os.environ, "CARGO_TARGET_DIR": TARGET})
    return runs
