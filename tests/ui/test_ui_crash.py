"""A crash never loses a run (issue 20): an exception nothing catches detaches every trainer of
the app, as a hang-up does; the traceback goes to a log beside the runs, never the screen, and
one line says where it is and how to come back (`crash.py`, `TuiNNApp._handle_exception`). The
exception is injected: the app's own crashes are fixed at their cause (test_ui_random_keys)."""

from __future__ import annotations

import time

import pytest
from ui_helpers import started, wait_for

from tui_nn.config import RunConfig
from tui_nn.data.spec import DatasetSpec
from tui_nn.ui.app import create_app


class Injected(Exception):
    pass


def crash_on_next_snapshot(app) -> None:
    def boom(update, previous) -> None:
        raise Injected("injected by the test")

    app.neurons.show = boom  # runs on the UI thread for every snapshot shown


async def test_an_exception_in_the_app_detaches_and_writes_the_traceback_to_a_log(harness):
    app = harness.app
    with pytest.raises(Injected):
        async with app.run_test(size=(120, 40)) as pilot:
            await started(pilot, harness)
            await pilot.press("e")
            await wait_for(pilot, lambda: app.last.epoch == 1, "an epoch")
            crash_on_next_snapshot(app)
            await pilot.press("e")
            await wait_for(pilot, lambda: app.crash is not None, "the crash noted")
    session, crash = harness.session, app.crash
    assert session.detached and not session.closed  # the trainer trains on and saves
    assert app.keeper.detached == session.trainer_id
    assert crash.what == "Injected: injected by the test"
    assert crash.log is not None and crash.log.parent == app.keeper.runs_directory
    text = crash.log.read_text()
    assert "Traceback" in text and "raise Injected" in text
    line = crash.line()
    assert str(crash.log) in line and f"tui-nn attach {session.trainer_id}" in line
    assert "\n" not in line


def wait_until(condition, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::ResourceWarning")
async def test_a_crash_with_a_real_trainer_saves_the_run_and_attach_finds_it(tmp_path):
    import tui_nn.session.protocol.rendezvous as rendezvous
    from tui_nn.files import load_model
    from tui_nn.session.client.proxy import ask

    config = RunConfig(dataset=DatasetSpec(name="circle", samples=200), hidden=(4,))
    app = create_app(config, runs_directory=tmp_path / "runs")
    with pytest.raises(Injected):
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: app.last is not None, "the trainer's first snapshot")
            await pilot.press("e", "e")
            await wait_for(pilot, lambda: app.last.epoch == 2, "two epochs")
            crash_on_next_snapshot(app)
            await pilot.press("e")
            await wait_for(pilot, lambda: app.crash is not None, "the crash noted")
    trainer = app.crash.trainer
    assert trainer is not None and f"tui-nn attach {trainer}" in app.crash.line()
    (info,) = wait_until(rendezvous.trainers, "the trainer in the runtime folder")
    assert info.id == trainer and info.run_path
    assert ask(info.id).clients == 0  # left alone, alive: `tui-nn attach` finds it
    saved = wait_until(lambda: list((tmp_path / "runs").glob("*.npz")), "the run saved")
    assert load_model(saved[0]).history[-1].epoch >= 2
