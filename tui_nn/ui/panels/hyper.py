"""The hyper-parameter and data panel: a compact form, one line per setting.

Each text field is parsed by `tui_nn.ui.fields`; a refused value posts `EditRefused` and the
field shows its previous value again. Accepted values post `HyperPanel.HyperChanged` or
`HyperPanel.DatasetChanged` (the app sends SetHyper / SetDataset). As in the architecture
panel, snapshots do not overwrite a value the trainer has not confirmed yet.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Select

from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.types import HyperParams
from tui_nn.ui import fields, names
from tui_nn.ui.panels.messages import EditRefused

PENDING_SECONDS = 3.0
CSV = "csv"


@dataclass(frozen=True)
class Field:
    """One text setting: which object it belongs to, its attribute, how to parse and show it."""

    attr: str
    label: str
    group: str  # "data" or "hyper"
    parse: Callable[[str], Any]
    show: Callable[[Any], str] = lambda value: "" if value is None else f"{value:g}"
    placeholder: str = ""


def _default_or(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """Blank means "the dataset's default"."""
    return lambda text: None if not text.strip() else parse(text)


FIELDS = (
    Field("path", "csv", "data", lambda text: text.strip(), lambda v: v or "", "path.csv"),
    Field(
        "samples",
        "samples",
        "data",
        _default_or(lambda t: fields.parse_int(t, "samples", fields.SAMPLES)),
        placeholder="default",
    ),
    Field(
        "noise",
        "noise",
        "data",
        _default_or(lambda t: fields.parse_float(t, "noise", fields.NOISE)),
        placeholder="default",
    ),
    Field(
        "test_fraction",
        "test",
        "data",
        lambda t: fields.parse_float(t, "test fraction", fields.TEST_FRACTION),
    ),
    Field("seed", "seed", "data", lambda t: fields.parse_int(t, "seed", fields.SEED)),
    Field(
        "lr",
        "lr",
        "hyper",
        lambda t: fields.parse_float(t, "learning rate", fields.LEARNING_RATE),
    ),
    Field(
        "batch_size",
        "batch",
        "hyper",
        fields.parse_batch,
        lambda v: fields.show_optional(v, "full"),
    ),
    Field("l1", "L1", "hyper", lambda t: fields.parse_float(t, "L1", fields.PENALTY)),
    Field("l2", "L2", "hyper", lambda t: fields.parse_float(t, "L2", fields.PENALTY)),
    Field(
        "epochs",
        "epochs",
        "hyper",
        lambda t: fields.parse_optional_int(t, "epochs", fields.EPOCHS),
        lambda v: fields.show_optional(v, "none"),
    ),
)
FIELD_BY_ATTR = {f.attr: f for f in FIELDS}


def _row(label: str, widget: Input | Select) -> Horizontal:
    return Horizontal(Label(label, classes="field-label"), widget, classes="field")


class HyperPanel(VerticalScroll):
    """Shows and edits a `HyperParams` and a `DatasetSpec`."""

    can_focus = False  # Tab goes straight to the fields; a focused field scrolls into view

    class HyperChanged(Message):
        """An intent: train with these hyper-parameters."""

        def __init__(self, hyper: HyperParams) -> None:
            super().__init__()
            self.hyper = hyper

    class DatasetChanged(Message):
        """An intent: load (or regenerate) this data."""

        def __init__(self, spec: DatasetSpec) -> None:
            super().__init__()
            self.spec = spec

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hyper: HyperParams | None = None
        self.dataset: DatasetSpec | None = None
        self._pending: dict[str, tuple[Any, float]] = {}

    def compose(self) -> ComposeResult:
        datasets = [(name, name) for name in names.DATASETS] + [("csv file", CSV)]
        optimizers = [(name, name) for name in names.OPTIMIZER_NAMES]
        schedules = [(name, name) for name in names.SCHEDULE_NAMES]
        yield _row("data", Select(datasets, allow_blank=False, compact=True, id="dataset"))
        for f in FIELDS:
            if f.attr == "lr":
                yield _row(
                    "optim", Select(optimizers, allow_blank=False, compact=True, id="optimizer")
                )
            yield _row(f.label, Input(placeholder=f.placeholder, compact=True, id=f.attr))
            if f.attr == "lr":  # the schedule of the rate (its parameters: TOML or options)
                yield _row(
                    "sched", Select(schedules, allow_blank=False, compact=True, id="lr_schedule")
                )

    def on_mount(self) -> None:
        self.border_title = "Training"

    # ---- what is shown -------------------------------------------------------------------

    def _confirmed(self, group: str, value: Any) -> bool:
        """Whether a snapshot value may be shown (no unconfirmed edit of ours is waiting)."""
        pending = self._pending.get(group)
        if pending is None:
            return True
        wanted, since = pending
        if value == wanted or time.monotonic() - since > PENDING_SECONDS:
            del self._pending[group]
            return True
        return False

    def settle(self, group: str) -> None:
        """The trainer answered our edit of `group` ("hyper" or "data"): show its values."""
        self._pending.pop(group, None)

    def show(self, hyper: HyperParams, dataset: DatasetSpec) -> None:
        if self._confirmed("hyper", hyper) and hyper != self.hyper:
            self.hyper = hyper
            self._fill("hyper", hyper)
            self._select("#optimizer", hyper.optimizer)
            self._select("#lr_schedule", hyper.lr_schedule)
        if self._confirmed("data", dataset) and dataset != self.dataset:
            self.dataset = dataset
            self._fill("data", dataset)
            self._select("#dataset", dataset.name)

    def _fill(self, group: str, source: HyperParams | DatasetSpec) -> None:
        for f in FIELDS:
            if f.group == group:
                self._show_field(f, source)
        if group == "data":  # MNIST keeps its published split: say so, and take no edits
            official = names.has_official_split(source.name)
            test_input = self.query_one("#test_fraction", Input)
            test_input.disabled = official
            if official:
                test_input.value = "official"

    def _show_field(self, f: Field, source: HyperParams | DatasetSpec | None) -> None:
        field_input = self.query_one(f"#{f.attr}", Input)
        if source is not None and not field_input.has_focus:
            field_input.value = f.show(getattr(source, f.attr))

    def _select(self, selector: str, value: str) -> None:
        select = self.query_one(selector, Select)
        if select.value != value:
            with select.prevent(Select.Changed):
                select.value = value

    # ---- editing -------------------------------------------------------------------------

    def _source(self, group: str) -> HyperParams | DatasetSpec | None:
        return self.hyper if group == "hyper" else self.dataset

    def _propose(self, group: str, value: HyperParams | DatasetSpec) -> None:
        self._pending[group] = (value, time.monotonic())
        if group == "hyper":
            self.hyper = value
            self.post_message(self.HyperChanged(value))
        else:
            self.dataset = value
            self._fill("data", value)
            self.post_message(self.DatasetChanged(value))

    def apply(self, attr: str, text: str) -> bool:
        """Parse and use `text` for setting `attr`; False (and a message) when refused."""
        f = FIELD_BY_ATTR[attr]
        source = self._source(f.group)
        if source is None:
            return False
        try:
            value = f.parse(text)
            if attr == "path":
                return self._use_csv(value)
        except fields.Refused as refused:
            self.post_message(EditRefused(str(refused)))
            return False
        if getattr(source, attr) != value:
            self._propose(f.group, replace(source, **{attr: value}))
        return True

    def _use_csv(self, path: str) -> bool:
        if not path:
            return False
        if not os.path.isfile(path):
            raise fields.Refused(f"csv: no such file {path!r}")
        self._propose("data", replace(self.dataset, name=CSV, path=path))
        return True

    def regenerate(self) -> None:
        """New data from the next seed (same dataset, size and noise)."""
        if self.dataset is not None:
            self._propose("data", replace(self.dataset, seed=self.dataset.seed + 1))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id in FIELD_BY_ATTR:
            self._edited(event.input)
            self.screen.focus_next()

    @on(Input.Blurred)
    def _blurred(self, event: Input.Blurred) -> None:
        if event.input.id in FIELD_BY_ATTR:
            self._edited(event.input)

    def _edited(self, field_input: Input) -> None:
        f = FIELD_BY_ATTR[field_input.id]
        source = self._source(f.group)
        if source is None or field_input.value == f.show(getattr(source, f.attr)):
            return
        self.apply(f.attr, field_input.value)
        field_input.value = f.show(getattr(self._source(f.group), f.attr))

    @on(Select.Changed, "#optimizer")
    def _optimizer(self, event: Select.Changed) -> None:
        if self.hyper is not None and event.value != self.hyper.optimizer:
            self._propose("hyper", replace(self.hyper, optimizer=str(event.value)))

    @on(Select.Changed, "#lr_schedule")
    def _schedule(self, event: Select.Changed) -> None:
        if self.hyper is not None and event.value != self.hyper.lr_schedule:
            self._propose("hyper", replace(self.hyper, lr_schedule=str(event.value)))

    @on(Select.Changed, "#dataset")
    def _dataset(self, event: Select.Changed) -> None:
        if self.dataset is None or event.value == self.dataset.name:
            return
        if event.value == CSV:
            self.post_message(EditRefused("csv: type the file's path in the csv field"))
            self._select("#dataset", self.dataset.name)
            self.query_one("#path", Input).focus()
            return
        spec = replace(self.dataset, name=str(event.value), path=None, samples=None, noise=None)
        self._propose("data", spec)
