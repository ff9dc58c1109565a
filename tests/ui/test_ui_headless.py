"""The headless screenshot's driver (ui/headless.py) on the real trainer: it trains, waits for
the end of the run, has the pictures of the final weights drawn, and takes the screen."""

from __future__ import annotations

import pytest

from tui_nn.cli.options import config_from_values
from tui_nn.ui.app import create_app
from tui_nn.ui.link.session import real_session
from tui_nn.ui.screenshots.headless import ShotDriver

pytestmark = pytest.mark.slow  # real processes or the app: `-m "not slow"` leaves them out


def shoot(tmp_path, text: bool = True, after: float | None = None, **values) -> ShotDriver:
    driver = ShotDriver(after=after, text=text)
    app = create_app(
        config_from_values(values),
        session_factory=driver.watching(real_session),
        runs_directory=tmp_path / "runs",
    )
    app.run(headless=True, size=(100, 30), auto_pilot=driver)
    assert not app.link.session.alive  # stopped with the app
    return driver


@pytest.mark.parametrize(
    ("dataset", "picture"),
    [("xor", "P(y=1)"), ("sine", "fit: y")],  # the decision boundary; the fit plot (panel)
)
def test_the_final_pictures_are_drawn_before_the_screen_is_taken(tmp_path, dataset, picture):
    driver = shoot(tmp_path, dataset=dataset, epochs=2)
    shot = driver.shot
    assert shot.failure is None and not shot.interrupted
    assert (shot.state, shot.epoch) == ("finished", 2)
    assert shot.pictures  # the trainer's answer to the fresh request was on screen
    lines = shot.content.splitlines()
    assert len(lines) == 30 and "finished" in lines[-2] and "2/2" in lines[-2]
    assert picture in shot.content


def test_an_svg_unless_text_is_asked(tmp_path):
    driver = shoot(tmp_path, text=False, dataset="xor", epochs=1)
    assert driver.shot.content.startswith("<svg")


def test_time_up_pauses_the_run_first(tmp_path):
    driver = shoot(tmp_path, after=0.3, dataset="circle")
    shot = driver.shot
    assert shot.state == "paused" and shot.epoch > 0
    assert "paused" in shot.content.splitlines()[-2]
