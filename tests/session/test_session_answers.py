"""Every command is answered exactly once, by id: accepted with the value now in force, or
refused with the reason and the run left as it was (docs/ARCHITECTURE.md, protocol/answers.py).
The runner is driven in this process; the client's side (ids, answers kept per app, lost
answers) has tests of its own below and, with real trainers, in test_session_answers_live.py."""

from __future__ import annotations

import dataclasses
import typing

import numpy as np
import pytest
from session_helpers import make_config

from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.spec import LayerSpec, NetworkSpec
from tui_nn.engine.types import HyperParams
from tui_nn.session.client.mailbox import Mailbox
from tui_nn.session.client.outstanding import Outstanding, SessionClosed
from tui_nn.session.protocol.answers import Answer, GradientReport, LostAnswers, ParameterSet
from tui_nn.session.protocol.messages import (
    ApplyTraceStep,
    CheckGradients,
    Command,
    Envelope,
    Fork,
    Inspect,
    Inspection,
    Pause,
    Reset,
    Save,
    SetArchitecture,
    SetDataset,
    SetHyper,
    SetParameter,
    SetSpeed,
    SetView,
    Snapshot,
    Start,
    Step,
    Stop,
    TraceResult,
    TraceSample,
)
from tui_nn.session.trainer.runner import Runner


@pytest.fixture
def runner():
    r = Runner(make_config())
    r.load()
    r.snapshot()  # the first snapshot: nothing is owed any more
    return r


def ask(runner: Runner, command: object, cid: str = "app:1") -> Answer:
    """Apply `command` in an envelope; the one answer the next snapshot carries."""
    assert runner.apply(Envelope(cid, command))
    assert runner.urgent  # an answer is published at once
    snap = runner.snapshot()
    (answer,) = snap.answers
    assert answer.id == cid and answer.command == type(command).__name__
    assert runner.snapshot().answers == ()  # exactly once
    return answer


def accepted(runner: Runner, command: object) -> object:
    answer = ask(runner, command)
    assert answer.outcome == "accepted" and answer.reason == "", answer
    return answer.value


def refused(runner: Runner, command: object) -> str:
    """The reason; the run must be as it was (weights, hyper-parameters, data, state)."""
    weights = [(W.copy(), b.copy()) for W, b in ((L.W, L.b) for L in runner.net.layers)]
    before = (runner.state, runner.hyper, runner.dataset_spec, runner.net.spec, runner.run_id)
    answer = ask(runner, command)
    assert answer.outcome == "refused" and answer.reason and answer.value is None, answer
    after = (runner.state, runner.hyper, runner.dataset_spec, runner.net.spec, runner.run_id)
    assert after == before
    for (W0, b0), layer in zip(weights, runner.net.layers):
        assert np.array_equal(W0, layer.W) and np.array_equal(b0, layer.b)
    return answer.reason


# ---- every command, accepted and refused ---------------------------------------------------


def test_start_pause_and_step_answer_with_the_state(runner):
    assert accepted(runner, Step(2)) == "running"
    while runner.running:
        runner.advance()
    assert accepted(runner, Start()) == "running"
    assert accepted(runner, Pause()) == "paused"
    assert "at least 1" in refused(runner, Step(0))
    runner.apply(SetHyper(dataclasses.replace(runner.hyper, epochs=1)))
    runner.apply(Step(epoch=True))
    while runner.running:
        runner.advance()
    runner.snapshot()
    assert runner.trainer.finished
    assert "raise the epoch budget" in refused(runner, Start())


def test_reset_answers_with_the_state_and_is_refused_without_a_network(runner, tmp_path):
    runner.apply(Step(3))
    runner.advance()
    runner.snapshot()
    assert accepted(runner, Reset(seed=5)) == "idle" and runner.trainer.step_count == 0
    broken = Runner(make_config().__class__(dataset=DatasetSpec("csv", path=str(tmp_path))))
    broken.load()
    assert broken.net is None
    answer = ask(broken, Reset())
    assert answer.outcome == "refused" and answer.reason.startswith("no network yet")


def test_set_hyper_answers_with_the_hyper_parameters_in_force(runner):
    wanted = dataclasses.replace(runner.hyper, lr=0.25, optimizer="adam")
    assert accepted(runner, SetHyper(wanted)) == wanted == runner.hyper
    assert "nope" in refused(runner, SetHyper(dataclasses.replace(wanted, optimizer="nope")))


