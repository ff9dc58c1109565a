"""Files on disk: the model file (.npz), TOML files and metrics (JSON Lines).

What a run configuration file may hold is the CLI's business (`tui_nn.cli.options`); this
module only reads TOML. Messages name the file, never a command-line flag.

The model file is a plain NumPy ``.npz`` archive that any program can read without tui-nn:

    layer0.weight   (n_out, n_in)   float32 or float64   z = W @ x + b  (torch.nn.Linear layout)
    layer0.bias     (n_out,)
    layer1.weight ...               one pair per layer, hidden layers first, the output last
    config          (n,) uint8      UTF-8 bytes of JSON: format version, network spec, run
                                    configuration, input normalisation, class names, task, scale
    history         (n, k) float64  the metric history (bounded: recent epochs in full, older
                                    ones thinned, see tui_nn/engine/history.py), NaN = missing
    history.fields  (n,) uint8      UTF-8 bytes: the column names of `history`, comma-separated
    format_version  0-d int64       the same number as in `config`

Format 1 stored `config` and `history` as 0-d unicode strings of JSON (4 bytes a character, one
JSON object per epoch); such files are still read.

Nothing in it is pickled, and it is read with ``allow_pickle=False``. Every file here is
written atomically: into a temporary file next to the target, then renamed over it, so a
crash or Ctrl-C never leaves a half-written model behind.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import IO, Any

import numpy as np

from tui_nn import __version__
from tui_nn.atomic import atomic_write
from tui_nn.config import RunConfig, checked_run_config
from tui_nn.engine.history import FIELDS as HISTORY_FIELDS
from tui_nn.engine.history import RecordBlock
from tui_nn.engine.network import validate_spec
from tui_nn.engine.spec import NetworkSpec, SpecError
from tui_nn.engine.types import EpochRecord
from tui_nn.errors import one_line
from tui_nn.kinds import Task
from tui_nn.model_meta import (
    Entries,
    MetaError,
    check_meta,
    json_entry,
    open_entries,
    text_entry,
)
from tui_nn.rule import RuleError

FORMAT_VERSION = 2
"""Bump when the layout changes; a file with a higher number is refused with a clear message."""


class ModelFileError(ValueError):
    """A model file that cannot be read or written; the message is one line naming the file."""


class ConfigError(ValueError):
    """A configuration file (TOML) that cannot be used; one line naming the file and the key."""


# ---- the model file -----------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedModel:
    """Everything a model file holds, ready for `Network.from_params(spec, params)`."""

    spec: NetworkSpec
    params: list[tuple[np.ndarray, np.ndarray]]  # per layer (W (n_out, n_in), b (n_out,))
    config: RunConfig
    normalization: dict[str, Any] | None  # raw inputs -> network inputs (tui_nn.data.normalize)
    class_names: tuple[str, ...] | None
    history: RecordBlock = field(default_factory=RecordBlock)  # EpochRecords, oldest first
    target_normalization: dict[str, Any] | None = None  # regression: y = out * scale + shift
    task: Task | None = None  # None when saved without data
    input_scale: float = 1.0  # what the training data's X was multiplied by (images: 1/255)
    feature_names: tuple[str, ...] | None = None
    dataset_name: str | None = None
    features: tuple[str, ...] | None = None  # feature inputs computed from the two raw inputs
    elapsed: float | None = None  # seconds the run had trained when saved (None: not stored)


def save_model(
    path: str | os.PathLike[str],
    net: Any,
    config: RunConfig,
    dataset: Any = None,
    history: Iterable[EpochRecord] = (),
    elapsed: float | None = None,
) -> Path:
    """Write `net` (its spec and parameters), the run configuration, the dataset's input
    normalisation and class names, the metric history and (`elapsed`) the seconds the run
    has trained to `path`, atomically."""
    path = Path(path)
    spec: NetworkSpec = net.spec
    params = net.get_params()
    if len(params) != len(spec.layers):
        raise ModelFileError(f"{path}: network has {len(params)} layers, spec {len(spec.layers)}")
    meta: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "writer": f"tui-nn {__version__}",
        "network": spec.to_dict(),
        "run": config.to_dict(),
        "normalization": None,
        "class_names": None,
        "feature_names": None,
        "task": None,
        "input_scale": 1.0,
        "dataset_name": config.dataset.name,
        "target_normalization": None,
        "features": None,
        "elapsed": None if elapsed is None else float(elapsed),
    }
    if dataset is not None:
        meta.update(
            normalization=dataset.normalization,
            class_names=_list_or_none(dataset.class_names),
            feature_names=_list_or_none(dataset.feature_names),
            task=dataset.task,
            input_scale=float(dataset.input_scale),
            dataset_name=dataset.name,
            target_normalization=getattr(dataset, "target_normalization", None),
            features=_list_or_none(getattr(dataset, "features", None)),
        )
    dtype = np.dtype(spec.dtype)
    arrays: dict[str, np.ndarray] = {}
    for i, (W, b) in enumerate(params):
        arrays[f"layer{i}.weight"] = np.ascontiguousarray(W, dtype=dtype)
        arrays[f"layer{i}.bias"] = np.ascontiguousarray(b, dtype=dtype)
    arrays["config"] = utf8_array(json.dumps(meta, allow_nan=False))
    arrays["history"] = RecordBlock.of(history).data
    arrays["history.fields"] = utf8_array(",".join(HISTORY_FIELDS))
    arrays["format_version"] = np.array(FORMAT_VERSION, dtype=np.int64)
    try:
        with atomic_write(path, "wb") as f:
            np.savez(f, **arrays)
    except OSError as exc:
        raise ModelFileError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def load_model(path: str | os.PathLike[str]) -> LoadedModel:
    """Read a model file written by `save_model`. Never unpickles, never inflates an entry
    before its declared shape is checked, reads only the entries it knows. Any problem
    (missing, not a zip, truncated, pickled content, another format, a field of the wrong type
    or out of its option's range, inconsistent shapes) raises ModelFileError with one line
    naming the file and the field."""
    path = Path(path)
    _check_magic(path)
    try:
        with open_entries(path) as entries:
            meta = _read_meta(path, entries)
            spec, config = _read_config(path, meta)
            params = _read_params(path, entries, spec)
            history = _read_history(path, entries)
        checked = check_meta(path, meta, spec.n_inputs, spec.output.units)
        checked["features"] = _features(path, meta.get("features"), spec.n_inputs)
        elapsed = _elapsed(path, meta.get("elapsed"))
    except MetaError as exc:
        raise ModelFileError(str(exc)) from None
    return LoadedModel(
        spec=spec, params=params, config=config, history=history, elapsed=elapsed, **checked
    )


def _read_config(path: Path, meta: dict[str, Any]) -> tuple[NetworkSpec, RunConfig]:
    """The network and the run configuration, every field checked as the options check it."""
    try:
        spec = validate_spec(NetworkSpec.from_dict(meta.get("network")))
    except (SpecError, KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(f"{path}: bad field network: {one_line(exc)}") from None
    try:
        config = checked_run_config(meta.get("run") or {})
    except (RuleError, SpecError, TypeError, ValueError) as exc:
        raise ModelFileError(f"{path}: bad field run.{one_line(exc)}") from None
    return spec, config


def _elapsed(path: Path, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise MetaError(f"{path}: bad 'elapsed' {value!r} (seconds, a number >= 0)")
    return float(value)


_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def _features(path: Path, value: Any, n_inputs: int) -> tuple[str, ...] | None:
    """The model's feature inputs: known names, one per network input (data/features.py)."""
    from tui_nn.data.features import FEATURES

    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise MetaError(f"{path}: bad 'features' {value!r} (a list of feature names)")
    unknown = [v for v in value if v not in FEATURES]
    if unknown:
        raise MetaError(
            f"{path}: unknown feature {unknown[0]!r} (one of: {', '.join(FEATURES)})"
        )
    if len(value) != n_inputs or len(set(value)) != len(value):
        raise MetaError(
            f"{path}: 'features' names {len(value)} inputs; the network has {n_inputs}"
        )
    return tuple(value)


def _check_magic(path: Path) -> None:
    try:
        with open(path, "rb") as f:
            head = f.read(6)
    except OSError as exc:
        raise ModelFileError(_unreadable(path, exc, "is a directory, not a model file")) from None
    if head.startswith(_ZIP_MAGIC):
        return
    if head.startswith(b"\x80"):
        raise ModelFileError(f"{path}: is a Python pickle; tui-nn never loads pickles")
    if head.startswith(b"\x93NUMPY"):
        raise ModelFileError(f"{path}: is a single .npy array, not a tui-nn model (.npz)")
    if not head:
        raise ModelFileError(f"{path}: is empty, not a tui-nn model file")
    raise ModelFileError(f"{path}: not a tui-nn model file (expected a .npz archive)")


def _unreadable(path: Path, exc: OSError, directory: str = "is a directory") -> str:
    """The one-line reason a file could not be opened for reading."""
    if isinstance(exc, FileNotFoundError):
        return f"{path}: no such file"
    if isinstance(exc, IsADirectoryError):
        return f"{path}: {directory}"
    return f"{path}: cannot read ({exc.strerror or exc})"


def _read_meta(path: Path, entries: Entries) -> dict[str, Any]:
    """The `config` entry, once both format numbers (the top-level entry and the config's own)
    say this version reads it."""
    if "config" not in entries:
        raise ModelFileError(f"{path}: not a tui-nn model file (no 'config' entry)")
    meta = json_entry(entries, "config")
    if not isinstance(meta, dict):
        raise ModelFileError(f"{path}: bad 'config' entry (not a JSON object)")
    _check_version(path, _format_version(path, entries), "format_version entry")
    inner = meta.get("format_version")
    if isinstance(inner, bool) or not isinstance(inner, int):
        raise ModelFileError(
            f"{path}: bad or missing format_version {inner!r} in its config (a whole number)"
        )
    _check_version(path, inner, "config's format_version")
    return meta


def _format_version(path: Path, entries: Entries) -> int:
    """The top-level `format_version` entry: a 0-d whole number."""
    if "format_version" not in entries:
        raise ModelFileError(f"{path}: no format_version entry (every tui-nn model file has one)")
    header = entries.header("format_version")
    if header.shape != () or header.dtype.kind not in "iu":
        kind = "text" if header.dtype.kind in "US" else str(header.dtype)
        raise ModelFileError(
            f"{path}: bad format_version entry ({kind}, shape {header.shape}; expected a whole "
            "number)"
        )
    return int(entries["format_version"][()])


def _check_version(path: Path, version: int, what: str) -> None:
    if version < 1:
        raise ModelFileError(f"{path}: bad {what} {version} (1 or more)")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{path}: written by a newer tui-nn (model format {version}; this version "
            f"{__version__} reads format {FORMAT_VERSION}): upgrade tui-nn"
        )


def utf8_array(text: str) -> np.ndarray:
    """Text as a (n,) uint8 array of its UTF-8 bytes (never a NumPy unicode string)."""
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8).copy()


