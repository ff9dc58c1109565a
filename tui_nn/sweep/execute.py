"""Running a sweep's trials on Dask: an embedded LocalCluster, or a cluster the user started
(`dask scheduler`, `dask worker tcp://HOST:PORT --name NAME`).

    with connect(scheduler=None, workers=2) as client:
        outcome = run_trials(client, sweep, on_done=..., on_failed=...)

Every trial is one task (`tui_nn.sweep.trial.run_trial`); the configuration travels with it, a
CSV file's contents are scattered to the workers once. Results are handed to `on_done` in the
order they finish. Ctrl-C (KeyboardInterrupt) cancels the trials not yet finished and returns
what finished.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui_nn.errors import one_line
from tui_nn.files import ConfigError
from tui_nn.sweep.plan import Sweep, Trial
from tui_nn.sweep.trial import CsvContents, TrialOutcome, run_trial

CONNECT_TIMEOUT = "3s"


class ClusterError(ConfigError):
    """The cluster cannot be reached or started; one line."""


@dataclass
class SweepRun:
    """How a sweep ended: which trials finished, failed, or were cancelled."""

    done: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    cancelled: list[int] = field(default_factory=list)
    interrupted: bool = False
    data_error: str | None = None  # a worker could not load the data: the sweep stopped


def quiet_logs() -> None:
    for name in ("distributed", "bokeh", "tornado"):
        logging.getLogger(name).setLevel(logging.ERROR)


@contextmanager
def connect(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A Dask Client: on the scheduler at `scheduler`, or on an embedded LocalCluster of
    `workers` processes (default: the number of cores), one thread each, no dashboard."""
    quiet_logs()
    from distributed import Client, LocalCluster

    if scheduler is not None:
        check_scheduler(scheduler)
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except Exception as exc:  # what reached us is not a scheduler that answers
            raise ClusterError(f"--scheduler: cannot reach {scheduler} ({one_line(exc)})") from None
        try:
            yield client
        finally:
            client.close(timeout=5)
        return
    n = workers or os.cpu_count() or 1
    with ctrl_c_ignored_by_children():
        cluster = LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.CRITICAL,  # a failed trial is reported once, by us
            scheduler_port=0,
            host="127.0.0.1",
        )
    try:
        client = Client(cluster, set_as_default=False)
        try:
            yield client
        finally:
            client.close(timeout=5)
    finally:
        cluster.close(timeout=10)


def check_scheduler(address: str) -> None:
    """Fail in a few seconds, in one line, when nothing answers as a Dask scheduler at
    `address` (a Client that fails in its constructor leaves a noisy, slow finaliser behind)."""
    import asyncio

    from distributed.comm import connect

    async def probe() -> None:
        comm = await connect(address, timeout=CONNECT_TIMEOUT)
        await comm.close()

    try:
        asyncio.run(probe())
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"--scheduler: cannot reach {address} ({one_line(exc)})") from None
    except Exception:  # a reply that does not parse: some other service listens there
        raise ClusterError(
            f"--scheduler: {address} does not answer as a Dask scheduler (is something else "
            "listening on that port?)"
        ) from None


@contextmanager
def ctrl_c_ignored_by_children() -> Iterator[None]:
    """Start worker processes with SIGINT ignored (an ignored signal survives exec): a
    terminal's Ctrl-C reaches the whole job, and it is this process that cancels the trials
    and closes the cluster, not each worker dying mid-task with a traceback. (A Ctrl-C in the
    second or two the cluster takes to start is lost.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """A Ctrl-C during the block takes effect when it ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pressed.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed:
        raise KeyboardInterrupt


def csv_contents(sweep: Sweep) -> CsvContents | None:
    path = sweep.base.dataset.path
    if not path:
        return None
    try:
        return CsvContents(Path(path).name, Path(path).read_bytes())
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None


def run_trials(
    client: Any,
    sweep: Sweep,
    on_done: Callable[[Trial, TrialOutcome], None],
    on_failed: Callable[[Trial, str], None] = lambda trial, reason: None,
) -> SweepRun:
    """Submit every trial, hand each result to `on_done` as it finishes."""
    from distributed import as_completed

    run = SweepRun()
    csv = csv_contents(sweep)
    csv_arg: Any = client.scatter(csv, broadcast=True, hash=False) if csv is not None else None
    by_key: dict[str, Trial] = {}
    futures = []
    token = uuid.uuid4().hex[:12]  # this sweep's tasks, apart from anyone else's on the cluster
    try:
        for trial in sweep.trials:
            future = client.submit(
                run_trial,
                trial.index,
                trial.config,
                csv_arg,
                key=f"tui-nn-trial-{trial.index}-{token}",
                pure=False,
            )
            by_key[future.key] = trial
            futures.append(future)
        for future in as_completed(futures, loop=client.loop):
            trial = by_key[future.key]
            if future.status == "finished":
                outcome = future.result()
                with interrupts_deferred():  # a trial's files and line are written whole
                    on_done(trial, outcome)
                    run.done.append(trial.index)
            else:
                reason, data_error = _failure(future)
                run.failed[trial.index] = reason
                on_failed(trial, reason)
                if data_error:  # the worker cannot read the data: so will every other trial
                    run.data_error = reason
                    _cancel(client, futures, by_key, run)
                    break
            future.release()
    except KeyboardInterrupt:
        run.interrupted = True
        _cancel(client, futures, by_key, run)
    return run


def _cancel(client: Any, futures: list[Any], by_key: dict[str, Trial], run: SweepRun) -> None:
    pending = [f for f in futures if f.status == "pending"]
    run.cancelled = sorted(by_key[f.key].index for f in pending)
    client.cancel(pending, force=True)


def _failure(future: Any) -> tuple[str, bool]:
    """The one-line reason a trial failed, and whether it was the data (DataError)."""
    from tui_nn.data import DataError

    try:
        exc = future.exception(timeout=5)
    except Exception as err:  # cancelled, lost worker
        return f"{type(err).__name__}: {one_line(err)}", False
    return f"{type(exc).__name__}: {one_line(exc)}", isinstance(exc, DataError)
