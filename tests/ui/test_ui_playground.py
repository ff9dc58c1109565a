"""The playground in the app, on the real trainer code in process (RunnerSession): feature
toggles, your own points, neuron maps, k classes, discrete output, replay, a confusion cell's
samples traced, a wider CSV's plane, and the keys a student stumbled on (space, enter, tab)."""

from __future__ import annotations

import numpy as np
from runner_session import RunnerSession
from ui_helpers import screen_text, wait_for

from tui_nn.config import RunConfig
from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.types import HyperParams
from tui_nn.session.protocol.messages import SetView, Start
from tui_nn.ui.app import create_app
from tui_nn.ui.panels.architecture import ArchitecturePanel
from tui_nn.ui.views.boundary import DecisionBoundary
from tui_nn.ui.views.confusion_matrix import ConfusionMatrix
from tui_nn.ui.views.neuron_maps import NeuronMapsView, tiles_for
from tui_nn.ui.views.sample_strip import SampleStrip


class Recording(RunnerSession):
    """RunnerSession that remembers what it was sent."""

    def __init__(self, sink, fps: float = 10, blas_threads: int | None = 1) -> None:
        super().__init__(sink, fps, blas_threads)
        self.commands: list[object] = []

    def send(self, command: object):  # noqa: ANN201 - the command's id
        self.commands.append(command)
        return super().send(command)

    def of(self, kind: type) -> list:
        return [c for c in self.commands if isinstance(c, kind)]


class App:
    def __init__(self, config: RunConfig, tmp_path) -> None:
        self.sessions: list[Recording] = []
        self.app = create_app(config, session_factory=self._factory, runs_directory=tmp_path)

    def _factory(self, sink, fps: float = 10) -> Recording:
        self.sessions.append(Recording(sink, fps))
        return self.sessions[-1]

    @property
    def session(self) -> Recording:
        return self.sessions[-1]

    @property
    def runner(self):
        return self.session.runner


def cfg(name="circle", **data) -> RunConfig:
    return RunConfig(dataset=DatasetSpec(name, **data), hidden=(4,),
                     hyper=HyperParams(lr=0.1, batch_size=10))  # fmt: skip


async def ready(pilot, h: App) -> None:
    await wait_for(pilot, lambda: h.app.last is not None, "the first snapshot")
    await pilot.pause()


# ---- feature inputs -----------------------------------------------------------------------------


async def test_feature_toggles_switch_the_inputs_and_keep_the_run(tmp_path):
    h = App(cfg(), tmp_path)
    app = h.app
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, h)
        h.session.train(3)
        panel = app.query_one(ArchitecturePanel)
        await wait_for(pilot, lambda: panel.features == ("x1", "x2"), "the toggles")
        hidden = h.runner.net.layers[1].W.copy()
        await pilot.press("home", "3", "4")  # x1², x2² on
        await wait_for(pilot, lambda: h.runner.net.n_inputs == 4, "four inputs")
        assert h.runner.dataset_spec.features == ("x1", "x2", "x1^2", "x2^2")
        np.testing.assert_array_equal(h.runner.net.layers[1].W, hidden)
        assert h.runner.trainer.epoch == 3  # the run goes on
        await wait_for(pilot, lambda: "x1²" in str(panel.layer_list.get_option_at_index(0).prompt),
                       "the input row")  # fmt: skip
        await pilot.press("1", "2")  # x1, x2 off
        await wait_for(pilot, lambda: h.runner.net.n_inputs == 2, "two inputs")
        assert h.runner.dataset_spec.features == ("x1^2", "x2^2")
        await pilot.press("3", "4")  # x1² off; x2² is the last one: it stays
        await wait_for(pilot, lambda: app.refusals, "a refusal")
        assert "at least one stays on" in app.refusals[-1]
        assert h.runner.dataset_spec.features == ("x2^2",)
        await pilot.press("enter")  # the list to tick
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "FeaturePicker", "picker")
        await pilot.press("space", "enter")  # tick x1, use
        await wait_for(pilot, lambda: h.runner.dataset_spec.features == ("x1", "x2^2"), "x1")
        assert app.screen.__class__.__name__ != "FeaturePicker"


