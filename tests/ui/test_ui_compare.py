"""A/B comparison in the app: fork, lockstep, edit B, overlay and legend, end keeping runs.
First on the trainer's code in process (the wiring), then with real trainer processes (the
curves)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from runner_session import RunnerSession
from ui_helpers import screen_text, started, wait_for

from tui_nn.config import RunConfig
from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.types import HyperParams
from tui_nn.session.protocol.messages import Fork, Pause, Reset, Save, SetHyper, Step
from tui_nn.ui.app import create_app
from tui_nn.ui.compare.end import EndComparison
from tui_nn.ui.widgets.status_line import _rate

pytestmark = pytest.mark.slow  # real processes or the app: `-m "not slow"` leaves them out


class ForkingRunner(RunnerSession):
    """The trainer's code in process; its epochs (Steps) are taken when the test says so
    (`answer_steps`): an instant answer would keep the lockstep, and the event loop, busy for
    ever. Fork is the trainer's own: B starts from the file A writes."""

    def __init__(self, sink, fps: float = 10, blas_threads: int | None = 1) -> None:
        super().__init__(sink, fps, blas_threads)
        self.hold = (Step,)

    def answer_steps(self) -> None:
        self.release()


class Harness:
    def __init__(self, tmp_path: Path, **kw) -> None:
        self.sessions: list[ForkingRunner] = []
        self.app = create_app(
            RunConfig(), session_factory=self._factory, runs_directory=tmp_path / "runs", **kw
        )

    def _factory(self, sink, fps: float = 10) -> ForkingRunner:
        self.sessions.append(ForkingRunner(sink, fps=fps))
        return self.sessions[-1]

    @property
    def session(self) -> ForkingRunner:
        return self.sessions[0]


async def forked(pilot, harness: Harness) -> None:
    await pilot.press("f")
    await wait_for(pilot, lambda: len(harness.sessions) == 2, "run B's session")
    await wait_for(pilot, lambda: harness.app.comparison.state.last is not None, "run B's snapshot")
    await pilot.pause()


async def trained_and_forked(pilot, harness: Harness, epochs: int):
    """A trains `epochs`, then B is forked from it: (A's session, B's)."""
    a, app = harness.session, harness.app
    a.train_epochs(epochs)
    await wait_for(pilot, lambda: app.last.epoch == epochs, f"{epochs} epochs")
    await forked(pilot, harness)
    return a, harness.sessions[1]


