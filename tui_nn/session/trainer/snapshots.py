"""Building a Snapshot from the run: what the apps draw, copied, nothing shared.

`build(run, owed)` sends what the snapshot always carries (state, counters, scores, neuron
statistics, the network and settings) and takes from `owed` (owed.py) what is due now: the
epoch records not yet published, the data summary after a data change, a decision grid or
panel data and the weights when they changed and their interval has passed, the one-shot
results and the answers. What it took is cleared, so every one-shot part is sent exactly once.
With a picture go the neuron maps the view asks for and the epochs replay can show (when they
changed); a view that replays an epoch gets that epoch's picture once per request (replay.py).
`full(run)` builds from a fresh `Owed()` (everything), for an app that has just attached,
leaving what the other apps are owed as it was.
"""

from __future__ import annotations

import dataclasses

import tui_nn.session.trainer.neuron_maps as neuron_maps
import tui_nn.session.trainer.panel_data as panel_data
import tui_nn.session.trainer.parameters as parameters
import tui_nn.session.trainer.pictures as pictures
from tui_nn.engine.history import RecordBlock
from tui_nn.engine.spec import LayerSpec, NetworkSpec
from tui_nn.session.protocol.messages import (
    DecisionGrid,
    NetworkView,
    NeuronMaps,
    PanelData,
    Snapshot,
)
from tui_nn.session.trainer.owed import NEVER, Owed
from tui_nn.session.trainer.run import Run


def eta(run: Run) -> float | None:
    """Seconds to the epoch budget at the measured rate (evaluation time included)."""
    trainer = run.trainer
    done = trainer.epoch + trainer.batch_index / max(trainer.steps_per_epoch, 1)
    return run.meter.eta(run.hyper.epochs, done, len(run.dataset.X_train))


def _picture_due(run: Run, owed: Owed, now: float) -> bool:
    """A picture of the weights is due: the view wants one, the weights changed since the
    last one and (while training) at least `grid_interval` seconds have passed; or, replaying
    an epoch, once when the view asked for it (whatever the live run does). Taken."""
    if not run.view.grid:
        return False
    if run.view.replay is not None:
        due, owed.replay = owed.replay, False
        return due
    if not owed.picture:
        return False
    if run.running and now - owed.picture_time < run.view.grid_interval:
        return False
    owed.picture, owed.picture_time = False, now
    return True


def grid_if_due(run: Run, owed: Owed, now: float) -> DecisionGrid | None:
    """A decision grid, for data with a plane, when one is due (from the replayed epoch's
    weights when the view replays one)."""
    if run.bounds is None or not _picture_due(run, owed, now):
        return None
    net, epoch = run.replay.network_for(run, run.view)
    return pictures.decision_grid(net, run.dataset, run.bounds, run.view.grid_size, epoch)


def panel_if_due(run: Run, owed: Owed, now: float) -> PanelData | None:
    """The fit curve or the confusion matrix and image strip, for data that has no decision
    grid, on the grid's terms."""
    if run.bounds is not None or run.dataset is None or not panel_data.applies(run.dataset):
        return None
    if not _picture_due(run, owed, now):
        return None
    net, _ = run.replay.network_for(run, run.view)
    return panel_data.panel_data(net, run.dataset)


def maps_with(run: Run, picture: bool) -> NeuronMaps | None:
    """The neuron maps the view asks for, computed with a new picture (same schedule, same
    network: live or the replayed epoch's)."""
    view = run.view
    if not picture or view.maps is None or run.dataset is None:
        return None
    net, epoch = run.replay.network_for(run, view)
    return neuron_maps.neuron_maps(net, run.dataset, view.maps, run.bounds, view.grid_size, epoch)


def frames_if_changed(run: Run, owed: Owed) -> tuple[int, ...] | None:
    """The epochs replay can show, when they changed since the apps were last told."""
    epochs = run.replay.epochs()
    if epochs == owed.frames:
        return None
    owed.frames = epochs
    return epochs


def weights_if_due(run: Run, owed: Owed, now: float) -> tuple[tuple | None, NetworkView | None]:
    """(weights, NetworkView) when the view asks for weights, they changed, and, while
    training, at most every `weights_interval` seconds (the picture rate, not the snapshot
    rate); else (None, None). A new run, a SetView or a change by hand sends them at once."""
    view = run.view
    if not (view.weights and owed.weights):
        return None, None
    if owed.weights_run != run.run_id:
        owed.weights_run, owed.weights_time = run.run_id, NEVER
    if run.running and now - owed.weights_time < view.weights_interval:
        return None, None
    owed.weights, owed.weights_time = False, now
    net_view = parameters.network_view(run.net, run.dataset, run.trainer, view.sample)
    return pictures.copy_weights(run.net), net_view


