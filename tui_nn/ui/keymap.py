"""The app's keys, in one table: what each does, whether the footer shows it, and the tooltip
the help screen and the command palette use (help.py builds both from it). Panels and modes
keep their own keys beside their code (ArchitecturePanel, TracePanel, NetworkDiagram, ...)."""

from __future__ import annotations

from textual.binding import Binding

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
    Binding(
        "less_than_sign",
        "slower",
        "Slower",
        show=False,
        tooltip="Train slower: 300, 100, 30, 10, 3, 1 epochs/s",
    ),
    Binding(
        "greater_than_sign",
        "faster",
        "Faster",
        show=False,
        tooltip="Train faster: 1, 3, 10, 30, 100, 300 epochs/s, then max",
    ),
    Binding("r", "reset", "Reset", tooltip="Re-initialise the weights (same seed)"),
    Binding("R", "reseed", "Reset, new seed", show=False),
    Binding(
        "g", "regenerate", "New data", show=False, tooltip="Regenerate the data (next seed)"
    ),
    Binding("l", "log_scale", "Log cost", show=False, tooltip="Cost plot: log / linear scale"),
    Binding(
        "w",
        "smoothing",
        "Smoothing",
        show=False,
        tooltip="Plots: smoothing off / 5 / 20 epochs",
    ),
    Binding(
        "m",
        "heatmap_mode",
        "Heatmap mode",
        show=False,
        tooltip="Heatmap: mean |δ| / mean activation",
    ),
    Binding(
        "n",
        "network_diagram",
        "Network diagram",
        show=False,
        tooltip="Network diagram (weights as lines) in place of the heatmap",
    ),
    Binding(
        "W",
        "set_parameter",
        "Set a weight or bias",
        show=False,
        tooltip="Set one weight or bias by hand, e.g. W1[2,1] = 1.25",
    ),
    Binding(
        "t",
        "test_points",
        "Test points",
        show=False,
        tooltip="Decision boundary: show the test points",
    ),
    Binding(
        "left_square_bracket",
        "replay_back",
        "Replay: earlier",
        show=False,
        tooltip="Replay: the boundary and neuron maps of an earlier epoch",
    ),
    Binding(
        "right_square_bracket",
        "replay_forward",
        "Replay: later",
        show=False,
        tooltip="Replay: a later epoch (past the newest: live)",
    ),
    Binding(
        "backslash", "replay_live", "Replay: live", show=False, tooltip="Replay: back to live"
    ),
    Binding(
        "P",
        "pick_plane",
        "Plane",
        show=False,
        tooltip="A CSV's picture: two inputs as its axes (the others at their training mean)",
    ),
    Binding(
        "O",
        "discrete",
        "Discrete output",
        show=False,
        tooltip="Decision boundary: hard classes / the probability's gradient",
    ),
    Binding(
        "V",
        "cycle_view",
        "View",
        show=False,
        tooltip="Lower-right panel: the next picture for this data",
    ),
    Binding(
        "S",
        "save_screenshot",
        "Screenshot",
        show=False,
        tooltip="Save an SVG of the screen in the current folder",
    ),
    Binding(
        "b", "toggle_editor", "Editor", show=False, tooltip="Hide / show the editing panels"
    ),
    Binding(
        "escape",
        "focus_network",
        "Network panel",
        show=False,
        tooltip="Back to the network panel",
    ),
    Binding("f", "fork", "Fork A/B", tooltip="Compare: fork this run (again: end it)"),
    Binding("x", "edit_other", "Edit A/B", show=False, tooltip="Compare: edit run A / B"),
    Binding("v", "swap_pictures", "A/B picture", show=False, tooltip="Compare: show A / B"),
    Binding(
        "T",
        "trace",
        "Trace a sample",
        show=False,
        tooltip="Trace mode: one sample forward, backward and update",
    ),
    Binding("L", "toggle_lesson", "Lesson", tooltip="Hide / show the lesson's text"),
    Binding("question_mark", "help", "Help", tooltip="This list of keys"),
    Binding("q", "quit", "Quit", tooltip="Save the run and quit"),
    Binding(
        "d", "detach", "Detach", tooltip="Leave training running; tui-nn attach comes back"
    ),
]