async def test_fork_starts_b_where_a_is_and_trains_both_in_lockstep(tmp_path):
    harness = Harness(tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        a, b = await trained_and_forked(pilot, harness, 3)
        assert a.sent(Pause) and a.sent(Fork)
        assert b.initial_model == a.sent(Fork)[0].path
        assert app.comparison.state.last.epoch == 3
        # B keeps its run if left alone (a hang-up), and the fork's temp folder is gone once
        # B has read it
        assert b.run_path is not None and Path(b.run_path).parent == tmp_path / "runs"
        assert b.run_path != getattr(a, "run_path", None)
        assert not app.comparison.state.folder.exists()
        await wait_for(pilot, lambda: "B: the same" in screen_text(app), "the legend")
        text = screen_text(app)
        assert "A train" in text and "B " in text.splitlines()[-2][:3]
        assert app.query("#boundary-b")

        await pilot.press("space")  # both train, one epoch at a time
        await wait_for(pilot, lambda: a.sent(Step) and b.sent(Step), "the first pair")
        assert a.sent(Step) == b.sent(Step) == [Step(epoch=True)]
        for epoch in (4, 5, 6):
            a.answer_steps()  # A has done its epoch; B not yet: A waits
            await wait_for(pilot, lambda e=epoch: app.last.epoch == e, f"A at {epoch}")
            await pilot.pause()
            assert len(a.sent(Step)) == len(b.sent(Step)) == epoch - 3
            b.answer_steps()  # both done: the next pair goes out
            await wait_for(pilot, lambda e=epoch: len(b.sent(Step)) == e - 2, f"pair {epoch}")
            assert len(a.sent(Step)) == epoch - 2
        await pilot.press("space")  # pause: the pair in flight finishes, no new one
        await wait_for(pilot, lambda: not app.comparison.state.running, "paused")
        a.answer_steps()
        b.answer_steps()
        await wait_for(pilot, lambda: app.comparison.state.last.epoch == 7, "the last pair done")
        await pilot.pause()
        assert app.last.epoch == app.comparison.state.last.epoch == 7
        assert len(a.sent(Step)) == len(b.sent(Step)) == 4  # no pair after the pause
        assert any("pausing both at the end of epoch 7" in n.message for n in app._notifications)
        await pilot.press("r")  # a reset would break the same start: refused
        await pilot.pause()
        assert not a.sent(Reset) and not b.sent(Reset)
        assert any("end the comparison" in n.message for n in app._notifications)


async def test_both_status_lines_show_the_samples_per_second_while_in_lockstep(tmp_path):
    """Each epoch is a Step of its own: the trainers' meters read 0 between them; the lines
    show what the comparison gets (here one epoch per second of the test's clock)."""
    harness = Harness(tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        a, b = await trained_and_forked(pilot, harness, 1)
        now = [100.0]
        app.comparison.clock = lambda: now[0]
        per_epoch = app.last.samples_seen
        await pilot.press("space")
        await wait_for(pilot, lambda: b.sent(Step), "the first pair")
        for epoch in (2, 3, 4):
            now[0] += 1.0
            a.answer_steps()
            b.answer_steps()
            await wait_for(pilot, lambda e=epoch: app.comparison.state.last.epoch == e, "B")
            await wait_for(pilot, lambda e=epoch: app.last.epoch == e, "A")
        await pilot.pause()
        assert app.last.samples_per_sec == 0.0  # what the trainer says between epochs
        expected = f"{_rate(per_epoch / 1.0)} samples/s"
        for line in (app.query_one("#status").plain, app.query_one("#status-b").plain):
            assert "running" in line and expected in line, (expected, line)


async def test_x_edits_run_b_and_the_legend_says_what_differs(tmp_path):
    harness = Harness(tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        harness.session.train_epochs(2)
        await forked(pilot, harness)
        a, b = harness.sessions
        await pilot.press("x")
        assert app.query_one("HyperPanel").border_title == "Training · run B"
        app.query_one("HyperPanel").apply("lr", "0.3")
        await wait_for(pilot, lambda: b.sent(SetHyper), "B's new lr")
        assert b.sent(SetHyper)[0].hyper.lr == 0.3 and not a.sent(SetHyper)
        await wait_for(pilot, lambda: app.query_one("CostPlot").other_label == "B: lr 0.3", "lr")
        await pilot.press("x")  # back to A: its lr is still the old one
        assert app.query_one("HyperPanel").hyper.lr == HyperParams().lr
        app.query_one("HyperPanel").apply("lr", "0.1")
        await wait_for(pilot, lambda: a.sent(SetHyper), "A's new lr")
        assert not [c for c in b.sent(SetHyper) if c.hyper.lr == 0.1]


async def test_end_keeping_both_saves_two_runs(tmp_path):
    harness = Harness(tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        harness.session.train_epochs(2)
        await forked(pilot, harness)
        a, b = harness.sessions
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, EndComparison), "the question")
        assert "End the comparison (B: the same)" in screen_text(app)
        await pilot.press("down", "down", "enter")  # keep both
        await wait_for(pilot, lambda: app.comparison.state is None, "the comparison ended")
        assert len(a.sent(Save)) == len(b.sent(Save)) == 1
        for session in (a, b):
            assert Path(session.sent(Save)[0].path).is_file()
        # A's file is the one `q` saves to (beside A's metrics), B's the one B was started with
        assert a.sent(Save)[0].path == str(app.keeper.run_file()) == a.run_path
        assert b.sent(Save)[0].path == b.run_path and b.run_path.endswith("-B.npz")
        assert b.closed and not a.closed
        assert not app.query("#boundary-b") and not app.query("#status-b")
        assert app.query_one("CostPlot").other is None
        assert any(n.title == "comparison ended" for n in app._notifications)


async def test_at_80x24_v_switches_between_the_pictures(tmp_path):
    harness = Harness(tmp_path)
    app = harness.app
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, harness)
        harness.session.train_epochs(2)
        await forked(pilot, harness)
        a_box, b_box = app.query_one("#boundary"), app.query_one("#boundary-b")
        await pilot.pause()
        assert a_box.display and a_box.size.width > 0 and b_box.size.width == 0
        await pilot.press("v")
        await pilot.pause()
        assert b_box.size.width > 0 and a_box.size.width == 0


# ---- real trainers -----------------------------------------------------------------------------

SMALL = RunConfig(
    dataset=DatasetSpec(name="xor", samples=200),
    hidden=(4,),
    hyper=replace(HyperParams(), lr=0.05),
)


def curves(plot):
    a = plot.history
    b = plot.other
    return (
        [(x, y) for x, y in zip(a.x.tolist(), a.y("train_loss").tolist())],
        [(x, y) for x, y in zip(b.x.tolist(), b.y("train_loss").tolist())],
    )


async def compare_real(tmp_path, lr_b: str | None):
    app = create_app(SMALL, runs_directory=tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None, "the trainer")
        await pilot.press("e", "e", "e")
        await wait_for(pilot, lambda: app.last.epoch == 3 and app.last.state == "paused", "3")
        await pilot.press("s")
        await wait_for(pilot, lambda: app.last.step == 3 * 10 + 1, "a step into epoch 4")
        await pilot.press("f")
        await wait_for(pilot, lambda: app.comparison.state and app.comparison.state.last, "run B")
        if lr_b is not None:
            await pilot.press("x")
            app.query_one("HyperPanel").apply("lr", lr_b)
            await wait_for(
                pilot, lambda: app.comparison.state.last.hyper.lr == float(lr_b), "B's lr"
            )
        await pilot.press("space")
        await wait_for(
            pilot,
            lambda: app.last.epoch >= 8 and app.comparison.state.last.epoch >= 8,
            "8 epochs of both",
        )
        await pilot.press("space")
        await wait_for(
            pilot,
            lambda: app.last.state != "running" and app.comparison.state.last.state != "running",
            "both paused",
        )
        await wait_for(
            pilot, lambda: app.last.epoch == app.comparison.state.last.epoch, "same epoch"
        )
        await pilot.pause()
        result = curves(app.query_one("CostPlot")), app.last.epoch
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, EndComparison), "the question")
        await pilot.press("enter")  # keep A
        await wait_for(pilot, lambda: app.comparison.state is None, "ended")
    return result


