"""A long run, as a user leaves it: memory, the save on quit, attaching, bytes to the terminal.

    python benchmarks/long_run.py                      # 150 s of spiral at --speed max
    python benchmarks/long_run.py --seconds 60 --first 15

1. The real app (`python -m tui_nn --dataset spiral --speed max`) in a 120x40 pseudo-terminal;
   space starts training. RSS of the app and of its trainer at `--first` seconds and at the end
   (goal: app + trainer grow <= 20 MB between 30 s and 150 s), and the bytes written to the
   terminal per second meanwhile (goal <= 30 KB/s).
2. `q`: how long from the key to the app's exit (the save included; goal: the save < 1 s), the
   saved file's size (goal < 5 MB) and whether it holds the last epoch (its metrics file, one
   line per epoch, says which that is).
3. Attach: a trainer started and detached (`d`), then `tui-nn attach` in a new pseudo-terminal:
   the time from launching it to the trainer's epoch on screen (goal < 1.5 s).

Throughput through the socket versus headless is benchmarks/session.py (goal >= 90 %).
Everything runs in private XDG_RUNTIME_DIR / TUI_NN_DATA_DIR folders.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from terminal import EPOCH, Terminal  # noqa: E402

from tui_nn.files import load_model  # noqa: E402

MB = 1024 * 1024
GOALS = {"growth_mb": 20.0, "save_s": 1.0, "file_mb": 5.0, "attach_s": 1.5, "bytes_s": 30_000}
SAVED = re.compile(rb"saved this run to (\S+\.npz)")


def rss(proc: psutil.Process) -> tuple[float, float]:
    """RSS in MB of the app and of its trainer (a child process)."""
    app = proc.memory_info().rss / MB
    trainer = sum(c.memory_info().rss for c in proc.children(recursive=True)) / MB
    return app, trainer


def app_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "tui_nn", *args]


def wait_epoch(term: Terminal, after: float, timeout: float = 60.0) -> float:
    t = term.wait_for(EPOCH, after, timeout)
    if t is None:
        raise SystemExit("the app never showed an epoch")
    return t


def last_epoch_on_screen(term: Terminal) -> int:
    found = EPOCH.findall(term.output_text().encode())
    return int(found[-1].replace(b",", b"")) if found else 0


def long_run(seconds: float, first: float) -> None:
    term = Terminal(app_argv("--dataset", "spiral", "--speed", "max"), 120, 40)
    term.start()
    term.wait_quiet(1.0, 30)
    started = term.press(b" ")
    wait_epoch(term, started)
    proc = psutil.Process(term.proc.pid)
    time.sleep(max(first - (time.monotonic() - started), 0))
    a0, t0 = rss(proc)
    mark = time.monotonic()
    time.sleep(max(seconds - (time.monotonic() - started), 0))
    a1, t1 = rss(proc)
    end = time.monotonic()
    rate = term.bytes_between(mark, end) / (end - mark)
    epoch = last_epoch_on_screen(term)
    quit_at = term.press(b"q")
    code = term.proc.wait(timeout=120)
    quit_s = time.monotonic() - quit_at
    os.close(term.master)
    growth = (a1 + t1) - (a0 + t0)
    print(f"long run: {seconds:.0f} s of spiral at --speed max, ~{epoch:,} epochs on screen")
    print(f"  RSS at {first:.0f} s: app {a0:.1f} MB + trainer {t0:.1f} MB = {a0 + t0:.1f} MB")
    print(f"  RSS at {seconds:.0f} s: app {a1:.1f} MB + trainer {t1:.1f} MB = {a1 + t1:.1f} MB")
    print(f"  growth {growth:+.1f} MB (goal <= {GOALS['growth_mb']:.0f} MB)")
    print(f"  terminal {rate / 1000:.1f} KB/s (goal <= {GOALS['bytes_s'] / 1000:.0f} KB/s)")
    saved = SAVED.search(term.output_text().encode())
    if code != 0 or saved is None:
        print(f"  q: exit code {code}, NOT SAVED")
        return
    path = Path(saved.group(1).decode())
    model = load_model(path)
    with open(path.with_suffix(".jsonl"), encoding="utf-8") as f:
        epochs = [json.loads(line)["epoch"] for line in f if line.strip()]
    lines, last_line = len(epochs), (epochs[-1] if epochs else None)
    t = time.perf_counter()
    from tui_nn.engine import Network
    from tui_nn.files import save_model

    net = Network.from_params(model.spec, model.params)
    save_model(path.with_name("again.npz"), net, model.config, None, model.history)
    resave = time.perf_counter() - t
    size = path.stat().st_size / MB
    print(
        f"  q -> exit {quit_s:.2f} s (the save included); a save of this history takes "
        f"{resave * 1000:.0f} ms (goal < {GOALS['save_s']:.0f} s)"
    )
    print(f"  file {size:.2f} MB (goal < {GOALS['file_mb']:.0f} MB), {len(model.history)} points")
    last = model.history[-1].epoch
    print(
        f"  last epoch saved {last:,}; the metrics file has {lines:,} lines (rate-bounded: "
        f"every epoch up to 20/s, else a stride) ending at epoch {last_line} "
        f"({'the last epoch is saved' if last == last_line else 'MISMATCH'})"
    )


def attach_time() -> None:
    term = Terminal(app_argv("--dataset", "spiral", "--speed", "max"), 120, 40)
    term.start()
    term.wait_quiet(1.0, 30)
    wait_epoch(term, term.press(b" "))
    time.sleep(3)
    term.press(b"d")
    term.proc.wait(timeout=30)
    os.close(term.master)
    again = Terminal(app_argv("attach"), 120, 40)
    launched = time.monotonic()
    again.start()
    shown = wait_epoch(again, launched)
    print(f"attach: {shown - launched:.2f} s from launching `tui-nn attach` to the running run")
    print(f"  (goal < {GOALS['attach_s']} s; includes Python start-up and importing Textual)")
    import tui_nn.session.protocol.rendezvous as rendezvous
    from tui_nn.session.client.proxy import TrainingSession

    got = []
    session = TrainingSession(got.append)
    t = time.perf_counter()
    session.attach(rendezvous.trainers()[-1].id)
    while not got:
        time.sleep(0.001)
    first = time.perf_counter() - t
    print(
        f"  a second attach, in-process: first snapshot after {first * 1000:.0f} ms "
        f"({len(got[0].records)} history points in it)"
    )
    session.detach()
    again.press(b"q")
    again.proc.wait(timeout=60)
    os.close(again.master)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=150.0)
    parser.add_argument("--first", type=float, default=30.0)
    parser.add_argument("--skip-long", action="store_true", help="only the attach time")
    parser.add_argument("--skip-attach", action="store_true", help="only the long run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tnb", dir="/tmp") as tmp:
        os.environ.update(XDG_RUNTIME_DIR=tmp, TUI_NN_DATA_DIR=str(Path(tmp) / "data"))
        print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (1 and 5 min)")
        if not args.skip_long:
            long_run(args.seconds, args.first)
        if not args.skip_attach:
            attach_time()


if __name__ == "__main__":
    main()
