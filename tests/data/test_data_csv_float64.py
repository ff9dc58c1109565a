"""float64 means float64 from the file to the gradient: a CSV's inputs and regression target
reach a float64 network as the file's numbers (normalised in float64), so its gradients agree
with an independent float64 computation on the file to 1e-12, where reading them as float32
left them 1e-7 to 1e-5 apart."""

from __future__ import annotations

import csv
import importlib.util

import numpy as np
import pytest

from tui_nn.config import RunConfig
from tui_nn.data import DatasetSpec, load_dataset
from tui_nn.engine.gradient_check import analytic_grads
from tui_nn.engine.losses import encode_targets
from tui_nn.engine.network import Network

HAS_TORCH = importlib.util.find_spec("torch") is not None


@pytest.fixture
def data_file(tmp_path):
    """Numbers with 17 significant digits (none is a float32), a regression target."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 3)) * [1.0, 30.0, 0.01]
    y = np.sin(X[:, 0]) + X[:, 1] / 30 + 100 * X[:, 2]
    path = tmp_path / "precise.csv"
    rows = np.column_stack([X, y]).tolist()  # Python floats: repr is the shortest exact text
    path.write_text("a,b,c,y\n" + "".join(",".join(map(repr, row)) + "\n" for row in rows))
    return path


def parse(path):
    """The file by the csv module and float(): the reference every number is checked against."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))[1:]
    values = np.array([[float(c) for c in row] for row in rows], dtype=np.float64)
    return values[:, :3], values[:, 3]


def reference(path, X_train):
    """The file's rows standardised in float64 (mean and deviation of all of them, the training
    split here), in the order of the dataset's rows, and their standardised targets."""
    X, y = parse(path)
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)
    ys = (y - y.mean()) / y.std()
    order = [int(np.argmin(np.abs(Xs - row).sum(axis=1))) for row in X_train]
    assert sorted(order) == list(range(len(X)))
    return Xs[order], ys[order]


def load(path):
    return load_dataset(DatasetSpec("csv", path=str(path), test_fraction=0.0))


def test_the_inputs_and_target_are_the_files_numbers_in_float64(data_file):
    ds = load(data_file)
    assert ds.X_train.dtype == np.float64 and ds.y_train.dtype == np.float64
    X, y = reference(data_file, ds.X_train)
    np.testing.assert_allclose(ds.X_train, X, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(ds.y_train[:, 0], y, rtol=1e-14, atol=1e-15)
    raw = load_dataset(DatasetSpec("csv", path=str(data_file), test_fraction=0, normalize="none"))
    file_rows = {tuple(r) for r in parse(data_file)[0].tolist()}
    assert {tuple(r) for r in raw.X_train.tolist()} == file_rows  # bit for bit


def _engine_grads(ds):
    config = RunConfig(hidden=(5,), activation="tanh", dtype="float64", seed=1)
    net = Network.from_spec(config.network_spec(ds))
    targets = encode_targets(ds.y_train, net.n_outputs, net.spec.loss, np.float64, False)
    _, grads = analytic_grads(net, ds.X_train, targets)
    return net, grads


def _relative(a, b):
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def test_gradients_agree_with_a_complex_step_reference_to_1e12(data_file):
    """The reference: the network's MSE written out in NumPy on the file's numbers, its
    derivatives by the complex step (Im L(p + ih) / h: exact to rounding, no subtraction)."""
    ds = load(data_file)
    net, grads = _engine_grads(ds)
    X, y = reference(data_file, ds.X_train)
    (W1, b1), (W2, b2) = [(W.astype(complex), b.astype(complex)) for W, b in net.get_params()]

    def loss(W1, b1, W2, b2):
        out = np.tanh(X @ W1.T + b1) @ W2.T + b2
        return np.mean((out[:, 0] - y) ** 2)

    params = [W1, b1, W2, b2]
    h = 1e-30
    for p, g in zip(params, grads):
        numeric = np.empty(p.shape)
        for idx in np.ndindex(p.shape):
            p[idx] += 1j * h
            numeric[idx] = loss(*params).imag / h
            p[idx] -= 1j * h
        assert _relative(g, numeric) < 1e-12


@pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed (pip install torch==2.13.0)")
def test_gradients_agree_with_pytorch_float64_to_1e12(data_file):
    import torch

    ds = load(data_file)
    net, grads = _engine_grads(ds)
    X, y = reference(data_file, ds.X_train)
    params = [
        torch.tensor(a, dtype=torch.float64, requires_grad=True)
        for W, b in net.get_params()
        for a in (W, b)
    ]
    W1, b1, W2, b2 = params
    out = torch.tanh(torch.tensor(X) @ W1.T + b1) @ W2.T + b2
    torch.mean((out[:, 0] - torch.tensor(y)) ** 2).backward()
    for p, g in zip(params, grads):
        assert _relative(g, p.grad.numpy()) < 1e-12
