"""The app on a lesson: the text beside the network, the goal checked live on every epoch, a
"goal reached" moment, locked controls refused with a message. On the fake session: its
closed-form curves put the goal's moment at a known epoch, and the locks are the app's own
refusals (nothing reaches a trainer)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_fakes import FakeSession
from ui_helpers import screen_text, started, wait_for

from tui_nn.cli.lessons import lesson_configs
from tui_nn.engine.spec import LayerSpec
from tui_nn.lessons import find_lesson, load_lesson
from tui_nn.session.protocol.messages import Reset, SetArchitecture, SetDataset, SetHyper, SetView
from tui_nn.ui.app import TuiNNApp
from tui_nn.ui.launch import create_lesson_app
from tui_nn.ui.lessons.panel import LessonPanel

pytestmark = pytest.mark.slow  # real processes or the app: `-m "not slow"` leaves them out

# the fake's test accuracy is 1 - 0.52 * 0.82**epoch: 0.95 is first reached at epoch 12
LESSON = """
title = "Shrink it"
text = "Remove neurons until at most {neurons} are left."
goal = ["test_acc >= 0.95", "hidden_neurons <= {neurons}"]
[config]
dataset = "circle"
hidden = [8, 8]
[controls]
locked = ["dataset", "lr", "data-seed", "seed"]
hidden = ["l1", "l2"]
[solution]
hidden = [2]
epochs = 20
"""


class LessonHarness:
    def __init__(self, lesson, tmp_path: Path) -> None:
        self.sessions: list[FakeSession] = []
        config = lesson_configs(lesson).start
        self.app: TuiNNApp = create_lesson_app(
            config, lesson, session_factory=self._factory, runs_directory=tmp_path / "runs"
        )

    def _factory(self, sink, fps: float = 10) -> FakeSession:
        self.sessions.append(FakeSession(sink, fps=fps))
        return self.sessions[-1]

    @property
    def session(self) -> FakeSession:
        return self.sessions[-1]


def harness_for(tmp_path, neurons=16) -> LessonHarness:
    path = tmp_path / "shrink.toml"
    path.write_text(LESSON.format(neurons=neurons), encoding="utf-8")
    return LessonHarness(load_lesson(path), tmp_path)


async def test_the_lesson_is_shown_beside_the_network(tmp_path):
    harness = LessonHarness(find_lesson("xor"), tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        text = screen_text(app)
        assert "Why XOR needs a hidden layer" in text
        assert "One neuron draws one straight line." in text
        assert "✗ test_acc - (>= 0.95)" in text and "✓ epochs 0 (<= 200)" in text
        assert "goal reached" not in text
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert "Lesson" in titles  # its key, in the palette of a lesson only
        await pilot.press("L")
        await wait_for(
            pilot,
            lambda: (
                not app.query_one(LessonPanel).display or "One neuron draws" not in screen_text(app)
            ),
            "lesson hidden",
        )
        assert "One neuron draws" not in screen_text(app)
        await pilot.press("L")
        await wait_for(pilot, lambda: "One neuron draws" in screen_text(app), "lesson shown")


async def test_goal_reached_at_the_first_epoch_where_it_holds(tmp_path):
    harness = harness_for(tmp_path, neurons=16)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        harness.session.train_epochs(11)
        await wait_for(pilot, lambda: app.last.epoch == 11, "11 epochs")
        await pilot.pause()
        assert app.lesson.reached_at is None
        assert "✗ test_acc 0.9" in screen_text(app)
        harness.session.train_epochs(5)  # 12..16 arrive together: the moment is epoch 12
        await wait_for(pilot, lambda: app.lesson.reached_at is not None, "goal reached")
        assert app.lesson.reached_at == 12
        await wait_for(pilot, lambda: "goal reached at epoch 12" in screen_text(app), "banner")
        assert "✓ test_acc 0.9" in screen_text(app)
        assert any(n.title == "★ goal reached" for n in app._notifications)


async def test_goal_false_while_the_network_is_too_big(tmp_path):
    harness = harness_for(tmp_path, neurons=4)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        harness.session.train_epochs(20)  # accurate, but 16 hidden neurons
        await wait_for(pilot, lambda: app.last.epoch == 20, "20 epochs")
        await pilot.pause()
        assert app.lesson.reached_at is None
        assert "✗ hidden_neurons 16 (<= 4)" in screen_text(app)
        # Shrink to 4 neurons: the new run re-sends epochs 1..20, trained by the big network;
        # they do not count. The next epoch, trained by the small one, does.
        panel = app.query_one("ArchitecturePanel")
        small = panel.spec.with_hidden((LayerSpec(4, "tanh"),))
        panel.post_message(panel.ArchitectureProposed(small))
        await wait_for(pilot, lambda: harness.session.sent(SetArchitecture), "asked")
        harness.session.set_network(small)  # the (fake) trainer takes it
        await wait_for(pilot, lambda: app.last.network.sizes == (2, 4, 1), "4 neurons")
        await pilot.pause()
        assert app.lesson.reached_at is None
        harness.session.train_epochs(1)
        await wait_for(pilot, lambda: app.lesson.reached_at is not None, "goal reached")
        assert app.lesson.reached_at == 21


async def test_locked_controls_are_refused_with_a_message(tmp_path):
    harness = LessonHarness(find_lesson("one-neuron"), tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        session = harness.session
        assert app.query_one("#noise").disabled and app.query_one("#dataset").disabled
        assert not app.query_one("#lr").disabled
        assert not app.query_one("#l1").parent.display  # hidden by the lesson
        await pilot.press("i")  # insert a hidden layer: `hidden` is locked
        await wait_for(pilot, lambda: app.lesson.locked_refusals, "a refusal")
        assert app.lesson.locked_refusals == ["hidden: locked by this lesson"]
        assert session.sent(SetArchitecture) == []
        await pilot.pause()
        assert app.query_one("ArchitecturePanel").spec.hidden == ()
        assert any("hidden: locked by this lesson" in n.message for n in app._notifications)
        await pilot.press("c")  # the loss row is not selected, but `c` changes the loss
        await wait_for(pilot, lambda: len(app.lesson.locked_refusals) == 2, "a second refusal")
        assert app.lesson.locked_refusals[-1] == "loss: locked by this lesson"
        # an edit the lesson allows goes through
        app.query_one("HyperPanel").apply("lr", "0.5")
        await wait_for(pilot, lambda: session.sent(SetHyper), "lr sent")
        assert session.sent(SetHyper)[0].hyper.lr == 0.5


async def test_locks_hold_for_data_and_seed_whichever_key_asks(tmp_path):
    harness = harness_for(tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        session = harness.session
        await pilot.press("g")  # new data = the next seed, locked
        await wait_for(pilot, lambda: app.lesson.locked_refusals, "refused")
        assert app.lesson.locked_refusals == ["data-seed: locked by this lesson"]
        await pilot.press("R")  # reset with a new seed
        await wait_for(pilot, lambda: len(app.lesson.locked_refusals) == 2, "refused again")
        await pilot.press("r")  # a plain reset is fine
        await wait_for(pilot, lambda: session.sent(Reset), "reset sent")
        assert session.sent(Reset) == [Reset()] and session.sent(SetDataset) == []
        assert app.query_one("HyperPanel").dataset.seed == 0


async def test_a_lesson_with_view_diagram_opens_with_the_network_diagram(tmp_path):
    from tui_nn.ui.diagram.widget import NetworkDiagram

    harness = LessonHarness(find_lesson("one-neuron"), tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        await wait_for(pilot, lambda: app.diagram.shown, "the diagram shown")
        diagram = app.query_one(NetworkDiagram)
        await wait_for(pilot, lambda: diagram.size.width > 0, "the diagram on screen")
        assert app.screen.has_class("-diagram") and not app.query_one("NeuronHeatmap").size.width
        assert app.focused is app.query_one("#layer-list")  # the network panel keeps the keys
        await wait_for(
            pilot, lambda: harness.session.sent(SetView)[-1].weights, "weights asked for"
        )
        await pilot.press("n")  # n still switches back to the heatmap
        await wait_for(pilot, lambda: not app.diagram.shown, "the heatmap again")
    other = LessonHarness(find_lesson("xor"), tmp_path)  # no view key: the heatmap
    async with other.app.run_test(size=(120, 40)) as pilot:
        await started(pilot, other)
        await pilot.pause()
        assert not other.app.diagram.shown and not other.app.screen.has_class("-diagram")
