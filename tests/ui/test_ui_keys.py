"""Every app-level key does what the help screen says (the trainer's code, in process)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from ui_helpers import screen_text, started, wait_for

from tui_nn.session.protocol.messages import Pause, Reset, Save, SetDataset, Start, Step
from tui_nn.ui.app import TuiNNApp
from tui_nn.ui.help import HelpScreen

pytestmark = pytest.mark.slow  # real processes or the app: `-m "not slow"` leaves them out


async def test_opens_on_a_2d_dataset_ready_to_train(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        assert app.last.dataset.name == "circle"
        assert app.query_one("ArchitecturePanel").spec.sizes == (2, 8, 8, 1)
        text = screen_text(app)
        assert "ready" in text and "circle" in text
        assert app.focused.id == "layer-list"  # keyboard first: the editor has the focus


async def test_training_keys_send_their_commands(harness):
    app = harness.app
    async with app.run_test() as pilot:
        await started(pilot, harness)
        session = harness.session
        await pilot.press("space")
        await wait_for(pilot, lambda: app.last.state == "running", "running")
        assert "running" in app.query_one("StatusLine").plain
        await pilot.press("space")
        await wait_for(pilot, lambda: app.last.state == "paused", "paused")
        assert session.sent(Start) == [Start()] and session.sent(Pause) == [Pause()]

        await pilot.press("s")
        await wait_for(pilot, lambda: app.last.step == 1, "one step")
        await pilot.press("e")
        await wait_for(pilot, lambda: app.last.epoch == 1, "one epoch")
        assert session.sent(Step) == [Step(steps=1), Step(epoch=True)]
        assert "epoch 1" in app.query_one("StatusLine").plain

        session.train_epochs(2)
        await wait_for(pilot, lambda: len(app.query_one("CostPlot").history) == 3, "3 epochs")
        await pilot.press("r")
        await wait_for(pilot, lambda: app.last.epoch == 0, "reset")
        assert len(app.query_one("CostPlot").history) == 0  # the plots start over
        await pilot.press("R")
        await wait_for(pilot, lambda: len(session.sent(Reset)) == 2, "second reset")
        assert session.sent(Reset) == [Reset(), Reset(seed=1)]

        await pilot.press("g")
        await wait_for(pilot, lambda: app.last.dataset.seed == 1, "new data")
        assert session.sent(SetDataset)[0].spec.seed == 1


async def test_q_saves_a_trained_run_and_exits_with_its_path(harness, tmp_path):
    app = harness.app
    async with app.run_test() as pilot:
        await started(pilot, harness)
        await pilot.press("e")
        await wait_for(pilot, lambda: app.last.epoch == 1, "one epoch")
        await pilot.press("q")
        await wait_for(pilot, lambda: app.return_value is not None, "the app to exit")
    saved = Path(app.return_value)
    assert saved.parent == tmp_path / "runs" and saved.is_file()
    assert harness.session.closed


async def test_q_without_training_saves_nothing(harness, tmp_path):
    app = harness.app
    async with app.run_test() as pilot:
        await started(pilot, harness)
        await pilot.press("q")
        await wait_for(pilot, lambda: app._exit, "the app to exit")
    assert app.return_value is None
    assert not (tmp_path / "runs").exists()


async def test_q_saves_weights_set_by_hand_before_any_step(harness, tmp_path):
    """A run whose weights were set by hand has something to save, though it never stepped
    (the snapshot's `changed`, not its step count)."""
    from tui_nn.files import load_model
    from tui_nn.textbook.notation import Address

    app = harness.app
    async with app.run_test() as pilot:
        await started(pilot, harness)
        app.diagram.set_parameter(Address(layer=1, row=0, col=None), -0.5)  # b2[1]
        await wait_for(pilot, lambda: app.last.changed, "the weights changed")
        assert app.last.step == 0
        await pilot.press("q")
        await wait_for(pilot, lambda: app._exit, "the app to exit")
    assert app.return_value is not None and app.keeper.save_error is None
    _, b2 = load_model(app.return_value).params[1]
    assert b2[0] == np.float32(-0.5)


async def test_q_waits_for_a_slow_save_showing_saving(harness, tmp_path):
    app = harness.app
    async with app.run_test() as pilot:
        await started(pilot, harness)
        await pilot.press("s")
        await wait_for(pilot, lambda: app.last.step == 1, "one step")
        harness.session.hold = (Save,)  # the trainer is still writing
        await pilot.press("q")
        await wait_for(pilot, lambda: "saving" in app.query_one("StatusLine").plain, "saving")
        assert not app._exit
        harness.session.release()  # the write completes, however long it took
        await wait_for(pilot, lambda: app._exit, "the app to exit")
    assert Path(app.return_value).is_file() and app.keeper.save_error is None


async def test_a_failed_save_is_reported_with_exit_code_1(harness):
    app = harness.app
    async with app.run_test() as pilot:
        await started(pilot, harness)
        await pilot.press("s")
        await wait_for(pilot, lambda: app.last.step == 1, "one step")
        run = Path(harness.session.run_path)
        run.mkdir(parents=True)  # the trainer cannot write its file there
        await pilot.press("q")
        await wait_for(pilot, lambda: app._exit, "the app to exit")
    assert app.return_value is None and app.return_code == 1
    assert "not saved" in app.keeper.save_error and str(run) in app.keeper.save_error


async def test_a_trainer_dying_during_the_save_is_a_failure_not_a_hang(harness):
    app = harness.app
    async with app.run_test() as pilot:
        await started(pilot, harness)
        await pilot.press("s")
        await wait_for(pilot, lambda: app.last.step == 1, "one step")
        harness.session.hold = (Save,)
        await pilot.press("q")
        await wait_for(pilot, lambda: "saving" in app.query_one("StatusLine").plain, "saving")
        harness.session.die()
        await wait_for(pilot, lambda: app._exit, "the app to exit")
    assert app.return_code == 1 and "not saved" in app.keeper.save_error


async def test_a_dead_trainer_is_reported(harness):
    app = harness.app
    async with app.run_test() as pilot:
        await started(pilot, harness)
        harness.session.die()
        await wait_for(pilot, lambda: "trainer died" in app.query_one("StatusLine").plain, "lost")
        await pilot.press("space")  # refused politely, no crash
        await pilot.pause()
        assert any("not running" in m.text for m in app.said)


async def test_a_trainer_stopped_elsewhere_is_said_so_not_that_it_died(harness):
    app = harness.app
    async with app.run_test() as pilot:
        await started(pilot, harness)
        harness.session.stopped("tui-nn attach --stop")
        line = app.query_one("StatusLine")
        await wait_for(pilot, lambda: "trainer stopped" in line.plain, "stopped")
        assert "died" not in line.plain
        said = app.said[-1]
        assert said.title == "stopped" and "tui-nn attach --stop" in said.text
        await pilot.press("q")  # it saved there: nothing to save here, no error
        await wait_for(pilot, lambda: app._exit, "the app to exit")
    assert app.keeper.save_error is None


async def test_a_hang_up_detaches_and_ends_the_process(harness, tmp_path):
    app = harness.app
    ended = []
    app.keeper.end_process = lambda: ended.append(True)  # instead of dying of SIGHUP
    async with app.run_test() as pilot:
        await started(pilot, harness)
        await pilot.press("e")
        await wait_for(pilot, lambda: app.last.epoch == 1, "one epoch")
        app.keeper.hang_up()
        assert ended == [True] and harness.session.detached and not harness.session.closed
        assert app.keeper.detached == "runner01"


async def test_d_detaches_leaving_the_trainer_running(harness):
    app = harness.app
    async with app.run_test() as pilot:
        await started(pilot, harness)
        await pilot.press("e")
        await wait_for(pilot, lambda: app.last.epoch == 1, "one epoch")
        await pilot.press("d")
        await wait_for(pilot, lambda: app._exit, "the app to exit")
    assert harness.session.detached and not harness.session.closed
    assert app.keeper.detached == "runner01" and app.return_value is None


async def test_the_trainer_is_told_where_the_run_and_its_metrics_go(harness, tmp_path):
    app = harness.app
    async with app.run_test() as pilot:
        await started(pilot, harness)
    run = Path(harness.session.run_path)
    assert run.parent == tmp_path / "runs" and run.suffix == ".npz"
    assert harness.session.metrics_path == str(run.with_suffix(".jsonl"))


async def test_view_keys_toggle_the_pictures_and_the_editor(harness):
    app = harness.app
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, harness)
        cost, accuracy = app.query_one("CostPlot"), app.query_one("AccuracyPlot")
        heatmap, boundary = app.query_one("NeuronHeatmap"), app.query_one("DecisionBoundary")
        await pilot.press("l")
        assert cost.log_scale
        await pilot.press("l")
        assert not cost.log_scale
        await pilot.press("w")
        assert cost.smoothing == accuracy.smoothing == 5
        mode = heatmap.mode
        await pilot.press("m")
        assert heatmap.mode != mode
        assert not boundary.show_test
        await pilot.press("t")
        assert boundary.show_test

        editor = app.query_one("#editor")
        width_before = cost.region.width
        await pilot.press("b")
        await wait_for(pilot, lambda: editor.region.width == 0, "editor hidden")
        assert cost.region.width > width_before  # the pictures take the room
        await pilot.press("escape")
        await wait_for(pilot, lambda: editor.region.width > 0, "editor shown")
        assert app.focused.id == "layer-list"


