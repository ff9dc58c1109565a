"""The live confusion matrix of the test set: rows are the true classes, columns the
predicted ones, each cell its count, shaded by its share of the row (the diagonal green,
mistakes red), with the test accuracy in the title.

Text rows drawn with the Line API; only rows whose numbers changed are repainted. When the
counts do not fit the panel's width, cells show the row percentage instead (`%` in the title).

From a mistake to its reasons: with the focus here the arrows move a cursor over the cells
(it starts on the biggest mistake), Enter asks for that cell's test samples (the app shows
them in the sample strip, where Enter traces one through the network).
"""

from __future__ import annotations

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.strip import Strip
from textual.widget import Widget

from tui_nn.session.protocol.messages import PanelData
from tui_nn.ui.widgets.draw.row_widget import arrow_keys, fill_css
from tui_nn.ui.widgets.panel_rows import PanelRows, fitting
from tui_nn.ui.widgets.widget_message import WidgetMessage

NO_DATA_NOTE = "confusion matrix: classification with more than 2 inputs"
WAITING_NOTE = "confusion matrix: waiting for the first evaluation"
# shade steps (share of the row): right answers green, wrong ones red
RIGHT = ("#1c3a1c", "#1f5f1f", "#2e8b2e", "#3cb43c")
WRONG = ("#3a1c1c", "#5f1f1f", "#8b2e2e", "#c83c3c")
LABEL_WIDTH = 7


def _shade(share: float, right: bool) -> str | None:
    if share <= 0:
        return None
    steps = RIGHT if right else WRONG
    return steps[min(len(steps) - 1, int(share * len(steps)))]


def _style(base: Style, fg: str | None, bg: str | None) -> Style:
    style = base + Style.parse(fg) if fg else base
    return style + Style(bgcolor=bg) if bg else style


class ConfusionMatrix(PanelRows, Widget, can_focus=True):
    """`set_data(summary)` once per dataset, `update_panel(panel)` as matrices arrive."""

    BYTE_BUDGET = 6000.0

    BINDINGS = [
        *arrow_keys("Cell up", "Cell down", "Cell left", "Cell right"),
        Binding("enter", "open_cell", "This cell's test samples", show=False),
    ]

    class CellRequested(WidgetMessage["ConfusionMatrix"]):
        """Enter on a cell: show its test samples (true class `true`, predicted `predicted`)."""

        def __init__(self, matrix: ConfusionMatrix, true: int, predicted: int) -> None:
            super().__init__(matrix)
            self.true, self.predicted = true, predicted

    DEFAULT_CSS = fill_css("ConfusionMatrix", min_height=3)

    def forget(self) -> None:
        self.matrix: np.ndarray | None = None
        self.cursor: tuple[int, int] | None = None  # (true, predicted) of the selected cell

    def on_focus(self) -> None:
        m = self.matrix
        if self.cursor is None and m is not None and len(m):
            wrong = np.array(m, copy=True)
            np.fill_diagonal(wrong, -1)
            i, j = np.unravel_index(int(np.argmax(wrong)), wrong.shape)
            self.cursor = (int(i), int(j)) if wrong[i, j] > 0 else (0, 0)
        self.request_repaint()
        self.flush_repaint()

    def on_blur(self) -> None:
        self.request_repaint()

    def action_move(self, dj: int, di: int) -> None:  # dj: a column (predicted), di: a row (true)
        m = self.matrix
        if m is None or not len(m):
            return
        i, j = self.cursor or (0, 0)
        self.cursor = ((i + di) % len(m), (j + dj) % len(m))
        self.request_repaint()
        self.flush_repaint()

    def action_open_cell(self) -> None:
        if self.cursor is not None and self.matrix is not None:
            self.post_message(self.CellRequested(self, *self.cursor))

    def update_panel(self, panel: PanelData) -> None:
        if panel.confusion is not None:
            self.matrix = np.array(panel.confusion, copy=True)
            self.request_repaint()

    def names(self) -> list[str]:
        k = 0 if self.matrix is None else len(self.matrix)
        given = self.summary.class_names if self.summary is not None else None
        names = list(given or ())[:k]
        return names + [str(i) for i in range(len(names), k)]

    def lines(self, width: int) -> list[list[tuple[str, str | None, str | None]]]:
        """Each row as (text, foreground, background) pieces; also used by the tests."""
        m = self.matrix
        if self.summary is None or self.summary.task != "classification":
            return [[(NO_DATA_NOTE, "dim", None)]]
        if m is None:
            return [[(WAITING_NOTE, "dim", None)]]
        k, total = len(m), int(m.sum())
        names = self.names()
        label_w = min(LABEL_WIDTH, max(len(n) for n in names) + 1)
        counts_w = len(str(int(m.max()))) + 1
        percent = label_w + k * counts_w > width
        cell_w = 4 if percent else max(counts_w, 3)
        if percent:
            cell_w = max(2, min(4, (width - label_w) // max(k, 1)))
        tenths = percent and cell_w < 3  # a narrow panel: one digit, the row share in tenths
        right = int(np.trace(m))
        acc = f"{100 * right / total:.1f}%" if total else "–"
        unit = ", row tenths" if tenths else (", row %" if percent else "")
        title = fitting(
            width,
            f"confusion (test {total:,}{unit}) acc {acc} · rows true, cols predicted",
            f"confusion (test {total:,}{unit}) acc {acc} · rows true",
            f"confusion (test {total:,}{unit}) acc {acc}",
            f"acc {acc}, test {total:,}{unit}",
            f"acc {acc}{unit}",
        )
        out = [[(title, "bold", None)]]
        header = [(" " * label_w, None, None)]
        header += [(n[: max(1, cell_w - 1)].rjust(cell_w), "dim", None) for n in names]
        out.append(header)
        sums = m.sum(axis=1)
        for i in range(k):
            row = [(names[i][: label_w - 1].ljust(label_w), "dim", None)]
            for j in range(k):
                count = int(m[i, j])
                share = count / sums[i] if sums[i] else 0.0
                if tenths:
                    text = f"{min(9, int(10 * share))}" if count else "·"
                elif percent:
                    text = f"{min(99, round(100 * share))}" if count else "·"
                else:
                    text = str(count) if count else "·"
                fg = "reverse bold" if self.has_focus and self.cursor == (i, j) else None
                row.append((text.rjust(cell_w), fg, _shade(share, i == j)))
            out.append(row)
        if self.has_focus and self.cursor is not None:
            i, j = self.cursor
            out.append([(fitting(width, f"true {names[i]}, predicted {names[j]}: enter shows "
                                 "its samples", f"{names[i]}→{names[j]}: enter"), "dim", None)])
        return out

    def repaint(self) -> int:
        width, height = self.size
        lines = self.lines(width)[: max(1, height)]
        base = self.rich_style

        def row(y: int, _key: object) -> Strip:
            segments = [Segment(text, _style(base, fg, bg)) for text, fg, bg in lines[y]]
            return Strip(segments).adjust_cell_length(width, base).simplify()

        return self.show_keyed_rows([tuple(line) for line in lines], width, row)
