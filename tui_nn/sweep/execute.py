"""Running a sweep's trials on Dask against its Optuna study.

    run = Runner(client, sweep, study, on_done, on_failed, skip=...).run()

The client keeps as many trials in flight as the cluster has worker threads, plus one queued
(so a worker never waits for the next trial's round trip), asking the study for each trial only
when it is submitted (so TPE learns from every trial finished by then). Every trial is one task
(`tui_nn.sweep.trial.run_trial`); a CSV file's contents are scattered to the workers once. A
running trial sends each epoch's metric as a Dask event; the client reports it to the study and,
when the pruner says so, marks it pruned on its worker (`Client.run`), where it stops after its
epoch. A finished trial is handed to `on_done` (its files and results line), then told to the
study.

The sweep ends early, keeping every finished trial, on Ctrl-C (`interrupted`), when a worker
cannot load the data (every trial would fail the same way), when a result cannot be written
(a full disk), or when the cluster has had no worker for `worker_timeout` seconds.
"""

from __future__ import annotations

import queue
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui_nn.errors import one_line
from tui_nn.files import ConfigError, ModelFileError
from tui_nn.sweep.plan import Sweep
from tui_nn.sweep.space import Trial
from tui_nn.sweep.study import Asked, RefusedTrial, SweepStudy
from tui_nn.sweep.trial import CsvContents, TrialOutcome, Watch, mark_pruned, run_trial

WORKER_TIMEOUT = 30.0  # seconds without a worker before a sweep gives up
POLL = 0.5  # seconds between looks at the cluster while nothing happens


@dataclass
class SweepRun:
    """How a sweep ended: which trials finished, failed, or were cancelled, and why it
    stopped early (None: it ran every trial)."""

    done: list[int] = field(default_factory=list)
    pruned: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    cancelled: list[int] = field(default_factory=list)
    interrupted: bool = False
    data_error: str | None = None  # a worker could not load the data
    write_error: str | None = None  # a result could not be written (a full disk)
    no_workers: float | None = None  # the cluster had no worker for this many seconds
    where: str = ""  # the cluster, as the sweep's first line named it


@dataclass
class Running:
    asked: Asked
    future: Any
    worker: str | None = None  # the worker's address, from its first report
    prune_sent: bool = False


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """A Ctrl-C during the block takes effect when it ends (a trial's files and line are
    written whole)."""
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


