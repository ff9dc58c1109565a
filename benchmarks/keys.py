"""Keys first (issue 23): keypress-to-screen latency in every view, app start to first frame,
and `tui-nn attach` to its screen, on the real app in a pseudo-terminal (not a test).

    flock /work/brief/bench.lock .venv/bin/python benchmarks/keys.py            # everything
    ... benchmarks/keys.py --views boundary,trace --sizes 80x24 --modes default --presses 50
    ... benchmarks/keys.py --load          # with a CPU-bound process beside the app
    ... benchmarks/keys.py --startup-only  # start to first frame, attach to its screen

For each view (the data that shows it and the keys that bring it up), terminal size and mode
(default, --low-bandwidth), the app trains flat out (`--speed max`) while a key is pressed
`--presses` times, each timed from the write to the pty until its answer reaches the terminal:
`m` (the heatmap's, or the network diagram's, |δ| <-> activation legend) in every view but the
trace, where → and ← step the trace back and forth ("2/13" <-> "1/13"). The bytes the app
writes per second while training are counted too (the budgets of benchmarks/terminal.py).
Budgets: p95 <= 30 ms on a quiet machine, <= 60 ms with a CPU-bound process beside it (--load);
start to first frame <= 0.6 s; attach to its screen <= 1.0 s (quiet).

The trace view pauses training (it is a still picture of one sample); the comparison (`f`, then
space) trains two runs at once.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from terminal import GOAL_BYTES, MARKERS, Terminal, percentile  # noqa: E402 (a sibling script)

GOAL_P95 = {"quiet": 30.0, "load": 60.0}
GOAL_START, GOAL_ATTACH = 0.6, 1.0
RIGHT, LEFT = b"\x1b[C", b"\x1b[D"
TRACE_STEP = re.compile(rb"(\d+)/(\d+) (?:\x1b\[[\d;]*m)*[A-Z]")  # "1/13 Forward ..."
FOOTER = re.compile(rb"Run/Pause")  # the footer: the first frame is on the screen
SHOWN = re.compile(rb"epoch (?:\x1b\[[\d;]*m)*\d")  # the status line shows the trainer's epoch


@dataclass(frozen=True)
class View:
    data: tuple[str, ...]
    setup: tuple[bytes, ...]  # keys that bring the view up, after training started
    trace: bool = False


VIEWS = {
    "boundary": View(("--dataset", "circle"), ()),
    "fit": View(("--dataset", "quadratic"), ()),
    "confusion": View(("--dataset", "digits"), ()),
    "samples": View(("--dataset", "digits"), (b"V",)),
    "diagram": View(("--dataset", "circle"), (b"n",)),
    "trace": View(("--dataset", "circle"), (b"T",), trace=True),
    "comparison": View(("--dataset", "circle"), (b"f", b" ")),
    "maps": View(("--dataset", "circle"), (b"V",)),  # the neuron maps (V from the boundary)
}


def environment(scratch: str) -> dict[str, str]:
    return {"XDG_RUNTIME_DIR": scratch, "XDG_DATA_HOME": scratch, "HOME": scratch}


NICE: list[str] = []  # `--nice N`: the app (and its trainer) run under `nice -n N`


def app_argv(view: View, mode: str) -> list[str]:
    argv = [*NICE, sys.executable, "-m", "tui_nn", "--speed", "max", *view.data]
    return argv + (["--low-bandwidth"] if mode == "low-bandwidth" else [])


def spawn(argv: list[str], size: tuple[int, int], scratch: str) -> Terminal:
    old = {k: os.environ.get(k) for k in ("XDG_RUNTIME_DIR", "XDG_DATA_HOME", "HOME")}
    os.environ.update(environment(scratch))  # Terminal copies os.environ for the child
    try:
        term = Terminal(argv, *size)
        term.start()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return term


def time_presses(term: Terminal, view: View, presses: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    missed = 0
    total = None
    if view.trace:
        seen = TRACE_STEP.findall(term.output_text().encode())
        total = int(seen[-1][1]) if seen else None
        if total is None:
            return [], presses
    mode = "delta"
    for k in range(presses):
        if view.trace:
            key, pattern = (RIGHT, b"2/") if k % 2 == 0 else (LEFT, b"1/")
            pattern = re.compile(re.escape(pattern + str(total).encode() + b" "))
        else:
            mode = "activation" if mode == "delta" else "delta"
            key, pattern = b"m", MARKERS[mode]
        pressed = term.press(key)
        seen_at = term.wait_for(pattern, after=pressed, timeout=2.0)
        if seen_at is None:
            missed += 1
        else:
            latencies.append(1000 * (seen_at - pressed))
        time.sleep(random.uniform(0.05, 0.15))  # land at different moments of the frame cycle
    return latencies, missed


@dataclass
class Row:
    view: str
    size: str
    mode: str
    p50: float
    p95: float
    n: int
    missed: int
    kb_s: float


def measure(name: str, size: tuple[int, int], mode: str, args, scratch: str) -> Row:
    view = VIEWS[name]
    term = spawn(app_argv(view, mode), size, scratch)
    try:
        term.wait_quiet(quiet=1.0, timeout=60)
        term.press(b" ")  # train
        time.sleep(0.5)
        for key in view.setup:
            term.press(key)
            time.sleep(1.0 if key == b"f" else 0.3)
        time.sleep(args.warmup)
        start = time.monotonic()
        time.sleep(args.seconds)
        kb_s = term.bytes_between(start, time.monotonic()) / args.seconds / 1000
        latencies, missed = time_presses(term, view, args.presses)
    finally:
        term.stop()
    size_text = f"{size[0]}x{size[1]}"
    if not latencies:
        return Row(name, size_text, mode, float("nan"), float("nan"), 0, missed, kb_s)
    return Row(name, size_text, mode, statistics.median(latencies),
               percentile(latencies, 0.95), len(latencies), missed, kb_s)  # fmt: skip


def startup(args, scratch: str) -> tuple[list[float], list[float]]:
    """Seconds from spawning `tui-nn` to its first frame, and from `tui-nn attach` to the
    attached screen showing the trainer's epoch."""
    starts, attaches = [], []
    for _ in range(args.rounds):
        t0 = time.monotonic()
        term = spawn([sys.executable, "-m", "tui_nn", "--dataset", "circle"], (120, 40), scratch)
        seen = term.wait_for(FOOTER, after=t0, timeout=30)
        starts.append((seen or float("inf")) - t0)
        term.wait_quiet(quiet=1.0, timeout=30)
        term.press(b" ")
        time.sleep(0.5)
        term.press(b"d")  # detach: the trainer goes on
        term.proc.wait(timeout=15)
        os.close(term.master)
        t0 = time.monotonic()
        attached = spawn([sys.executable, "-m", "tui_nn", "attach"], (120, 40), scratch)
        seen = attached.wait_for(SHOWN, after=t0, timeout=30)
        attaches.append((seen or float("inf")) - t0)
        attached.stop()  # q: saves and stops the trainer
    return starts, attaches


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="key latency, start-up and attach times")
    parser.add_argument("--views", default=",".join(VIEWS))
    parser.add_argument("--sizes", default="120x40,80x24")
    parser.add_argument("--modes", default="default,low-bandwidth")
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=5.0, help="bytes counted for this long")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=5, help="start-up and attach rounds")
    parser.add_argument("--load", action="store_true", help="a CPU-bound process beside the app")
    parser.add_argument("--startup-only", action="store_true")
    parser.add_argument("--no-startup", action="store_true")
    parser.add_argument("--nice", type=int, default=None,
                        help="run the app under `nice -n N` (a negative N needs root): on a "
                        "machine busy with others' work, what the app itself costs")  # fmt: skip
    args = parser.parse_args(argv)
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
    if args.nice is not None:
        NICE[:] = ["nice", "-n", str(args.nice)]
    condition = "load" if args.load else "quiet"
    neighbour = None
    if args.load:
        neighbour = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    scratch = tempfile.mkdtemp(prefix="tnk", dir="/tmp")
    os.chmod(scratch, 0o700)
    print(f"{condition}{' (a CPU-bound process beside the app)' if args.load else ''}"
          f"{f'; the app under nice -n {args.nice}' if args.nice is not None else ''}; "
          f"load average {os.getloadavg()[0]:.2f}; {os.cpu_count()} cores", flush=True)  # fmt: skip
    try:
        if not args.no_startup:
            starts, attaches = startup(args, scratch)
            print(f"start to first frame: median {statistics.median(starts):.2f} s, max "
                  f"{max(starts):.2f} s (budget {GOAL_START} s, quiet)")  # fmt: skip
            print(f"attach to its screen: median {statistics.median(attaches):.2f} s, max "
                  f"{max(attaches):.2f} s (budget {GOAL_ATTACH} s, quiet)", flush=True)  # fmt: skip
        if args.startup_only:
            return 0
        goal = GOAL_P95[condition]
        print(f"{'view':11} {'size':7} {'mode':13} {'p50':>6} {'p95':>6} {'n':>4} {'miss':>4} "
              f"{'KB/s':>6}  (p95 budget {goal:.0f} ms)")  # fmt: skip
        worst = 0.0
        for name in args.views.split(","):
            for size in sizes:
                for mode in args.modes.split(","):
                    r = measure(name, size, mode, args, scratch)
                    over = r.kb_s * 1000 > GOAL_BYTES[mode] or not r.p95 <= goal or r.missed
                    worst = max(worst, r.p95 if r.n else float("inf"))
                    print(f"{r.view:11} {r.size:7} {r.mode:13} {r.p50:6.1f} {r.p95:6.1f} "
                          f"{r.n:4d} {r.missed:4d} {r.kb_s:6.1f}  {'OVER' if over else 'ok'}"
                          f"  (load {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip
        print(f"worst p95 {worst:.1f} ms: ratio to the {goal:.0f} ms budget {worst / goal:.2f}")
    finally:
        if neighbour is not None:
            neighbour.kill()
            neighbour.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