def test_set_architecture_answers_with_the_network_in_force(runner):
    spec = runner.net.spec
    wider = spec.with_hidden((LayerSpec(12, "tanh"), LayerSpec(8, "relu")))
    assert accepted(runner, SetArchitecture(wider)) == wider == runner.net.spec
    assert "units" in refused(runner, SetArchitecture(spec.with_hidden((LayerSpec(0, "tanh"),))))


def test_set_dataset_answers_with_the_data_in_force(runner):
    value = accepted(runner, SetDataset(DatasetSpec("circle", samples=120, seed=2)))
    assert isinstance(value, DatasetSpec) and value == runner.dataset_spec
    assert value.name == "circle" and value.samples == 120
    assert "nope" in refused(runner, SetDataset(DatasetSpec("nope")))


def test_save_and_fork_answer_with_the_path_written(runner, tmp_path):
    path = str(tmp_path / "run.npz")
    assert accepted(runner, Save(path)) == path
    fork = str(tmp_path / "fork.npz")
    assert accepted(runner, Fork(fork)) == fork
    (tmp_path / "taken").mkdir()
    assert "cannot save" in refused(runner, Save(str(tmp_path / "taken")))
    assert refused(runner, Fork(str(tmp_path / "missing" / "deep" / "fork.npz")))


def test_set_parameter_answers_with_old_and_new_value_and_the_cost(runner):
    old = float(runner.net.layers[0].W[1, 0])
    value = accepted(runner, SetParameter(layer=0, row=1, col=0, value=0.5))
    assert value == ParameterSet(address="W1[2,1]", old=old, new=0.5, cost=value.cost)
    assert np.isfinite(value.cost) and runner.net.layers[0].W[1, 0] == 0.5
    assert "no layer 9" in refused(runner, SetParameter(layer=8, row=0, col=0, value=1.0))
    assert "finite" in refused(runner, SetParameter(layer=0, row=0, col=0, value=float("nan")))


def test_check_gradients_answers_with_a_report(runner):
    report = accepted(runner, CheckGradients(samples=4))
    assert isinstance(report, GradientReport) and report.samples == 4 and report.ok
    assert report.worst <= report.tolerance
    assert "at least 1 sample" in refused(runner, CheckGradients(samples=0))


def test_trace_and_inspect_answer_with_their_results(runner):
    trace = accepted(runner, TraceSample(index=3))
    assert isinstance(trace, TraceResult) and trace.index == 3 and trace.trace is not None
    step = accepted(runner, ApplyTraceStep(index=3))
    assert isinstance(step, TraceResult) and step.applied
    inspection = accepted(runner, Inspect(index=2))
    assert isinstance(inspection, Inspection) and inspection.index == 2
    assert "cannot trace" in refused(runner, TraceSample(index=10_000))
    assert "cannot trace" in refused(runner, ApplyTraceStep(index=10_000))
    assert "out of range" in refused(runner, Inspect(index=10_000))


def test_view_and_speed_answer_with_the_state(runner):
    assert accepted(runner, SetView(weights=True)) == "idle"
    assert accepted(runner, SetSpeed(2.0)) == "idle" and runner.speed == 2.0
    assert "grid_size" in refused(runner, SetView(grid_size=(0, 24)))
    assert "grid_interval" in refused(runner, SetView(grid_interval=float("nan")))
    assert "speed" in refused(runner, SetSpeed(-1.0))
    assert runner.speed == 2.0


def test_unknown_commands_are_refused_and_named(runner):
    assert refused(runner, "not a command") == "unknown command str"


def test_the_playgrounds_commands_answer_with_the_data_in_force(runner):
    from tui_nn.session.protocol.messages import (
        AddPoint,
        CellContents,
        CellSamples,
        RemovePoint,
        SetFeatures,
        SetPlane,
    )

    spec = accepted(runner, AddPoint(0.5, 0.5, 1))
    assert isinstance(spec, DatasetSpec) and spec.edits == (("add", 0.5, 0.5, 1.0),)
    assert "needs a class 0..1" in refused(runner, AddPoint(0.0, 0.0, 7))
    assert len(accepted(runner, RemovePoint(0.5, 0.5)).edits) == 2
    assert accepted(runner, SetPlane(None)).plane is None  # xor's plane is its own inputs
    assert "not an input" in refused(runner, SetPlane(("a", "b")))
    spec = accepted(runner, SetFeatures(("x1", "x1^2")))
    assert spec.features == ("x1", "x1^2") and runner.net.n_inputs == 2
    assert "unknown feature 'x9'" in refused(runner, SetFeatures(("x9",)))
    assert "no feature inputs" in refused(runner, SetPlane(None))
    cell = accepted(runner, CellSamples(0, 0))
    assert isinstance(cell, CellContents) and cell.count >= len(cell.indices)
    assert "the classes are 0..1" in refused(runner, CellSamples(5, 0))