class Runner:
    """One sweep on one cluster. `skip`: trial indices already finished (a resumed sweep)."""

    def __init__(
        self,
        client: Any,
        sweep: Sweep,
        study: SweepStudy,
        on_done: Callable[[Trial, TrialOutcome], None],
        on_failed: Callable[[Trial, str], None] = lambda trial, reason: None,
        skip: frozenset[int] = frozenset(),
        worker_timeout: float = WORKER_TIMEOUT,
    ) -> None:
        self.client = client
        self.sweep = sweep
        self.study = study
        self.on_done = on_done
        self.on_failed = on_failed
        self.worker_timeout = worker_timeout
        self.token = uuid.uuid4().hex[:12]  # this sweep's tasks, apart from anyone else's
        self.topic = f"tui-nn-sweep-{self.token}"
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.running: dict[str, Running] = {}
        self.run_state = SweepRun()
        if sweep.method == "tpe":
            self.planned: list[Trial] | None = None
            self.to_ask = max(sweep.total - len(skip), 0)
        else:
            self.planned = [t for t in sweep.trials if t.index not in skip]
            self.to_ask = len(self.planned)
        self.threads = 0
        self.threads_seen = time.monotonic()  # when the cluster last had a worker
        self.looked = 0.0

    # ---- the loop ------------------------------------------------------------------------

    def run(self) -> SweepRun:
        from distributed import Client

        assert isinstance(self.client, Client)
        csv = csv_contents(self.sweep)
        self.csv: Any = (
            self.client.scatter(csv, broadcast=True, hash=False) if csv is not None else None
        )
        self.client.subscribe_topic(self.topic, lambda event: self.events.put(("report", event)))
        try:
            while self.to_ask or self.running:
                self.look_at_cluster()
                if self.run_state.no_workers is not None:
                    self.cancel()
                    break
                self.fill()
                try:
                    kind, payload = self.events.get(timeout=POLL)
                except queue.Empty:
                    continue
                if kind == "report":
                    self.reported(payload[1])
                elif not self.finished(*payload):
                    break
        except KeyboardInterrupt:
            self.run_state.interrupted = True
            self.cancel()
        finally:
            self.client.unsubscribe_topic(self.topic)
        return self.run_state

    def look_at_cluster(self) -> None:
        """The cluster's worker threads (asked at most every POLL seconds); how long it has
        had none."""
        now = time.monotonic()
        if now - self.looked < POLL and self.threads:
            return
        self.looked = now
        self.threads = sum(self.client.nthreads().values())
        if self.threads:
            self.threads_seen = now
        elif now - self.threads_seen >= self.worker_timeout:
            self.run_state.no_workers = now - self.threads_seen

    def fill(self) -> None:
        """Submit trials until every worker thread has one, and one waits."""
        while self.to_ask and len(self.running) < max(self.threads, 1) + 1:
            self.to_ask -= 1
            planned = self.planned.pop(0) if self.planned is not None else None
            try:
                asked = self.study.ask(planned)
            except RefusedTrial as refused:  # TPE proposed values that do not go together
                self.run_state.failed[refused.trial.index] = refused.reason
                self.on_failed(refused.trial, refused.reason)
                continue
            self.submit(asked)

    def submit(self, asked: Asked) -> None:
        trial = asked.trial
        key = f"tui-nn-trial-{trial.index}-{self.token}"
        watch = Watch(self.topic, key, self.sweep.metric)
        future = self.client.submit(
            run_trial, trial.index, trial.config, self.csv, watch, key=key, pure=False
        )
        self.running[key] = Running(asked, future)
        future.add_done_callback(self._done)

    def _done(self, future: Any) -> None:
        """On Dask's callback thread: fetch a finished trial's result there, so the loop that
        writes results never waits for the round trip."""
        outcome = None
        if future.status == "finished":
            try:
                outcome = future.result()
            except Exception:  # released or lost meanwhile: the loop asks again
                outcome = None
        self.events.put(("done", (future.key, outcome)))

    # ---- what the workers say -------------------------------------------------------------

    def reported(self, message: dict[str, Any]) -> None:
        """A running trial's epoch: report it; tell the worker to stop a hopeless trial."""
        running = self.running.get(message.get("key", ""))
        if running is None:  # a trial that already ended
            return
        running.worker = message.get("worker")
        prune = self.study.report(running.asked, int(message["epoch"]), message.get("value"))
        if prune and not running.prune_sent and running.worker:
            running.prune_sent = True
            self.client.run(mark_pruned, running.future.key, workers=[running.worker], wait=False)

    def finished(self, key: str, outcome: TrialOutcome | None) -> bool:
        """A trial's task ended (its outcome fetched already, or None); False stops the
        sweep."""
        running = self.running.pop(key, None)
        if running is None:
            return True
        trial, future = running.asked.trial, running.future
        if future.status == "finished":
            if outcome is None:
                outcome = future.result()
            future.release()
            return self.record(running.asked, outcome)
        reason, data_error = failure(future)
        future.release()
        self.study.tell(running.asked, None, "failed")
        self.run_state.failed[trial.index] = reason
        self.on_failed(trial, reason)
        if data_error:  # the worker cannot read the data: so will every other trial
            self.run_state.data_error = reason
            self.cancel()
            return False
        return True

    def record(self, asked: Asked, outcome: TrialOutcome) -> bool:
        """Write a finished trial (files, then its line), then tell the study."""
        trial = asked.trial
        try:
            with interrupts_deferred():
                self.on_done(trial, outcome)
        except (OSError, ModelFileError) as exc:
            self.run_state.write_error = one_line(exc)
            self.tell_failed(asked)
            self.cancel()
            return False
        pruned = outcome.stopped == "pruned"
        value = outcome.metrics.get(self.sweep.metric)
        state = "pruned" if pruned else ("complete" if value is not None else "failed")
        self.study.tell(asked, value, state)
        (self.run_state.pruned if pruned else self.run_state.done).append(trial.index)
        return True

    def cancel(self) -> None:
        """Cancel what runs and what waits; the study marks them failed (a resume runs them
        again)."""
        pending = list(self.running.values())
        self.running.clear()
        self.run_state.cancelled = sorted(r.asked.trial.index for r in pending)
        if pending:
            self.client.cancel([r.future for r in pending], force=True)
        for r in pending:
            self.tell_failed(r.asked)

    def tell_failed(self, asked: Asked) -> None:
        """The study hears of a trial that did not finish, if the disk lets it (else a
        resume finds it running and settles it)."""
        try:
            self.study.tell(asked, None, "failed")
        except OSError:
            pass


def failure(future: Any) -> tuple[str, bool]:
    """The one-line reason a trial failed, and whether it was the data (DataError)."""
    from tui_nn.data import DataError

    try:
        exc = future.exception(timeout=5)
    except Exception as err:  # cancelled, lost worker
        return f"{type(err).__name__}: {one_line(err)}", False
    return f"{type(exc).__name__}: {one_line(exc)}", isinstance(exc, DataError)
