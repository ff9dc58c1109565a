"""The runs of one server: the trainers its tabs started (found in the user's registry by the
group they record, `serve@HOST:PORT`), what the start page shows of them, and stopping them
when the server ends.

A server started again on the same address finds the runs its predecessor left running.
Everything here blocks (it asks trainers over their sockets): the server calls it in a thread.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import tui_nn.session.protocol.rendezvous as rendezvous
from tui_nn.session.client.proxy import ask
from tui_nn.session.protocol.hello import Status

ASK_SECONDS = 2.0  # a trainer that does not answer a query this fast is shown as busy


def group_of(host: str, port: int) -> str:
    return f"serve@{host}:{port}"


@dataclass(frozen=True)
class Run:
    """A run as the start page lists it."""

    id: str
    dataset: str
    network: str
    started: float
    status: Status | None  # None: it did not answer in time

    @property
    def state(self) -> str:
        return "not answering" if self.status is None else self.status.state

    @property
    def epoch(self) -> str:
        return "?" if self.status is None else str(self.status.epoch)

    @property
    def clients(self) -> int:
        return 0 if self.status is None else self.status.clients


def trainers(group: str) -> list[rendezvous.TrainerInfo]:
    """The trainers of `group` that are running, oldest first."""
    return [info for info in rendezvous.trainers() if info.group == group]


def runs(group: str) -> list[Run]:
    """The runs of `group`, each with its current status (asked in parallel)."""
    found = trainers(group)
    if not found:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(found))) as pool:
        statuses = list(pool.map(lambda info: ask(info.id, timeout=ASK_SECONDS), found))
    return [
        Run(info.id, info.dataset, info.network, info.started, status)
        for info, status in zip(found, statuses)
    ]


def find(group: str, trainer_id: str) -> rendezvous.TrainerInfo | None:
    for info in trainers(group):
        if info.id == trainer_id:
            return info
    return None


@dataclass(frozen=True)
class Ended:
    """What stopping a trainer left: its id and the file its run was saved to (or why not)."""

    id: str
    saved_path: str | None
    problem: str = ""


def stop_all(group: str) -> list[Ended]:
    """Stop every trainer of `group`; each saves its run first (`tui-nn attach --stop`)."""
    found = trainers(group)
    if not found:
        return []

    def stop(info: rendezvous.TrainerInfo) -> Ended:
        status = ask(info.id, "stop")
        if status is None:
            return Ended(info.id, None, f"did not answer (pid {info.pid})")
        return Ended(info.id, status.saved_path, "" if status.saved_path else "never trained")

    with ThreadPoolExecutor(max_workers=min(8, len(found))) as pool:
        return list(pool.map(stop, found))
