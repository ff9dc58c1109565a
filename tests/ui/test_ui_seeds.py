"""The training panel shows the seeds the trainer runs: the data's and the weights' (R)."""

from __future__ import annotations

import pytest
from ui_helpers import screen_text, started, wait_for

from tui_nn.session.protocol.messages import Reset

pytestmark = pytest.mark.slow  # real processes or the app: `-m "not slow"` leaves them out


def weights_seed(app) -> str:
    return str(app.query_one("#network-seed").content)


async def test_R_draws_a_new_weights_seed_and_the_panel_shows_the_trainers(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        first = app.last.network.seed
        assert weights_seed(app) == f"seed {first}  (R: next)"
        await pilot.press("R")
        await wait_for(pilot, lambda: app.last.network.seed == first + 1, "the new seed")
        await wait_for(pilot, lambda: weights_seed(app).startswith(f"seed {first + 1} "), "shown")
        assert f"weights seed {first + 1}" in screen_text(app)
        # the data's seed is another one and stays (R keeps the data)
        assert app.query_one("#seed").value == str(app.last.dataset.seed)


async def test_the_weights_seed_comes_from_the_snapshot_not_from_the_key(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        session = harness.session
        send, asked = session.send, []

        def trainer_picks_its_own(command: object):  # a trainer that runs another seed
            if isinstance(command, Reset) and command.seed is not None:
                asked.append(command)
                command = Reset(seed=command.seed + 40)
            return send(command)

        session.send = trainer_picks_its_own
        first = app.last.network.seed
        await pilot.press("R")  # the key asks for first + 1; the trainer runs first + 41
        await wait_for(pilot, lambda: app.last.network.seed == first + 41, "the trainer's seed")
        await wait_for(pilot, lambda: weights_seed(app).startswith(f"seed {first + 41} "), "shown")
        assert asked[-1].seed == first + 1 and session.sent(Reset)[-1].seed == first + 41
