"""How long loading takes and how much memory it holds: MNIST, Fashion-MNIST, digits, toys.

    .venv/bin/python benchmarks/data_load.py [--data-dir ../shared/datasets]

Each dataset is loaded in a fresh process so resident memory is measured cleanly: the
resident set size (RSS) before and after loading, the peak RSS of the process (Python,
NumPy and the loader together), and the bytes of the arrays. "best s" is the fastest of
--repeats loads (the digits file is parsed once per process and then cached); "scale 128"
is converting one batch of 128 rows to float32 inputs, as the trainer does per batch.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DIR = REPO.parent / "shared" / "datasets"


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * resource.getpagesize() / 1e6


def measure(name: str, data_dir: str, repeats: int) -> dict:
    """Runs inside the child process."""
    import numpy as np

    from tui_nn.data import DatasetSpec, load_dataset

    before = rss_mb()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        ds = load_dataset(DatasetSpec(name=name, data_dir=data_dir))
        times.append(time.perf_counter() - start)
    arrays = sum(a.nbytes for a in (ds.X_train, ds.y_train, ds.X_test, ds.y_test))
    start = time.perf_counter()
    batch = ds.X_train[:128] * np.float32(ds.input_scale)
    scale_us = (time.perf_counter() - start) * 1e6
    return {
        "name": name,
        "first_s": times[0],
        "best_s": min(times),
        "arrays_mb": arrays / 1e6,
        "rss_before_mb": before,
        "rss_after_mb": rss_mb(),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3,
        "batch_scale_us": scale_us,
        "dtype": str(ds.X_train.dtype),
        "batch_dtype": str(batch.dtype),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(DEFAULT_DIR))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.data_dir, args.repeats)))
        return 0
    names = ["circle", "spiral", "digits"]
    if (Path(args.data_dir) / "mnist").is_dir():
        names += ["mnist", "fashion-mnist"]
    else:
        print(f"(no MNIST files in {args.data_dir}; pass --data-dir)")
    print(
        f"{'dataset':<14}{'first s':>8}{'best s':>8}{'arrays MB':>11}{'RSS +MB':>9}"
        f"{'peak RSS MB':>13}  {'dtype':<7}{'scale 128 µs':>13}"
    )
    for name in names:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                name,
                "--data-dir",
                args.data_dir,
                "--repeats",
                str(args.repeats),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout)
        print(
            f"{name:<14}{r['first_s']:>8.3f}{r['best_s']:>8.3f}{r['arrays_mb']:>11.1f}"
            f"{r['rss_after_mb'] - r['rss_before_mb']:>9.1f}{r['peak_rss_mb']:>13.1f}"
            f"  {r['dtype']:<7}{r['batch_scale_us']:>13.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
