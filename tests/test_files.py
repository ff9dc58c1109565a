"""The model file (.npz), atomic writes, metrics (JSON Lines) and TOML run configurations."""

from __future__ import annotations

import json
import os
import pickle
import time
import zipfile

import numpy as np
import pytest

from tui_nn.config import RunConfig
from tui_nn.data import load_dataset
from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.network import Network
from tui_nn.engine.spec import LayerSpec, NetworkSpec
from tui_nn.engine.types import EpochRecord
from tui_nn.files import (
    FORMAT_VERSION,
    MetricsWriter,
    ModelFileError,
    atomic_write,
    load_model,
    read_metrics,
    save_model,
)


def record(epoch: int, loss: float = 0.5) -> EpochRecord:
    return EpochRecord(epoch, epoch * 10, epoch * 100, loss, loss + 0.1, 0.8, 0.7, 0.01, 0.03)


@pytest.fixture
def digits_model(tmp_path):
    """A small 64-16-10 network on the digits data, saved with two history records."""
    config = RunConfig(dataset=DatasetSpec("digits", seed=3), hidden=(16,), activation="relu")
    dataset = load_dataset(config.dataset)
    net = Network.from_spec(config.network_spec(dataset))
    path = tmp_path / "model.npz"
    save_model(path, net, config, dataset, [record(1), record(2, 0.25)])
    return path, net, config, dataset


def test_saved_arrays_have_documented_names_shapes_and_types(digits_model):
    path, net, _, _ = digits_model
    with np.load(path, allow_pickle=False) as npz:
        names = set(npz.files)
        assert names == {
            "layer0.weight",
            "layer0.bias",
            "layer1.weight",
            "layer1.bias",
            "config",
            "history",
            "history.fields",
            "format_version",
        }
        assert npz["layer0.weight"].shape == (16, 64)  # (n_out, n_in): torch.nn.Linear
        assert npz["layer0.bias"].shape == (16,)
        assert npz["layer1.weight"].shape == (10, 16)
        assert npz["layer1.bias"].shape == (10,)
        assert npz["layer0.weight"].dtype == np.float32
        assert npz["config"].ndim == 1 and npz["config"].dtype == np.uint8  # UTF-8 bytes
        assert npz["history"].shape == (2, 11) and npz["history"].dtype == np.float64
        assert bytes(npz["history.fields"]).decode().split(",")[:2] == ["epoch", "step"]
        assert int(npz["format_version"]) == FORMAT_VERSION
        meta = json.loads(bytes(npz["config"]).decode("utf-8"))
    assert meta["format_version"] == FORMAT_VERSION
    assert meta["network"]["n_inputs"] == 64
    assert meta["network"]["output"] == {"units": 10, "activation": "softmax"}
    assert meta["network"]["loss"] == "cce"
    assert meta["class_names"] == [str(d) for d in range(10)]
    assert meta["normalization"]["kind"] == "scale"
    assert meta["run"]["hidden"] == [16]


def test_round_trip_restores_everything(digits_model):
    path, net, config, dataset = digits_model
    model = load_model(path)
    assert model.spec == net.spec
    assert model.config == config
    assert model.class_names == dataset.class_names
    assert model.normalization == dataset.normalization
    assert model.task == "classification"
    assert model.input_scale == pytest.approx(dataset.input_scale)
    assert model.history == (record(1), record(2, 0.25))
    for (W, b), (W2, b2) in zip(net.get_params(), model.params):
        np.testing.assert_array_equal(W, W2)
        np.testing.assert_array_equal(b, b2)
    again = Network.from_params(model.spec, model.params)
    X = dataset.X_test[:50]
    np.testing.assert_array_equal(
        again.forward(X, dataset.input_scale), net.forward(X, dataset.input_scale)
    )


