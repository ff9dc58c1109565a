"""The app's keys, in one table: what each does, whether the footer shows it, and the tooltip
the help screen and the command palette use (help.py builds both from it). Panels and modes
keep their own keys beside their code (ArchitecturePanel, TracePanel, NetworkDiagram, ...)."""

from __future__ import annotations

from textual.binding import Binding


def hidden(keys: str, action: str, description: str, tooltip: str = "") -> Binding:
    """A key the footer does not show (the help screen and the command palette do)."""
    return Binding(keys, action, description, show=False, tooltip=tooltip)


APP_BINDINGS = [
    Binding(
        "space",
        "toggle_run",
        "Run/Pause",
        tooltip="Start or pause training (whatever has the focus, but a text field or a list)",
        priority=True,
    ),
    Binding("s", "step", "Step", tooltip="Train one minibatch step, then pause"),
    Binding("e", "step_epoch", "Epoch", tooltip="Train one whole epoch, then pause"),
    hidden("less_than_sign", "slower", "Slower", "Train slower: 300, 100, 30, 10, 3, 1 epochs/s"),
    hidden(
        "greater_than_sign",
        "faster",
        "Faster",
        "Train faster: 1, 3, 10, 30, 100, 300 epochs/s, then max",
    ),
    Binding("r", "reset", "Reset", tooltip="Re-initialise the weights (same seed)"),
    hidden("R", "reseed", "Reset, new seed"),
    hidden("g", "regenerate", "New data", "Regenerate the data (next seed)"),
    hidden("l", "log_scale", "Log cost", "Cost plot: log / linear scale"),
    hidden("w", "smoothing", "Smoothing", "Plots: smoothing off / 5 / 20 epochs"),
    hidden("m", "heatmap_mode", "Heatmap mode", "Heatmap: mean |δ| / mean activation"),
    hidden(
        "n",
        "network_diagram",
        "Network diagram",
        "Network diagram (weights as lines) in place of the heatmap",
    ),
    hidden(
        "W",
        "set_parameter",
        "Set a weight or bias",
        "Set one weight or bias by hand, e.g. W1[2,1] = 1.25",
    ),
    hidden("t", "test_points", "Test points", "Decision boundary: show the test points"),
    hidden(
        "left_square_bracket",
        "replay_back",
        "Replay: earlier",
        "Replay: the boundary and neuron maps of an earlier epoch",
    ),
    hidden(
        "right_square_bracket",
        "replay_forward",
        "Replay: later",
        "Replay: a later epoch (past the newest: live)",
    ),
    hidden("backslash", "replay_live", "Replay: live", "Replay: back to live"),
    hidden(
        "P",
        "pick_plane",
        "Plane",
        "A CSV's picture: two inputs as its axes (the others at their training mean)",
    ),
    hidden(
        "O",
        "discrete",
        "Discrete output",
        "Decision boundary: hard classes / the probability's gradient",
    ),
    hidden("V", "cycle_view", "View", "Lower-right panel: the next picture for this data"),
    hidden("S", "save_screenshot", "Screenshot", "Save an SVG of the screen in the current folder"),
    hidden("b", "toggle_editor", "Editor", "Hide / show the editing panels"),
    hidden("escape", "focus_network", "Network panel", "Back to the network panel"),
    Binding("f", "fork", "Fork A/B", tooltip="Compare: fork this run (again: end it)"),
    hidden("x", "edit_other", "Edit A/B", "Compare: edit run A / B"),
    hidden("v", "swap_pictures", "A/B picture", "Compare: show A / B"),
    hidden("T", "trace", "Trace a sample", "Trace mode: one sample forward, backward and update"),
    Binding("L", "toggle_lesson", "Lesson", tooltip="Hide / show the lesson's text"),
    Binding("question_mark", "help", "Help", tooltip="This list of keys"),
    Binding("q", "quit", "Quit", tooltip="Save the run and quit"),
    Binding("d", "detach", "Detach", tooltip="Leave training running; tui-nn attach comes back"),
]
