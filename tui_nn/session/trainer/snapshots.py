"""Building a Snapshot from the runner's state: what the UI draws, copied, nothing shared.

`build` takes what is new since the previous snapshot (epoch records, the data summary after a
data change, a decision grid when one is due, the weights when they changed and the view wants
them, an inspection, a saved path) and clears it, so every one-shot part is sent exactly once.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import tui_nn.session.trainer.neuron_maps as neuron_maps
import tui_nn.session.trainer.panel_data as panel_data
import tui_nn.session.trainer.parameters as parameters
import tui_nn.session.trainer.pictures as pictures
from tui_nn.engine.history import RecordBlock
from tui_nn.engine.spec import LayerSpec, NetworkSpec
from tui_nn.session.protocol.messages import DecisionGrid, NeuronMaps, Snapshot

if TYPE_CHECKING:
    from tui_nn.session.trainer.runner import Runner


def eta(runner: Runner) -> float | None:
    """Seconds to the epoch budget at the measured rate (evaluation time included)."""
    trainer = runner.trainer
    done = trainer.epoch + trainer.batch_index / max(trainer.steps_per_epoch, 1)
    return runner.meter.eta(runner.hyper.epochs, done, len(runner.dataset.X_train))


def grid_if_due(runner: Runner, now: float) -> DecisionGrid | None:
    """A decision grid, for data with a plane, when the view wants one, the weights changed
    since the last one and (while training) at least `grid_interval` seconds have passed; or,
    replaying an epoch, once when the view asks for it (from that epoch's weights)."""
    view = runner.view
    if not (view.grid and runner.bounds is not None):
        return None
    live = runner.grid_stale and not (
        runner.running and now - runner.last_grid_time < view.grid_interval
    )
    if not runner.replay.picture_due(view, live):
        return None
    runner.grid_stale, runner.last_grid_time = False, now
    net, epoch = runner.replay.network_for(runner, view)
    return pictures.decision_grid(net, runner.dataset, runner.bounds, view.grid_size, epoch)


def panel_if_due(runner: Runner, now: float) -> panel_data.PanelData | None:
    """The fit curve or the confusion matrix and image strip, for data that has no decision
    grid, on the grid's terms (asked for by the view, weights changed, interval passed; or the
    replayed epoch's fit curve, once)."""
    view = runner.view
    if not (view.grid and runner.bounds is None):
        return None
    if runner.dataset is None or not panel_data.applies(runner.dataset):
        return None
    live = runner.grid_stale and not (
        runner.running and now - runner.last_grid_time < view.grid_interval
    )
    if not runner.replay.picture_due(view, live):
        return None
    runner.grid_stale, runner.last_grid_time = False, now
    net, _ = runner.replay.network_for(runner, view)
    return panel_data.panel_data(net, runner.dataset)


def maps_with(runner: Runner, picture: bool) -> NeuronMaps | None:
    """The neuron maps the view asks for, computed with a new picture (same schedule, same
    network: live or the replayed epoch's)."""
    view = runner.view
    if not picture or view.maps is None or runner.dataset is None:
        return None
    net, epoch = runner.replay.network_for(runner, view)
    return neuron_maps.neuron_maps(
        net, runner.dataset, view.maps, runner.bounds, view.grid_size, epoch
    )


def new_records(runner: Runner) -> RecordBlock:
    """The records not yet published (the whole, thinned, history on a new run), as one
    compact block; marks them published."""
    history = runner.trainer.history
    block = history.block() if runner.sent is None else history.since(runner.sent)
    runner.sent = history.total
    return block


def build(runner: Runner) -> Snapshot:
    """Everything new since the previous snapshot; clears the one-shot parts."""
    now = runner.clock()
    runner.seq += 1
    runner.urgent = False
    trainer = runner.trainer
    if trainer is None:
        return bare(runner)
    rate = runner.meter.read(now, trainer.samples_seen, runner.running)
    last = trainer.current_record  # the weights in place: early stopping's kept epoch
    weights, network_view = parameters.weights_if_due(runner, now)
    grid, panel = grid_if_due(runner, now), panel_if_due(runner, now)
    picture = grid is not None or panel is not None
    snap = Snapshot(
        run_id=runner.run_id,
        seq=runner.seq,
        state=runner.state,
        message=runner.message,
        epoch=trainer.epoch,
        step=trainer.step_count,
        samples_seen=trainer.samples_seen,
        batch_loss=runner.batch_loss,
        train_loss=last.train_loss if last else None,
        test_loss=last.test_loss if last else None,
        train_acc=last.train_acc if last else None,
        test_acc=last.test_acc if last else None,
        records=new_records(runner),
        layers=tuple(trainer.neuron_stats()),
        samples_per_sec=rate,
        eta_seconds=eta(runner),
        elapsed=max(trainer.elapsed, runner.stopwatch.read(now)),
        network=runner.net.spec,
        hyper=runner.hyper,
        dataset=runner.dataset_spec,
        data=pictures.data_summary(runner.dataset) if runner.send_data else None,
        grid=grid,
        panel=panel,
        maps=maps_with(runner, picture),
        frames=runner.replay.epochs_if_changed() if picture else None,
        weights=weights,
        inspection=runner.inspection,
        cell=runner.cell,
        saved_path=runner.saved_path,
        save_failed=runner.save_failed,
        error_detail=runner.error_detail if runner.state == "error" else None,
        speed=runner.speed,
        trace=runner.trace,
        network_view=network_view,
        answers=_take_answers(runner),
    )
    runner.send_data = False
    runner.inspection = runner.saved_path = runner.save_failed = runner.trace = None
    runner.cell = None
    return snap


_FULL = ("sent", "send_data", "grid_stale", "last_grid_time", "weights_stale", "urgent")
_ONCE = ("inspection", "saved_path", "save_failed", "trace", "answers", "cell")


def full(runner: Runner) -> Snapshot:
    """A snapshot with the whole (thinned) history, the data summary and a decision grid,
    for an app that has just attached; what the other apps are owed is left as it was."""
    kept = {name: getattr(runner, name) for name in _FULL + _ONCE}
    runner.sent, runner.send_data, runner.weights_stale = None, True, True
    runner.grid_stale, runner.last_grid_time = True, float("-inf")
    for name in _ONCE:
        setattr(runner, name, None)
    runner.answers = []  # the newcomer asked nothing yet: the answers go to everyone next
    try:
        snap = build(runner)
    finally:
        for name, value in kept.items():
            setattr(runner, name, value)
    if snap.frames is None:  # a new app is told every epoch it can replay
        snap = dataclasses.replace(snap, frames=tuple(runner.replay.frames.epochs()))
    unsent = runner.trainer.history.total - kept["sent"] if runner.trainer is not None else 0
    if unsent > 0:  # those come in the next snapshot, to everyone: not twice
        snap = dataclasses.replace(snap, records=snap.records[: len(snap.records) - unsent])
    return snap


def bare(runner: Runner) -> Snapshot:
    """State, message and counters only: before any network exists (the data failed to load),
    or when building a full snapshot failed. The network is a placeholder when there is none."""
    if runner.net is not None:
        network = runner.net.spec
    else:
        config = runner.config
        hidden = tuple(LayerSpec(units, config.activation) for units in config.hidden)
        network = NetworkSpec(n_inputs=1, hidden=hidden, output=LayerSpec(1, "identity"))
    trainer = runner.trainer
    return Snapshot(
        run_id=runner.run_id,
        seq=runner.seq,
        state=runner.state,
        message=runner.message,
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
        hyper=runner.hyper,
        dataset=runner.dataset_spec,
        error_detail=runner.error_detail,
        speed=runner.speed,
        save_failed=_take_failure(runner),
        answers=_take_answers(runner),
    )


def _take_answers(runner: Runner) -> tuple:
    answers, runner.answers = tuple(runner.answers), []
    return answers


def _take_failure(runner: Runner) -> str | None:
    failed, runner.save_failed = runner.save_failed, None
    return failed
