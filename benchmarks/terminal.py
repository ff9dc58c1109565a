"""What the app costs a terminal: bytes per second, CPU, and keypress-to-screen latency.

Runs the real app (`python -m tui_nn`) in a pseudo-terminal (120x40, TERM=xterm-256color, so
256 colours as over a typical SSH session), presses space to train, and for ~20 s counts the
bytes the app writes and the CPU it (and its trainer process) use. Then, still training, it
presses `m` (heatmap: |delta| <-> mean activation) ~20 times and times each press until the
new legend text reaches the terminal. The same again with `--low-bandwidth`.

    python benchmarks/terminal.py                 # default and --low-bandwidth
    python benchmarks/terminal.py --seconds 10 --presses 10 --size 80x24
    python benchmarks/terminal.py --demo          # only the drawing widgets, synthetic data
    python benchmarks/terminal.py --view fit      # with the fit plot on screen (quadratic)
    python benchmarks/terminal.py --view all --seconds 8 --presses 10 --only default
    python benchmarks/terminal.py --diagram --only default   # the network diagram shown (n)
    python benchmarks/terminal.py --view maps --only default  # the neuron maps (V) shown

Goals (issue 3): <= 30 KB/s by default, <= 8 KB/s with --low-bandwidth, latency p95 <= 50 ms.
`--demo` runs a small app holding just the four drawing widgets fed with synthetic snapshots at
10 per second (a way to see the widgets' share of the budget without the rest of the app).
`--diagram` presses `n` first, so the network diagram (with its weights, sent at the picture
rate) is shown in place of the heatmap while training; `m` then toggles the diagram's legend.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import signal
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

GOAL_BYTES = {"default": 30_000, "low-bandwidth": 8_000}
# The lower-right views (issue 12): the data that shows each, and the keys that bring it up.
VIEWS = {
    "boundary": ("circle", b""),
    "fit": ("quadratic", b""),
    "confusion": ("digits", b""),
    "samples": ("digits", b"V"),
    "maps": ("circle", b"V"),  # issue 26: a neuron's map, large, from the trainer's maps
}
GOAL_P95_MS = 50.0
GOAL_THROUGHPUT = 0.9  # of headless
EPOCH = re.compile(rb"epoch (?:\x1b\[[\d;]*m)*([\d,]+)")  # colour codes may split it
HEADLESS = re.compile(r"finished: (\d+) epochs, .* in ([\d.]+) s")
# The heatmap legend starts with "|δ|" in delta mode and "act" in activation mode.
MARKERS = {"delta": re.compile("\\|δ\\|".encode()), "activation": re.compile(rb"act(?: log)? -?\d")}


# ---- a process in a pseudo-terminal --------------------------------------------------------


@dataclass
class Terminal:
    """A child process on a pty, with a thread that reads (and timestamps) all it writes."""

    argv: list[str]
    cols: int
    rows: int
    chunks: list[tuple[float, bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.cols, 0, 0))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "COLORTERM"))}
        env.update(TERM="xterm-256color", COLUMNS=str(self.cols), LINES=str(self.rows))
        self.proc = subprocess.Popen(
            self.argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
            cwd=Path(__file__).resolve().parent.parent,
        )
        os.close(slave)
        self.master = master
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            with self.lock:
                self.chunks.append((time.monotonic(), data))

    def press(self, key: bytes) -> float:
        now = time.monotonic()
        os.write(self.master, key)
        return now

    def bytes_between(self, start: float, end: float) -> int:
        with self.lock:
            return sum(len(d) for t, d in self.chunks if start <= t < end)

    def wait_for(self, pattern: re.Pattern[bytes], after: float, timeout: float) -> float | None:
        """Time of the first chunk after `after` whose text (with a little of the chunk before)
        matches, or None on timeout."""
        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline:
            with self.lock:
                chunks = self.chunks[seen:]
                tail = self.chunks[seen - 1][1][-64:] if seen else b""
            for t, data in chunks:
                if t >= after and pattern.search(tail + data):
                    return t
                tail = data[-64:]
            seen += len(chunks)
            time.sleep(0.002)
        return None

    def wait_quiet(self, quiet: float, timeout: float) -> None:
        """Until nothing was written for `quiet` seconds (start-up done)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                last = self.chunks[-1][0] if self.chunks else None
            if last is not None and time.monotonic() - last > quiet:
                return
            time.sleep(0.05)

    def epoch_rate(self, start: float, end: float) -> float | None:
        """Epochs per second, from the "epoch N" the status line shows between start and end."""
        seen = []
        with self.lock:
            for t, data in self.chunks:
                if start <= t < end:
                    seen += [(t, int(m.group(1).replace(b",", b""))) for m in EPOCH.finditer(data)]
        if len(seen) < 2 or seen[-1][0] <= seen[0][0]:
            return None
        return (seen[-1][1] - seen[0][1]) / (seen[-1][0] - seen[0][0])

    def output_text(self) -> str:
        with self.lock:
            return b"".join(d for _, d in self.chunks).decode("utf-8", "replace")

    def stop(self) -> int | None:
        try:
            self.press(b"q")
            return self.proc.wait(timeout=15)
        except (OSError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGTERM)
            return self.proc.wait(timeout=5)
        finally:
            os.close(self.master)


