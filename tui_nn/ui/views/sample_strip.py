"""A strip of test images drawn small (half-block grey pixels), each with the class the
network predicts for it: green when right, red `✗` with the true class when wrong. The same
test images every time, so one can watch them flip from wrong to right as training goes on;
the mistakes come first.

It also shows a confusion-matrix cell's test samples (`show_cell`): images, or for other data
one line of input values each; the arrows select one, Enter traces it through the network
(`TraceRequested`), Esc goes back to the matrix (`CellClosed`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from tui_nn.session.protocol.messages import CellContents, PanelData
from tui_nn.ui.widgets.draw.pixels import PixelStyles
from tui_nn.ui.widgets.draw.row_widget import fill_css
from tui_nn.ui.widgets.panel_rows import PanelRows, fitting

GREYS = tuple((g, g, g) for g in (8, 48, 88, 128, 168, 208, 238, 255))  # 8 levels: few bytes
NO_DATA_NOTE = "test samples: image datasets only"
WAITING_NOTE = "test samples: waiting for the first predictions"
RIGHT_STYLE = Style(color="green")
WRONG_STYLE = Style(color="red", bold=True)


def grey_levels(images: np.ndarray) -> np.ndarray:
    """(m, s, s) uint8 images as grey palette levels, padded to an even number of pixel rows."""
    levels = (images.astype(np.int64) * len(GREYS) // 256).astype(np.int16)
    m, side = levels.shape[0], levels.shape[1]
    if side % 2:
        levels = np.concatenate([levels, np.full((m, 1, side), -1, dtype=np.int16)], axis=1)
    return levels


class SampleStrip(PanelRows, Widget, can_focus=True):
    """`set_data(summary)` once per dataset, `update_panel(panel)` as predictions arrive."""

    BYTE_BUDGET = 6000.0

    BINDINGS = [
        Binding("left,up", "select(-1)", "Sample before", show=False),
        Binding("right,down", "select(1)", "Sample after", show=False),
        Binding("enter", "trace", "Trace this sample", show=False),
        Binding("escape", "close_cell", "Back to the confusion matrix", show=False),
    ]

    class TraceRequested(Message):
        """Enter on a cell's sample: trace test sample `index` through the network."""

        def __init__(self, index: int) -> None:
            self.index = index
            super().__init__()

    class CellClosed(Message):
        """Esc: the cell's samples are no longer shown."""

    DEFAULT_CSS = fill_css("SampleStrip", min_height=3)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._styles = PixelStyles(GREYS)

    def forget(self) -> None:
        self.panel: PanelData | None = None
        self.cell: CellContents | None = None
        self.selected = 0

    def show_cell(self, cell: CellContents | None) -> None:
        """A confusion-matrix cell's samples (None: the strip of predictions again)."""
        self.cell, self.selected = cell, 0
        self.request_repaint()
        self.flush_repaint()

    def action_select(self, step: int) -> None:
        if self.cell is not None and len(self.cell.indices):
            self.selected = (self.selected + step) % len(self.cell.indices)
            self.request_repaint()
            self.flush_repaint()

    def action_trace(self) -> None:
        if self.cell is not None and len(self.cell.indices):
            self.post_message(self.TraceRequested(int(self.cell.indices[self.selected])))

    def action_close_cell(self) -> None:
        if self.cell is not None:
            self.show_cell(None)
            self.post_message(self.CellClosed())

    def update_panel(self, panel: PanelData) -> None:
        if panel.images is not None:
            self.panel = panel
            self.request_repaint()

    def label(self, i: int) -> tuple[str, Style]:
        """The predicted class of sample i, and whether it is right."""
        p = self.panel
        assert p is not None and p.image_predicted is not None and p.image_true is not None
        names = (self.summary.class_names if self.summary else None) or ()
        pred, true = int(p.image_predicted[i]), int(p.image_true[i])
        name = names[pred] if pred < len(names) else str(pred)
        if pred == true:
            return name, RIGHT_STYLE
        true_name = names[true] if true < len(names) else str(true)
        return f"✗{name}({true_name})", WRONG_STYLE

    def layout_cells(self, width: int, height: int) -> tuple[int, int, int]:
        """(images per row, rows of images, cell width) that fit the widget."""
        p = self.panel
        assert p is not None and p.images is not None
        side = p.images.shape[1]
        cell_w = side + 1
        per_row = max(1, width // cell_w)
        cell_h = (side + 1) // 2 + 1  # pixel rows, then the label
        n_rows = max(1, (height - 1) // cell_h)
        return per_row, n_rows, cell_w

    def _order(self, shown: int) -> list[int]:
        """The strip's samples, the mistakes first (each group in its fixed order)."""
        p = self.panel
        assert p is not None and p.image_predicted is not None and p.image_true is not None
        wrong = p.image_predicted != p.image_true
        return [i for i in range(len(wrong)) if wrong[i]][:shown] + [
            i for i in range(len(wrong)) if not wrong[i]
        ][: max(0, shown - int(wrong.sum()))]

    def lines(self, width: int, height: int) -> list[list[Segment]]:
        if self.cell is not None:
            return self._cell_lines(width, height)
        base = self.rich_style
        p = self.panel
        if self.summary is None or p is None or p.images is None:
            note = WAITING_NOTE if self.summary is not None else NO_DATA_NOTE
            return [[Segment(note, base + Style(dim=True))]]
        images = p.images
        per_row, n_rows, cell_w = self.layout_cells(width, height)
        shown = min(len(images), per_row * n_rows)
        order = self._order(shown)
        wrong = int(np.sum(p.image_predicted[order] != p.image_true[order]))
        title = fitting(
            width,
            f"test samples, predicted class: {wrong} of {shown} wrong (✗pred(true))",
            f"test samples, predicted: {wrong} of {shown} wrong (✗pred(true))",
            f"predicted: {wrong} of {shown} wrong (✗pred(true))",
            f"{wrong}/{shown} wrong (✗pred(true))",
            f"{wrong}/{shown} wrong",
        )
        out = [[Segment(title, base + Style(bold=True))]]
        levels = grey_levels(images)
        for r in range(n_rows):
            batch = order[r * per_row : min(shown, (r + 1) * per_row)]
            if not batch:
                break
            out += self._image_rows(levels, batch, base)
            label_row: list[Segment] = []
            for i in batch:
                text, style = self.label(i)
                label_row.append(Segment(text[: cell_w - 1].ljust(cell_w), base + style))
            out.append(label_row)
        return out

    def _image_rows(self, levels: np.ndarray, batch: list[int], base: Style) -> list[list[Segment]]:
        """The pixel rows of images `batch`, side by side with a space between them."""
        rows = []
        for y in range(0, levels.shape[1], 2):
            segments: list[Segment] = []
            for i in batch:
                segments += self._styles.row(levels[i, y], levels[i, y + 1], base)
                segments.append(Segment(" ", base))
            rows.append(segments)
        return rows

    def _cell_lines(self, width: int, height: int) -> list[list[Segment]]:
        base, cell = self.rich_style, self.cell
        assert cell is not None
        names = (self.summary.class_names if self.summary else None) or ()
        true = names[cell.true] if cell.true < len(names) else str(cell.true)
        pred = names[cell.predicted] if cell.predicted < len(names) else str(cell.predicted)
        m = len(cell.indices)
        more = f" (the first {m})" if cell.count > m else ""
        title = fitting(
            width,
            f"true {true}, predicted {pred}: {cell.count} test samples{more}; enter traces, esc",
            f"{true}→{pred}: {cell.count}{more}; enter traces",
            f"{true}→{pred}: {cell.count}",
        )
        out = [[Segment(title, base + Style(bold=True))]]
        mark = base + Style(reverse=True)
        if cell.images is not None and m:
            side = cell.images.shape[1]
            levels = grey_levels(cell.images)
            per_row = max(1, width // (side + 1))
            for start in range(0, m, per_row):
                batch = list(range(start, min(m, start + per_row)))
                out += self._image_rows(levels, batch, base)
                out.append([Segment(f"#{int(cell.indices[i])}"[:side].ljust(side + 1),
                                    mark if i == self.selected else base + Style(dim=True))
                            for i in batch])  # fmt: skip
        elif cell.rows is not None:
            labels = cell.input_names or tuple(f"x{j + 1}" for j in range(cell.rows.shape[1]))
            for i in range(m):
                values = " ".join(f"{n}={v:.3g}" for n, v in zip(labels, cell.rows[i]))
                text = f"#{int(cell.indices[i])}  {values}"[:width]
                out.append([Segment(text, mark if i == self.selected else base)])
        if m == 0:
            out.append([Segment("no test sample in this cell", base + Style(dim=True))])
        return out

    def repaint(self) -> int:
        width, height = self.size
        lines = self.lines(width, height)[: max(1, height)]
        keys: list[object] = [tuple((s.text, s.style) for s in line) for line in lines]
        base = self.rich_style
        return self.show_keyed_rows(
            keys, width, lambda y, _key: Strip(lines[y]).adjust_cell_length(width, base).simplify()
        )
