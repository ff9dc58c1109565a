"""A model file's content checked before anything uses it: the arrays' headers, and the
data-describing part of its `config` entry.

Every `.npy` header must describe no more bytes than its member holds (a crafted shape of
terabytes is refused before NumPy allocates anything).

A model file may be damaged or crafted: every field that later code divides by, indexes with
or prints is checked here, so a bad file is one line naming the field, never a NumPy warning,
a `nan` loss or an "unexpected" error.

    normalization          {"kind", "shift": [n_inputs floats], "scale": [n_inputs floats > 0]}
    target_normalization   regression only: {"shift": [n_outputs], "scale": [n_outputs > 0]};
                           the network's outputs are in standard units, y = out * scale + shift
    class_names            classification: one name per class
    feature_names          one name per input (with feature inputs: per raw input, 2)
    features               feature inputs (their own check is in files.py): the network's
                           inputs are these, computed from the 2 raw inputs
    task                   "classification" | "regression" | null
    input_scale            a finite number > 0 (images: 1/255)
"""

from __future__ import annotations

import math
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

TASKS = ("classification", "regression")


class MetaError(ValueError):
    """A field of a model file's config that cannot be used (the message names it)."""


def check_meta(path: Path, meta: dict[str, Any], n_inputs: int, n_outputs: int) -> dict[str, Any]:
    """The checked fields, as keyword arguments of `LoadedModel`. Raises MetaError."""
    task = meta.get("task")
    if task is not None and task not in TASKS:
        raise MetaError(f"{path}: bad 'task' {task!r} (one of: {', '.join(TASKS)}, or null)")
    if meta.get("features") is not None:  # feature inputs: normalised are the 2 raw inputs
        n_inputs = 2
    return {
        "normalization": _scaling(path, meta.get("normalization"), "normalization", n_inputs),
        "target_normalization": _scaling(
            path, meta.get("target_normalization"), "target_normalization", n_outputs
        ),
        "class_names": _names(path, meta.get("class_names"), "class_names"),
        "feature_names": _names(path, meta.get("feature_names"), "feature_names", n_inputs),
        "task": task,
        "input_scale": _positive(path, meta.get("input_scale", 1.0), "input_scale"),
        "dataset_name": _text_or_none(path, meta.get("dataset_name"), "dataset_name"),
    }


def _positive(path: Path, value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MetaError(f"{path}: bad {field!r} {value!r} (a number > 0)")
    if not (math.isfinite(value) and value > 0):
        raise MetaError(f"{path}: bad {field!r} {value!r} (a number > 0)")
    return float(value)


def _floats(path: Path, values: Any, field: str, n: int) -> list[float]:
    if not isinstance(values, list) or len(values) != n:
        count = len(values) if isinstance(values, list) else "no"
        raise MetaError(f"{path}: {field} holds {count} numbers; the network needs {n}")
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise MetaError(f"{path}: {field} holds {v!r}; expected finite numbers")
        out.append(float(v))
    return out


def _scaling(path: Path, record: Any, field: str, n: int) -> dict[str, Any] | None:
    if record is None:
        return None
    if not isinstance(record, dict):
        raise MetaError(f"{path}: bad {field!r} (not a JSON object)")
    shift = _floats(path, record.get("shift"), f"{field}.shift", n)
    scale = _floats(path, record.get("scale"), f"{field}.scale", n)
    for j, s in enumerate(scale):
        if s <= 0:
            raise MetaError(
                f"{path}: {field}.scale[{j}] is {s:g}; a scale must be > 0 (a damaged file?)"
            )
    features = record.get("features")
    if features is not None:
        features = _names(path, features, f"{field}.features", n)
    checked = {**record, "shift": shift, "scale": scale}
    if features is not None:
        checked["features"] = list(features)
    return checked


def _names(path: Path, items: Any, field: str, n: int | None = None) -> tuple[str, ...] | None:
    if items is None:
        return None
    if not isinstance(items, list) or not all(isinstance(x, str | int) for x in items):
        raise MetaError(f"{path}: bad {field!r} (a list of names)")
    if n is not None and len(items) != n:
        raise MetaError(f"{path}: {field} has {len(items)} names; the network has {n}")
    return tuple(str(x) for x in items)


def _text_or_none(path: Path, value: Any, field: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise MetaError(f"{path}: bad {field!r} {value!r} (text)")


def check_headers(path: Path) -> None:
    """Every member's .npy header must describe no more data than the member holds, so a
    crafted header (a shape of terabytes) is refused before NumPy allocates anything."""
    from numpy.lib import format as npy

    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if not info.filename.endswith(".npy"):
                    continue
                with zf.open(info) as member:
                    version = npy.read_magic(member)
                    if version == (1, 0):
                        shape, _, dtype = npy.read_array_header_1_0(member)
                    else:
                        shape, _, dtype = npy.read_array_header_2_0(member)
                    header = member.tell()
                if dtype.hasobject:
                    continue  # refused by name below, when it is read without pickles
                need = int(np.prod(shape, dtype=object)) * dtype.itemsize
                have = info.file_size - header
                if need > have:
                    key = info.filename.removesuffix(".npy")
                    raise MetaError(
                        f"{path}: entry {key!r} claims shape {tuple(shape)} ({need:,} bytes) but "
                        f"holds {max(have, 0):,} bytes: a damaged or crafted model file"
                    )
    except MetaError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise MetaError(f"{path}: damaged or truncated model file ({first})") from None