async def test_real_fork_with_no_change_gives_bit_identical_curves(tmp_path):
    (a, b), epochs = await compare_real(tmp_path, None)
    assert len(a) == len(b) == epochs >= 8
    assert a == b  # exactly


async def test_real_fork_with_changed_lr_differs_only_from_the_fork_point(tmp_path):
    (a, b), epochs = await compare_real(tmp_path, "0.5")
    assert len(a) == len(b) == epochs
    assert a[:3] == b[:3]  # the history both share, up to the fork (in epoch 4)
    assert all(ya != yb for (_, ya), (_, yb) in zip(a[3:], b[3:]))
    assert not np.allclose([y for _, y in a[3:]], [y for _, y in b[3:]])


# ---- a sweep trial as run B (sweep_view.py `b`, trial_compare.py) ---------------------------


def trials_folder(tmp_path: Path) -> Path:
    """A results folder with two real trial models: 0 on xor (A's shapes), 1 on digits."""
    import json

    from tui_nn.data import load_dataset
    from tui_nn.engine.network import Network
    from tui_nn.files import save_model

    out = tmp_path / "sweep"
    out.mkdir()
    lines = []
    for trial, name in ((0, "xor"), (1, "digits")):
        data = load_dataset(DatasetSpec(name, samples=40))
        config = RunConfig(dataset=data.spec, hidden=(4,))
        save_model(
            out / f"trial-{trial}.npz", Network.from_spec(config.network_spec(data)), config, data
        )
        lines.append(
            {
                "trial": trial,
                "params": {"lr": 0.1 * (trial + 1)},
                "test_acc": 0.9 - 0.1 * trial,
                "model": f"trial-{trial}.npz",
            }
        )
    (out / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines))
    return out


async def open_results(pilot, app, folder: Path) -> None:
    from tui_nn.ui.sweeps.screen import SweepFolderPrompt, SweepScreen
    from tui_nn.ui.sweeps.table import SweepTable

    app.action_open_sweep()
    await wait_for(pilot, lambda: isinstance(app.screen, SweepFolderPrompt), "the prompt")
    await wait_for(pilot, lambda: app.screen.query("Input"), "the folder field")
    app.screen.query_one("Input").value = str(folder)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, SweepScreen), "the results")
    table = app.screen.query_one(SweepTable)
    await wait_for(pilot, lambda: table.row_count == 2 and table.has_focus, "the rows")