def test_plain_numpy_with_linear_layout_reproduces_the_engine(tmp_path):
    """What a PyTorch user would do: z = W @ x + b per layer, no reshaping."""
    spec = NetworkSpec(
        3, (LayerSpec(5, "tanh"), LayerSpec(4, "relu")), LayerSpec(2, "softmax"), "cce"
    )
    net = Network.from_spec(spec)
    path = tmp_path / "m.npz"
    save_model(path, net, RunConfig())
    X = np.random.default_rng(1).normal(size=(7, 3)).astype(np.float32)
    with np.load(path, allow_pickle=False) as npz:
        a = X.T
        for i, f in enumerate((np.tanh, lambda z: np.maximum(z, 0))):
            a = f(npz[f"layer{i}.weight"] @ a + npz[f"layer{i}.bias"][:, None])
        z = npz["layer2.weight"] @ a + npz["layer2.bias"][:, None]
    p = np.exp(z - z.max(axis=0)) / np.exp(z - z.max(axis=0)).sum(axis=0)
    np.testing.assert_allclose(p.T, net.forward(X), rtol=1e-5, atol=1e-6)


def test_non_finite_history_values_are_stored_as_null(tmp_path):
    net = Network.from_spec(NetworkSpec(2, (LayerSpec(3, "tanh"),)))
    path = save_model(tmp_path / "m.npz", net, RunConfig(), history=[record(1, float("nan"))])
    with np.load(path, allow_pickle=False) as npz:
        assert np.isnan(npz["history"][0, 3])  # NaN in the array, None when read back
    assert load_model(path).history[0].train_loss is None


# ---- bad model files ----------------------------------------------------------------------


