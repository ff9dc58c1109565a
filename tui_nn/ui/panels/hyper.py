"""The hyper-parameter and data panel: a compact form, one line per setting.

Each text field is parsed by `tui_nn.ui.panels.fields`; a refused value posts `EditRefused` and the
field shows its previous value again. Accepted values are shown at once and post
`HyperPanel.HyperProposed` or `HyperPanel.DatasetProposed` (the app sends SetHyper /
SetDataset, and decides in `tui_nn.ui.link.pending` what the panel shows until the trainer answers).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Select

import tui_nn.ui.panels.fields as fields
import tui_nn.ui.panels.names as names
import tui_nn.ui.panels.schedule_args as schedule_args
from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.types import HyperParams
from tui_nn.rule import Rule
from tui_nn.ui.panels.messages import EditRefused
from tui_nn.ui.widgets.field_input import FieldInput

CSV = "csv"
ARGS = "lr_args"  # the Input of the schedule's parameters (tui_nn.ui.panels.schedule_args)
DEFAULT_FRACTION = DatasetSpec().test_fraction  # a test file removed, no fraction known


@dataclass(frozen=True)
class Field:
    """One text setting: which object it belongs to, its attribute, its rule, how to show it."""

    attr: str  # of the HyperParams or DatasetSpec, and the Input's id
    label: str
    group: Literal["data", "hyper"]
    rule: Rule | None = None  # None: free text (the csv path)
    show: Callable[[Any], str] = fields.show_float
    placeholder: str = ""
    blank_is_default: bool = False  # blank means "the dataset's default"

    def parse(self, text: str) -> Any:
        if self.rule is None:
            return text.strip()
        if self.blank_is_default and text.strip().lower() in ("", self.placeholder):
            return None
        return fields.parse(self.rule, text)


_RULES = fields.RULES
FORM = (
    Field("path", "csv", "data", show=lambda v: v or "", placeholder="path.csv"),
    Field("test_data", "test on", "data", show=lambda v: v or "", placeholder="none"),
    Field("samples", "samples", "data", _RULES["samples"], placeholder="default",
          blank_is_default=True),
    Field("noise", "noise", "data", _RULES["noise"], placeholder="default",
          blank_is_default=True),
    Field("test_fraction", "test", "data", _RULES["test_fraction"]),
    Field("seed", "seed", "data", _RULES["seed"]),
    Field("lr", "lr", "hyper", _RULES["lr"]),
    Field("batch_size", "batch", "hyper", _RULES["batch_size"],
          lambda v: fields.show_optional(v, "full")),
    Field("l1", "L1", "hyper", _RULES["l1"]),
    Field("l2", "L2", "hyper", _RULES["l2"]),
    Field("epochs", "epochs", "hyper", _RULES["epochs"],
          lambda v: fields.show_optional(v, "none")),
    Field("early_stopping", "stop", "hyper", _RULES["early_stopping"],
          lambda v: "" if v is None else str(v), placeholder="off", blank_is_default=True),
)  # fmt: skip
FORM_BY_ATTR = {f.attr: f for f in FORM}
EDITABLE = {*FORM_BY_ATTR, ARGS}  # the ids of the text fields


def _data_path(text: str) -> str:
    """A typed data path with `~` expanded, made absolute (as the CLI does: a saved run finds
    its data from any directory)."""
    return os.path.abspath(os.path.expanduser(text)) if text else text


def _row(label: str, widget: Input | Select) -> Horizontal:
    return Horizontal(Label(label, classes="field-label"), widget, classes="field")


class HyperPanel(VerticalScroll):
    """Shows and edits a `HyperParams` and a `DatasetSpec`."""

    can_focus = False  # Tab goes straight to the fields; a focused field scrolls into view

    # What works in a field, for the footer. Enter belongs to the field itself (its binding
    # hides any other in the footer), so the panel's subtitle says it while a field has focus.
    FIELD_KEYS = "enter applies"
    BINDINGS = [
        Binding("escape", "leave_field", "Leave", tooltip="Back to the network panel"),
        Binding("tab", "app.focus_next", "Next field", tooltip="The next field"),
        Binding("shift+tab", "app.focus_previous", "Previous", show=False),
    ]

    class HyperProposed(Message):
        """A request: train with these hyper-parameters."""

        def __init__(self, hyper: HyperParams) -> None:
            super().__init__()
            self.hyper = hyper

    class DatasetProposed(Message):
        """A request: load (or regenerate) this data."""

        def __init__(self, spec: DatasetSpec) -> None:
            super().__init__()
            self.spec = spec

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hyper: HyperParams | None = None
        self.dataset: DatasetSpec | None = None
        self._fraction: float | None = None  # the test fraction before a test file took over
        self._applied: str | None = None  # the focused field Enter applied (shows the answer)

    def compose(self) -> ComposeResult:
        datasets = [(name, name) for name in names.DATASETS] + [("csv file", CSV)]
        optimizers = [(name, name) for name in names.OPTIMIZER_NAMES]
        schedules = [(name, name) for name in names.SCHEDULE_NAMES]
        yield _row("data", Select(datasets, allow_blank=False, compact=True, id="dataset"))
        for f in FORM:
            if f.attr == "lr":
                yield _row(
                    "optim", Select(optimizers, allow_blank=False, compact=True, id="optimizer")
                )
            yield _row(f.label, FieldInput(placeholder=f.placeholder, compact=True, id=f.attr))
            if f.attr == "seed":  # the data's seed above; the weights' seed may differ (R)
                yield _row("weights", Label("", id="network-seed"))
            if f.attr == "lr":  # the schedule of the rate, and its parameters
                yield _row(
                    "sched", Select(schedules, allow_blank=False, compact=True, id="lr_schedule")
                )
                yield _row("  args", FieldInput(compact=True, id=ARGS))

    def on_mount(self) -> None:
        self.border_title = "Training"

    # ---- what is shown -------------------------------------------------------------------

    def show(
        self, hyper: HyperParams, dataset: DatasetSpec, network_seed: int | None = None
    ) -> None:
        """Show these values (the app's choice: the trainer's, or edits still on their way)
        and the seed the trainer's weights were drawn from (the snapshot's, after `R` too)."""
        if network_seed is not None:
            self.query_one("#network-seed", Label).update(f"seed {network_seed}  (R: next)")
        if hyper != self.hyper:
            self.hyper = hyper
            self._fill("hyper", hyper)
            self._select("#optimizer", hyper.optimizer)
            self._select("#lr_schedule", hyper.lr_schedule)
            self._show_args(hyper)
        if dataset != self.dataset:
            self.dataset = dataset
            self._fill("data", dataset)

    def _fill(self, group: str, source: HyperParams | DatasetSpec) -> None:
        for f in FORM:
            if f.group == group:
                self._show_field(f, source)
        if group == "data":  # MNIST's published split, or a test file: say so, take no edits
            self._select("#dataset", source.name)  # "csv file" once a file is in use
            official = names.has_official_split(source.name)
            test_input = self.query_one("#test_fraction", Input)
            test_input.disabled = official or bool(source.test_data)
            if test_input.disabled:
                test_input.value = "official" if official else "file"

    def _show_args(self, hyper: HyperParams) -> None:
        """The schedule's parameters; none to edit for a constant rate."""
        args_input = self.query_one(f"#{ARGS}", Input)
        args_input.disabled = not schedule_args.PARAMETERS.get(hyper.lr_schedule)
        if self._showable(args_input):
            with args_input.prevent(Input.Changed):
                args_input.value = schedule_args.show(hyper)

    def _show_field(self, f: Field, source: HyperParams | DatasetSpec | None) -> None:
        field_input = self.query_one(f"#{f.attr}", Input)
        if source is not None and self._showable(field_input):
            with field_input.prevent(Input.Changed):
                field_input.value = f.show(getattr(source, f.attr))

    def _showable(self, field_input: Input) -> bool:
        """A field shows the run's value unless the user is typing in it (a field Enter just
        applied shows what the trainer made of it)."""
        return not field_input.has_focus or field_input.id == self._applied

    def _select(self, selector: str, value: str) -> None:
        select = self.query_one(selector, Select)
        if select.value != value:
            with select.prevent(Select.Changed):
                select.value = value

    # ---- editing -------------------------------------------------------------------------

    def _source(self, group: str) -> HyperParams | DatasetSpec | None:
        return self.hyper if group == "hyper" else self.dataset

    def _propose(self, group: str, value: HyperParams | DatasetSpec) -> None:
        if group == "hyper":
            self.hyper = value
            self._show_args(value)
            self.post_message(self.HyperProposed(value))
        else:
            self.dataset = value
            self._fill("data", value)
            self.post_message(self.DatasetProposed(value))

    def apply(self, attr: str, text: str) -> bool:
        """Parse and use `text` for setting `attr` (or `ARGS`, the schedule's parameters);
        False (and a message) when refused."""
        if attr == ARGS:
            return self._use_args(text)
        f = FORM_BY_ATTR[attr]
        source = self._source(f.group)
        if source is None:
            return False
        try:
            value = f.parse(text)
            if attr == "path":
                return self._use_csv(_data_path(value))
            if attr == "test_data":
                return self._use_test_file(_data_path(value))
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

    def _use_test_file(self, path: str) -> bool:
        """Test on the CSV at `path` (all of the training file trains); blank: no test file,
        the test fraction it had before splits the training file again."""
        if not path:
            if self.dataset.test_data:
                self._propose("data", self._without_test_file(self.dataset))
            return True
        if self.dataset.name != CSV:
            raise fields.Refused(
                f"test file: needs a csv to train on (type its path in the csv field first); "
                f"{self.dataset.name} is split by the test fraction"
            )
        if not os.path.isfile(path):
            raise fields.Refused(f"test file: no such file {path!r}")
        if path != self.dataset.test_data:
            if not self.dataset.test_data:
                self._fraction = self.dataset.test_fraction
            self._propose("data", replace(self.dataset, test_data=path, test_fraction=0.0))
        return True

    def _without_test_file(self, spec: DatasetSpec) -> DatasetSpec:
        if not spec.test_data:
            return spec
        fraction = DEFAULT_FRACTION if self._fraction is None else self._fraction
        return replace(spec, test_data=None, test_fraction=fraction)

    def _use_args(self, text: str) -> bool:
        if self.hyper is None:
            return False
        try:
            hyper = schedule_args.parse(self.hyper, text)
        except fields.Refused as refused:
            self.post_message(EditRefused(str(refused)))
            return False
        if hyper != self.hyper:
            self._propose("hyper", hyper)
        return True

    def regenerate(self) -> None:
        """New data from the next seed (same dataset, size and noise)."""
        if self.dataset is not None:
            self._propose("data", replace(self.dataset, seed=self.dataset.seed + 1))

    def on_descendant_focus(self) -> None:
        self.border_subtitle = self.FIELD_KEYS

    def on_descendant_blur(self) -> None:
        self.border_subtitle = ""

    def action_leave_field(self) -> None:
        focused = self.screen.focused
        if isinstance(focused, Input) and focused.id in EDITABLE:
            self._edited(focused)
        self.app.query_one("#layer-list").focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter applies the value and stays on the field (Tab goes to the next one)."""
        event.stop()
        if event.input.id in EDITABLE:
            self._edited(event.input)
            self._applied = event.input.id

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if event.input.id == self._applied:
            self._applied = None  # typing again: the field is the user's until Enter

    @on(Input.Blurred)
    def _blurred(self, event: Input.Blurred) -> None:
        if event.input.id in EDITABLE:
            self._edited(event.input)

    def _edited(self, field_input: Input) -> None:
        if field_input.id == ARGS:
            if self.hyper is not None and field_input.value != schedule_args.show(self.hyper):
                self._use_args(field_input.value)
            if self.hyper is not None:
                field_input.value = schedule_args.show(self.hyper)
            return
        f = FORM_BY_ATTR[field_input.id]
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
        spec = replace(
            self._without_test_file(self.dataset),
            name=str(event.value),
            path=None,
            samples=None,
            noise=None,
        )
        self._propose("data", spec)
