"""The app that only watches (`tui-nn attach --watch`, the viewers of `tui-nn serve --watch`):
it attaches read-only, shows the run, refuses every key and edit that would change it with a
message (and never sends it), still switches views, and `q` leaves without saving or stopping.
The projector layout: no editor, no key bar, the pictures larger."""

from __future__ import annotations

from test_ui_hyper import type_into
from ui_helpers import Harness, started, wait_for

from tui_nn.config import RunConfig
from tui_nn.session.protocol.messages import (
    Fork,
    Pause,
    Reset,
    Save,
    SetHyper,
    SetSpeed,
    SetView,
    Start,
    Step,
    Stop,
)


async def test_a_watching_app_refuses_what_would_change_the_run(tmp_path):
    harness = Harness(RunConfig(), tmp_path, attach_to="ab12cd", watch=True)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        session = harness.session
        assert session.watching and app.screen.has_class("-watching")
        lr = app.last.hyper.lr
        for key in ("space", "s", "e", "r", "R", "less_than_sign", "f"):
            await pilot.press(key)
        await wait_for(pilot, lambda: len(app.refusals) == 7, f"seven refusals: {app.refusals}")
        assert app.refusals[0].startswith("training: this app only watches the run")
        assert app.refusals[-1].startswith("a fork: ")
        await type_into(pilot, app, "lr", "0.5")
        await wait_for(pilot, lambda: len(app.refusals) == 8, "the field refused")
        assert app.refusals[-1].startswith("the training settings: ")
        await pilot.pause()
        assert app.query_one("#lr").value == f"{lr:g}"  # the trainer's value again
        for kind in (Start, Pause, Step, Reset, SetHyper, SetSpeed, Fork, Save, Stop):
            assert not session.sent(kind), kind  # nothing of it left the app
        views = len(session.sent(SetView))
        await pilot.press("escape")  # Enter stays on the field: leave it first
        await pilot.press("n")  # the network diagram: a view, allowed
        await wait_for(pilot, lambda: len(session.sent(SetView)) > views, "the diagram's view")
        assert session.sent(SetView)[-1].weights
        await pilot.press("q")  # leaves: no Pause, no Save, no Stop
        await wait_for(pilot, lambda: not app.is_running, "the app to end")
    assert not session.sent(Save) and not session.sent(Pause) and not session.sent(Stop)
    assert app.return_value is None


async def test_the_projector_layout_hides_the_editor_and_the_key_bar(tmp_path):
    harness = Harness(RunConfig(), tmp_path, attach_to="ab12cd", watch=True, projector=True)
    app = harness.app
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, harness)
        assert app.screen.has_class("-projector")
        assert not app.query_one("#editor").display or app.query_one("#editor").size.width == 0
        assert app.query_one("Footer").size.height == 0
        plots, pictures = app.query_one("#plots"), app.query_one("#pictures")
        assert plots.size.height >= pictures.size.height - 1  # half and half, not 2:3
        assert app.query_one("#views").size.width == 100


async def test_watch_needs_a_run_to_watch(tmp_path):
    harness = Harness(RunConfig(), tmp_path, watch=True)  # no attach_to: a new run, editable
    assert not harness.app.watching
