"""A long run (tiny epochs, many of them): memory, snapshots and the saved file stay bounded,
and the saved run holds the last epoch."""

import os
import tracemalloc

import pytest
from session_helpers import make_config

from tui_nn.engine.history import CAPACITY
from tui_nn.files import load_model
from tui_nn.session.protocol.messages import Save, Start
from tui_nn.session.trainer.runner import Runner

pytestmark = pytest.mark.slow  # real processes or the app: `-m "not slow"` leaves them out

EPOCHS = 14_000  # > 2 x CAPACITY: the history is thinned several times


def test_a_long_run_keeps_memory_and_file_size_flat(tmp_path):
    runner = Runner(make_config(samples=10, batch_size=None, epochs=EPOCHS))
    runner.load()
    runner.apply(Start())
    runner.snapshot()
    sizes, published = [], 0
    tracemalloc.start()
    try:
        while runner.running:
            runner.advance()
            if runner.trainer.epoch % 500 == 0 and runner.trainer.batch_index == 0:
                published += len(runner.snapshot().records)
            if runner.trainer.epoch in (4000, EPOCHS - 1) and runner.trainer.batch_index == 0:
                sizes.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    published += len(runner.snapshot().records)
    assert runner.state == "finished" and runner.trainer.epoch == EPOCHS
    assert published == EPOCHS  # every epoch published once, in deltas
    assert len(runner.trainer.history) <= CAPACITY
    assert sizes[1] - sizes[0] < 200_000, sizes  # flat: not ~0.5 KB per epoch
    path = tmp_path / "long.npz"
    runner.apply(Save(str(path)))
    assert os.path.getsize(path) < 600_000
    saved = load_model(path)
    assert saved.history[-1].epoch == EPOCHS and saved.history[0].epoch == 1
    whole = Runner(make_config(samples=10, batch_size=None))
    whole.load(str(path))
    assert len(whole.snapshot().records) == len(saved.history)  # an attach gets it all, thinned
