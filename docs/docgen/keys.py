"""docs/keys.md: every key of the app, from the bindings themselves (`ui/keymap.py` and each
widget's and screen's `BINDINGS`), in the sections of the help screen (`ui/help.py`), then
every other part of the app that has keys of its own, found by walking `tui_nn.ui`."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator

from docgen.markdown import code, table

TITLES = {  # parts of the app with keys that the help screen does not list, by class name
    "HyperPanel": "Training panel (when a field has the focus)",
    "NamePicker": "A list to pick from (`p` in the network panel)",
    "ParameterPrompt": "Setting a weight or bias (`W`, or `enter` in the diagram)",
    "EndComparison": "Ending a comparison (`f` while comparing)",
    "SweepScreen": "Sweep results (`tui-nn --sweep DIR`, or *Sweep results* in the palette)",
    "SweepTable": "Sweep results: the table of trials",
    "SweepFolderPrompt": "Sweep results: asking for the folder",
    "HelpScreen": "The help screen (`?`)",
}
DETAILS = {  # where a section's keys are explained: (link text, a page of docs/ and anchor)
    "Training and view": ("the app", "the-app.md"),
    "Network panel (when it has the focus)": ("the network panel", "the-app.md#the-network-panel"),
    "Heatmap (when it has the focus)": ("the heatmap", "the-app.md#the-heatmap"),
    "Trace mode (T)": ("trace mode", "the-app.md#trace-mode"),
    "Network diagram (n; when it has the focus)": (
        "the network diagram",
        "the-app.md#the-network-diagram",
    ),
    "Training panel (when a field has the focus)": (
        "the training panel",
        "the-app.md#the-training-panel",
    ),
    "Setting a weight or bias (`W`, or `enter` in the diagram)": (
        "setting a weight or bias",
        "the-app.md#setting-a-weight-or-bias",
    ),
    "Ending a comparison (`f` while comparing)": ("comparing runs", "comparing.md"),
    "Sweep results (`tui-nn --sweep DIR`, or *Sweep results* in the palette)": (
        "sweeps",
        "sweeps.md",
    ),
}
README_KEYS = (  # the README's ten keys: (class, action), in this order
    ("TuiNNApp", "toggle_run"),
    ("TuiNNApp", "faster"),
    ("ArchitecturePanel", "units(1)"),
    ("ArchitecturePanel", "insert_layer"),
    ("TuiNNApp", "trace"),
    ("TuiNNApp", "network_diagram"),
    ("TuiNNApp", "fork"),
    ("TuiNNApp", "detach"),
    ("TuiNNApp", "help"),
    ("TuiNNApp", "quit"),
)


def binding_classes() -> Iterator[type]:
    """Every class of `tui_nn.ui` that declares BINDINGS, in module order."""
    import tui_nn.ui

    for info in sorted(
        pkgutil.walk_packages(tui_nn.ui.__path__, "tui_nn.ui."), key=lambda m: m.name
    ):
        module = importlib.import_module(info.name)
        for _, cls in sorted(vars(module).items()):
            if (
                inspect.isclass(cls)
                and cls.__module__ == module.__name__
                and "BINDINGS" in cls.__dict__
            ):
                yield cls


def humanized(name: str) -> str:
    words = re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", name)
    return " ".join(words).capitalize()


def sections() -> list[tuple[str, list]]:
    """(title, bindings): the help screen's sections, its "Everywhere" keys, then the rest."""
    from tui_nn.ui.help import EXTRA_KEYS, help_sections
    from tui_nn.ui.keymap import APP_BINDINGS

    found = [(title, list(bindings)) for title, bindings in help_sections(list(APP_BINDINGS))]
    listed = {id(b) for _, bindings in found for b in bindings}
    found.append(("Everywhere", list(EXTRA_KEYS)))
    for cls in binding_classes():
        own = [b for b in cls.BINDINGS if id(b) not in listed]
        if own:
            found.append((TITLES.get(cls.__name__, humanized(cls.__name__)), own))
    return found


def row(binding) -> tuple[str, str, str]:  # noqa: ANN001 - a Binding, or EXTRA_KEYS' (keys, text)
    """(key, action, details): the action as the footer and the palette name it, the details
    as the help screen shows them."""
    from tui_nn.ui.help import key_label

    if isinstance(binding, tuple):
        return code(binding[0]), binding[1], ""
    details = binding.tooltip if binding.tooltip.lower() != binding.description.lower() else ""
    return code(key_label(binding.key)), binding.description, details


INTRO = """\
Every key of the app, by where it acts. Press `?` in the app for the same list, and `ctrl+p`
for the command palette, which finds every action by name. This page is generated from the
app's bindings by `python docs/generate.py` (do not edit it by hand). What the keys act on:
[the app](the-app.md); a first session: [getting started](getting-started.md).

![The help screen, `?`](pictures/help.svg)
"""


def page() -> str:
    text = "# Keys\n\n" + INTRO
    for title, bindings in sections():
        text += f"\n## {title}\n\n"
        if title in DETAILS:
            words, link = DETAILS[title]
            text += f"What they act on: [{words}]({link}).\n\n"
        text += table(("key", "action", "details"), (row(b) for b in bindings))
    return text


def readme_keys() -> str:
    """The README's table of ten keys, from the same bindings."""
    import tui_nn.ui.app as app
    import tui_nn.ui.panels.architecture as architecture

    classes = {"TuiNNApp": app.TuiNNApp, "ArchitecturePanel": architecture.ArchitecturePanel}
    rows = []
    for name, action in README_KEYS:
        binding = next(b for b in classes[name].BINDINGS if b.action == action)
        key, action, details = row(binding)
        where = " (in the network panel)" if name == "ArchitecturePanel" else ""
        rows.append((key, (details or action) + where))
    return table(("key", "what it does"), rows)
