"""The lower-right panel: the fit plot on quadratic, the confusion matrix and the sample strip
on digits, `v` cycling the views that make sense, all from a real Runner's pictures."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from runner_session import RunnerSession
from ui_helpers import started, wait_for

from tui_nn.config import RunConfig
from tui_nn.data.spec import DatasetSpec
from tui_nn.session.protocol.messages import DataSummary, PanelData
from tui_nn.ui.app import create_app
from tui_nn.ui.views.confusion_matrix import ConfusionMatrix
from tui_nn.ui.views.controller import views_for
from tui_nn.ui.views.sample_strip import SampleStrip
from tui_nn.ui.widgets.fit_plot import CURVE, TEST, TRAIN, FitPlot


def app_on(name: str, tmp_path, **config):
    sessions = []

    def factory(sink, fps=10):
        sessions.append(RunnerSession(sink, fps))
        return sessions[-1]

    run = dataclasses.replace(RunConfig(), dataset=DatasetSpec(name=name), **config)
    app = create_app(run, session_factory=factory, runs_directory=tmp_path / "runs")
    return app, sessions


class Started:
    def __init__(self, app, sessions):
        self.app, self.sessions = app, sessions

    @property
    def session(self):
        return self.sessions[-1]


def summary(name: str, task: str, n_inputs: int, points=None) -> DataSummary:
    return DataSummary(name, task, n_inputs, 1, None, 10, 10, None, points, None, None, None, None)


def test_a_panel_title_takes_the_longest_form_that_fits():
    from tui_nn.ui.widgets.panel_rows import fitting

    forms = ("confusion (test 898) acc 96.2% · rows true", "confusion (test 898) acc 96.2%")
    assert fitting(80, *forms) == forms[0]
    assert fitting(41, *forms) == forms[1]
    assert fitting(10, *forms) == forms[1][:10]


def test_each_kind_of_data_gets_the_views_that_make_sense():
    plane = np.zeros((3, 2), dtype=np.float32)
    # issue 26: every picture of the plane (or of x) has its neuron maps too
    assert views_for(summary("circle", "classification", 2, plane)) == ("boundary", "maps")
    assert views_for(summary("plane", "regression", 2, plane)) == ("boundary", "maps")
    assert views_for(summary("quadratic", "regression", 1, plane)) == ("fit", "maps")
    assert views_for(summary("csv", "classification", 5)) == ("confusion",)
    assert views_for(summary("digits", "classification", 64)) == ("confusion", "samples")
    assert views_for(summary("csv", "regression", 3)) == ()


@pytest.mark.slow
async def test_the_fit_plot_shows_points_and_the_curve_on_quadratic(tmp_path):
    app, sessions = app_on("quadratic", tmp_path, hidden=(16,))
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, Started(app, sessions))
        fit = app.query_one(FitPlot)
        assert app.views.view == "fit" and fit.display and not app.query_one("#boundary").display
        # a regression has no accuracy: the cost plot takes the whole row of plots
        await pilot.pause()
        assert app.query_one("#accuracy").region.width == 0
        assert app.query_one("#cost").region.width == app.query_one("#plots").region.width
        sessions[-1].train(30)
        await wait_for(pilot, lambda: fit.curve is not None, "the network's curve")
        fit.flush_repaint()
        await pilot.pause()
        canvas = fit.canvas
        assert (canvas == TRAIN).any() and (canvas == TEST).any() and (canvas == CURVE).any()
        # the curve is one line across the width (points drawn on top hide a few pixels)
        columns = [(canvas[:, x] == CURVE).any() for x in range(canvas.shape[1])]
        assert sum(columns) >= 0.9 * len(columns)
        lines = [fit.rows.get(y).text for y in range(fit.size.height)]
        assert lines[0].startswith("fit: y ") and "train" in lines[0] and "net" in lines[0]
        assert lines[-1].strip().startswith("-") and " x " in lines[-1]
        x0, x1, y0, y1 = fit.box()
        curve_y = fit.curve[1]
        assert y0 <= curve_y.min() and curve_y.max() <= y1  # the range never cuts the curve
        await pilot.press("V")  # the neuron maps against x (issue 26), then the fit again
        await pilot.pause()
        assert app.message_shown.text == "view: neuron maps" and app.views.view == "maps"
        await pilot.press("V")
        await pilot.pause()
        assert app.views.view == "fit"


@pytest.mark.slow
async def test_the_confusion_matrix_and_sample_strip_on_digits(tmp_path):
    app, sessions = app_on("digits", tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, Started(app, sessions))
        matrix = app.query_one(ConfusionMatrix)
        assert app.views.view == "confusion" and matrix.display
        await wait_for(pilot, lambda: matrix.matrix is not None, "the untrained network's")
        runner = sessions[-1].runner
        n_test = len(runner.dataset.X_test)
        before = np.trace(matrix.matrix)
        sessions[-1].train(5)
        # live: the matrix follows the training, the diagonal grows to dominate
        await wait_for(pilot, lambda: np.trace(matrix.matrix) > 0.5 * n_test, "learning")
        assert np.trace(matrix.matrix) > before
        assert matrix.matrix.shape == (10, 10) and matrix.matrix.sum() == n_test
        matrix.flush_repaint()
        await pilot.pause()
        text = [matrix.rows.get(y).text for y in range(12)]
        assert text[0].startswith(f"confusion (test {n_test}) acc ") and "rows true" in text[0]
        assert text[1].split() == [str(d) for d in range(10)]  # the class names as columns
        assert text[2].split()[0] == "0" and len(text[2].split()) == 11
        acc = 100 * np.trace(matrix.matrix) / n_test
        assert f"acc {acc:.1f}%" in text[0]

        await pilot.press("V")
        strip = app.query_one(SampleStrip)
        await wait_for(pilot, lambda: strip.display and not matrix.display, "the sample strip")
        assert app.views.view == "samples"
        strip.flush_repaint()
        await pilot.pause()
        p = strip.panel
        assert p is not None and p.images.shape[1:] == (8, 8)
        rows = [strip.rows.get(y) for y in range(strip.size.height)]
        rows = [row.text for row in rows if row is not None]
        # the title drops words to fit the panel, never a number: "predicted: 3 of 16 wrong ..."
        assert len(rows[0].rstrip()) <= strip.size.width and rows[0].rstrip().endswith("))")
        # the mistakes come first (issue 26): the 16 shown hold as many of them as there are
        wrong = min(16, int(np.sum(p.image_predicted != p.image_true)))
        assert f"{wrong} of 16 wrong" in rows[0] or f"{wrong}/16 wrong" in rows[0]
        order = [i for i in range(len(p.image_true)) if p.image_predicted[i] != p.image_true[i]]
        order += [i for i in range(len(p.image_true)) if p.image_predicted[i] == p.image_true[i]]
        first = str(int(p.image_predicted[order[0]]))
        label_rows = [r for r in rows[1:] if r.strip() and r.strip()[0] in "0123456789✗"]
        assert label_rows and label_rows[0].split()[0].lstrip("✗").startswith(first)
        assert label_rows[0].split()[0].startswith("✗") == bool(wrong)
        await pilot.press("V")
        await wait_for(pilot, lambda: matrix.display, "back to the matrix")


def test_a_wrong_prediction_is_marked_with_the_true_class():
    strip = SampleStrip()
    strip.summary = summary("digits", "classification", 64)
    images = np.zeros((2, 8, 8), dtype=np.uint8)
    strip.panel = PanelData(
        images=images, image_true=np.array([3, 5]), image_predicted=np.array([3, 8])
    )
    assert strip.label(0)[0] == "3"
    assert strip.label(1)[0] == "✗8(5)"


@pytest.mark.parametrize("counts", [False, True])
def test_the_matrix_shows_row_percent_when_counts_do_not_fit(counts):
    widget = ConfusionMatrix()
    widget.summary = summary("mnist", "classification", 784)
    m = np.full((10, 10), 3, dtype=np.int64) + np.eye(10, dtype=np.int64) * 9000
    widget.matrix = m
    lines = widget.lines(80 if counts else 40)
    title = lines[0][0][0]
    assert ("row %" in title) != counts
    row = "".join(text for text, _, _ in lines[2])
    assert ("9003" in row) == counts
    assert all(len("".join(t for t, _, _ in line)) <= (80 if counts else 40) for line in lines)


def test_a_narrow_panel_shows_row_tenths_and_still_fits():
    widget = ConfusionMatrix()
    widget.summary = summary("digits", "classification", 64)
    widget.matrix = np.eye(10, dtype=np.int64) * 88 + 1
    lines = widget.lines(26)
    # words dropped to fit, never the unit of the numbers shown
    assert lines[0][0][0] == "acc 90.8%, row tenths"
    assert all(len("".join(t for t, _, _ in line)) <= 26 for line in lines)
    assert "".join(t for t, _, _ in lines[2]).split()[1] == "9"  # 89 of 98: nine tenths
