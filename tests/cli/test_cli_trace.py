"""`tui-nn trace`: the worked example as text and JSON, from the options or a saved model."""

import json

import numpy as np
import pytest

from tui_nn.cli.options import config_from_values
from tui_nn.data import load_dataset
from tui_nn.engine import Network
from tui_nn.files import load_model

XOR = ("trace", "--dataset", "xor", "--hidden", "2")


def _json(cli, *args):
    result = cli(*args, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_text_is_the_worked_calculation(cli):
    result = cli(*XOR, "--sample", "0")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "Sample 0 of the train set of xor (class 0)"
    for title in (
        "Forward, layer 1",
        "Forward, layer 2 (output)",
        "Cost of this sample",
        "Backward, layer 2 (output)",
        "Backward, layer 1",
        "Gradients, layer 1",
        "Update, layer 2",
    ):
        assert title in lines
    assert "δ2 = ∂C/∂z2 = a2 - y   (sigmoid + cross-entropy: f′ cancels)" in lines
    assert max(len(line) for line in lines) <= 80
    assert any(line.startswith("cost of this sample: ") for line in lines)


def test_json_holds_every_number_and_they_agree(cli):
    d = _json(cli, *XOR, "--sample", "3", "--lr", "0.5")
    assert set(d) >= {"sample", "x", "y", "loss", "lr", "layers", "updated"}
    assert d["sample"] == 3 and d["lr"] == 0.5
    dataset = load_dataset(config_from_values({"dataset": "xor"}).dataset)
    np.testing.assert_array_equal(np.float32(d["x"]), dataset.X_train[3])
    assert d["y"] == [float(dataset.y_train[3])]
    a_prev = np.array(d["x"], dtype=np.float32)
    for layer, upd in zip(d["layers"], d["updated"]):
        W, b, dW = (np.array(layer[k], dtype=np.float32) for k in ("W", "b", "dW"))
        delta = np.array(layer["delta"], dtype=np.float32)
        z = np.array(layer["z"], dtype=np.float32)
        np.testing.assert_allclose(z, W @ a_prev + b, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(dW, np.outer(delta, a_prev), rtol=1e-5, atol=1e-7)
        np.testing.assert_array_equal(np.array(layer["db"], dtype=np.float32), delta)
        np.testing.assert_array_equal(np.float32(upd["W"]), W - np.float32(0.5) * dW)
        np.testing.assert_array_equal(np.float32(upd["b"]), b - np.float32(0.5) * delta)
        a_prev = np.array(layer["a"], dtype=np.float32)
    p = a_prev[0]
    assert d["loss"] == pytest.approx(-np.log(p if d["y"][0] == 1 else 1 - p), rel=1e-5)


def test_same_seed_same_initial_weights_as_train(cli):
    d = _json(cli, *XOR, "--seed", "5", "--sample", "0")
    config = config_from_values({"dataset": "xor", "hidden": (2,), "seed": 5})
    net = Network.from_spec(config.network_spec(load_dataset(config.dataset)))
    for layer, entry in zip(net.layers, d["layers"]):
        np.testing.assert_array_equal(np.float32(entry["W"]), layer.W)
    other = _json(cli, *XOR, "--seed", "6", "--sample", "0")
    assert other["layers"][0]["W"] != d["layers"][0]["W"]
    assert _json(cli, *XOR, "--seed", "5", "--sample", "0") == d


def test_load_traces_a_saved_model(cli, tmp_path):
    model = tmp_path / "xor.npz"
    trained = cli(
        "train", "--dataset", "xor", "--hidden", "3", "--epochs", "5", "--quiet", "--save", model
    )
    assert trained.code == 0, trained.err
    saved = load_model(str(model))
    d = _json(cli, "trace", "--load", model, "--sample", "7", "--split", "test")
    assert d["split"] == "test"
    for (W, b), entry in zip(saved.params, d["layers"]):
        np.testing.assert_array_equal(np.float32(entry["W"]), W)
        np.testing.assert_array_equal(np.float32(entry["b"]), b)
    result = cli("trace", "--load", model, "--hidden", "9", "--sample", "0")
    assert result.code == 0
    assert "--hidden ignored" in result.err
    assert "network 2-3-1" in result.out


@pytest.mark.parametrize(
    "args,message",
    [
        (("--sample", "-1"), "--sample: must be a sample index (an integer >= 0), got -1"),
        (("--sample", "abc"), "--sample: must be a sample index"),
        (("--sample", "250"), "--sample: 250 is out of range: the train set of xor has 250"),
        (("--sample", "0", "--split", "all"), "--split: unknown value 'all'; choose one of"),
        ((), "--sample I is required"),
        (("--sample", "0", "--lr", "-1"), "--lr"),
    ],
)
def test_bad_input_is_one_line_exit_2(cli, args, message):
    result = cli(*XOR, *args)
    assert result.code == 2
    assert message in result.error_line
    assert result.out == ""


def test_test_split_range_is_its_own(cli):
    result = cli(*XOR, "--sample", "250", "--split", "test")
    assert result.code == 2 and "the test set of xor has 250 samples (0..249)" in result.error_line


def test_wide_real_data_fits_80_columns(cli):
    result = cli("trace", "--dataset", "digits", "--sample", "5")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "  y is class" in result.out and "… and 22 more neurons" in result.out


def test_the_docs_example_is_the_real_output(cli):
    from pathlib import Path

    page = Path(__file__).resolve().parents[2] / "docs" / "command-line.md"
    command = "$ tui-nn trace --dataset xor --hidden 2 --sample 0\n"
    example = page.read_text(encoding="utf-8").split(command, 1)[1].split("```", 1)[0]
    result = cli(*XOR, "--sample", "0")
    assert result.code == 0
    assert result.out == example


def test_the_step_is_the_runs_optimizer_in_text_and_json(cli):
    args = (*XOR, "--sample", "2", "--optimizer", "adam", "--l2", "0.01")
    d = _json(cli, *args)
    assert d["optimizer"]["name"] == "adam" and d["optimizer"]["t"] == 1
    assert d["optimizer"]["l2"] == 0.01 and d["optimizer"]["fresh"] is True
    for layer, upd in zip(d["layers"], d["updated"]):
        step = layer["step"]["W"]
        assert step["before"]["m"] == [[0.0] * len(row) for row in layer["W"]]
        np.testing.assert_array_equal(np.float32(upd["W"]), np.float32(step["new"]))
        assert step["new"] != step["sgd"]  # Adam's first step is not plain SGD's
    text = cli(*args).out
    assert "one step of adam (its first) with learning rate α = 0.03, L2 0.01" in text
    assert "Update, layer 1 (adam)" in text and "plain SGD would give" in text


def test_a_regression_is_traced_in_its_units_too(cli, tmp_path):
    data = tmp_path / "h.csv"
    data.write_text("area,price\n" + "".join(f"{50 + i},{100000 + 900 * i}\n" for i in range(30)))
    out = cli("trace", "--data", data, "--hidden", "2", "--sample", "1").out
    assert "in the target's units" in out
    assert any(line.strip().startswith("price = ") for line in out.splitlines())