async def test_no_toggles_for_data_that_is_not_2d(tmp_path):
    h = App(cfg("digits"), tmp_path)
    async with h.app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, h)
        assert h.app.query_one(ArchitecturePanel).features is None
        await pilot.press("home", "3")
        await wait_for(pilot, lambda: h.app.refusals, "a refusal")
        assert "the input and output sizes follow the dataset" in h.app.refusals[-1]
        from tui_nn.session.protocol.messages import SetFeatures

        assert not h.session.of(SetFeatures)


# ---- your own points ----------------------------------------------------------------------------


async def test_points_are_added_and_removed_with_keys_and_the_mouse(tmp_path):
    h = App(cfg(), tmp_path)
    app = h.app
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, h)
        n = len(h.runner.dataset.X_train)
        boundary = app.query_one(DecisionBoundary)
        boundary.focus()
        await wait_for(pilot, lambda: boundary.cursor is not None, "the cursor")
        cell = boundary.cursor
        await pilot.press("right", "2")  # class 1, one cell right of the centre
        await wait_for(pilot, lambda: len(h.runner.dataset.X_train) == n + 1, "a point")
        x, y = boundary.point_at(cell[0] + 1, cell[1])
        assert h.runner.dataset_spec.edits[-1] == ("add", x, y, 1.0)
        await pilot.press("delete")
        await wait_for(pilot, lambda: len(h.runner.dataset.X_train) == n, "removed")
        await pilot.click(DecisionBoundary, offset=(5, 3))  # the class chosen last (1)
        await wait_for(pilot, lambda: len(h.runner.dataset.X_train) == n + 1, "clicked")
        assert h.runner.dataset_spec.edits[-1][3] == 1.0
        await pilot.click(DecisionBoundary, offset=(5, 3), control=True)  # removes the nearest
        await wait_for(pilot, lambda: len(h.runner.dataset_spec.edits) == 4, "removed")
        await pilot.press("3")  # circle has two classes
        await wait_for(pilot, lambda: app.said and "classes 1..2" in app.said[-1].text, "told")
        app.action_trace()  # trace mode: a click picks a sample, it adds nothing
        await pilot.pause()
        assert not boundary.editable
        await pilot.click(DecisionBoundary, offset=(5, 3))
        await pilot.pause()
        assert len(h.runner.dataset_spec.edits) == 4


# ---- neuron maps ----------------------------------------------------------------------------------


async def test_neuron_maps_view_and_a_neuron_selected_in_the_heatmap(tmp_path):
    config = RunConfig(dataset=DatasetSpec("xor", samples=200), hidden=(6, 3))
    h = App(config, tmp_path)
    app = h.app
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, h)
        h.session.train(2)
        maps = app.query_one(NeuronMapsView)
        await pilot.press("V")
        await wait_for(pilot, lambda: maps.maps is not None, "maps")
        assert h.session.of(SetView)[-1].maps == 0 and maps.maps.values.shape[0] == 6
        assert "h1[1]: a = tanh(W1[1,:]·a0 + b1[1])" in screen_text(app)
        maps.focus()
        await pilot.press("right", "right")
        assert maps.neuron == 2
        await pilot.press("enter")  # the whole layer
        await pilot.pause()
        maps.flush_repaint()
        await pilot.pause()
        assert maps.all and "h1, 6 neurons (tanh)" in screen_text(app)
        await pilot.press("down")  # the next layer: its maps are asked for
        await wait_for(pilot, lambda: maps.maps is not None and maps.maps.layer == 1, "h2 maps")
        assert h.session.of(SetView)[-1].maps == 1
        await pilot.press("V")  # back to the boundary: no maps asked for
        await wait_for(pilot, lambda: h.session.of(SetView)[-1].maps is None, "no maps")
        heatmap = app.query_one("NeuronHeatmap")
        heatmap.focus()
        await pilot.press("right")  # the heatmap's cursor on a neuron of h2: it peeks
        await wait_for(pilot, lambda: app.views.peeking, "peeking")
        await wait_for(pilot, lambda: not maps.has_class("-view-hidden"), "the maps shown")
        app.query_one("#layer-list").focus()
        await wait_for(pilot, lambda: not app.views.peeking, "back to the boundary")
        assert maps.has_class("-view-hidden")


