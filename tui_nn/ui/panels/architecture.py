"""The architecture editor: the layers from input to output, with keys to change them.

Rows: the input (its size follows the dataset), each hidden layer, the output layer (size
follows the dataset; its activation can change), the loss and the weight initialiser. `a`/`A`
cycle the name on the selected row; `p` (or Enter on the out, loss and init rows) opens a
picker (`tui_nn.ui.panels.name_picker`) listing the names of the rules table.

Feature inputs (2-D data): the input row shows Playground's toggles, x1 x2 x1² x2² x1·x2
sin(x1) sin(x2), the ones in use bright; on that row the digits 1..7 switch one on or off and
`p` (or Enter) opens a list to tick them. A change posts `FeaturesProposed` (the app sends
`SetFeatures`: the other layers keep their weights, like any edit). The panel keeps the spec it
shows; an edit builds a new `NetworkSpec`, shows it and posts
`ArchitecturePanel.ArchitectureProposed` (the app sends `SetArchitecture` and decides, in
`tui_nn.ui.link.pending`, what the panel shows until the trainer answers).
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.message import Message
from textual.widgets import Input, Label, OptionList

import tui_nn.ui.panels.fields as fields
import tui_nn.ui.panels.names as names
from tui_nn.data.features import FEATURES, RAW
from tui_nn.engine.spec import LayerSpec, NetworkSpec
from tui_nn.ui.panels.feature_picker import FeaturePicker, short
from tui_nn.ui.panels.messages import EditRefused
from tui_nn.ui.panels.name_picker import NamePicker
from tui_nn.ui.widgets.field_input import FieldInput
from tui_nn.ui.widgets.options import Options

DEFAULT_NEW_LAYER = LayerSpec(4, "tanh")


class LayerList(Options):
    """The rows of the network; a digit key starts typing a neuron count (on the input row of
    2-D data: switches a feature input)."""

    def on_key(self, event: Key) -> None:
        if event.character is not None and event.character.isdigit():
            event.stop()
            event.prevent_default()
            self.post_message(LayerList.DigitTyped(event.character))

    class DigitTyped(Message):
        def __init__(self, digit: str) -> None:
            super().__init__()
            self.digit = digit


SIZES_FOLLOW = "the input and output sizes follow the dataset"
# (what was asked, on the input row?) -> the real reason it cannot be done there
REASONS = {
    ("activation", True): "activation: the input layer has none (it passes the data on); "
    "select a hidden layer or out",
    ("delete", True): f"delete: the input layer stays ({SIZES_FOLLOW}); select a hidden layer",
    ("delete", False): f"delete: the output layer stays ({SIZES_FOLLOW}); select a hidden layer",
}


class ArchitecturePanel(Vertical):
    """Shows and edits a `NetworkSpec`."""

    NEURONS = Binding.Group("neurons", compact=True)
    BINDINGS = [
        Binding("plus,equals_sign", "units(1)", "Add a neuron", group=NEURONS),
        Binding("minus", "units(-1)", "Remove a neuron", group=NEURONS),
        Binding("a", "activation(1)", "Next activation (or output act. / loss / init)", show=False),
        Binding("A", "activation(-1)", "Previous activation", show=False),
        Binding("i,insert", "insert_layer", "Insert a hidden layer", show=False),
        Binding("D,delete", "delete_layer", "Delete the hidden layer", show=False),
        Binding("o", "output_activation", "Next output activation", show=False),
        Binding("c", "loss", "Next cost (loss) function", show=False),
        Binding("p", "pick", "Pick from a list (activation, output, loss, init)", show=False),
    ]

    class ArchitectureProposed(Message):
        """A request: use this architecture (the app sends SetArchitecture)."""

        def __init__(self, spec: NetworkSpec) -> None:
            super().__init__()
            self.spec = spec

    class FeaturesProposed(Message):
        """A request: these feature inputs (None: x1 and x2; the app sends SetFeatures)."""

        def __init__(self, features: tuple[str, ...] | None) -> None:
            super().__init__()
            self.features = features

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.spec: NetworkSpec | None = None
        self.dataset_name = ""
        self.features: tuple[str, ...] | None = None  # the inputs in use, when they can change
        self._typing = False  # digits typed in the list are going to the units field

    def compose(self) -> ComposeResult:
        yield LayerList(id="layer-list")
        units = FieldInput(
            placeholder="type, Enter",
            compact=True,
            select_on_focus=False,
            id="units-input",
        )
        yield Horizontal(Label("neurons", classes="field-label"), units, classes="field")

    def on_mount(self) -> None:
        self.border_title = "Network"
        self.border_subtitle = "+/- a i D"

    # ---- what is shown ------------------------------------------------------------------

    @property
    def layer_list(self) -> LayerList:
        return self.query_one(LayerList)

    @property
    def selected(self) -> int:
        """Row index: 0 input, 1..H hidden, H+1 output, H+2 loss, H+3 init."""
        highlighted = self.layer_list.highlighted
        return 0 if highlighted is None else highlighted

    def show(self, spec: NetworkSpec, dataset_name: str = "") -> None:
        """Show `spec` (the app's choice: the trainer's, or an edit still on its way)."""
        if spec == self.spec and dataset_name == self.dataset_name:
            return
        self.dataset_name = dataset_name
        self._set_spec(spec)

    def show_features(self, features: tuple[str, ...] | None) -> None:
        """The feature inputs in use (x1, x2 for plain 2-D data), or None: this data's inputs
        are its own (not 2-D), no toggles."""
        if features != self.features:
            self.features = features
            if self.spec is not None:
                self._set_spec(self.spec)

    def _set_spec(self, spec: NetworkSpec, select: int | None = None) -> None:
        keep = self.selected if select is None else select
        if self.spec is None and spec.hidden:
            keep = 1  # start on the first hidden layer: +/- work at once
        self.spec = spec
        rows = self._rows(spec)
        layer_list = self.layer_list
        layer_list.set_options(rows)
        layer_list.highlighted = max(0, min(keep, len(rows) - 1))
        self._show_units()

    def _rows(self, spec: NetworkSpec) -> list[Text]:
        if self.features is not None:  # the toggles, the inputs in use bright
            toggles = [
                (short(name), "bold" if name in self.features else "dim strike")
                for name in FEATURES
            ]
            pieces = [p for t in toggles for p in (t, " ")][:-1]
            room = self.layer_list.size.width - 2  # its padding
            label = ("in ", "dim") if room <= 0 or room >= 3 + Text.assemble(*pieces).cell_len else ""
            first = Text.assemble(label, *pieces)
        else:
            first = Text.assemble(
                ("in   ", "dim"), f"{spec.n_inputs:>4}  ", (self.dataset_name, "dim")
            )
        rows = [first]
        for i, layer in enumerate(spec.hidden, start=1):
            rows.append(
                Text.assemble((f"h{i:<3} ", "dim"), f"{layer.units:>4}  {layer.activation}")
            )
        rows.append(
            Text.assemble(("out  ", "dim"), f"{spec.output.units:>4}  {spec.output.activation}")
        )
        rows.append(Text.assemble(("loss ", "dim"), f"      {spec.loss}"))
        rows.append(Text.assemble(("init ", "dim"), f"      {spec.init}"))
        return rows

    def _show_units(self) -> None:
        units_input = self.query_one("#units-input", Input)
        if units_input.has_focus:
            return
        index = self._hidden_index()
        units_input.value = "" if index is None else str(self.spec.hidden[index].units)

    def _hidden_index(self) -> int | None:
        """The selected hidden layer's index in spec.hidden, or None."""
        if self.spec is None:
            return None
        index = self.selected - 1
        return index if 0 <= index < len(self.spec.hidden) else None

    @on(OptionList.OptionHighlighted)
    def _highlighted(self) -> None:
        self._show_units()

    # ---- editing --------------------------------------------------------------------------

    def _refuse(self, reason: str) -> None:
        self.post_message(EditRefused(reason))

    def _propose(self, spec: NetworkSpec, select: int | None = None) -> None:
        self._set_spec(spec, select)
        self.post_message(self.ArchitectureProposed(spec))

    def _require_hidden(self, what: str) -> int | None:
        index = self._hidden_index()
        if index is None:
            row = self.selected
            if self.spec is not None and row in (0, len(self.spec.hidden) + 1):
                self._refuse(REASONS.get((what, row == 0), f"{what}: {SIZES_FOLLOW}"))
            else:
                self._refuse(f"{what}: select a hidden layer first")
        return index

    def set_units(self, units: int) -> None:
        """Give the selected hidden layer `units` neurons (refused outside the limits)."""
        index = self._require_hidden("neurons")
        if index is None:
            return
        try:
            fields.parse(fields.UNITS, str(units))
        except fields.Refused as refused:
            self._refuse(str(refused))
            return
        hidden = list(self.spec.hidden)
        if hidden[index].units == units:
            return
        hidden[index] = replace(hidden[index], units=units)
        self._propose(self.spec.with_hidden(hidden))

    def action_units(self, delta: int) -> None:
        index = self._require_hidden("neurons")
        if index is not None:
            self.set_units(self.spec.hidden[index].units + delta)

    def action_activation(self, step: int) -> None:
        if self.spec is None:
            return
        row, n_hidden = self.selected, len(self.spec.hidden)
        if row == n_hidden + 1:
            self._cycle_output(step)
        elif row == n_hidden + 2:
            self._cycle_loss(step)
        elif row == n_hidden + 3:
            self.set_init(names.cycle(names.INITIALIZERS, self.spec.init, step))
        elif (index := self._require_hidden("activation")) is not None:
            activation = self.spec.hidden[index].activation
            self.set_activation(index, names.cycle(names.HIDDEN_ACTIVATIONS, activation, step))

    def set_activation(self, index: int, activation: str) -> None:
        """Hidden layer `index` (0-based) uses `activation`."""
        hidden = list(self.spec.hidden)
        if index < len(hidden) and hidden[index].activation != activation:
            hidden[index] = replace(hidden[index], activation=activation)
            self._propose(self.spec.with_hidden(hidden))

    def set_init(self, init: str) -> None:
        """The initialiser of new weights (`r` re-initialises them all with it)."""
        if init != self.spec.init:
            self._propose(replace(self.spec, init=init))

    def action_output_activation(self) -> None:
        self._cycle_output(1)

    def action_loss(self) -> None:
        self._cycle_loss(1)

    def _cycle_output(self, step: int) -> None:
        """Next output activation; the loss follows when it no longer fits (bce needs a
        sigmoid output, cce a softmax one)."""
        if self.spec is None:
            return
        output = self.spec.output
        self.set_output(names.cycle(names.output_choices(output.units), output.activation, step))

    def set_output(self, activation: str) -> None:
        """The output layer uses `activation`; the loss follows when it no longer fits."""
        output = self.spec.output
        loss = names.fitting_loss(activation, self.spec.loss)
        spec = replace(self.spec, output=replace(output, activation=activation), loss=loss)
        if spec != self.spec:
            self._propose(spec)

    def _cycle_loss(self, step: int) -> None:
        """Next loss; the output activation follows when the loss needs another one."""
        if self.spec is None:
            return
        loss = names.cycle(names.loss_choices(self.spec.output.units), self.spec.loss, step)
        self.set_loss(loss)

    def set_loss(self, loss: str) -> None:
        """Use `loss`; the output activation follows when the loss needs another one."""
        output = self.spec.output
        activation = names.LOSS_NEEDS.get(loss, output.activation)
        spec = replace(self.spec, output=replace(output, activation=activation), loss=loss)
        if spec != self.spec:
            self._propose(spec)

    # ---- pickers ----------------------------------------------------------------------------

    def action_pick(self) -> None:
        """Open the picker for the name on the selected row."""
        if self.spec is None:
            return
        row, n_hidden, spec = self.selected, len(self.spec.hidden), self.spec
        if row == 0 and self.features is not None:
            self._pick_features()
        elif row == n_hidden + 1:
            hint = "the loss follows (bce: sigmoid, cce: softmax)"
            choices = names.output_choices(spec.output.units)
            self._open("output activation", choices, spec.output.activation, self.set_output, hint)
        elif row == n_hidden + 2:
            hint = "the output follows (bce: sigmoid, cce: softmax)"
            choices = names.loss_choices(spec.output.units)
            self._open("loss", choices, spec.loss, self.set_loss, hint)
        elif row == n_hidden + 3:
            hint = "new weights use it; r re-initialises all"
            self._open("initialiser", names.INITIALIZERS, spec.init, self.set_init, hint)
        elif (index := self._require_hidden("activation")) is not None:
            current = spec.hidden[index].activation
            self._open(
                f"activation of h{index + 1}",
                names.HIDDEN_ACTIVATIONS,
                current,
                lambda name: self.set_activation(index, name),
            )

    def _open(self, what, choices, current, use, hint: str = "") -> None:
        def picked(name: str | None) -> None:
            if name is not None and self.spec is not None:
                use(name)
            self.layer_list.focus()

        self.app.push_screen(NamePicker(what, choices, current, hint), picked)

    def action_insert_layer(self) -> None:
        """Insert a hidden layer after the selected row (a copy of the selected hidden layer)."""
        if self.spec is None:
            return
        hidden = list(self.spec.hidden)
        if len(hidden) >= fields.HIDDEN_LAYERS:
            self._refuse(f"at most {fields.HIDDEN_LAYERS} hidden layers")
            return
        index = self._hidden_index()
        position = min(self.selected, len(hidden))  # after the selected hidden layer or input
        hidden.insert(position, hidden[index] if index is not None else DEFAULT_NEW_LAYER)
        self._propose(self.spec.with_hidden(hidden), select=position + 1)

    def action_delete_layer(self) -> None:
        index = self._require_hidden("delete")
        if index is None:
            return
        hidden = list(self.spec.hidden)
        del hidden[index]
        # Select the layer that took its place, else the one before (or the input row).
        self._propose(self.spec.with_hidden(hidden), select=min(index + 1, len(hidden)))

    # ---- feature inputs --------------------------------------------------------------------

    def toggle_feature(self, index: int) -> None:
        """Switch feature input `index` (0: x1 .. 6: sin(x2)) on or off."""
        if self.features is None:
            self._refuse("feature inputs: 2-D data only (x1, x2 and what is computed from them)")
            return
        names_ = list(FEATURES)
        if not 0 <= index < len(names_):
            self._refuse(f"feature inputs: keys 1..{len(names_)} ({', '.join(names_)})")
            return
        name = names_[index]
        chosen = [n for n in names_ if (n in self.features) != (n == name)]
        if not chosen:
            self._refuse("feature inputs: at least one stays on")
            return
        self.set_features(tuple(chosen))

    def set_features(self, features: tuple[str, ...]) -> None:
        features = tuple(n for n in FEATURES if n in features)
        if features and features != self.features:
            self.features = features
            if self.spec is not None:
                self._set_spec(replace(self.spec, n_inputs=len(features)), select=0)
            self.post_message(self.FeaturesProposed(None if features == RAW else features))

    def _pick_features(self) -> None:
        def picked(chosen: tuple[str, ...] | None) -> None:
            if chosen is not None:
                if chosen:
                    self.set_features(chosen)
                else:
                    self._refuse("feature inputs: at least one stays on")
            self.layer_list.focus()

        self.app.push_screen(FeaturePicker(self.features or RAW), picked)

    @on(LayerList.DigitTyped)
    def _start_typing(self, event: LayerList.DigitTyped) -> None:
        if self.selected == 0 and self.features is not None:
            self.toggle_feature(int(event.digit) - 1)
            return
        if self._require_hidden("neurons") is None:
            return
        units_input = self.query_one("#units-input", Input)
        # Digits typed before the focus reaches the field are appended, not lost.
        units_input.value = units_input.value + event.digit if self._typing else event.digit
        self._typing = True
        units_input.focus()
        units_input.cursor_position = len(units_input.value)

    @on(OptionList.OptionSelected, "#layer-list")
    def _edit_selected(self) -> None:
        """Enter: a hidden layer's neuron count; the picker on the out, loss and init rows (and
        the feature inputs on the input row of 2-D data)."""
        if self.selected == 0 and self.features is not None:
            self._pick_features()
        elif self._hidden_index() is not None:
            self.query_one("#units-input", Input).focus()
        elif self.spec is not None and self.selected > len(self.spec.hidden):
            self.action_pick()

    @on(Input.Submitted, "#units-input")
    def _units_typed(self, event: Input.Submitted) -> None:
        event.stop()
        self._typing = False
        if self._require_hidden("neurons") is not None:
            try:
                self.set_units(fields.parse(fields.UNITS, event.value))
            except fields.Refused as refused:
                self._refuse(str(refused))
        self.layer_list.focus()
        self._show_units()

    @on(Input.Blurred, "#units-input")
    def _units_left(self) -> None:
        self._typing = False
        self._show_units()  # an unsubmitted edit is dropped; the previous value shows again