# ---- the measurement -------------------------------------------------------------------------


@dataclass
class Result:
    mode: str
    bytes_per_sec: float
    app_cpu: float  # share of one core
    trainer_cpu: float
    latencies_ms: list[float]
    missed: int
    epochs_per_sec: float | None  # read off the status line while measuring
    diagram: bool = False  # the network diagram was shown


def cpu_seconds(proc: psutil.Process) -> tuple[float, float]:
    """CPU seconds of the app itself and of all its child processes (the trainer)."""
    mine = proc.cpu_times()
    children = 0.0
    for child in proc.children(recursive=True):
        try:
            t = child.cpu_times()
            children += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return mine.user + mine.system, children


def measure(argv: list[str], mode: str, args: argparse.Namespace) -> Result:
    term = Terminal(argv, args.cols, args.rows)
    term.start()
    try:
        term.wait_quiet(quiet=1.0, timeout=30)
        if term.proc.poll() is not None:
            raise RuntimeError(f"the app exited at start-up:\n{term.output_text()[-2000:]}")
        proc = psutil.Process(term.proc.pid)
        if args.diagram:
            term.press(b"n")  # the network diagram in place of the heatmap
            term.wait_quiet(quiet=0.5, timeout=10)
        term.press(b" ")  # train
        for key in VIEWS[args.view][1]:  # bring up the view measured
            term.press(bytes([key]))
        time.sleep(args.warmup)
        app0, kids0 = cpu_seconds(proc)
        start = time.monotonic()
        time.sleep(args.seconds)
        end = time.monotonic()
        app1, kids1 = cpu_seconds(proc)
        wall = end - start
        sent = term.bytes_between(start, end)
        rate = term.epoch_rate(start, end)
        latencies, missed = press_and_time(term, args.presses)
        return Result(
            mode,
            sent / wall,
            (app1 - app0) / wall,
            (kids1 - kids0) / wall,
            latencies,
            missed,
            rate,
            args.diagram,
        )
    finally:
        code = term.stop()
        print(f"  ({mode}: app exited with {code})", file=sys.stderr)


def press_and_time(term: Terminal, presses: int) -> tuple[list[float], int]:
    """Toggle the heatmap mode `presses` times; time each press to its legend on the screen."""
    latencies: list[float] = []
    missed = 0
    mode = "delta"
    for _ in range(presses):
        mode = "activation" if mode == "delta" else "delta"
        pressed = term.press(b"m")
        seen = term.wait_for(MARKERS[mode], after=pressed, timeout=2.0)
        if seen is None:
            missed += 1
        else:
            latencies.append(1000 * (seen - pressed))
        time.sleep(0.25)  # let the next press land at a different moment of the refresh cycle
    return latencies, missed


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def headless_epoch_rate(epochs: int) -> float | None:
    """Epochs per second of `tui-nn train` (same defaults as the app, no UI)."""
    argv = [sys.executable, "-m", "tui_nn", "train", "--epochs", str(epochs), "--quiet"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=False)
    match = HEADLESS.search(done.stdout + done.stderr)
    return int(match.group(1)) / float(match.group(2)) if match else None


