"""Loading a big CSV: time and peak memory against the budget (issue 23: 2 M rows x 11 columns,
154 MB, in <= 10 s and <= 1 GB peak).

    flock /work/brief/bench.lock .venv/bin/python benchmarks/csv_load.py
    .venv/bin/python benchmarks/csv_load.py --rows 200000 --dialects   # smaller, every dialect

The file is generated (seeded; 10 normal features printed with 4 decimals and a class label
0/1/2: 154,001,401 bytes for 2 M rows) into the temporary folder and kept there for the next
run; it is never part of the repository or the tests. Each load runs in a fresh process, so
the peak resident set size (ru_maxrss) is that of one `load_dataset` call plus Python and
NumPy. "cpu s" is the process's CPU time for the load: on a busy machine it says what the load
costs when the wall-clock time says how long it waited for a core. `--dialects` also times the same rows written as a `;` file with decimal commas, with
text labels, with a text id column left out by `--ignore`, and in cp1252 with `--encoding`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_S = 10.0
BUDGET_MB = 1000.0
BUDGET_ROWS = 2_000_000


def generate(path: Path, rows: int, dialect: str) -> None:
    """The benchmark's rows in one dialect, written in chunks (seeded: the same every time)."""
    import numpy as np

    rng = np.random.default_rng(0)
    delimiter = ";" if dialect == "semicolon" else ","
    names = [f"x{i}" for i in range(10)] + ["label"]
    if dialect == "ignore":
        names = ["id", *names]
    if dialect == "cp1252":
        names[0] = "température"
    labels = ["a", "b", "c"] if dialect in ("text", "ignore") else ["0", "1", "2"]
    tmp = path.with_suffix(".part")
    with open(tmp, "w", encoding="cp1252" if dialect == "cp1252" else "utf-8", newline="") as f:
        f.write(delimiter.join(names) + "\n")
        for start in range(0, rows, 100_000):
            X = rng.normal(size=(min(100_000, rows - start), 10))
            y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 1)
            cells = np.char.mod("%.4f", X)
            if dialect == "semicolon":
                cells = np.char.replace(cells, ".", ",")
            lines = [delimiter.join(row) for row in cells.tolist()]
            ids = [f"r{start + i}," for i in range(len(lines))] if dialect == "ignore" else None
            f.write(
                "".join(
                    (ids[i] if ids else "") + line + delimiter + labels[k] + "\n"
                    for i, (line, k) in enumerate(zip(lines, y.tolist()))
                )
            )
    os.replace(tmp, path)


def data_file(rows: int, dialect: str) -> Path:
    folder = Path(tempfile.gettempdir()) / "tui-nn-bench"
    folder.mkdir(exist_ok=True)
    path = folder / f"csv-{dialect}-{rows}.csv"
    if not path.exists():
        start = time.perf_counter()
        generate(path, rows, dialect)
        print(
            f"(wrote {path}: {path.stat().st_size:,} bytes in {time.perf_counter() - start:.0f} s)"
        )
    return path


OPTIONS = {
    "plain": {},
    "semicolon": {},
    "text": {},
    "ignore": {"ignore": ("id",)},
    "cp1252": {"encoding": "cp1252"},
}


def measure(path: str, dialect: str) -> dict:
    """Runs in the child process: one load, as `tui-nn train --data FILE` does it."""
    from tui_nn.data import DatasetSpec, load_dataset

    fields = DatasetSpec.__dataclass_fields__
    options = {k: v for k, v in OPTIONS[dialect].items() if k in fields}
    cpu = time.process_time()
    start = time.perf_counter()
    ds = load_dataset(DatasetSpec("csv", path=path, test_fraction=0.2, **options))
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "cpu": time.process_time() - cpu,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rows": len(ds.X_train) + len(ds.X_test),
        "inputs": ds.n_inputs,
        "classes": ds.n_classes,
        "dtype": str(ds.X_train.dtype),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=BUDGET_ROWS)
    parser.add_argument("--dialects", action="store_true", help="also the other dialects")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(*args.child)))
        return 0
    dialects = list(OPTIONS) if args.dialects else ["plain"]
    print(f"load average {os.getloadavg()[0]:.2f}; budget {BUDGET_S:g} s and {BUDGET_MB:g} MB "
          f"for {BUDGET_ROWS:,} rows (scaled by rows for other sizes)")  # fmt: skip
    scale = args.rows / BUDGET_ROWS
    print(f"{'dialect':<10}{'MB':>8}{'rows':>11}{'s':>8}{'cpu s':>7}{'peak MB':>9}{'s/budget':>10}"
          f"{'MB/budget':>11}")  # fmt: skip
    worst = 0.0
    for dialect in dialects:
        path = data_file(args.rows, dialect)
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(path), dialect],
            capture_output=True,
            text=True,
        )
        if out.returncode:
            print(f"{dialect:<10} failed: {out.stderr.strip().splitlines()[-1]}")
            worst = float("inf")
            continue
        r = json.loads(out.stdout)
        t_ratio = r["seconds"] / (BUDGET_S * scale)
        m_ratio = r["peak_mb"] / BUDGET_MB
        worst = max(worst, t_ratio, m_ratio) if dialect == "plain" else worst
        print(
            f"{dialect:<10}{path.stat().st_size / 1e6:>8.1f}{r['rows']:>11,}{r['seconds']:>8.2f}"
            f"{r['cpu']:>7.2f}{r['peak_mb']:>9.0f}{t_ratio:>10.2f}{m_ratio:>11.2f}"
        )
    print(f"load average {os.getloadavg()[0]:.2f}; plain file: worst ratio to budget {worst:.2f}"
          f" ({'within' if worst <= 1 else 'OVER'} budget)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
