"""`tui-nn predict` and `tui-nn export`: predictions in the user's units and classes, and the
exported PyTorch script printing the same CSV (run under torch when it is installed)."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import subprocess
import sys

import numpy as np
import pytest

from tui_nn.data.normalize import apply_normalization, unstandardize
from tui_nn.engine.network import Network
from tui_nn.files import load_model

HAS_TORCH = importlib.util.find_spec("torch") is not None
needs_torch = pytest.mark.skipif(
    not HAS_TORCH, reason="torch is not installed (pip install torch==2.13.0 to run this test)"
)


def rows_of(text):
    return list(csv.reader(io.StringIO(text)))


def write(path, header, rows):
    path.write_text(header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows))
    return path


def houses(path, n=60, seed=1):
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        area, rooms = rng.uniform(40, 200), int(rng.integers(1, 6))
        rows.append((round(area, 1), rooms, round(2500 * area + 9000 * rooms + rng.normal(0, 5e3))))
    return write(path, "area,rooms,price", rows)


def flowers(path, n=60, seed=2, classes=("iris", "lily", "rose")):
    rng = np.random.default_rng(seed)
    rows = [
        (*np.round(rng.normal(2 * (i % len(classes)), 0.5, 2), 3), classes[i % len(classes)])
        for i in range(n)
    ]
    return write(path, "petal,sepal,kind", rows)


@pytest.fixture
def house_model(cli, tmp_path):
    model = tmp_path / "h.npz"
    args = ("--data", houses(tmp_path / "h.csv"), "--hidden", "8", "--epochs", "20")
    assert cli("train", *args, "--save", model).code == 0
    return model


def test_predict_regression_in_the_targets_units(cli, tmp_path, house_model):
    new = write(tmp_path / "new.csv", "rooms,area,note", [(3, 120.5, "a"), (1, 45.0, "b")])
    result = cli("predict", house_model, "--data", new)
    assert result.code == 0, result.err
    table = rows_of(result.out)
    assert table[0] == ["area", "rooms", "prediction"]  # matched by name, in the model's order
    assert table[1][:2] == ["120.5", "3"] and table[2][:2] == ["45.0", "1"]
    model = load_model(house_model)
    net = Network.from_params(model.spec, model.params)
    X = apply_normalization(np.array([[120.5, 3], [45.0, 1]]), model.normalization)
    expected = unstandardize(net.forward(X), model.target_normalization)[:, 0]
    got = [float(r[2]) for r in table[1:]]
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert 1e5 < got[0] < 6e5  # a price, not a standardised number


def test_predict_classes_and_probabilities(cli, tmp_path):
    model = tmp_path / "f.npz"
    data = flowers(tmp_path / "f.csv")
    assert (
        cli("train", "--data", data, "--hidden", "6", "--epochs", "30", "--save", model).code == 0
    )
    out = tmp_path / "out.csv"
    result = cli("predict", model, "--data", data, "-o", out)
    assert result.code == 0, result.err
    table = rows_of(out.read_text())
    assert table[0] == ["petal", "sepal", "prediction", "p_iris", "p_lily", "p_rose"]
    probs = np.array([[float(v) for v in r[3:]] for r in table[1:]])
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    picked = [["iris", "lily", "rose"][k] for k in probs.argmax(axis=1)]
    assert [r[2] for r in table[1:]] == picked
    truth = [r[2] for r in rows_of(data.read_text())[1:]]
    assert np.mean([p == t for p, t in zip(picked, truth)]) > 0.9
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.csv", "f.npz", "out.csv"]  # no temp


@pytest.mark.parametrize(
    "content, words",
    [
        ("area,price\n100,1\n", ["no column 'rooms'", "the model's inputs are area, rooms"]),
        ("1,2,3\n4,5,6\n", ["3 columns; the model takes 2 inputs"]),
        ("area,rooms\n100,x\n", ["line 2, column 2", "'x' is not a number"]),
    ],
)
def test_predict_bad_files(cli, tmp_path, house_model, content, words):
    bad = tmp_path / "bad.csv"
    bad.write_text(content)
    result = cli("predict", house_model, "--data", bad)
    assert result.code == 2
    for word in words:
        assert word in result.error_line


def test_predict_and_export_usage(cli, tmp_path, house_model):
    data = houses(tmp_path / "new.csv", n=3)
    for args, word in [
        (("predict", house_model, "--data", data, "-o", tmp_path), "is a directory"),
        (("predict", house_model), "--data"),
        (("export", house_model, "--format", "onnx", "-o", tmp_path / "m"), "pytorch, json"),
        (("export", house_model, "-o", tmp_path / "no" / "m.py"), "does not exist"),
        (("export", tmp_path / "absent.npz", "-o", tmp_path / "m.py"), "no such file"),
    ]:
        result = cli(*args)
        assert result.code == 2, args
        assert word in result.error_line


def test_json_export_reproduces_the_predictions(cli, tmp_path, house_model):
    out = tmp_path / "m.json"
    assert cli("export", house_model, "--format", "json", "-o", out).code == 0
    doc = json.loads(out.read_text())
    x = np.array([[120.5, 3.0]])
    norm = doc["input_normalization"]
    a = (x - np.array(norm["shift"])) / np.array(norm["scale"])
    for layer in doc["layers"]:
        z = a @ np.array(layer["weight"]).T + np.array(layer["bias"])
        a = np.tanh(z) if layer["activation"] == "tanh" else z
    t = doc["target_normalization"]
    price = a[0, 0] * t["scale"][0] + t["shift"][0]
    data = write(tmp_path / "one.csv", "area,rooms", [(120.5, 3)])
    predicted = float(rows_of(cli("predict", house_model, "--data", data).out)[1][2])
    assert price == pytest.approx(predicted, rel=1e-5)


def test_pytorch_export_is_valid_python(cli, tmp_path, house_model):
    out = tmp_path / "m.py"
    assert cli("export", house_model, "-o", out).code == 0
    compile(out.read_text(), str(out), "exec")  # runs without torch too


def _same_csv(a, b):
    ra, rb = rows_of(a), rows_of(b)
    assert len(ra) == len(rb) and ra[0] == rb[0]
    for x, y in zip(ra[1:], rb[1:]):
        assert len(x) == len(y)
        for u, v in zip(x, y):
            try:
                fu, fv = float(u), float(v)
            except ValueError:
                assert u == v
                continue
            assert fu == pytest.approx(fv, rel=1e-5, abs=1e-6)


@needs_torch
@pytest.mark.parametrize(
    "kind, args",
    [
        ("houses", ("--hidden", "8,8", "--activation", "gelu")),
        ("houses", ("--hidden", "6", "--activation", "softplus", "--dtype", "float64")),
        ("flowers", ("--hidden", "6", "--activation", "elu")),
        ("flowers", ("--hidden", "5,4", "--activation", "swish")),
        ("binary", ("--hidden", "4", "--activation", "leaky_relu")),
    ],
)
def test_pytorch_script_prints_what_predict_prints(cli, tmp_path, kind, args):
    if kind == "houses":
        data = houses(tmp_path / "d.csv")
    elif kind == "flowers":
        data = flowers(tmp_path / "d.csv")
    else:
        data = flowers(tmp_path / "d.csv", classes=("no", "yes"))
    model, script = tmp_path / "m.npz", tmp_path / "model.py"
    assert cli("train", "--data", data, *args, "--epochs", "5", "--save", model).code == 0
    assert cli("export", model, "--format", "pytorch", "-o", script).code == 0
    expected = cli("predict", model, "--data", data).out
    run = subprocess.run(
        [sys.executable, str(script), str(data)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    _same_csv(run.stdout, expected)


@needs_torch
def test_pytorch_script_reads_the_same_dialects_as_predict(cli, tmp_path, house_model):
    eu = tmp_path / "eu.csv"
    eu.write_text("area;rooms;price;\n120,5;3;0;\n45;1;0;\n")  # decimal commas, trailing ;
    script = tmp_path / "model.py"
    assert cli("export", house_model, "-o", script).code == 0
    expected = cli("predict", house_model, "--data", eu)
    assert expected.code == 0, expected.err
    assert rows_of(expected.out)[1][:2] == ["120.5", "3"]
    run = subprocess.run(
        [sys.executable, str(script), str(eu)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    _same_csv(run.stdout, expected.out)