def _read_params(
    path: Path, entries: Entries, spec: NetworkSpec
) -> list[tuple[np.ndarray, np.ndarray]]:
    extra = sorted(
        k for k in entries.headers
        if k.startswith("layer") and k.split(".")[0] not in _layer_names(spec)
    )  # fmt: skip
    if extra:
        raise ModelFileError(f"{path}: {extra[0]} does not belong to the stored network")
    params = []
    sizes = spec.sizes
    for i in range(len(spec.layers)):
        n_in, n_out = sizes[i], sizes[i + 1]
        wkey, bkey = f"layer{i}.weight", f"layer{i}.bias"
        if wkey not in entries or bkey not in entries:
            raise ModelFileError(f"{path}: missing {wkey} or {bkey}")
        entries.expect(wkey, (n_out, n_in))  # before a byte of either is inflated
        entries.expect(bkey, (n_out,))
        W, b = entries[wkey], entries[bkey]
        if not (np.isfinite(W).all() and np.isfinite(b).all()):
            raise ModelFileError(f"{path}: {wkey}/{bkey} hold non-finite values")
        params.append((W.astype(spec.dtype, copy=False), b.astype(spec.dtype, copy=False)))
    return params


def _layer_names(spec: NetworkSpec) -> set[str]:
    return {f"layer{i}" for i in range(len(spec.layers))}


