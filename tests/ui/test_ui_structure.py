"""The shape of the app's code (issue 20): one App class with one base, features as objects
in folders, widgets that know no feature, no feature that knows the app class."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

from test_layering import import_graph
from textual.app import App

import tui_nn.ui

UI = Path(tui_nn.ui.__file__).parent


def ui_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(tui_nn.ui.__path__, "tui_nn.ui."))


def test_every_app_class_has_one_base():
    apps = []
    for name in ui_modules():
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, App) and cls.__module__ == name:
                apps.append(cls)
                assert len(cls.__bases__) == 1, f"{cls.__qualname__} has bases {cls.__bases__}"
    names = {cls.__name__ for cls in apps}
    assert {"TuiNNApp", "SweepApp"} <= names, names  # the test sees them


def test_no_attribute_is_guessed_with_a_type_ignore():
    found = [
        f"{path.relative_to(UI.parent)}:{n}"
        for path in sorted(UI.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"type:\s*ignore\[attr-defined\]", line)
    ]
    assert not found, found


def test_every_folder_says_what_it_holds_in_one_line():
    for init in sorted(UI.rglob("__init__.py")):
        text = init.read_text(encoding="utf-8").strip()
        assert text.startswith('"""') and text.endswith('"""'), init
        assert text.count("\n") == 0, f"{init}: one line, nothing else"


def test_no_feature_imports_the_app_and_widgets_know_no_feature():
    graph = {m: t for m, t in import_graph().items() if m.startswith("tui_nn.ui")}
    assert graph, "the graph sees the ui package"
    for module, targets in sorted(graph.items()):
        ui_targets = {t for t in targets if t.startswith("tui_nn.ui.")}
        if module != "tui_nn.ui.launch":
            assert "tui_nn.ui.app" not in ui_targets, f"{module} imports the app"
        if module.startswith("tui_nn.ui.widgets"):
            outside = {t for t in ui_targets if not t.startswith("tui_nn.ui.widgets")}
            assert not outside, f"{module} (a shared widget) imports {sorted(outside)}"


READS_TEXT = re.compile(
    r"\.message\s*(==|!=|\.startswith|\.endswith|\.find|\.split|\.lower|\[)"
    r"|(in|==|!=)\s+[\w.]*\.message\b"
    r"|\.(reason|text)\.startswith"
)


def test_no_code_in_the_app_reads_an_outcome_from_text():
    """Outcomes come as answers by id (link/pending.py); messages are for people. A line that
    compares or searches a message, a reason or a text is an outcome guessed from words."""
    found = [
        f"{path.relative_to(UI.parent)}:{n}: {line.strip()}"
        for path in sorted(UI.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if READS_TEXT.search(line)
    ]
    assert not found, "\n".join(found)


def test_the_text_check_sees_what_v0_2_did():
    samples = [
        'if self.gradients_asked and snap.message.startswith(PREFIX):',
        'failed = "FAILED" in snap.message',
        'elif snap.message != edit.message and snap.run_id == edit.run_id:',
        'snap.train_loss is None or snap.message == "stepped"',
    ]
    assert all(READS_TEXT.search(s) for s in samples)
    assert not READS_TEXT.search('self.notify(snap.message, title="finished")')