def test_thumbnails_fit_and_page():
    tiles = tiles_for(8, 40, 20)
    assert tiles.per_page >= 8 and tiles.width == 2 * tiles.height
    small = tiles_for(200, 40, 10)
    assert small.per_page < 200 and small.height == 2


# ---- k classes, discrete, replay --------------------------------------------------------------------


async def test_three_classes_shaded_then_discrete(tmp_path):
    h = App(cfg("spiral", samples=150, classes=3), tmp_path)
    app = h.app
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, h)
        h.session.train(2)
        boundary = app.query_one(DecisionBoundary)
        await wait_for(pilot, lambda: boundary.grid is not None, "a grid")
        assert boundary.colouring.kind == "class" and boundary.grid.probabilities is not None
        boundary.flush_repaint()
        await pilot.pause()
        shaded = len(np.unique(boundary.canvas))
        await pilot.press("O")
        await pilot.pause()
        boundary.flush_repaint()
        await pilot.pause()
        assert boundary.discrete and len(np.unique(boundary.canvas)) < shaded
        assert "discrete" in screen_text(app)


async def test_replay_moves_through_the_kept_epochs_and_back_to_live(tmp_path):
    h = App(cfg(), tmp_path)
    app = h.app
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, h)
        h.session.train(6)
        await wait_for(pilot, lambda: app.replay.frames, "frames")
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: h.session.of(SetView)[-1].replay == 5, "epoch 5")
        boundary = app.query_one(DecisionBoundary)
        await wait_for(pilot, lambda: boundary.grid.epoch == 5, "the grid of epoch 5")
        await pilot.press("left_square_bracket", "left_square_bracket")
        await wait_for(pilot, lambda: boundary.grid.epoch == 3, "epoch 3")
        boundary.flush_repaint()
        await pilot.pause()
        assert "epoch 3" in screen_text(app)
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: boundary.grid.epoch == 4, "epoch 4")
        await pilot.press("backslash")
        await wait_for(pilot, lambda: h.session.of(SetView)[-1].replay is None, "live")
        await wait_for(pilot, lambda: boundary.grid.epoch is None, "the live grid")


# ---- a mistake's samples ----------------------------------------------------------------------------


async def test_a_confusion_cell_shows_its_samples_and_traces_one(tmp_path):
    h = App(RunConfig(dataset=DatasetSpec("digits"), hidden=(8,)), tmp_path)
    app = h.app
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, h)
        h.session.train(1)
        matrix = app.query_one(ConfusionMatrix)
        await wait_for(pilot, lambda: matrix.matrix is not None, "a matrix")
        matrix.focus()
        await wait_for(pilot, lambda: matrix.cursor is not None, "the cursor")
        i, j = matrix.cursor
        assert i != j  # it starts on the biggest mistake
        await pilot.press("enter")
        strip = app.query_one(SampleStrip)
        await wait_for(pilot, lambda: strip.cell is not None, "the cell's samples")
        assert (strip.cell.true, strip.cell.predicted) == (i, j) and app.focused is strip
        first = int(strip.cell.indices[1])
        await pilot.press("right", "enter")
        await wait_for(pilot, lambda: app.trace.on and app.trace.panel.result is not None
                       and app.trace.panel.result.index == first, "traced")  # fmt: skip
        assert app.trace.panel.result.split == "test"
        app.trace.leave()
        strip.focus()
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is matrix, "back to the matrix")