def report(r: Result, headless: float | None) -> None:
    goal = GOAL_BYTES[r.mode]
    ok = "ok" if r.bytes_per_sec <= goal else "OVER"
    print(f"[{r.mode}{', network diagram shown' if r.diagram else ''}]")
    print(
        f"  bytes written   {r.bytes_per_sec / 1000:7.1f} KB/s   goal <= {goal / 1000:.0f} KB/s  {ok}"
    )
    print(f"  app CPU         {100 * r.app_cpu:7.1f} % of a core")
    print(f"  trainer CPU     {100 * r.trainer_cpu:7.1f} % of a core")
    if r.latencies_ms:
        median = statistics.median(r.latencies_ms)
        p95 = percentile(r.latencies_ms, 0.95)
        ok = "ok" if p95 <= GOAL_P95_MS else "OVER"
        print(
            f"  key latency     median {median:5.1f} ms, p95 {p95:5.1f} ms"
            f" (n={len(r.latencies_ms)}, missed {r.missed})   goal p95 <= {GOAL_P95_MS:.0f} ms  {ok}"
        )
    else:
        print(f"  key latency     no answer to any of {r.missed} presses")
    if r.epochs_per_sec is not None:
        line = f"  training        {r.epochs_per_sec:7.0f} epochs/s in the app"
        if headless:
            share = r.epochs_per_sec / headless
            ok = "ok" if share >= GOAL_THROUGHPUT else "UNDER"
            line += f", headless {headless:.0f} epochs/s: {100 * share:.0f} %   goal >= 90 %  {ok}"
        print(line)


# ---- --demo: the drawing widgets alone, fed with synthetic snapshots -------------------------


