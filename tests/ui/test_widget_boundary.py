"""The decision boundary: the 2-D-only note, half-block colours, points, row-level refresh."""

from __future__ import annotations

import numpy as np
from widget_helpers import Host, char_at, rgb, style_at, text_of, wait_until

from tui_nn.session.protocol.messages import DataSummary, DecisionGrid
from tui_nn.ui.views.boundary import NOT_2D_NOTE, DecisionBoundary
from tui_nn.ui.widgets.draw.colours import DIVERGING, POINTS_BINARY, TEST_POINTS_BINARY

BOUNDS = (0.0, 1.0, 0.0, 1.0)


def summary(points=None, labels=None, test_points=None, test_labels=None, n_inputs=2):  # noqa: ANN001, ANN201
    empty = np.zeros((0, 2), dtype=np.float32)
    return DataSummary(
        name="test",
        task="classification",
        n_inputs=n_inputs,
        n_outputs=1,
        n_classes=2,
        n_train=0,
        n_test=0,
        class_names=("no", "yes"),
        points_train=empty if points is None else np.asarray(points, dtype=np.float32),
        labels_train=np.zeros(0, np.int64) if labels is None else np.asarray(labels, np.int64),
        points_test=None if test_points is None else np.asarray(test_points, dtype=np.float32),
        labels_test=None if test_labels is None else np.asarray(test_labels, np.int64),
        bounds=BOUNDS,
    )


def split_grid(rows: int, cols: int, split: int) -> DecisionGrid:
    """P(class 1) = 0 in the pixel rows above `split`, 1 from it down."""
    values = np.zeros((rows, cols), dtype=np.float32)
    values[split:] = 1.0
    return DecisionGrid(values, BOUNDS, "probability")


async def test_non_2d_data_shows_a_one_line_note():
    db = DecisionBoundary(min_interval=0)
    app = Host(db)
    async with app.run_test(size=(40, 10)) as pilot:
        db.set_data(summary(n_inputs=784))
        await wait_until(pilot, lambda: text_of(db.render_line(0)).startswith(NOT_2D_NOTE))
        assert text_of(db.render_line(1)).strip() == ""


async def test_half_blocks_map_probabilities_to_the_diverging_palette():
    db = DecisionBoundary(min_interval=0)
    app = Host(db)
    async with app.run_test(size=(40, 10)) as pilot:
        db.set_data(summary())
        await wait_until(pilot, lambda: db.grid_size[1] > 0)
        cols, rows = db.grid_size  # one grid sample per pixel
        assert rows == 2 * (db.size.height - 1)
        db.update_grid(split_grid(rows, cols, split=5))  # pixel row 5 = lower half of text row 2
        await wait_until(pilot, lambda: db.canvas.shape == (rows, cols))
        top, edge, bottom = db.render_line(0), db.render_line(2), db.render_line(3)
        assert char_at(top, 7) == " " and rgb(style_at(top, 7).bgcolor) == DIVERGING[0]
        assert char_at(bottom, 7) == " " and rgb(style_at(bottom, 7).bgcolor) == DIVERGING[-1]
        assert char_at(edge, 7) == "▀"
        assert rgb(style_at(edge, 7).color) == DIVERGING[0]  # upper pixel: class 0
        assert rgb(style_at(edge, 7).bgcolor) == DIVERGING[-1]  # lower pixel: class 1
        assert len(list(top)) <= 2  # a uniform row is one run (plus nothing else)
        assert "P(y=1)" in text_of(db.render_line(db.size.height - 1))
        db.set_output("tanh")  # not a probability: the legend must not call it one
        db.flush_repaint()
        await pilot.pause()
        legend = text_of(db.render_line(db.size.height - 1))
        assert "P(y=1)" not in legend and legend.startswith("tanh output")