# ---- a wider CSV's plane ------------------------------------------------------------------------------


async def test_a_wider_csv_gets_a_plane_from_the_picker(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(0, 1, (80, 3))
    path = tmp_path / "w.csv"
    path.write_text("a,b,c,label\n" + "".join(f"{a:.3f},{b:.3f},{c:.3f},{int(a > b)}\n"
                                              for a, b, c in X))  # fmt: skip
    h = App(RunConfig(dataset=DatasetSpec("csv", path=str(path)), hidden=(4,)), tmp_path)
    app = h.app
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, h)
        assert app.views.view == "confusion"
        await pilot.press("P")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "NamePicker", "x picker")
        await pilot.press("down", "down", "enter")  # x: c
        await wait_for(pilot, lambda: "y axis" in str(app.screen.query_one("Vertical").border_title),
                       "y picker")  # fmt: skip
        await pilot.press("enter")  # y: a
        await wait_for(pilot, lambda: h.runner.dataset_spec.plane == ("c", "a"), "the plane")
        await wait_for(pilot, lambda: app.views.view == "boundary", "the boundary")
        boundary = app.query_one(DecisionBoundary)
        await wait_for(pilot, lambda: boundary.grid is not None, "its grid")
        boundary.flush_repaint()
        await pilot.pause()
        assert "c→ a↑ (1 at mean)" in screen_text(app)


# ---- the keys a student stumbled on ---------------------------------------------------------------------


async def test_space_runs_from_a_drop_down_and_enter_stays_on_its_field(tmp_path):
    h = App(cfg(), tmp_path)
    app = h.app
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, h)
        app.query_one("#optimizer").focus()
        await pilot.pause()
        await pilot.press("space")
        await wait_for(pilot, lambda: h.session.of(Start), "space ran")
        assert not app.query_one("#optimizer").expanded
        lr = app.query_one("#lr")
        lr.focus()
        await pilot.press("ctrl+u", *"0.5", "enter")
        await wait_for(pilot, lambda: h.runner.hyper.lr == 0.5, "lr 0.5")
        assert app.focused is lr  # it stays: the next edit is one key away
        await pilot.press("ctrl+u", *"9e9", "enter")  # refused: the field shows the run's
        await wait_for(pilot, lambda: app.refusals, "refused")
        await wait_for(pilot, lambda: lr.value == "0.5", "the value in force")


async def test_the_diagram_is_in_the_tab_order(tmp_path):
    h = App(cfg(), tmp_path)
    app = h.app
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, h)
        for shown in (False, True):
            if shown:
                await pilot.press("n")
                await pilot.pause()
                app.query_one("#layer-list").focus()
            seen = set()
            for _ in range(21):  # once around: 19 fields and pictures
                await pilot.press("tab")
                seen.add(type(app.focused).__name__)
            assert ("NetworkDiagram" in seen) == shown
            # the lower-right picture too (a neuron selected in the diagram peeks at its map)
            assert "DecisionBoundary" in seen or (shown and "NeuronMapsView" in seen)


# ---- the new lessons ----------------------------------------------------------------------------------


async def test_the_hidden_neurons_lesson_opens_on_the_neuron_maps(tmp_path):
    from tui_nn.cli.lessons import lesson_configs
    from tui_nn.lessons import find_lesson

    lesson = find_lesson("hidden-neurons")
    sessions: list[Recording] = []

    def factory(sink, fps: float = 10) -> Recording:
        sessions.append(Recording(sink, fps))
        return sessions[-1]

    app = create_app(lesson_configs(lesson).start, session_factory=factory,
                     runs_directory=tmp_path, lesson=lesson)  # fmt: skip
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None, "the first snapshot")
        await wait_for(pilot, lambda: app.views.view == "maps", "the maps")
        maps = app.query_one(NeuronMapsView)
        await wait_for(pilot, lambda: maps.maps is not None, "maps from the trainer")
        assert maps.maps.values.shape[0] == 4
