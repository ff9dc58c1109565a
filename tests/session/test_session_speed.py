"""The speed limit (SetSpeed): steps evenly spaced, commands still instant, no catch-up bursts."""

import time
from collections import deque

import psutil
import pytest
from session_helpers import Collector, make_config

from tui_nn.session.protocol.messages import Pause, SetSpeed, Snapshot, Start, Stop
from tui_nn.session.trainer.loop import MAX_LAG, Pace, serve
from tui_nn.session.trainer.runner import Runner

STEPS_PER_EPOCH = 10  # make_config(): 100 training samples, batch 10


# ---- the schedule, on its own ----------------------------------------------------------------


def test_pace_spaces_steps_evenly():
    pace = Pace()
    assert pace.wait(5.0, 0.25) == 0.0  # the first step at once
    assert pace.wait(5.0, 0.25) == pytest.approx(0.25)  # the next one a spacing later
    assert pace.wait(5.1, 0.25) == pytest.approx(0.15)
    assert pace.wait(5.25, 0.25) == 0.0
    assert pace.wait(5.3, 0.25) == pytest.approx(0.2)  # booked from when it was due, not taken


def test_pace_makes_up_small_delays_but_never_bursts_after_a_long_one():
    pace = Pace()
    pace.wait(0.0, 0.01)
    # A coarse timer wakes us 15 ms late: the two steps due meanwhile are taken at once, so
    # the rate stays right on average.
    assert pace.wait(0.025, 0.01) == 0.0
    assert pace.wait(0.025, 0.01) == 0.0
    assert pace.wait(0.025, 0.01) == pytest.approx(0.005)
    # A pause (or one slow step) of a second: one step now, then the normal spacing again.
    later = 0.03 + MAX_LAG + 1.0
    assert pace.wait(later, 0.01) == 0.0
    assert pace.wait(later, 0.01) == pytest.approx(0.01)


def test_a_new_pace_starts_from_now():
    pace = Pace()
    pace.wait(0.0, 1.0)
    assert pace.wait(0.1, 1.0) == pytest.approx(0.9)
    assert pace.wait(0.1, 0.01) == 0.0  # faster: no waiting out the old, slow spacing
    assert pace.wait(0.1, 0.01) == pytest.approx(0.01)


# ---- the serve loop in simulated time ------------------------------------------------------


class SimulatedPipe:
    """A command pipe on a simulated clock: `poll(timeout)` moves the clock forward instead of
    waiting, and commands arrive at the times given. Each reading of the clock costs TICK (the
    loop's own work), so time passes while training too."""

    TICK = 1e-4

    def __init__(self, schedule: list[tuple[float, object]]):
        self.now = 0.0
        self.schedule = deque(schedule)
        self.timeouts: list[float] = []

    def clock(self) -> float:
        self.now += self.TICK
        return self.now

    def poll(self, timeout: float = 0.0) -> bool:
        if timeout > 0:
            self.timeouts.append(timeout)
            arrives = self.schedule[0][0] if self.schedule else float("inf")
            self.now = max(self.now, min(self.now + timeout, arrives))
        return bool(self.schedule) and self.schedule[0][0] <= self.now

    def recv(self) -> object:
        when, command = self.schedule.popleft()
        self.now = max(self.now, when)  # a blocking recv waits for it
        return command


def simulate(schedule: list[tuple[float, object]]) -> tuple[Runner, list[Snapshot], SimulatedPipe]:
    pipe = SimulatedPipe(schedule)
    runner = Runner(make_config(), clock=pipe.clock)
    runner.load()
    published: list[Snapshot] = []
    serve(pipe, published.append, runner, fps=10)
    return runner, published, pipe


@pytest.mark.slow
def test_serve_takes_the_paced_number_of_steps():
    runner, published, pipe = simulate(
        [(0.0, SetSpeed(20)), (0.0, Start()), (2.0, Pause()), (2.5, Stop())]
    )
    # 20 epochs/s for 2 s at 10 steps an epoch: 400 steps (the first at once, the last
    # may fall on the Pause itself)
    assert 400 <= runner.trainer.step_count <= 401
    assert runner.trainer.epoch == 40
    assert all(t <= 1 / (20 * STEPS_PER_EPOCH) + 1e-9 for t in pipe.timeouts)
    running = [s for s in published if s.state == "running"]
    assert running and all(s.speed == 20.0 for s in running)
    # while paced, a snapshot at most every 1/fps seconds, and only with new steps in it
    assert 15 <= len(running) <= 22
    assert published[-1].state == "paused"


