"""REPL overhead: the real binary with inputs piped on standard input, no AWS.

    python3 bench/repl.py [--runs N]

Measures, for the release build:
- start to first result: from spawning `runbook repl` to reading the answer to `1 + 1`
  (the engine, the ~370 bindings and the stdlib modules are ready by then);
- per input: a session of 1,000 inputs (`let vN = N; vN + 1`, so the scope grows as a real
  session's does) less a session of one input, over 999;
- peak RSS of the 1,000-input session (from wait4).
Nothing here is asserted: the figures go to README.md.
"""

import os
import statistics
import subprocess
import sys
import time

from release import BIN, ROOT, prepare

INPUTS = 1000


def session(text):
    """Pipes `text` into a REPL; returns the wall seconds until it ends."""
    started = time.perf_counter()
    done = subprocess.run([BIN, "repl"], cwd=ROOT, input=text.encode(),
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if done.returncode != 0:
        sys.exit("runbook repl failed")
    return time.perf_counter() - started


def first_result():
    started = time.perf_counter()
    proc = subprocess.Popen([BIN, "repl"], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    proc.stdin.write(b"1 + 1\n")
    proc.stdin.flush()
    line = proc.stdout.readline()
    took = time.perf_counter() - started
    proc.stdin.close()
    proc.wait()
    assert line.strip() == b"2", line
    return took


def peak_rss(text):
    proc = subprocess.Popen([BIN, "repl"], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proc.stdin.write(text.encode())
    proc.stdin.close()
    _, _, usage = os.wait4(proc.pid, 0)
    return usage.ru_maxrss / 1024


def main():
    runs = prepare()
    many = "".join(f"let v{i} = {i}; v{i} + 1\n" for i in range(INPUTS))
    one = "let v0 = 0; v0 + 1\n"
    med = statistics.median
    firsts = [first_result() for _ in range(runs)]
    per_input = [(session(many) - session(one)) / (INPUTS - 1) for _ in range(runs)]
    rss = [peak_rss(many) for _ in range(runs)]
    print(f"start to first result: {med(firsts) * 1000:.1f} ms")
    print(f"per input ({INPUTS} inputs): {med(per_input) * 1000:.3f} ms")
    print(f"peak RSS ({INPUTS} inputs): {med(rss):.1f} MiB")


if __name__ == "__main__":
    main()
