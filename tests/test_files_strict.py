"""A model file is read strictly (issue 25): every field of its configuration checked as the
options check it, both format numbers checked, and no entry inflated before its declared size
is known to be right."""

from __future__ import annotations

import json
import tracemalloc
import zipfile

import numpy as np
import pytest

from tui_nn.config import RunConfig
from tui_nn.data import load_dataset
from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.network import Network
from tui_nn.files import FORMAT_VERSION, ModelFileError, load_model, save_model


@pytest.fixture
def model(tmp_path):
    config = RunConfig(dataset=DatasetSpec("xor", samples=40), hidden=(4,))
    dataset = load_dataset(config.dataset)
    net = Network.from_spec(config.network_spec(dataset))
    path = tmp_path / "m.npz"
    save_model(path, net, config, dataset, elapsed=12.5)
    return path


def arrays_of(path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as npz:
        return dict(npz)


def changed(src, dst, meta_change=None, **entries):
    arrays = arrays_of(src)
    if meta_change is not None:
        meta = json.loads(arrays["config"].tobytes())
        meta_change(meta)
        arrays["config"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    for key, value in entries.items():
        if value is None:
            del arrays[key]
        else:
            arrays[key] = value
    np.savez(dst, **arrays)
    return dst


def refused(path) -> str:
    with pytest.raises(ModelFileError) as info:
        load_model(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{path}: ")
    return message


def test_the_elapsed_time_is_kept(model):
    assert load_model(model).elapsed == 12.5


def set_in(path: str, value):
    def change(meta):
        *parents, last = path.split(".")
        node = meta
        for key in parents:
            node = node[key]
        node[last] = value

    return change


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("run.hyper.lr", -1, "bad field run.hyper.lr: -1 is out of range (must be a number > 0)"),
        ("run.hyper.lr", "0.1", "bad field run.hyper.lr: '0.1' is not a number"),
        ("run.hyper.batch_size", 2.5, "run.hyper.batch_size: 2.5 is not a whole number"),
        ("run.hyper.optimizer", "sgdd", "run.hyper.optimizer: unknown value 'sgdd'"),
        ("run.hyper.momentum", True, "run.hyper.momentum: True is not a number"),
        ("run.hyper.lr_min", 5.0, "run.hyper.lr_min: 5 is above the learning rate 0.03"),
        ("run.activation", "evil", "bad field run.activation: unknown value 'evil'"),
        ("run.hidden", [4, "x"], "bad field run.hidden"),
        ("run.dataset.name", "nope", "bad field run.dataset.name: unknown dataset 'nope'"),
        ("run.dataset.test_fraction", 1.5, "run.dataset.test_fraction: 1.5 is out of range"),
        ("run.checkpoint_every", 0, "run.checkpoint_every: 0 is out of range"),
        ("run.dtype", "float16", "bad field run.dtype: unknown value 'float16'"),
        ("run", [1, 2], "bad field run.run: expected a table of settings"),
        ("network.hidden.0.activation", "evil", "unknown activation 'evil' for hidden layer 1"),
        ("network.output.activation", "evil", "bad field network: unknown output activation"),
        ("network.hidden.0.units", "4", "bad field network: hidden layer 1: units must be a whole"),
        ("network.loss", "hinge", "bad field network: unknown loss 'hinge'"),
        ("network.seed", -3, "bad field network: seed must be a whole number >= 0"),
        ("elapsed", "long", "bad 'elapsed' 'long'"),
        ("format_version", 99, "written by a newer tui-nn (model format 99"),
        ("format_version", "2", "bad or missing format_version '2' in its config"),
        ("format_version", None, "bad or missing format_version None in its config"),
    ],
)
def test_every_field_is_checked_and_named(model, tmp_path, field, value, words):
    if field.startswith("network.hidden.0."):
        key = field.rsplit(".", 1)[1]

        def change(meta):
            meta["network"]["hidden"][0][key] = value
    else:
        change = set_in(field, value)
    assert words in refused(changed(model, tmp_path / "bad.npz", change))


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        (None, "no format_version entry"),
        (np.array(99), "written by a newer tui-nn (model format 99"),
        (np.array("2"), "bad format_version entry (text, shape (); expected a whole number)"),
        (np.array([2, 2]), "bad format_version entry (int64, shape (2,)"),
        (np.array(0), "bad format_version entry 0 (1 or more)"),
    ],
)
def test_the_top_level_format_version_is_checked(model, tmp_path, entry, words):
    assert words in refused(changed(model, tmp_path / "bad.npz", format_version=entry))


