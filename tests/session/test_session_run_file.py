"""The run's file: named by the data it last trained on (one naming, run_names.py, for the app
and the trainer), saved by the detached trainer whenever there is something to save (weights
set by hand count), and an app told what stopped its trainer."""

from __future__ import annotations

import json
import types

import pytest
from session_helpers import Collector, make_config
from test_session_detach import started, wait_until  # noqa: F401 - the fixture

import tui_nn.run_names as run_names
import tui_nn.session.protocol.rendezvous as rendezvous
from tui_nn.data.spec import DatasetSpec
from tui_nn.files import load_model
from tui_nn.session.client.proxy import ask
from tui_nn.session.protocol.hello import Launch
from tui_nn.session.protocol.messages import (
    Envelope,
    Save,
    SetDataset,
    SetParameter,
    Snapshot,
    TrainerDied,
)
from tui_nn.session.trainer.daemon import Control
from tui_nn.session.trainer.runner import Runner


def test_names_follow_the_data_and_a_given_name_stays(tmp_path):
    first = run_names.new_name(tmp_path, "circle", stamp="20260102-130405")
    assert first.name == "20260102-130405-circle.npz"
    first.with_suffix(".jsonl").write_text("")  # a metrics file takes the name too
    second = run_names.new_name(tmp_path, "circle", stamp="20260102-130405")
    assert second.name == "20260102-130405-circle-2.npz"
    assert run_names.named_for(second, "circle") and not run_names.named_for(second, "spiral")
    assert run_names.followed(second, "circle", "spiral").name == "20260102-130405-spiral.npz"
    assert run_names.followed(second, "circle", "circle") == second
    mine = tmp_path / "my-run.npz"
    assert run_names.followed(mine, "circle", "spiral") == mine
    fashion = run_names.new_name(tmp_path, "fashion-mnist", stamp="20260102-130405")
    assert run_names.followed(fashion, "fashion-mnist", "mnist").name.endswith("-mnist.npz")


def control_for(tmp_path, name: str = "circle", run_name: str | None = None):
    run = tmp_path / (run_name or run_names.new_name(tmp_path, name).name)
    metrics = run.with_suffix(".jsonl")
    config = make_config(name, samples=120)
    runner = Runner(config, metrics_path=str(metrics))
    runner.load()
    launch = Launch(config, 10, 1, run_path=str(run), metrics_path=str(metrics))
    no_apps = types.SimpleNamespace(clients=[], watchers=set())  # the hub, as status() reads it
    return Control("abc123", no_apps, runner, launch), runner, run


def test_weights_set_by_hand_are_saved_when_the_app_leaves(tmp_path):
    control, runner, run = control_for(tmp_path)
    assert control.save_run() is None and not run.exists()  # a fresh network: nothing to keep
    runner.apply(SetParameter(layer=0, row=0, col=1, value=0.75))
    assert runner.trainer.step_count == 0
    assert control.save_run() == str(run)  # not trained, but changed by hand
    assert load_model(run).params[0][0][0, 1] == pytest.approx(0.75)


def test_a_run_switched_to_other_data_is_saved_under_that_datas_name(tmp_path):
    control, runner, run = control_for(tmp_path)
    runner.apply(SetParameter(layer=0, row=0, col=0, value=0.5))
    control.save_run()
    assert run.exists()  # saved once under the first data's name
    runner.apply(SetDataset(DatasetSpec("spiral", samples=120, seed=1)))
    runner.apply(SetParameter(layer=0, row=1, col=0, value=0.25))  # a change on the new data
    runner.metrics.write(runner.run_id, _record(), last=True)
    spiral = run.with_name(run.name.replace("-circle", "-spiral"))
    runner.snapshot()
    # the app asks to save to the name it started with: the trainer saves under the new one
    assert control.handle(Envelope("app:1", Save(str(run)))) is True
    (answer,) = runner.snapshot().answers
    assert answer.outcome == "accepted" and answer.value == str(spiral)
    assert spiral.exists() and not run.exists()
    assert load_model(spiral).config.dataset.name == "spiral"
    assert spiral.with_suffix(".jsonl").exists() and not run.with_suffix(".jsonl").exists()
    info = json.loads((rendezvous.runtime_dir() / "abc123.json").read_text())
    assert info["run_path"] == str(spiral) == control.status().run_path
    assert control.run_file.means(str(run))  # the old name still means this run


def test_a_name_the_user_gave_is_kept(tmp_path):
    control, runner, run = control_for(tmp_path, run_name="mine.npz")
    runner.apply(SetDataset(DatasetSpec("spiral", samples=120, seed=1)))
    runner.apply(SetParameter(layer=0, row=0, col=0, value=0.5))
    assert control.save_run() == str(run) and run.exists()


def _record():
    from tui_nn.engine.types import EpochRecord

    return EpochRecord(1, 3, 120, 0.5, 0.6, 0.7, 0.6, 0.1, 0.1)


@pytest.mark.slow
def test_an_app_is_told_its_trainer_was_stopped_by_attach_stop(started):  # noqa: F811
    session, sink, run = started()
    session.send(SetParameter(layer=0, row=0, col=0, value=0.5))
    sink.wait(lambda m: isinstance(m, Snapshot) and m.changed)
    status = ask(session.trainer_id, "stop")
    assert status.saved_path == str(run)  # weights set by hand: saved, though never trained
    died = sink.wait(lambda m: isinstance(m, TrainerDied))
    assert died.stopped_by == "tui-nn attach --stop" and died.exitcode == 0
    assert died.message.startswith("the trainer was stopped by tui-nn attach --stop")
    assert "died" not in died.message
    wait_until(lambda: not rendezvous.trainers(), "the trainer to end")
    assert isinstance(sink, Collector)