def test_every_command_has_a_test_here():
    """A new command gets its accepted and refused case above."""
    names = {c.__name__ for c in typing.get_args(Command)} - {"Stop"}
    here = open(__file__, encoding="utf-8").read()
    missing = sorted(n for n in names if f"{n}(" not in here.split("# ---- every command")[1])
    assert not missing, missing


def test_a_command_refused_unapplied_is_answered_like_any_other(runner):
    runner.refuse(Envelope("viewer:1", Reset()), "this app only watches the run (read-only)")
    assert runner.urgent and runner.trainer.step_count == 0
    (answer,) = runner.snapshot().answers
    assert answer == Answer("viewer:1", "Reset", "refused", "this app only watches the run (read-only)")


def test_a_bare_command_is_answered_with_no_id_and_stop_is_not_answered(runner):
    runner.apply(Pause())
    (answer,) = runner.snapshot().answers
    assert answer == Answer("", "Pause", "accepted", value="idle")
    assert runner.apply(Envelope("app:9", Stop())) is False
    assert runner.snapshot().answers == ()


def test_answers_come_in_the_order_applied_and_survive_a_failed_snapshot(runner):
    for i, cmd in enumerate([Pause(), Step(0), SetSpeed(None)]):
        runner.apply(Envelope(f"a:{i}", cmd))
    runner.trainer = None  # building the snapshot now fails half-way: the bare one answers
    snap = runner.snapshot()
    assert [(a.id, a.outcome) for a in snap.answers] == [
        ("a:0", "accepted"),
        ("a:1", "refused"),
        ("a:2", "accepted"),
    ]


def test_a_newly_attached_app_gets_no_answers_and_the_others_keep_theirs(runner):
    import tui_nn.session.trainer.snapshots as snapshots

    runner.apply(Envelope("a:1", Pause()))
    assert snapshots.full(runner).answers == ()
    assert [a.id for a in runner.snapshot().answers] == ["a:1"]


# ---- the client's side: ids, own answers, lost ----------------------------------------------


def snapshot_with(*answers: Answer, run_id: int = 1, seq: int = 1) -> Snapshot:
    spec = NetworkSpec(2, (LayerSpec(2, "tanh"),), LayerSpec(1, "sigmoid"))
    return Snapshot(
        run_id, seq, "idle", "", 0, 0, 0, None, None, None, None, None, (), (), 0.0, None, 0.0,
        spec, HyperParams(), DatasetSpec("xor"), answers=answers,
    )  # fmt: skip


def test_ids_are_unique_and_each_client_keeps_only_its_own_answers():
    a, b = Outstanding(), Outstanding()
    ea, eb = a.envelope(Pause()), b.envelope(Start())
    assert ea.id != eb.id and a.envelope(Pause()).id != ea.id
    both = snapshot_with(
        Answer(eb.id, "Start", "accepted", value="running"),
        Answer(ea.id, "Pause", "accepted", value="idle"),
        Answer("", "Save", "accepted", value="x.npz"),  # the daemon's own save
    )
    assert [x.id for x in a.mine(both).answers] == [ea.id]
    assert [x.id for x in b.mine(both).answers] == [eb.id]
    assert a.mine(both).answers == ()  # answered once: no longer pending
    assert len(a.pending) == 1


def test_what_is_pending_is_lost_once_and_nothing_is_sent_after():
    out = Outstanding()
    ids = [out.envelope(c).id for c in (Pause(), SetSpeed(1.0))]
    out.mine(snapshot_with(Answer(ids[0], "Pause", "accepted")))
    lost = out.lose("the trainer process was killed by signal 9")
    assert lost == LostAnswers(
        (Answer(ids[1], "SetSpeed", "lost", "the trainer process was killed by signal 9"),)
    )
    assert out.lose("again") is None
    with pytest.raises(SessionClosed):
        out.envelope(Pause())


def test_answers_are_never_coalesced_away_in_the_mailbox():
    box = Mailbox()
    first = Answer("a:1", "Pause", "accepted", value="paused")
    second = Answer("a:2", "SetSpeed", "refused", "speed must be positive")
    box.put(snapshot_with(first, seq=1))
    box.put(snapshot_with(seq=2))
    box.put(snapshot_with(second, seq=3))
    box.put(LostAnswers((Answer("a:3", "Step", "lost", "gone"),)))
    merged = box.take()
    assert merged.seq == 3 and merged.answers == (first, second)
    assert [a.id for a in box.take().answers] == ["a:3"]