def test_a_good_file_with_unknown_extra_entries_loads_without_reading_them(model, tmp_path):
    path = changed(model, tmp_path / "extra.npz", notes=np.zeros((1000, 1000)))
    loaded = load_model(path)
    assert loaded.spec.sizes == (2, 4, 1) and loaded.config.hidden == (4,)


def craft(src, dst, key, shape, fill=bytes, compression=zipfile.ZIP_DEFLATED):
    """`src` with entry `key` replaced by a compressed member declaring `shape` (float32)."""
    arrays = {k: v for k, v in arrays_of(src).items() if k != key}
    np.savez(dst, **arrays)
    n = int(np.prod(shape)) * 4
    with zipfile.ZipFile(dst, "a", compression=compression, compresslevel=1) as zf:
        with zf.open(key + ".npy", "w", force_zip64=True) as f:
            header = {"descr": "<f4", "fortran_order": False, "shape": shape}
            np.lib.format.write_array_header_1_0(f, header)
            chunk = 1 << 22
            for start in range(0, n, chunk):
                f.write(fill(min(chunk, n - start)))
    return dst


def peak_bytes_of_refusal(path) -> tuple[str, int]:
    tracemalloc.start()
    try:
        message = refused(path)
        return message, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("key", ["layer0.weight", "history", "junk"])
def test_a_compressed_entry_that_would_inflate_hugely_is_refused_before_inflating(
    model, tmp_path, key
):
    """80 MB of zeros in a few hundred KB (a zip bomb): refused by its header, nothing
    allocated (the old reader inflated it whole, 1.6 GB for the issue's file)."""
    path = craft(model, tmp_path / "bomb.npz", key, (4, 5_000_000))
    assert path.stat().st_size < 2_000_000
    message, peak = peak_bytes_of_refusal(path)
    assert f"entry {key!r} inflates from" in message and "crafted" in message
    assert peak < 10_000_000


def test_a_weight_entry_of_the_wrong_declared_shape_is_refused_before_it_is_read(model, tmp_path):
    rng = np.random.default_rng(0)
    path = craft(
        model, tmp_path / "wide.npz", "layer0.weight", (4, 4_000_000), rng.bytes, zipfile.ZIP_STORED
    )
    message, peak = peak_bytes_of_refusal(path)
    assert (
        "entry 'layer0.weight' has shape (4, 4000000); the stored network needs (4, 2)" in message
    )
    assert peak < 8_000_000  # the 64 MB entry was never inflated


def test_a_history_of_absurd_length_is_refused_by_its_header(model, tmp_path, monkeypatch):
    import tui_nn.files as files
    from tui_nn.engine.history import FIELDS as HISTORY_FIELDS

    monkeypatch.setattr(files, "MAX_HISTORY_ROWS", 1000)
    path = changed(model, tmp_path / "long.npz", history=np.full((1001, 9), np.nan))
    assert "entry 'history' declares 1,001 epochs (a stored history holds at most 1,000)" in (
        refused(path)
    )
    path = changed(model, tmp_path / "narrow.npz", history=np.full((10, 3), np.nan))
    columns = len(HISTORY_FIELDS)
    assert f"entry 'history' has shape (10, 3); its history.fields need (10, {columns})" in (
        refused(path)
    )


def test_format_versions_this_version_reads(model, tmp_path):
    assert FORMAT_VERSION == 2
    path = changed(
        model, tmp_path / "v1.npz", set_in("format_version", 1), format_version=np.array(1)
    )
    assert load_model(path).spec.sizes == (2, 4, 1)  # format 1 numbers (the layout is read as is)