def new_records(run: Run, owed: Owed) -> RecordBlock:
    """The records not yet published (the whole, thinned, history on a new run), as one
    compact block; marks them published."""
    history = run.trainer.history
    block = history.block() if owed.sent is None else history.since(owed.sent)
    owed.sent = history.total
    return block


def _take_once(owed: Owed) -> dict[str, object]:
    """The one-shot parts and the answers, cleared from `owed`."""
    once = {
        "inspection": owed.inspection,
        "cell": owed.cell,
        "trace": owed.trace,
        "saved_path": owed.saved_path,
        "save_failed": owed.save_failed,
        "answers": tuple(owed.answers),
    }
    owed.inspection = owed.cell = owed.trace = owed.saved_path = owed.save_failed = None
    owed.answers = []
    return once


def build(run: Run, owed: Owed) -> Snapshot:
    """Everything new since the previous snapshot; takes what was owed."""
    now = run.clock()
    run.seq += 1
    owed.urgent = False
    trainer = run.trainer
    if trainer is None:
        return bare(run, owed)
    rate = run.meter.read(now, trainer.samples_seen, run.running)
    scores = run.scores()
    weights, network_view = weights_if_due(run, owed, now)
    grid, panel = grid_if_due(run, owed, now), panel_if_due(run, owed, now)
    picture = grid is not None or panel is not None
    snap = Snapshot(
        run_id=run.run_id,
        seq=run.seq,
        state=run.state,
        message=run.message,
        epoch=trainer.epoch,
        step=trainer.step_count,
        samples_seen=trainer.samples_seen,
        batch_loss=run.batch_loss,
        train_loss=scores.train_loss if scores else None,
        test_loss=scores.test_loss if scores else None,
        train_acc=scores.train_acc if scores else None,
        test_acc=scores.test_acc if scores else None,
        records=new_records(run, owed),
        layers=tuple(trainer.neuron_stats()),
        samples_per_sec=rate,
        eta_seconds=eta(run),
        elapsed=max(trainer.elapsed, run.stopwatch.read(now)),
        network=run.net.spec,
        hyper=run.hyper,
        dataset=run.dataset_spec,
        data=pictures.data_summary(run.dataset) if owed.data else None,
        grid=grid,
        panel=panel,
        weights=weights,
        error_detail=run.error_detail if run.state == "error" else None,
        speed=run.speed,
        network_view=network_view,
        changed=run.changed,
        maps=maps_with(run, picture),
        frames=frames_if_changed(run, owed) if picture else None,
        **_take_once(owed),
    )
    owed.data = False
    return snap


def full(run: Run) -> Snapshot:
    """A snapshot with the whole (thinned) history, the data summary and a decision grid,
    for an app that has just attached; what the other apps are owed is left as it was (the
    records they have not been sent yet come in the next snapshot, to everyone: not twice)."""
    snap = build(run, Owed())
    if snap.frames is None:  # a new app is told every epoch it can replay
        snap = dataclasses.replace(snap, frames=run.replay.epochs())
    sent = run.owed.sent
    unsent = run.trainer.history.total - sent if run.trainer is not None and sent is not None else 0
    if unsent > 0:
        snap = dataclasses.replace(snap, records=snap.records[: len(snap.records) - unsent])
    return snap


def bare(run: Run, owed: Owed) -> Snapshot:
    """State, message and counters only: before any network exists (the data failed to load),
    or when building a full snapshot failed. The network is a placeholder when there is none.
    What is owed once (answers, a save's failure) goes with it; the rest stays owed."""
    if run.net is not None:
        network = run.net.spec
    else:
        config = run.config
        activations = config.activations(len(config.hidden))
        hidden = tuple(LayerSpec(u, a) for u, a in zip(config.hidden, activations))
        network = NetworkSpec(n_inputs=1, hidden=hidden, output=LayerSpec(1, "identity"))
    trainer = run.trainer
    return Snapshot(
        run_id=run.run_id,
        seq=run.seq,
        state=run.state,
        message=run.message,
        epoch=trainer.epoch if trainer else 0,
        step=trainer.step_count if trainer else 0,
        samples_seen=trainer.samples_seen if trainer else 0,
        batch_loss=None,
        train_loss=None,
        test_loss=None,
        train_acc=None,
        test_acc=None,
        records=RecordBlock(),
        layers=(),
        samples_per_sec=0.0,
        eta_seconds=None,
        elapsed=trainer.elapsed if trainer else 0.0,
        network=network,
        hyper=run.hyper,
        dataset=run.dataset_spec,
        error_detail=run.error_detail,
        speed=run.speed,
        changed=run.changed,
        **_take_once(owed),
    )