MAX_HISTORY_ROWS = 1_000_000  # a stored history is thinned to a few thousand rows


def _read_history(path: Path, entries: Entries) -> RecordBlock:
    if "history" not in entries:
        return RecordBlock()
    if len(entries.header("history").shape) == 2:
        return _read_history_array(path, entries)
    items = json_entry(entries, "history")
    names = {f.name for f in fields(EpochRecord)}
    try:
        return RecordBlock.of(
            EpochRecord(**{k: v for k, v in d.items() if k in names}) for d in items
        )
    except (TypeError, AttributeError, ValueError) as exc:
        raise ModelFileError(f"{path}: bad 'history' entry ({one_line(exc)})") from None


def _read_history_array(path: Path, entries: Entries) -> RecordBlock:
    if "history.fields" not in entries:
        raise ModelFileError(f"{path}: 'history' without 'history.fields'")
    stored = text_entry(entries, "history.fields").split(",")
    rows = entries.header("history").shape[0]
    if rows > MAX_HISTORY_ROWS:
        raise ModelFileError(
            f"{path}: entry 'history' declares {rows:,} epochs (a stored history holds at most "
            f"{MAX_HISTORY_ROWS:,}): a damaged or crafted model file"
        )
    entries.expect("history", (rows, len(stored)), "its history.fields need")
    data = entries["history"]
    missing = [name for name in HISTORY_FIELDS if name not in stored and name not in LATER_FIELDS]
    if missing:
        raise ModelFileError(f"{path}: 'history' has no column {missing[0]!r}")
    out = np.full((len(data), len(HISTORY_FIELDS)), np.nan, dtype=np.float64)
    for i, name in enumerate(HISTORY_FIELDS):
        if name in stored:  # a column added later (validation) is missing (NaN) in older files
            out[:, i] = data[:, stored.index(name)]
    return RecordBlock(out)


