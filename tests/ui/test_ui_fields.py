"""Parsing typed values, the status line text, and where runs are saved."""

from __future__ import annotations

import os
import time

import pytest

import tui_nn.ui.link.runs as runs
import tui_nn.ui.panels.fields as fields
from tui_nn.config import RunConfig


@pytest.mark.parametrize(
    "text, expected", [("8", 8), (" 12 ", 12), ("1_000", 1000), ("4096", 4096)]
)
def test_parse_accepts_whole_numbers_in_range(text, expected):
    assert fields.parse(fields.UNITS, text) == expected


@pytest.mark.parametrize("text", ["0", "-1", "4097", "1.5", "x", "", "1e3"])
def test_parse_refuses_a_whole_number_with_a_message_naming_the_field(text):
    with pytest.raises(fields.Refused, match="^neurons: "):
        fields.parse(fields.UNITS, text)


@pytest.mark.parametrize("text", ["0", "-0.1", "11", "inf", "nan", "abc"])
def test_parse_refuses_a_number_outside_the_app_range(text):
    with pytest.raises(fields.Refused, match="learning rate"):
        fields.parse(fields.RULES["lr"], text)


def test_batch_and_epochs_have_words_for_no_limit():
    batch, epochs = fields.RULES["batch_size"], fields.RULES["epochs"]
    assert fields.parse(batch, "full") is None
    assert fields.parse(batch, "64") == 64
    assert fields.parse(epochs, "none") is None
    assert fields.parse(epochs, "") is None
    assert fields.parse(epochs, "3") == 3


def test_runs_are_saved_in_the_data_dir_and_the_newest_is_resumed(tmp_path, monkeypatch):
    monkeypatch.setenv(runs.ENV_DIR, str(tmp_path))
    assert runs.runs_dir() == tmp_path / "runs"
    assert runs.newest_run() is None
    with pytest.raises(runs.RunError, match="no saved run"):
        runs.find_run(True)
    first = runs.new_run_path(RunConfig())
    first.write_bytes(b"1")
    second = runs.new_run_path(RunConfig())
    assert second != first and second.name.endswith("-circle-2.npz")
    second.write_bytes(b"2")
    os.utime(first, (time.time() - 60, time.time() - 60))
    assert runs.newest_run() == second
    assert runs.find_run(True) == second
    assert runs.find_run(str(first)) == first
    with pytest.raises(runs.RunError, match="no such file"):
        runs.find_run(str(tmp_path / "missing.npz"))
    with pytest.raises(runs.RunError, match="--resume"):
        runs.load_run(str(second))  # not a model file: one line, no traceback


def test_the_editor_offers_only_names_the_engine_knows():
    import tui_nn.ui.panels.names as names
    from tui_nn.engine.activations import ACTIVATIONS
    from tui_nn.engine.losses import LOSSES

    assert set(names.ALL_ACTIVATIONS) <= set(ACTIVATIONS)
    assert set(names.LOSSES) <= set(LOSSES)
    from tui_nn.engine.schedules import SCHEDULES

    assert names.SCHEDULE_NAMES == tuple(SCHEDULES)
    assert set(names.OUTPUT_ACTIVATIONS) <= set(ACTIVATIONS)
    assert "circle" in names.DATASETS and "digits" in names.DATASETS


def test_the_ui_does_not_import_engine_internals():
    """docs/ARCHITECTURE.md: the UI knows the specs and plain types, never the engine's workings."""
    import ast
    from pathlib import Path

    import tui_nn.ui

    allowed = {"tui_nn.engine.spec", "tui_nn.engine.types", "tui_nn.engine.history"}
    for path in Path(tui_nn.ui.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tui_nn.engine"):
                assert node.module in allowed, f"{path.name} imports {node.module}"
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("tui_nn.engine."), path.name


@pytest.mark.slow
async def test_tab_goes_from_the_network_panel_straight_to_the_fields(tmp_path):
    from ui_helpers import Harness, started

    harness = Harness(RunConfig(), tmp_path)
    async with harness.app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        seen = []
        for _ in range(4):
            await pilot.press("tab")
            seen.append(harness.app.focused.id)
        assert seen == ["units-input", "dataset", "path", "test_data"]


def test_two_apps_started_in_the_same_second_get_two_run_files(tmp_path, monkeypatch):
    """A class opening `tui-nn serve`'s link at once: each app's trainer its own run file."""
    import subprocess
    import sys

    monkeypatch.setenv(runs.ENV_DIR, str(tmp_path))
    same_second = "import time; time.strftime = lambda *a: '20260101-090000'; "
    other = subprocess.Popen(
        [sys.executable, "-c", same_second + "from tui_nn.config import RunConfig; "
         "import tui_nn.ui.link.runs as runs; "
         "print(runs.new_run_path(RunConfig(), create=False), flush=True); input()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        theirs = other.stdout.readline().strip()
        monkeypatch.setattr(runs.time, "strftime", lambda *a: "20260101-090000")
        mine = runs.new_run_path(RunConfig(), create=False)
        assert theirs.endswith("20260101-090000-circle.npz")  # neither file exists yet ...
        assert str(mine).endswith("20260101-090000-circle-2.npz")  # ... yet two names
        assert not (tmp_path / "runs").exists()  # and nothing written beside the runs
    finally:
        other.communicate("\n", timeout=30)
    assert str(runs.new_run_path(RunConfig(), create=False)).endswith("-circle.npz")  # freed