def test_serve_without_a_limit_never_waits():
    runner, published, pipe = simulate(
        [(0.0, SetSpeed(5)), (0.0, SetSpeed(None)), (0.0, Start()), (0.05, Pause()), (1, Stop())]
    )
    assert pipe.timeouts == [] and runner.trainer.step_count > 100
    assert published[-1].state == "paused" and published[-1].speed is None


def test_a_command_ends_the_wait_for_a_slow_step():
    runner, published, pipe = simulate(
        [(0.0, SetSpeed(0.01)), (0.0, Start()), (3.0, Pause()), (3.5, Stop())]
    )
    # one step at once, the next due after 10 s: the Pause at 3 s is answered at 3 s
    assert runner.trainer.step_count == 1
    paused = published[-1]
    assert paused.state == "paused" and paused.step == 1
    assert pipe.timeouts[0] > 9.0  # one long wait, not a spin


def test_a_bad_speed_is_refused_with_a_message():
    runner = Runner(make_config())
    runner.load()
    runner.apply(SetSpeed(30))
    for bad in (0.0, -1.0, float("inf"), float("nan")):
        runner.apply(SetSpeed(bad))
        assert runner.speed == 30.0 and "speed must be" in runner.message
    assert runner.snapshot().speed == 30.0


# ---- a real trainer process -------------------------------------------------------------


class Timed(Collector):
    """A sink that notes when each snapshot arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: dict[int, float] = {}

    def __call__(self, msg: object) -> None:
        if isinstance(msg, Snapshot):
            self.arrived[msg.seq] = time.monotonic()
        super().__call__(msg)


@pytest.mark.slow
def test_a_speed_limit_paces_a_real_trainer(open_session):
    target = 20.0
    session, sink, _ = open_session(sink=Timed())
    n = sink.count
    session.send(SetSpeed(target))
    session.send(Start())
    first = sink.wait(lambda m: isinstance(m, Snapshot) and m.epoch >= 2, since=n)
    last = sink.wait(lambda m: isinstance(m, Snapshot) and m.epoch >= first.epoch + 20, since=n)
    rate = (last.epoch - first.epoch) / (sink.arrived[last.seq] - sink.arrived[first.seq])
    assert 0.3 * target <= rate <= 1.5 * target, f"{rate:.1f} epochs/s at a limit of {target}"
    assert last.speed == target

    n = sink.count
    session.send(SetSpeed(None))  # as fast as possible again: 200 epochs take well under 20 s
    fast = sink.wait(lambda m: isinstance(m, Snapshot) and m.epoch >= last.epoch + 200, since=n)
    assert fast.speed is None and fast.state == "running"


@pytest.mark.slow
def test_a_slow_pace_waits_without_cpu_and_obeys_commands_at_once(open_session):
    session, sink, _ = open_session()
    n = sink.count
    session.send(SetSpeed(0.005))  # 10 steps an epoch: a step every 20 s
    session.send(Start())
    sink.wait(lambda m: isinstance(m, Snapshot) and m.state == "running" and m.step == 1, n)
    process = psutil.Process(session.pid)
    before = sum(process.cpu_times()[:2])
    n = sink.count
    with pytest.raises(AssertionError):  # a bounded observation window: nothing new to say
        sink.wait(lambda m: True, since=n, timeout=0.5)
    used = sum(process.cpu_times()[:2]) - before
    assert used < 0.1, f"waiting for a paced step used {used:.3f} s of CPU in 0.5 s"

    n = sink.count
    session.send(Pause())  # a sleeping trainer would answer only when the 20 s are up
    paused = sink.wait(lambda m: isinstance(m, Snapshot) and m.state == "paused", n, timeout=5)
    assert paused.step == 1