LATER_FIELDS = ("val_loss", "val_acc")
"""History columns added after format 2 began: files written before them lack them."""


def _record_dict(record: EpochRecord) -> dict[str, Any]:
    d = record.to_dict()
    return {k: _json_number(v) for k, v in d.items()}


def _json_number(v: Any) -> Any:
    """JSON has no NaN/inf: store them as null (a diverged epoch's loss, say)."""
    if isinstance(v, float | np.floating):
        v = float(v)
        return v if np.isfinite(v) else None
    if isinstance(v, np.integer):
        return int(v)
    return v


def _list_or_none(items: Iterable[Any] | None) -> list[Any] | None:
    return None if items is None else list(items)



# ---- metrics (JSON Lines) -----------------------------------------------------------------


class MetricsWriter:
    """Appends one JSON object per epoch to a JSON Lines file, flushed after each line, so
    `tail -f` shows progress and an interrupted run keeps every completed epoch.

    The file is created (or truncated, or appended to with `append=True`) on open; each line
    is written with a single write so a reader never sees half a record."""

    def __init__(self, path: str | os.PathLike[str], append: bool = False) -> None:
        self.path = Path(path)
        if self.path.exists() and not self.path.is_file():  # a FIFO would block the open
            raise ConfigError(f"{self.path} is not a regular file")
        try:
            self._file: IO[str] | None = open(  # noqa: SIM115
                self.path, "a" if append else "w", encoding="utf-8"
            )
        except OSError as exc:
            raise ConfigError(f"cannot write {self.path}: {exc.strerror}") from None
        self.count = 0

    def write(self, record: EpochRecord | dict[str, Any]) -> None:
        assert self._file is not None, "MetricsWriter is closed"
        d = record if isinstance(record, dict) else record.to_dict()
        d = {k: _json_number(v) for k, v in d.items()}
        self._file.write(json.dumps(d, allow_nan=False) + "\n")
        self._file.flush()
        self.count += 1

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> MetricsWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_metrics(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Read a JSON Lines metrics file back (for tests and scripts)."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# ---- TOML -------------------------------------------------------------------------------


def read_toml(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse a TOML file into a dict; a missing or malformed file raises ConfigError."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    path = Path(path)
    try:
        with open(path, "rb") as f:
            data = f.read()
        text = data.decode("utf-8").removeprefix("\ufeff")  # a BOM (Windows editors) is fine
        return tomllib.loads(text)
    except OSError as exc:
        raise ConfigError(_unreadable(path, exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({one_line(exc)})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