async def test_points_are_painted_over_the_background_and_test_points_on_request():
    db = DecisionBoundary(min_interval=0)
    app = Host(db)
    async with app.run_test(size=(40, 10)) as pilot:
        # a class-1 train point in the upper pixel of the top-left cell, a class-0 test point
        # in the lower pixel of the cell to its right
        cols, rows = 40, 18
        x0, y0 = 0.5 / cols, 1.0 - 0.5 / rows
        x1, y1 = 1.5 / cols, 1.0 - 1.5 / rows
        db.set_data(summary([[x0, y0]], [1], [[x1, y1]], [0]))
        db.update_grid(split_grid(rows, cols, split=rows))  # all class 0
        await wait_until(pilot, lambda: db.canvas.shape == (rows, cols))
        row = db.render_line(0)
        assert char_at(row, 0) == "▀" and rgb(style_at(row, 0).color) == POINTS_BINARY[1]
        assert rgb(style_at(row, 0).bgcolor) == DIVERGING[0]
        assert char_at(row, 1) == " "  # test points hidden
        db.toggle_test()
        await wait_until(pilot, lambda: char_at(db.render_line(0), 1) == "▀")
        row = db.render_line(0)
        assert rgb(style_at(row, 1).color) == DIVERGING[0]
        assert rgb(style_at(row, 1).bgcolor) == TEST_POINTS_BINARY[0]
        assert "+test" in text_of(db.render_line(db.size.height - 1))


async def test_only_rows_whose_pixels_changed_are_refreshed():
    db = DecisionBoundary(min_interval=0)
    app = Host(db)
    async with app.run_test(size=(40, 10)) as pilot:
        db.set_data(summary())
        await wait_until(pilot, lambda: db.grid_size[1] > 0)
        cols, rows = db.grid_size
        db.update_grid(split_grid(rows, cols, split=8))
        await wait_until(pilot, lambda: db.canvas.shape == (rows, cols))
        count = db.repaint_count
        refreshed: list[int] = []
        original = db.refresh_line
        db.refresh_line = lambda y, *span: (refreshed.append(y), original(y, *span))
        db.update_grid(split_grid(rows, cols, split=9))  # pixel row 8 changes: text row 4
        await wait_until(pilot, lambda: db.repaint_count == count + 1)
        assert refreshed == [4]


async def test_resizing_reports_the_grid_size_that_fills_the_picture():
    db = DecisionBoundary(min_interval=0)
    app = Host(db)
    async with app.run_test(size=(50, 12)) as pilot:
        await wait_until(pilot, lambda: bool(app.seen))
        message = app.seen[-1]
        assert (message.cols, message.rows) == (50, 22) == db.grid_size


async def test_trace_marks_refresh_only_their_rows():
    db = DecisionBoundary(min_interval=0)
    app = Host(db)
    async with app.run_test(size=(40, 10)) as pilot:
        db.set_data(summary())
        await wait_until(pilot, lambda: db.grid_size[1] > 0)
        cols, rows = db.grid_size  # 40 x 18 pixels over (0, 1) x (0, 1)
        db.update_grid(split_grid(rows, cols, split=8))
        await wait_until(pilot, lambda: db.canvas.shape == (rows, cols))
        refreshed: list[int] = []
        original = db.refresh_line
        db.refresh_line = lambda y, *span: (refreshed.append(y), original(y, *span))
        point = (10.5 / cols, 1.0 - 6.5 / rows)  # pixel (10, 6): text row 3
        assert db.cell_of(point) == (10, 3) and db.cell_of((2.0, 0.5)) is None
        db.mark_sample(point)
        assert refreshed == [3] and char_at(db.render_line(3), 10) == "◆"
        assert text_of(db.render_line(3)).count("◆") == 1 and len(text_of(db.render_line(3))) == 40
        refreshed.clear()
        db.set_cursor((4, 7))
        db.set_cursor((4, 6))
        assert sorted(refreshed) == [6, 7, 7] and char_at(db.render_line(6), 4) == "╋"
        assert "╋" not in text_of(db.render_line(7))
        refreshed.clear()
        db.mark_sample(None)
        db.set_cursor(None)
        assert refreshed == [3, 6]
        assert "◆" not in text_of(db.render_line(3)) and char_at(db.render_line(3), 10) == " "