async def test_tab_moves_the_focus_through_the_panels(harness):
    app = harness.app
    async with app.run_test() as pilot:
        await started(pilot, harness)
        chain = [widget.id for widget in app.screen.focus_chain]
        for wanted in ("layer-list", "units-input", "dataset", "lr", "epochs", "heatmap"):
            assert wanted in chain  # every panel and field can be reached with tab
        start = chain.index(app.focused.id)
        for i in range(1, 4):
            await pilot.press("tab")
            assert app.focused.id == chain[(start + i) % len(chain)]
        await pilot.press("shift+tab")
        assert app.focused.id == chain[(start + 2) % len(chain)]


async def test_help_and_command_palette_list_every_action(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        lesson_key = next(b for b in TuiNNApp.BINDINGS if b.action == "toggle_lesson")
        offered = [b for b in TuiNNApp.BINDINGS if b is not lesson_key]  # a lesson's key only
        for binding in offered:
            assert binding.description in titles
        assert lesson_key.description not in titles
        assert "Add a neuron" in titles
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Step")
        app.call_later(command.callback)  # as the palette runs it
        await wait_for(pilot, lambda: harness.session.sent(Step), "Step from the palette")

        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "help screen")
        # The list is longer than the screen (it scrolls): read all of it, not what shows.
        text = "\n".join(str(s.render()) for s in app.screen.query("Static"))
        assert "Keys — esc to close" in screen_text(app)
        for binding in offered:
            assert (binding.tooltip or binding.description) in text, binding.description
        assert lesson_key.tooltip not in text
        for words in ("Add a neuron", "Insert a hidden layer", "Next cost (loss) function"):
            assert words in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen), "help closed")


async def test_layout_keeps_every_panel_visible_from_80x24_up(harness):
    app = harness.app
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, harness)
        for size in ((80, 24), (120, 40), (200, 60), (80, 24)):
            await pilot.resize_terminal(*size)
            await wait_for(pilot, lambda s=size: app.size == s, f"size {size}")
            await pilot.pause()
            for selector in ("#architecture", "#hyper", "CostPlot", "AccuracyPlot"):
                region = app.query_one(selector).region
                assert region.width >= 20 and region.height >= 5, (size, selector, region)
            for selector in ("NeuronHeatmap", "DecisionBoundary", "StatusLine"):
                region = app.query_one(selector).region
                assert region.width >= 20 and region.height >= 1, (size, selector, region)
