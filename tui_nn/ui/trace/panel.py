"""The trace panel: one sample's forward pass, cost, backward pass and update, a step at a time,
as formulas with the trainer's numbers (a TraceResult from a snapshot; no engine objects).

Keys while it has the focus: → / ← next / previous step, ↓ / ↑ another neuron of the layer,
n / p the next / previous sample, i type a sample index, t train or test set, a apply the step
to the network (one plain SGD step on this sample), v the network diagram beside it, c pick a
point on the decision boundary (then the arrows move the cursor, Enter traces the training
sample nearest it, Esc cancels), Esc leave. Requests go up as messages; the app sends the
commands and hands the answer back with `show_result`. After every redraw the panel posts
`StepShown` (the layer and neuron of the step) when they changed, for the diagram.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

from tui_nn.session.protocol.messages import TraceResult
from tui_nn.textbook.trace_text import step_plan, trace_step
from tui_nn.ui.widgets.field_input import FieldInput

HINTS = "←/→ step  ↑/↓ neuron  n/p sample  i index  t split  c point  v diagram  a apply  Esc"
SHORT_HINTS = "←→ ↑↓ n/p i t c:point v a:apply Esc"
PICK_HINTS = "arrows move  Enter trace the nearest sample  Esc cancel"
PICK_NOTE = "pick a point: arrows move the cursor, Enter traces the sample nearest it, Esc cancels"


class TracePanel(Vertical, can_focus=True):
    DEFAULT_CSS = """
    TracePanel {
        border: round $accent;
        border-title-color: $text;
        border-subtitle-color: $text-muted;
        padding: 0 1;
    }
    TracePanel #trace-head {
        height: auto;
        color: $text-muted;
    }
    TracePanel #trace-scroll {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    TracePanel #trace-index {
        display: none;
        height: 1;
        border: none;
        padding: 0;
    }
    TracePanel #trace-index.-shown {
        display: block;
    }
    """

    BINDINGS = [
        Binding("right", "step(1)", "Next step", tooltip="Trace: the next step"),
        Binding("left", "step(-1)", "Previous step", tooltip="Trace: the previous step"),
        Binding("down", "neuron(1)", "Next neuron", show=False),
        Binding("up", "neuron(-1)", "Previous neuron", show=False),
        Binding("home", "first", "First step", show=False),
        Binding("end", "last", "Last step", show=False),
        Binding("n", "sample(1)", "Next sample", show=False),
        Binding("p", "sample(-1)", "Previous sample", show=False),
        Binding("i", "ask_index", "Sample index", show=False),
        Binding("t", "split", "Train/test", show=False),
        Binding("a", "apply", "Apply step", tooltip="One SGD step on this sample"),
        Binding("c", "pick", "Pick a point", show=False, tooltip="Pick a point on the boundary"),
        Binding("enter", "pick_done", "Trace the point", show=False),
        Binding("v", "diagram", "Diagram", show=False, tooltip="The network diagram beside it"),
        Binding("pagedown", "page(1)", "Scroll down", show=False),
        Binding("pageup", "page(-1)", "Scroll up", show=False),
        Binding("escape", "close", "Leave trace", tooltip="Leave trace mode"),
    ]

    class SampleRequested(Message):
        """An intent: trace this sample (index None: the next one training takes)."""

        def __init__(self, index: int | None, split: str = "train") -> None:
            super().__init__()
            self.index = index
            self.split = split

    class ApplyRequested(Message):
        """An intent: take the traced step on the real network."""

        def __init__(self, index: int, split: str) -> None:
            super().__init__()
            self.index = index
            self.split = split

    class CloseRequested(Message):
        """An intent: leave trace mode."""

    class DiagramRequested(Message):
        """An intent: show (or hide) the network diagram beside the panel."""

    class PickRequested(Message):
        """Point picking: begin (`start`), move the cursor (dx, dy cells), end (`done`: trace
        the sample nearest the cursor; else cancelled)."""

        def __init__(
            self, start: bool = False, dx: int = 0, dy: int = 0, done: bool | None = None
        ) -> None:
            super().__init__()
            self.start, self.dx, self.dy, self.done = start, dx, dy, done

    class StepShown(Message):
        """A fact: the step shown is of layer `layer` (1-based; None for none) and, when the
        panel details one neuron, of `neuron` (0-based)."""

        def __init__(self, layer: int | None, neuron: int | None) -> None:
            super().__init__()
            self.layer, self.neuron = layer, neuron

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.result: TraceResult | None = None
        self.step = 0
        self.neuron = 0
        self.pending = False
        self.note = ""
        self.sizes: dict[str, int] = {}  # samples per split, from the data summary
        self.picking = False  # the arrows move the cursor on the decision boundary
        self.shown_at: tuple[int | None, int | None] | None = None  # the StepShown last posted

    def compose(self):
        yield Static(id="trace-head")
        with VerticalScroll(id="trace-scroll"):
            yield Static(id="trace-body")
        yield FieldInput(id="trace-index", placeholder="sample index, Enter to trace", type="integer")

    def on_mount(self) -> None:
        self.border_title = "Trace a sample"
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    # ---- attributes down ------------------------------------------------------------------

    def set_sizes(self, n_train: int, n_test: int) -> None:
        self.sizes = {"train": n_train, "test": n_test}

    def waiting(self, what: str) -> None:
        self.pending, self.note = True, f"tracing {what}…"
        self._draw()

    def show_result(self, result: TraceResult) -> None:
        same = self.result is not None and (self.result.index, self.result.split) == (
            result.index,
            result.split,
        )
        self.result, self.pending = result, False
        self.note = ""
        if result.applied:
            self.note = f"step taken: its cost {result.loss_before:.4g} → {result.trace.loss:.4g}"
        elif not same:
            self.step = 0
        self.step = min(self.step, self.n_steps - 1)
        self._draw()

    def show_note(self, note: str) -> None:
        self.pending, self.note = False, note
        self._draw()

    @property
    def n_steps(self) -> int:
        return len(step_plan(self.result.trace)) if self.result is not None else 0

    # ---- drawing --------------------------------------------------------------------------

    def _draw(self) -> None:
        if not self.is_mounted:
            return
        head, body = self.query_one("#trace-head", Static), self.query_one("#trace-body", Static)
        width = max(20, self.content_region.width - 1)
        hints = PICK_HINTS if self.picking else HINTS
        self.border_subtitle = hints if self.size.width >= len(hints) + 4 else SHORT_HINTS
        res = self.result
        if res is None or res.trace is None:
            head.update(PICK_NOTE if self.picking else self.note or "no sample traced yet")
            body.update("")
            self._tell_step(None, None)
            return
        head.update(self._head_text(res))
        body.update(self._body_text(res, width))

    def _tell_step(self, layer: int | None, neuron: int | None) -> None:
        if (layer, neuron) != self.shown_at:
            self.shown_at = (layer, neuron)
            self.post_message(self.StepShown(layer, neuron))

    def _head_text(self, res: TraceResult) -> Text:
        label = ""
        if res.trace.label is not None:
            named = res.class_name not in (None, str(res.trace.label))
            label = f" · class {res.trace.label}" + (f" ({res.class_name})" if named else "")
        text = Text.assemble(
            ("sample ", "dim"),
            (f"{res.index}", "bold"),
            (f" of {res.n_samples} ({res.split}){label} · cost ", "dim"),
            (f"{res.trace.loss:.4g}", "bold"),
        )
        how = {"next": "the next sample training takes", "point": "the sample nearest the point"}
        note = PICK_NOTE if self.picking else self.note or how.get(res.chosen, "")
        if note:
            text.append(f"\n{note}", style="italic")
        return text

    def _body_text(self, res: TraceResult, width: int) -> Text:
        trace = res.trace
        _, layer = step_plan(trace)[self.step]
        rows = max(3, self.query_one("#trace-scroll").size.height - 1)
        step = trace_step(trace, self.step, width, target=res.target, names=res.input_names)
        units = trace.layers[layer - 1].n_out if layer is not None else 1
        detail = ""
        if layer is not None and units > 1 and len(step.lines) > rows:
            self.neuron = min(self.neuron, units - 1)
            step = trace_step(trace, self.step, width, self.neuron, res.target, res.input_names)
            detail = f" · neuron {self.neuron + 1} of {units}"
        kind = step_plan(trace)[self.step][0]
        at = layer if layer is not None else (len(trace.layers) if kind == "cost" else None)
        self._tell_step(at, self.neuron if detail else None)
        text = Text.assemble(
            (f"{self.step + 1}/{self.n_steps} ", "dim"), (step.title, "bold"), (detail, "dim")
        )
        for line in step.lines:
            text.append("\n" + line, style="" if line.startswith(" ") else "cyan")
        return text

    # ---- keys -----------------------------------------------------------------------------

    def action_step(self, delta: int) -> None:
        if self.picking:
            self.post_message(self.PickRequested(dx=delta))
        elif self.result is not None:
            self.step = max(0, min(self.n_steps - 1, self.step + delta))
            self.query_one("#trace-scroll").scroll_home(animate=False)
            self._draw()

    def action_first(self) -> None:
        self.action_step(-self.n_steps)

    def action_last(self) -> None:
        self.action_step(self.n_steps)

    def action_neuron(self, delta: int) -> None:
        if self.picking:
            self.post_message(self.PickRequested(dy=delta))  # ↓ moves down the picture
            return
        self.neuron = max(0, self.neuron + delta)
        self._draw()

    def action_page(self, delta: int) -> None:
        scroll = self.query_one("#trace-scroll", VerticalScroll)
        (scroll.scroll_page_down if delta > 0 else scroll.scroll_page_up)(animate=False)

    def action_sample(self, delta: int) -> None:
        res = self.result
        if res is None:
            return
        self._request((res.index + delta) % res.n_samples, res.split)

    def action_split(self) -> None:
        res = self.result
        if res is None:
            return
        split = "test" if res.split == "train" else "train"
        n = self.sizes.get(split, res.n_samples)
        if n == 0:
            self.show_note(f"the {split} set is empty")
            return
        self._request(min(res.index, n - 1), split)

    def action_ask_index(self) -> None:
        box = self.query_one("#trace-index", Input)
        box.add_class("-shown")
        box.value = ""
        box.focus()

    @on(Input.Submitted, "#trace-index")
    def _index_given(self, event: Input.Submitted) -> None:
        event.stop()
        box = self.query_one("#trace-index", Input)
        box.remove_class("-shown")
        self.focus()
        split = self.result.split if self.result is not None else "train"
        n = self.sizes.get(split)
        try:
            index = int(event.value.strip())
        except ValueError:
            self.show_note(f"not a sample index: {event.value!r}")
            return
        if index < 0 or (n is not None and index >= n):
            top = f"0..{n - 1}" if n else "none"
            self.show_note(f"sample {index} is out of range: the {split} set has {top}")
            return
        self._request(index, split)

    def action_apply(self) -> None:
        if self.result is not None and not self.pending:
            self.pending, self.note = True, "taking the step…"
            self._draw()
            self.post_message(self.ApplyRequested(self.result.index, self.result.split))

    def action_diagram(self) -> None:
        self.post_message(self.DiagramRequested())

    def action_pick(self) -> None:
        if not self.picking:
            self.post_message(self.PickRequested(start=True))

    def action_pick_done(self) -> None:
        if self.picking:
            self.post_message(self.PickRequested(done=True))

    def set_picking(self, on: bool) -> None:
        """The app says whether point picking is on (it may refuse it: no 2-D data)."""
        if on != self.picking:
            self.picking = on
            self._draw()

    def action_close(self) -> None:
        if self.picking:
            self.post_message(self.PickRequested(done=False))
            return
        box = self.query_one("#trace-index", Input)
        if box.has_class("-shown"):
            box.remove_class("-shown")
            self.focus()
            return
        self.post_message(self.CloseRequested())

    def _request(self, index: int, split: str) -> None:
        self.waiting(f"sample {index} ({split})")
        self.post_message(self.SampleRequested(index, split))