def run_demo(low_bandwidth: bool) -> int:
    """An app with the four drawing widgets and a status line; space starts 10 updates/s."""
    import numpy as np
    from textual.app import App, ComposeResult
    from textual.containers import Horizontal
    from textual.widgets import Static

    from tui_nn.engine.types import EpochRecord, LayerStats
    from tui_nn.session.protocol.messages import DataSummary, DecisionGrid
    from tui_nn.ui.views.boundary import DecisionBoundary
    from tui_nn.ui.widgets.accuracy_plot import AccuracyPlot
    from tui_nn.ui.widgets.cost_plot import CostPlot
    from tui_nn.ui.widgets.heatmap import NeuronHeatmap

    interval = 2.0 if low_bandwidth else 0.5
    rng = np.random.default_rng(0)
    units = (16, 16, 1)

    class Demo(App):
        CSS = "Horizontal { height: 1fr; } #status { height: 1; }"
        BINDINGS = [("space", "run", "run"), ("m", "mode", "mode"), ("q", "quit", "quit")]

        def compose(self) -> ComposeResult:
            with Horizontal():
                yield CostPlot(min_interval=interval)
                yield AccuracyPlot(min_interval=interval)
            with Horizontal():
                yield NeuronHeatmap(min_interval=interval)
                yield DecisionBoundary(min_interval=interval)
            yield Static(id="status")

        def on_mount(self) -> None:
            self.epoch = 0
            self.delta = [rng.random(n).astype(np.float32) for n in units]
            points = rng.uniform(-1, 1, size=(300, 2)).astype(np.float32)
            labels = (np.hypot(points[:, 0], points[:, 1]) < 0.6).astype(np.int64)
            self.query_one(DecisionBoundary).set_data(
                DataSummary(
                    "circle",
                    "classification",
                    2,
                    1,
                    2,
                    300,
                    0,
                    None,
                    points,
                    labels,
                    None,
                    None,
                    (-1.0, 1.0, -1.0, 1.0),
                )
            )

        def action_run(self) -> None:
            self.set_interval(1 / (2 if low_bandwidth else 10), self.tick)

        def action_mode(self) -> None:
            self.query_one(NeuronHeatmap).toggle_mode()

        def tick(self) -> None:
            self.epoch += 1
            e = self.epoch
            loss = 0.7 / (1 + 0.05 * e) + 0.01 * rng.random()
            record = EpochRecord(
                e, 30 * e, 300 * e, loss, loss * 1.1, 1 - loss, 1 - loss * 1.1, 0.1, 0.03
            )
            self.query_one(CostPlot).add_records([record])
            self.query_one(AccuracyPlot).add_records([record])
            stats = []
            for d in self.delta:
                d *= np.float32(0.99)
                d += rng.normal(0, 0.01, d.shape).astype(np.float32).clip(0)
                zero = np.zeros_like(d)
                stats.append(LayerStats(d.copy(), d.copy(), zero, zero, 1.0, 1.0, "relu"))
            self.query_one(NeuronHeatmap).update_layers(tuple(stats), (2, *units))
            db = self.query_one(DecisionBoundary)
            cols, rows = db.grid_size
            yy, xx = np.mgrid[1 : -1 : rows * 1j, -1 : 1 : cols * 1j]
            radius = 0.6 + 0.3 * np.exp(-0.02 * e)
            p = 1 / (1 + np.exp(8 * (np.hypot(xx, yy) - radius)))
            db.update_grid(DecisionGrid(p.astype(np.float32), (-1, 1, -1, 1), "probability"))
            self.query_one("#status", Static).update(
                f"running  epoch {e}  cost {loss:.4f}  acc {1 - loss:.3f}"
            )

    Demo().run()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="measuring time per mode")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of training first")
    parser.add_argument("--presses", type=int, default=20, help="key presses to time")
    parser.add_argument("--size", default="120x40", help="terminal COLSxROWS")
    parser.add_argument("--demo", action="store_true", help="only the widgets, synthetic data")
    parser.add_argument(
        "--headless-epochs", type=int, default=3000, help="epochs of the headless comparison run"
    )
    parser.add_argument("--only", choices=("default", "low-bandwidth"), help="one mode only")
    parser.add_argument(
        "--view", choices=(*VIEWS, "all"), default="boundary", help="lower-right view on screen"
    )
    parser.add_argument("--diagram", action="store_true", help="show the network diagram (n)")
    parser.add_argument("--serve-demo", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--low-bandwidth", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_demo:
        return run_demo(low_bandwidth=args.low_bandwidth)
    try:
        args.cols, args.rows = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        print(f"terminal.py: --size must look like 120x40, got {args.size!r}", file=sys.stderr)
        return 2
    if args.demo and args.diagram:
        print("terminal.py: --diagram measures the real app, not --demo", file=sys.stderr)
        return 2
    if args.demo:
        base = [sys.executable, str(Path(__file__).resolve()), "--serve-demo"]
    else:
        base = [sys.executable, "-m", "tui_nn", "--speed", "max"]  # flat out, as headless
    modes = [args.only] if args.only else ["default", "low-bandwidth"]
    views = list(VIEWS) if args.view == "all" else [args.view]
    print(f"terminal {args.cols}x{args.rows}, TERM=xterm-256color, {args.seconds:g} s per mode")
    for view in views:
        args.view = view
        data = [] if args.demo else ["--dataset", VIEWS[view][0]]
        print(f"view {view}: command: {' '.join(base[1:] + data)}")
        code = run_modes(base + data, modes, args)
        if code:
            return code
    return 0


def run_modes(base: list[str], modes: list[str], args: argparse.Namespace) -> int:
    for mode in modes:
        argv_mode = base + (["--low-bandwidth"] if mode == "low-bandwidth" else [])
        # Headless right before the app run, so that both meet the same load on the machine.
        other_data = args.view != "boundary"  # the headless run trains the default data
        headless = None if args.demo or other_data else headless_epoch_rate(args.headless_epochs)
        try:
            report(measure(argv_mode, mode, args), headless)
            print(f"  load average    {os.getloadavg()[0]:.1f} (cores: {os.cpu_count()})")
        except RuntimeError as exc:
            print(f"[{mode}] failed: {exc}")
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
