"""The BLAS threads a process computes with: one by default, `--threads N` for more.

Every process that trains or evaluates calls `use_threads` once, before its first matrix
product, with the `threads` option's value (None when not given): `tui-nn train`, `eval`,
`predict`, `trace`, `check`, `compare`, `lessons check`, the app's trainer process and the
sweep's workers. One rule (`THREADS`: the flag `--threads`, the TOML key `threads`), one
default, one place that sets it.

Why one by default: the networks here are small enough that a second BLAS thread buys little
when the machine is quiet and costs a lot when it is not. Measured on a 2-core machine with one
CPU-bound process beside it, `tui-nn train --dataset mnist --epochs 2` with OpenBLAS's own
choice (a thread per core) swung from 0.8x to 13.7x the one-thread time, using 7.5x the CPU
(`benchmarks/threads.py` measures it again). The app's trainer shares the machine with the
app's own drawing, and a sweep's workers share it with each other: one thread each.

The limit is set for the rest of the process (threadpoolctl, which also finds OpenMP pools);
environment variables such as `OPENBLAS_NUM_THREADS` are overridden, so every command chooses
the same way whatever the shell exports.
"""

from __future__ import annotations

from tui_nn.rule import Rule

DEFAULT_THREADS = 1
MAX_THREADS = 256

THREADS = Rule(
    "threads",
    "whole",
    f"BLAS threads for the matrix products (default {DEFAULT_THREADS}: steady on a busy "
    "machine; more may help a large network on idle cores)",
    "N",
    "training",
    "none",
    lo=1,
    hi=MAX_THREADS,
)
"""The `threads` option: a whole number of BLAS threads, 1..256 (None: the default)."""


def use_threads(threads: int | None = None) -> int | None:
    """Limit this process's BLAS (and OpenMP) thread pools to `threads` (None: the default,
    one) from now on; returns the BLAS threads now in force (None if no BLAS is loaded)."""
    import numpy  # noqa: F401 - loads the BLAS, so that threadpoolctl finds it
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=DEFAULT_THREADS if threads is None else threads)
    return threads_in_force()


def threads_in_force() -> int | None:
    """The BLAS threads this process computes with right now, as the BLAS reports it (the
    largest pool's, if several BLAS libraries are loaded); None if none is loaded."""
    from threadpoolctl import threadpool_info

    counts = [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]
    return max(counts) if counts else None


def describe(threads: int | None) -> str:
    """`1 BLAS thread`, `4 BLAS threads` (the run's header says it)."""
    if threads is None:
        return "BLAS threads unknown"
    return f"{threads} BLAS thread{'' if threads == 1 else 's'}"
