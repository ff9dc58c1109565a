"""The playground's data on the command line: feature inputs (`--features`), k classes on the
plane (`--classes`), and a model trained on features used by `eval`, `predict` and the exported
script on the raw x1, x2."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
import subprocess
import sys

import numpy as np
import pytest

from tui_nn.data import DatasetSpec, load_dataset
from tui_nn.data.features import expand
from tui_nn.engine.network import Network
from tui_nn.files import load_model

needs_torch = pytest.mark.skipif(
    importlib.util.find_spec("torch") is None,
    reason="torch is not installed (pip install torch==2.13.0 to run this test)",
)

SPIRAL3 = (  # the settings docs/playground.md suggests for three spiral arms
    "--dataset", "spiral", "--classes", "3", "--samples", "1000", "--hidden", "32,32",
    "--activation", "relu", "--optimizer", "adam", "--lr", "0.01", "--epochs", "200",
)  # fmt: skip


def test_circle_needs_no_hidden_layer_with_squares_as_inputs(cli, tmp_path):
    model = tmp_path / "c.npz"
    result = cli("train", "--dataset", "circle", "--features", "x1^2,x2^2", "--hidden", "",
                 "--save", model, "--quiet")  # fmt: skip
    assert result.code == 0, result.err
    loaded = load_model(model)
    assert loaded.spec.sizes == (2, 1) and loaded.features == ("x1^2", "x2^2")
    assert loaded.feature_names == ("x1", "x2")
    out = cli("eval", model).out
    assert float(re.search(r"accuracy ([\d.]+)%", out).group(1)) >= 95.0
    # without the features the same network cannot draw a circle
    plain = cli("train", "--dataset", "circle", "--hidden", "", "--quiet").out
    assert float(re.search(r"test loss \S+ acc ([\d.]+)%", plain).group(1)) < 80.0


def test_three_spiral_arms_with_the_suggested_settings(cli):
    result = cli("train", *SPIRAL3, "--quiet")
    assert result.code == 0, result.err
    test_acc = float(re.search(r"test loss \S+ acc ([\d.]+)%", result.out).group(1))
    assert test_acc >= 90.0, result.out


def test_k_classes_get_softmax_and_cce(cli, tmp_path):
    model = tmp_path / "b.npz"
    args = ("--dataset", "blobs", "--classes", "4", "--epochs", "3", "--save", model, "--quiet")
    assert cli("train", *args).code == 0
    loaded = load_model(model)
    assert loaded.spec.output.units == 4 and loaded.spec.output.activation == "softmax"
    assert loaded.spec.loss == "cce" and loaded.class_names == ("0", "1", "2", "3")
    assert loaded.config.dataset.classes == 4
    out = cli("eval", model).out
    assert "confusion matrix" in out and len(out.strip().splitlines()[-1].split()) == 5


def _rows(text):
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def feature_model(cli, tmp_path):
    model = tmp_path / "f.npz"
    args = ("--dataset", "xor", "--features", "x1,x2,x1*x2,sinx1", "--hidden", "3",
            "--epochs", "5", "--save", model, "--quiet")  # fmt: skip
    assert cli("train", *args).code == 0
    return model


def test_predict_takes_raw_x1_x2_and_computes_the_features(cli, tmp_path, feature_model):
    points = np.array([[0.5, -2.0], [3.0, 3.0], [-4.0, 1.5]])
    data = tmp_path / "p.csv"
    data.write_text("x1,x2\n" + "".join(f"{a},{b}\n" for a, b in points))
    result = cli("predict", feature_model, "--data", data)
    assert result.code == 0, result.err
    rows = _rows(result.out)
    assert rows[0] == ["x1", "x2", "prediction", "p_0", "p_1"]
    loaded = load_model(feature_model)
    net = Network.from_params(loaded.spec, loaded.params)
    p1 = net.forward(expand(points.astype(np.float32), loaded.features))[:, 0]
    np.testing.assert_allclose([float(r[4]) for r in rows[1:]], p1, rtol=1e-6)
    # the same rows as the app's plane turns them into inputs
    ds = load_dataset(loaded.config.dataset)
    np.testing.assert_allclose(ds.plane.inputs(points), expand(points, loaded.features), rtol=1e-6)


def test_eval_on_a_csv_of_raw_x1_x2(cli, tmp_path, feature_model):
    ds = load_dataset(DatasetSpec("xor", seed=0))  # the raw points the model trained on
    data = tmp_path / "e.csv"
    data.write_text(
        "x1,x2,label\n"
        + "".join(f"{a},{b},{int(y)}\n" for (a, b), y in zip(ds.X_test, ds.y_test))
    )
    own = cli("eval", feature_model)
    new = cli("eval", feature_model, "--data", data)
    assert own.code == 0 and new.code == 0, new.err
    acc = lambda out: re.search(r"accuracy ([\d.]+)%", out).group(1)  # noqa: E731
    assert acc(own.out) == acc(new.out)


def test_json_export_names_the_features(cli, tmp_path, feature_model):
    out = tmp_path / "m.json"
    assert cli("export", feature_model, "--format", "json", "-o", out).code == 0
    doc = json.loads(out.read_text())
    assert doc["features"] == ["x1", "x2", "x1*x2", "sin(x1)"]
    assert doc["feature_names"] == ["x1", "x2"] and doc["layers"][0]["units"] == 3
    assert len(doc["layers"][0]["weight"][0]) == 4


@needs_torch
def test_the_exported_script_computes_the_features(cli, tmp_path, feature_model):
    data = tmp_path / "p.csv"
    data.write_text("x1,x2\n0.5,-2\n3,3\n-4,1.5\n-0.1,0.2\n")
    script = tmp_path / "model.py"
    assert cli("export", feature_model, "-o", script).code == 0
    expected = _rows(cli("predict", feature_model, "--data", data).out)
    run = subprocess.run(
        [sys.executable, str(script), str(data)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    got = _rows(run.stdout)
    assert got[0] == expected[0] and [r[2] for r in got] == [r[2] for r in expected]
    for g, e in zip(got[1:], expected[1:]):
        np.testing.assert_allclose([float(v) for v in g[3:]], [float(v) for v in e[3:]],
                                   rtol=1e-5, atol=1e-6)  # fmt: skip


def test_toml_features_and_classes(cli, tmp_path):
    path = tmp_path / "run.toml"
    path.write_text('dataset = "gauss"\nclasses = 3\nfeatures = ["x1", "x2sq", "x1*x2"]\n'
                    "epochs = 2\n")  # fmt: skip
    model = tmp_path / "g.npz"
    assert cli("train", "--config", path, "--save", model, "--quiet").code == 0
    loaded = load_model(model)
    assert loaded.features == ("x1", "x2^2", "x1*x2") and loaded.spec.output.units == 3


@pytest.mark.parametrize(
    "args, words",
    [
        (("--features", "x3"), "--features: unknown feature 'x3'; choose one of: x1, x2"),
        (("--features", "x1,x1"), "--features: 'x1' is given twice"),
        (("--dataset", "digits", "--features", "x1^2"), "digits has 64 inputs"),
        (("--classes", "3"), "circle: the number of classes is the data's own"),
        (("--dataset", "spiral", "--classes", "12"), "--classes: '12' is out of range"),
    ],
)
def test_bad_features_and_classes_are_one_line(cli, args, words):
    result = cli("train", *args, "--epochs", "1")
    assert result.code == 2, result.err
    assert words in result.error_line


def test_a_model_file_with_unknown_features_is_refused(cli, tmp_path, feature_model):
    import zipfile

    with zipfile.ZipFile(feature_model) as z:
        arrays = {n[:-4]: np.load(io.BytesIO(z.read(n))) for n in z.namelist()}
    for bad, words in ((["x1", "x2", "x1*x2", "cos(x1)"], "unknown feature 'cos(x1)'"),
                       (["x1", "x2"], "'features' names 2 inputs; the network has 4"),
                       ("x1", "bad 'features'")):  # fmt: skip
        meta = json.loads(bytes(arrays["config"]).decode())
        meta["features"] = bad
        changed = dict(arrays, config=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))
        path = tmp_path / "bad.npz"
        np.savez(path, **changed)
        result = cli("eval", path)
        assert result.code == 2 and words in result.error_line, result.err


def test_a_wider_csv_takes_a_plane_of_two_columns(cli, tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(0, 1, (60, 3))
    data = tmp_path / "w.csv"
    data.write_text("a,b,c,label\n" + "".join(f"{a:.3f},{b:.3f},{c:.3f},{int(a > b)}\n"
                                              for a, b, c in X))  # fmt: skip
    model = tmp_path / "w.npz"
    result = cli("train", "--data", data, "--plane", "b,a", "--epochs", "2", "--save", model)
    assert result.code == 0, result.err
    assert load_model(model).config.dataset.plane == ("b", "a")
    bad = cli("train", "--data", data, "--plane", "a,zz", "--epochs", "1")
    assert bad.code == 2 and "the plane's column 'zz' is not an input (a, b, c)" in bad.error_line
    three = cli("train", "--data", data, "--plane", "a,b,c", "--epochs", "1")
    assert three.code == 2 and "--plane: at most 2 names, got 3" in three.error_line
