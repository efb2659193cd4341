"""Engine overhead: 1,000 trivial steps through the real binary, journal fsyncs included.

    python3 bench/steps.py [--runs N]

Measures, for the release build:
- per-step overhead: the median gap between consecutive `step_completed` events of a
  1,000-step run (each step does nothing, so the gap is the engine's own cost: a `started`
  record, the body, a `completed` record and its fsync, the event);
- replay: the wall time of `resume` on the finished run (all 1,000 steps replayed);
- start to first step: from spawning `exec` to reading its first `step_started` event;
- peak RSS of each command (from wait4).
The state directory lives on the same disk as the build (not /tmp, which may be tmpfs and
make fsync free). Nothing here is asserted: the figures go to README.md.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import time

from release import BIN, TARGET, prepare

WORK = os.path.join(TARGET, "bench-steps")
STEPS = 1000


def run(bin, args, state, env=None):
    """Runs `bin` with --json and `--state-dir state`; returns (wall seconds, peak RSS in
    MiB, events)."""
    started = time.perf_counter()
    proc = subprocess.Popen([bin, "--json", "--state-dir", state, *args], cwd=WORK, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    events = []
    for line in proc.stdout:
        event = json.loads(line)
        event["_t"] = time.perf_counter() - started
        events.append(event)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"runbook {args} failed")
    return wall, usage.ru_maxrss / 1024, events


def measure(bin, runs, steps=STEPS, state=None, env=None):
    """The figures of `runs` repetitions (medians; seconds, MiB) for the binary `bin`, a
    script of `steps` steps, runs kept in `state` (a directory under WORK unless given: a
    path or an s3:// URL), the environment `env` (this one's unless given)."""
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    state = state or os.path.join(WORK, "state")
    with open(os.path.join(WORK, "steps.rhai"), "w") as script:
        for i in range(steps):
            script.write(f'step "step {i}" {{ {i} }}\n')
    with open(os.path.join(WORK, "empty.rhai"), "w") as script:
        script.write('let x = 1;\n')

    per_step, totals, replays, firsts, rss_exec, rss_replay = [], [], [], [], [], []
    for n in range(1, runs + 1):
        wall, rss, events = run(bin, ["exec", "steps.rhai"], state, env)
        done = [e["_t"] for e in events if e["event"] == "step_completed"]
        assert len(done) == steps
        gaps = [b - a for a, b in zip(done, done[1:])]
        per_step.append(statistics.median(gaps))
        totals.append(wall)
        rss_exec.append(rss)
        firsts.append(next(e["_t"] for e in events if e["event"] == "step_started"))
        wall, rss, events = run(bin, ["resume", f"steps-{n}"], state, env)
        assert sum(e["event"] == "step_replayed" for e in events) == steps
        replays.append(wall)
        rss_replay.append(rss)
    med = statistics.median
    return {"per_step": med(per_step), "exec": med(totals), "replay": med(replays),
            "first_step": med(firsts),
            "empty": med(run(bin, ["exec", "empty.rhai"], state, env)[0] for _ in range(runs)),
            "rss_exec": max(rss_exec), "rss_replay": max(rss_replay)}


def main():
    runs = prepare()
    f = measure(BIN, runs)
    print(f"runbook {subprocess.run([BIN, '--version'], capture_output=True, text=True).stdout.strip()}"
          f", {STEPS} trivial steps, median of {runs} runs")
    print(f"  per-step overhead (median gap)   {f['per_step'] * 1000:.3f} ms")
    print(f"  exec, whole run                  {f['exec'] * 1000:.1f} ms "
          f"({(f['exec'] - f['empty']) / STEPS * 1000:.3f} ms a step over an empty script)")
    print(f"  replay of the finished run       {f['replay'] * 1000:.1f} ms")
    print(f"  start to first step              {f['first_step'] * 1000:.1f} ms")
    print(f"  empty script, start to exit      {f['empty'] * 1000:.1f} ms")
    print(f"  peak RSS: exec {f['rss_exec']:.1f} MiB, replay {f['rss_replay']:.1f} MiB")


if __name__ == "__main__":
    main()
