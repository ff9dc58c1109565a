"""What the editing panels show of a run: the trainer's values, or edits still on their way
(`Pending.shown`), so quick successive edits build on each other."""

from __future__ import annotations

from tui_nn.session.protocol.messages import SetArchitecture, SetDataset, SetHyper, Snapshot
from tui_nn.ui.host import Host
from tui_nn.ui.link.pending import Pending
from tui_nn.ui.panels.architecture import ArchitecturePanel
from tui_nn.ui.panels.hyper import HyperPanel


def show_run(host: Host, snap: Snapshot, edits: Pending) -> None:
    """The network and training panels show this run (its pending edits held)."""
    architecture = host.query_one(ArchitecturePanel)
    dataset_name = snap.dataset.name if snap.dataset is not None else ""
    architecture.show(edits.shown("network", snap.network, architecture.spec), dataset_name)
    if snap.dataset is not None:
        hyper = host.query_one(HyperPanel)
        hyper.show(
            edits.shown("hyper", snap.hyper, hyper.hyper),
            edits.shown("data", snap.dataset, hyper.dataset),
            snap.network.seed,
        )


def panels_seen(host: Host, edits: Pending) -> None:
    """What the panels show now is not an edit of their own on its way (another run's values
    were put there)."""
    architecture, hyper = host.query_one(ArchitecturePanel), host.query_one(HyperPanel)
    for kind, value in (
        ("network", architecture.spec),
        ("hyper", hyper.hyper),
        ("data", hyper.dataset),
    ):
        edits.seen(kind, value)


def show_trainers_values(host: Host, pending: Pending, command: object) -> None:
    """An edit refused before it was sent (a lesson's lock, a read-only viewer): the panel that
    proposed `command` shows the trainer's values again."""
    last = host.last
    if last is None:
        return
    if isinstance(command, SetArchitecture):
        pending.seen("network", last.network)
        dataset_name = last.dataset.name if last.dataset is not None else ""
        host.query_one(ArchitecturePanel).show(last.network, dataset_name)
    elif isinstance(command, (SetHyper, SetDataset)):
        pending.seen("hyper", last.hyper)
        pending.seen("data", last.dataset)
        host.query_one(HyperPanel).show(last.hyper, last.dataset, last.network.seed)