async def test_b_in_the_sweep_results_opens_a_trial_as_run_b_in_lockstep(tmp_path):
    from tui_nn.ui.sweeps.screen import SweepScreen

    folder = trials_folder(tmp_path)
    trial = str(folder / "trial-0.npz")
    harness = Harness(tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        a = harness.session
        a.train_epochs(2)
        await wait_for(pilot, lambda: app.last.epoch == 2, "2 epochs of A")
        await open_results(pilot, app, folder)
        said = lambda: " ".join(n.message for n in app._notifications)  # noqa: E731
        await pilot.press("down", "b")  # trial 1: digits, 64 inputs and 10 outputs
        await wait_for(pilot, lambda: "a comparison needs the same shapes" in said(), "refusal")
        assert "trial 1: trial-1.npz (digits) has 64 inputs and 10 outputs" in said()
        assert "run A (circle) 2 and 1" in said()
        assert isinstance(app.screen, SweepScreen) and len(harness.sessions) == 1
        await pilot.press("up", "b")  # trial 0: xor, the same shapes as A
        await wait_for(pilot, lambda: app.comparison.state and app.comparison.state.last, "run B")
        b = harness.sessions[1]
        assert b.initial_model == trial and b.config.dataset.name == "xor"
        assert a.sent(Pause) and not a.sent(Fork)  # A paused, not forked
        start = app.comparison.state.last.epoch  # the trial's own epochs (none: a new model)
        assert app.last.epoch == 2 and start != app.last.epoch
        assert "run B is trial-0.npz" in said()
        await wait_for(pilot, lambda: "B: dataset" in app.query_one("CostPlot").other_label,
                       "the legend naming the other data")
        await pilot.press("space")  # lockstep, counted from here: A 2 -> 3 while B 0 -> 1
        await wait_for(pilot, lambda: a.sent(Step) and b.sent(Step), "the first pair")
        for n in (1, 2, 3):
            a.answer_steps()
            b.answer_steps()
            await wait_for(pilot, lambda n=n: len(b.sent(Step)) == n + 1, f"pair {n + 1}")
            assert len(a.sent(Step)) == n + 1
            assert (app.last.epoch, app.comparison.state.last.epoch) == (2 + n, start + n)
        await pilot.press("f")  # ending the comparison leaves the trial's file alone
        await wait_for(pilot, lambda: isinstance(app.screen, EndComparison), "the question")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.comparison.state is None, "ended")
    assert Path(trial).is_file()


async def test_b_while_comparing_or_without_a_run_says_why_not(tmp_path):
    from tui_nn.sweep.results import read_results
    from tui_nn.ui.sweeps.screen import SweepApp, SweepScreen

    folder = trials_folder(tmp_path)
    harness = Harness(tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        harness.session.train_epochs(1)
        await forked(pilot, harness)
        await open_results(pilot, app, folder)
        await pilot.press("b")
        said = lambda: " ".join(n.message for n in app._notifications)  # noqa: E731
        await wait_for(pilot, lambda: "a comparison is on: end it first (f)" in said(), "why")
        assert isinstance(app.screen, SweepScreen) and len(harness.sessions) == 2
    alone = SweepApp(read_results(folder))  # `tui-nn --sweep DIR`: no run A
    async with alone.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(alone.screen, SweepScreen), "the results")
        await pilot.press("b")
        told = lambda: " ".join(n.message for n in alone._notifications)  # noqa: E731
        await wait_for(pilot, lambda: "no run A to compare with here" in told(), "why not")
        await pilot.press("escape")
    assert alone.return_value is None


async def test_a_hang_up_while_comparing_detaches_both_runs_each_with_its_run_file(tmp_path):
    harness = Harness(tmp_path)
    app = harness.app
    ended = []
    app.keeper.end_process = lambda: ended.append(True)  # instead of dying of SIGHUP
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        a, b = await trained_and_forked(pilot, harness, 2)
        b.train_epochs(1)  # B has a run of its own now
        await wait_for(pilot, lambda: app.comparison.state.last.changed, "B trained")
        app.keeper.hang_up()
        assert ended == [True]
        assert a.detached and b.detached and not b.closed  # B trains on, as A does
        assert b.run_path and Path(b.run_path).name.endswith("-B.npz")


async def test_a_hang_up_right_after_a_fork_stops_b_which_has_nothing_to_keep(tmp_path):
    """B is A's copy until it trains: its trainer would save no file, and left alone it would
    idle on with no app and no run file. It is stopped; A is detached."""
    harness = Harness(tmp_path)
    app = harness.app
    ended = []
    app.keeper.end_process = lambda: ended.append(True)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        a, b = await trained_and_forked(pilot, harness, 2)
        assert not app.comparison.state.last.changed
        app.keeper.hang_up()
        assert ended == [True]
        assert a.detached and b.closed and not b.detached
        assert app.keeper.stopped_others == 1 and not app.keeper.detached_others
