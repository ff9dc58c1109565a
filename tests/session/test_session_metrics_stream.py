"""The app's metrics file: every epoch when training is slow, a power-of-two stride when it is
fast (at most about 20 lines a second), the last epoch always, a failing write said once."""

from __future__ import annotations

import json

from tui_nn.engine.types import EpochRecord
from tui_nn.session.trainer.metrics_stream import MetricsStream, stride_for


def record(epoch: int) -> EpochRecord:
    return EpochRecord(epoch, epoch, epoch, 0.5, 0.6, 0.7, 0.6, 0.01, 0.03)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def written(path) -> list[int]:
    return [json.loads(line)["epoch"] for line in path.read_text().splitlines()]


def test_the_stride_is_the_smallest_power_of_two_within_the_rate():
    assert [stride_for(r) for r in (1, 20, 21, 40, 41, 1000)] == [1, 1, 2, 2, 4, 64]


def test_slow_training_writes_every_epoch(tmp_path):
    clock, path = Clock(), tmp_path / "m.jsonl"
    stream = MetricsStream(str(path), clock=clock)
    for epoch in range(1, 51):  # 5 epochs a second for 10 s
        clock.now = epoch * 0.2
        assert stream.write(1, record(epoch)) is None
    assert written(path) == list(range(1, 51))


def test_fast_training_is_thinned_to_about_the_rate_and_keeps_the_last_epoch(tmp_path):
    clock, path = Clock(), tmp_path / "m.jsonl"
    stream = MetricsStream(str(path), clock=clock)
    epochs = 10_000  # 1000 epochs a second for 10 s
    for epoch in range(1, epochs + 1):
        clock.now = epoch / 1000
        stream.write(1, record(epoch), last=epoch == epochs)
    lines = written(path)
    assert lines[-1] == epochs  # the run's end is always there
    assert stream.stride == 64  # 1000/64 = 15.6 lines a second
    after_first_second = [e for e in lines if e > 1010]
    assert all(e % 64 == 0 for e in after_first_second[:-1])
    assert len(after_first_second) <= 20 * 9 + 1  # within the rate from the second second on
    assert lines[:1000] == list(range(1, 1001))[: len(lines[:1000])]  # the first second: all
    # slower again: the stride comes back down
    for epoch in range(epochs + 1, epochs + 60):
        clock.now = epochs / 1000 + (epoch - epochs) * 0.1
        stream.write(1, record(epoch))
    assert stream.stride == 1 and written(path)[-1] == epochs + 59


def test_a_failing_write_stops_the_stream_once(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    stream = MetricsStream(str(blocker / "m.jsonl"))  # a folder that is a file
    message = stream.write(1, record(1))
    assert message is not None and message.startswith("metrics stopped: cannot write")
    assert stream.write(1, record(2)) is None and stream.path is None


def test_a_save_writes_the_last_epoch_the_stride_skipped(tmp_path):
    """The metrics file ends where the saved run does (issue 25: it ended 9 epochs short)."""
    clock, path = Clock(), tmp_path / "m.jsonl"
    stream = MetricsStream(str(path), clock=clock)
    for epoch in range(1, 3001):  # 1000 epochs a second: a stride of 64 after the first second
        clock.now = epoch / 1000
        stream.write(1, record(epoch))
    assert written(path)[-1] != 3001 and stream.stride > 1
    stream.write(1, record(3001))
    assert written(path)[-1] != 3001  # skipped by the stride
    assert stream.catch_up(1, record(3001)) is None
    assert written(path)[-1] == 3001
    stream.catch_up(1, record(3001))  # a second save of the same epoch: no second line
    assert written(path).count(3001) == 1
