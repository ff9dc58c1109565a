"""Regression in the user's units: targets standardised for training (fitted on the training
split, stored in the model file), every loss shown on the original scale, eval's MSE/RMSE/MAE/R²."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tui_nn.config import train_data
from tui_nn.data import DatasetSpec, load_dataset
from tui_nn.data.normalize import unstandardize
from tui_nn.engine.metrics import regression_metrics
from tui_nn.engine.network import Network
from tui_nn.files import load_model, read_metrics


def houses(path, n=200, seed=3):
    """Prices in the hundreds of thousands: unlearnable without target scaling."""
    rng = np.random.default_rng(seed)
    area = rng.uniform(40, 250, n)
    rooms = rng.integers(1, 7, n)
    price = 50_000 + 2_500 * area + 15_000 * rooms + rng.normal(0, 10_000, n)
    rows = "".join(f"{a:.1f},{r},{int(p)}\n" for a, r, p in zip(area, rooms, price))
    path.write_text("area,rooms,price\n" + rows)
    return path


def test_houses_learn_in_their_units(cli, tmp_path):
    data, model_path, metrics = houses(tmp_path / "h.csv"), tmp_path / "h.npz", tmp_path / "m.jl"
    args = ("--data", data, "--target", "price", "--hidden", "16", "--epochs", "60")
    result = cli("train", *args, "--save", model_path, "--metrics", metrics)
    assert result.code == 0, result.err
    assert "losses are MSE in the target's units" in result.out
    model = load_model(model_path)
    target = model.target_normalization
    with np.load(model_path, allow_pickle=False) as npz:
        stored = json.loads(bytes(npz["config"]).decode("utf-8"))["target_normalization"]
    assert stored["shift"] == target["shift"] and 1e4 < stored["scale"][0] < 1e6

    # the reported test loss is the MSE of the unstandardised predictions, in price units²
    ds = load_dataset(DatasetSpec("csv", path=str(data), target="price"))
    assert ds.target_normalization["shift"] == pytest.approx(target["shift"])
    net = Network.from_params(model.spec, model.params)
    predicted = unstandardize(net.forward(ds.X_test), target)
    truth = unstandardize(ds.y_test, ds.target_normalization)
    mse = regression_metrics(predicted, truth)["mse"]
    last = read_metrics(metrics)[-1]
    assert last["test_loss"] == pytest.approx(mse, rel=1e-4)
    assert last["test_loss"] < 0.1 * truth.var()  # far below the variance: it learned

    result = cli("eval", model_path)
    assert result.code == 0, result.err
    words = dict(zip(result.out.split(), result.out.split()[1:]))
    assert float(words["MSE"]) == pytest.approx(mse, rel=1e-4)
    assert float(words["RMSE"]) == pytest.approx(np.sqrt(mse), rel=1e-4)
    assert float(words["MAE"]) == pytest.approx(np.abs(predicted - truth).mean(), rel=1e-4)
    assert 0.9 < float(words["R²"]) <= 1.0


def test_eval_on_a_new_file_in_its_units(cli, tmp_path):
    model_path = tmp_path / "h.npz"
    args = ("--data", houses(tmp_path / "h.csv"), "--hidden", "8", "--epochs", "30")
    assert cli("train", *args, "--save", model_path).code == 0
    new = houses(tmp_path / "new.csv", n=50, seed=9)
    result = cli("eval", model_path, "--data", new)
    assert result.code == 0, result.err
    assert "50 samples" in result.out and "(in the target's units)" in result.out
    r2 = float(result.out.split("R² ")[1].split()[0])
    assert r2 > 0.8


def test_regression_metrics_against_hand_numbers():
    m = regression_metrics(np.array([[1.0], [2.0], [4.0]]), np.array([[1.0], [3.0], [5.0]]))
    assert m["mse"] == pytest.approx(2 / 3) and m["mae"] == pytest.approx(2 / 3)
    assert m["rmse"] == pytest.approx(np.sqrt(2 / 3))
    assert m["r2"] == pytest.approx(1 - 2 / (4 + 0 + 4) * 1)  # SS_tot about the mean 3: 8
    mean_only = regression_metrics(np.full((3, 1), 3.0), np.array([[1.0], [3.0], [5.0]]))
    assert mean_only["r2"] == pytest.approx(0.0)


def test_generated_sets_are_not_rescaled():
    ds = load_dataset(DatasetSpec("sine", samples=50))
    assert ds.target_normalization is None and train_data(ds).target_scale is None


# ---- a regression target with a classification head: refused ------------------------------


@pytest.mark.parametrize(
    "head, words",
    [
        (("--loss", "bce"), ["loss bce needs class labels", "use loss mse"]),
        (("--loss", "cce"), ["loss cce needs class labels", "use loss mse"]),
        (("--output", "sigmoid", "--loss", "bce"), ["loss bce needs class labels"]),
        (("--output", "sigmoid"), ["a sigmoid output gives probabilities", "output identity"]),
        (("--output", "softmax"), ["a softmax output gives probabilities", "output identity"]),
    ],
)
def test_a_real_valued_target_with_a_classification_head_is_refused(cli, tmp_path, head, words):
    data = houses(tmp_path / "h.csv")
    model = tmp_path / "h.npz"
    result = cli(
        "train", "--data", data, "--target", "price", "--epochs", "2", *head, "--save", model
    )
    assert result.code == 2
    line = result.error_line
    assert "column 'price' of h.csv is real-valued (regression)" in line
    for word in words:
        assert word in line
    assert not model.exists()
    ok = cli("train", "--data", data, "--target", "price", "--epochs", "2", "--loss", "mse")
    assert ok.code == 0, ok.err  # mse (any output but the probability ones) still trains


def test_a_generated_regression_set_names_its_target(cli):
    result = cli("train", "--dataset", "quadratic", "--epochs", "1", "--loss", "bce")
    assert result.code == 2
    assert "quadratic's target is real-valued" in result.error_line
    # classification data with mse stays allowed (the cost lesson compares them)
    assert cli("train", "--dataset", "xor", "--epochs", "1", "--loss", "mse").code == 0


def test_load_onto_other_data_says_the_scaling_was_fitted_again(cli, tmp_path):
    first, model_path = houses(tmp_path / "a.csv"), tmp_path / "a.npz"
    args = ("--target", "price", "--hidden", "4", "--epochs", "2")
    assert cli("train", "--data", first, *args, "--save", model_path).code == 0
    same = cli("train", "--load", model_path, "--data", first, "--epochs", "1")
    assert same.code == 0 and "scaled as fitted" not in same.err  # the same split: same scaling
    other = houses(tmp_path / "b.csv", seed=9)
    result = cli("train", "--load", model_path, "--data", other, "--epochs", "1")
    assert result.code == 0, result.err
    assert "the inputs and target are scaled as fitted on b.csv's training split" in result.err
    assert "not as stored in" in result.err and "a.npz" in result.err


def test_whole_number_classes_are_said_and_task_regression_overrides(cli, tmp_path):
    grades = tmp_path / "grades.csv"
    grades.write_text("x,grade\n" + "".join(f"{i},{i % 3 + 1}\n" for i in range(40)))
    result = cli("train", "--data", grades, "--epochs", "1")
    assert result.code == 0, result.err
    assert "target 'grade': whole numbers read as 3 classes (--task regression" in result.out
    numbers = cli("train", "--data", grades, "--task", "regression", "--epochs", "1")
    assert numbers.code == 0 and "losses are MSE in the target's units" in numbers.out
    assert "classes" not in numbers.out
    bad = cli("train", "--data", grades, "--task", "numbers")
    assert bad.code == 2
    assert "--task: unknown value 'numbers'; choose one of: auto, classification, regression" in (
        bad.err
    )