def one_line_error(path) -> str:
    with pytest.raises(ModelFileError) as info:
        load_model(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    return message


def test_missing_file(tmp_path):
    assert "no such file" in one_line_error(tmp_path / "absent.npz")


def test_truncated_file(digits_model):
    path = digits_model[0]
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert "damaged or truncated" in one_line_error(path)


def test_garbage_and_empty_files(tmp_path):
    (tmp_path / "text.npz").write_text("hello, this is not a model\n")
    assert "not a tui-nn model" in one_line_error(tmp_path / "text.npz")
    (tmp_path / "empty.npz").write_bytes(b"")
    assert "empty" in one_line_error(tmp_path / "empty.npz")
    np.save(tmp_path / "single.npy", np.zeros(3))
    assert ".npy" in one_line_error(tmp_path / "single.npy")


def test_pickles_are_refused(tmp_path):
    with open(tmp_path / "p.npz", "wb") as f:
        pickle.dump({"layer0.weight": np.zeros((2, 2))}, f)
    assert "pickle" in one_line_error(tmp_path / "p.npz")


def test_npz_with_an_object_array_is_refused(digits_model, tmp_path):
    path = tmp_path / "evil.npz"
    with np.load(digits_model[0], allow_pickle=False) as npz:
        arrays = dict(npz)
    arrays["layer0.bias"] = np.array([{"a": 1}, None], dtype=object)
    np.savez(path, **arrays)
    message = one_line_error(path)
    assert "pickled Python objects" in message and "layer0.bias" in message


def rewrite_config(src, dst, change):
    with np.load(src, allow_pickle=False) as npz:
        arrays = dict(npz)
    meta = json.loads(bytes(arrays["config"]).decode("utf-8"))
    change(meta, arrays)
    arrays["config"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez(dst, **arrays)


def test_newer_format_version_is_refused(digits_model, tmp_path):
    dst = tmp_path / "future.npz"
    rewrite_config(digits_model[0], dst, lambda m, a: m.update(format_version=FORMAT_VERSION + 1))
    message = one_line_error(dst)
    assert "newer tui-nn" in message and "upgrade" in message


def test_shape_mismatch_and_missing_entries(digits_model, tmp_path):
    src = digits_model[0]

    def shrink(meta, arrays):
        meta["network"]["hidden"][0]["units"] = 8

    rewrite_config(src, tmp_path / "shape.npz", shrink)
    assert "shape" in one_line_error(tmp_path / "shape.npz")

    with np.load(src, allow_pickle=False) as npz:
        arrays = {k: v for k, v in npz.items() if k != "config"}
    np.savez(tmp_path / "noconfig.npz", **arrays)
    assert "no 'config'" in one_line_error(tmp_path / "noconfig.npz")

    with zipfile.ZipFile(tmp_path / "other.npz", "w") as z:
        z.writestr("readme.txt", "a zip, but not a model")
    assert "not a tui-nn model" in one_line_error(tmp_path / "other.npz")

    with zipfile.ZipFile(tmp_path / "raw.npz", "w") as z:
        z.writestr("config", '{"format_version": 1}')  # a member that is not an .npy array
    assert "not a NumPy array" in one_line_error(tmp_path / "raw.npz")


def test_bad_json_in_config(digits_model, tmp_path):
    with np.load(digits_model[0], allow_pickle=False) as npz:
        arrays = dict(npz)
    arrays["config"] = np.array("{not json")
    np.savez(tmp_path / "badjson.npz", **arrays)
    assert "not valid JSON" in one_line_error(tmp_path / "badjson.npz")


# ---- atomic writes ------------------------------------------------------------------------


def test_atomic_write_replaces_only_on_success(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_write(target, "w") as f:
            f.write("half of the new")
            raise RuntimeError("crash while writing")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.txt"]  # no temporary file left behind
    with atomic_write(target, "w") as f:
        f.write("new")
    assert target.read_text() == "new"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_save_model_to_missing_directory_is_a_one_line_error(tmp_path):
    net = Network.from_spec(NetworkSpec(2, (LayerSpec(3, "tanh"),)))
    with pytest.raises(ModelFileError, match="cannot write"):
        save_model(tmp_path / "no" / "such" / "m.npz", net, RunConfig())


# ---- metrics ------------------------------------------------------------------------------


def test_metrics_lines_are_flushed_as_they_are_written(tmp_path):
    path = tmp_path / "m.jsonl"
    with MetricsWriter(path) as writer:
        writer.write(record(1))
        assert read_metrics(path) == [record(1).to_dict()]  # readable before close
        writer.write(record(2))
    lines = path.read_text().splitlines()
    assert [json.loads(line)["epoch"] for line in lines] == [1, 2]


# ---- saves that complete or say they did not ------------------------------------------------


def test_a_killed_saves_temp_file_is_cleaned_up_by_the_next_save(digits_model, tmp_path):
    path, net, config, dataset = digits_model
    dead = tmp_path / f".{path.name}.999999999-abcd.tmp"  # a writer pid that cannot be alive
    dead.write_bytes(b"x" * 1000)
    mine = tmp_path / f".{path.name}.{os.getpid()}-live.tmp"  # a save in progress: kept
    mine.write_bytes(b"y")
    old = tmp_path / f".{path.name}.oldstyle.tmp"  # v0.1 name, an hour old: stale
    old.write_bytes(b"z")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    save_model(path, net, config, dataset)
    assert not dead.exists() and not old.exists() and mine.exists()


def test_a_failed_save_leaves_no_temp_file_and_says_so(digits_model, tmp_path, monkeypatch):
    path, net, config, dataset = digits_model

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", full)
    with pytest.raises(ModelFileError, match="No space left"):
        save_model(tmp_path / "new.npz", net, config, dataset)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    assert not (tmp_path / "new.npz").exists()


def test_format_1_files_with_unicode_json_are_still_read(digits_model, tmp_path):
    path = digits_model[0]
    with np.load(path, allow_pickle=False) as npz:
        arrays = dict(npz)
    meta = json.loads(bytes(arrays["config"]).decode())
    meta["format_version"] = 1
    arrays["config"] = np.array(json.dumps(meta))
    arrays["history"] = np.array(json.dumps([record(1).to_dict()]))
    del arrays["history.fields"]
    np.savez(tmp_path / "v1.npz", **arrays)
    model = load_model(tmp_path / "v1.npz")
    assert model.history == (record(1),)


def test_a_history_without_validation_columns_reads_them_as_missing(digits_model, tmp_path):
    """Files written before the validation split have 9 history columns: they still load, the
    validation metrics missing (None); the other columns are read by name, not position."""
    path = digits_model[0]
    with np.load(path, allow_pickle=False) as npz:
        arrays = dict(npz)
    names = bytes(arrays["history.fields"]).decode().split(",")
    keep = [i for i, n in enumerate(names) if not n.startswith("val_")]
    assert len(keep) == 9
    arrays["history"] = arrays["history"][:, keep]
    arrays["history.fields"] = np.frombuffer(
        ",".join(names[i] for i in keep).encode(), dtype=np.uint8
    )
    np.savez(tmp_path / "old.npz", **arrays)
    model = load_model(tmp_path / "old.npz")
    assert model.history == (record(1), record(2, 0.25))
    assert model.history[-1].val_loss is None and model.history[-1].test_loss == 0.35
