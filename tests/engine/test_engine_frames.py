"""Replay frames: the weights at thinned epochs, bounded in count and bytes over any run length,
spread over the whole run, the newest always there, each drawing with its own structure."""

from __future__ import annotations

import numpy as np

from tui_nn.engine.frames import Frames
from tui_nn.engine.network import Network
from tui_nn.engine.spec import LayerSpec, NetworkSpec


def _net(units=4, seed=0):
    return Network.from_spec(NetworkSpec(2, (LayerSpec(units, "tanh"),), seed=seed))


def test_bounded_and_spread_over_a_long_run():
    frames, net = Frames(limit=16), _net()
    for epoch in range(0, 100_001):
        net.flat_params[0] = epoch  # each epoch's weights told apart
        frames.offer(epoch, net)
        assert len(frames) <= 17  # the thinned frames and the newest
    epochs = frames.epochs()
    assert epochs[0] == 0 and epochs[-1] == 100_000
    gaps = np.diff(epochs[:-1])
    assert len(set(gaps)) == 1 and gaps[0] == frames.stride  # evenly spread
    assert frames.stride >= 100_000 // 16
    frame = frames.at(50_000)
    assert frame.epoch <= 50_000 < frame.epoch + frames.stride
    assert frame.params[0] == frame.epoch  # the weights of that epoch, not a later one


def test_bytes_are_bounded_too():
    net = _net(units=500)  # 2,001 parameters, 8 KB a frame in float32
    frames = Frames(limit=1000, max_bytes=200_000)
    for epoch in range(3000):
        frames.offer(epoch, net)
    assert frames.nbytes <= 200_000 + net.flat_params.nbytes
    huge = Frames(max_bytes=10_000)
    huge.offer(1, net)
    assert len(huge) == 0  # a network too big to replay is not kept at all


def test_a_frame_draws_with_the_structure_it_had():
    frames = Frames()
    small, big = _net(3, seed=1), _net(6, seed=2)
    frames.offer(0, small)
    frames.offer(1, big)
    old = frames.at(0).network()
    assert old.spec.sizes == (2, 3, 1)
    X = np.random.default_rng(0).normal(size=(5, 2)).astype(np.float32)
    np.testing.assert_array_equal(old.forward(X), small.forward(X))
    assert frames.at(5).network().spec.sizes == (2, 6, 1)
    assert frames.at(-1) is None


def test_a_restart_starts_the_frames_again():
    frames, net = Frames(), _net()
    for epoch in range(10):
        frames.offer(epoch, net)
    other = _net(seed=5)
    frames.offer(9, other)  # the same epoch again (an architecture change): replaced
    assert frames.epochs() == list(range(10))
    np.testing.assert_array_equal(frames.at(9).params, other.flat_params)
    frames.offer(0, net)
    assert frames.epochs() == [0]
