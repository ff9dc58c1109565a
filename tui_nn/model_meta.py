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

import json
import math
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Header:
    """What a member of the archive declares, read without inflating its data."""

    shape: tuple[int, ...]
    dtype: np.dtype
    stored: int  # bytes in the archive (compressed)
    size: int  # bytes once inflated

    @property
    def nbytes(self) -> int:
        return int(np.prod(self.shape, dtype=object)) * self.dtype.itemsize


MAX_INFLATION = 100  # a member that inflates more than this many times is not a model's numbers
SMALL_ENTRY = 1 << 20  # ... unless it is this small (a zero bias compresses very well)


def check_headers(path: Path) -> dict[str, Header]:
    """Every member's .npy header, by entry name, checked before anything is inflated: it must
    describe no more data than the member holds (a crafted shape of terabytes), and a
    compressed member must not inflate more than MAX_INFLATION times (a 1.6 MB member declaring
    a (4, 100000000) array: a zip bomb, not a network's weights)."""
    from numpy.lib import format as npy

    headers: dict[str, Header] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if not info.filename.endswith(".npy"):
                    continue
                key = info.filename.removesuffix(".npy")
                if info.file_size > SMALL_ENTRY and info.file_size > MAX_INFLATION * max(
                    info.compress_size, 1
                ):
                    raise MetaError(
                        f"{path}: entry {key!r} inflates from {info.compress_size:,} to "
                        f"{info.file_size:,} bytes: a damaged or crafted model file"
                    )
                with zf.open(info) as member:
                    version = npy.read_magic(member)
                    if version == (1, 0):
                        shape, _, dtype = npy.read_array_header_1_0(member)
                    else:
                        shape, _, dtype = npy.read_array_header_2_0(member)
                    header = member.tell()
                found = Header(tuple(shape), dtype, info.compress_size, info.file_size - header)
                headers[key] = found
                if dtype.hasobject:
                    raise MetaError(
                        f"{path}: entry {key!r} holds pickled Python objects; "
                        "tui-nn never loads pickles"
                    )
                if found.nbytes > found.size:
                    raise MetaError(
                        f"{path}: entry {key!r} claims shape {found.shape} ({found.nbytes:,} "
                        f"bytes) but holds {max(found.size, 0):,} bytes: a damaged or crafted "
                        "model file"
                    )
    except MetaError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError) as exc:
        raise MetaError(f"{path}: damaged or truncated model file ({_first(exc)})") from None
    return headers


def expect_header(
    path: Path,
    headers: dict[str, Header],
    key: str,
    shape: tuple[int, ...],
    kind: str = "f",
    needs: str = "the stored network needs",
) -> None:
    """The declared shape of entry `key` must be `shape` (and its type of `kind`), checked
    before the entry is read."""
    found = headers[key]
    if found.shape != shape:
        raise MetaError(f"{path}: entry {key!r} has shape {found.shape}; {needs} {shape}")
    if found.dtype.kind not in kind:
        raise MetaError(f"{path}: entry {key!r} holds {found.dtype}, not floating-point numbers")


# ---- reading the entries, each only when asked for ----------------------------------------

MAX_TEXT_BYTES = 64 << 20  # the JSON entries: a network's settings and names, a format-1 history


class Entries:
    """The archive's entries by name, each inflated only when asked for, after its header was
    checked (`check_headers`; `expect` for the shape the caller needs). Raises MetaError."""

    def __init__(self, path: Path, npz: Any, headers: dict[str, Header]) -> None:
        self.path, self.npz, self.headers = path, npz, headers

    def __contains__(self, key: str) -> bool:
        return key in self.headers or key in self.npz.files

    def header(self, key: str) -> Header:
        if key not in self.headers:  # a zip member that is not .npy
            raise MetaError(
                f"{self.path}: not a tui-nn model file (entry {key!r} is not a NumPy array)"
            )
        return self.headers[key]

    def expect(self, key: str, shape: tuple[int, ...], needs: str = "the stored network needs") -> None:
        self.header(key)
        expect_header(self.path, self.headers, key, shape, "f", needs)

    def __getitem__(self, key: str) -> np.ndarray:
        path = self.path
        try:
            value = self.npz[key]
        except ValueError as exc:
            if "allow_pickle" in str(exc) or "Object arrays" in str(exc):
                raise MetaError(
                    f"{path}: entry {key!r} holds pickled Python objects; "
                    "tui-nn never loads pickles"
                ) from None
            raise MetaError(f"{path}: damaged or truncated model file ({_first(exc)})") from None
        except (zipfile.BadZipFile, EOFError, OSError, KeyError) as exc:
            raise MetaError(f"{path}: damaged or truncated model file ({_first(exc)})") from None
        except MemoryError:
            raise MetaError(f"{path}: entry {key!r} is too large to load") from None
        if not isinstance(value, np.ndarray):  # a zip member that is not .npy
            raise MetaError(f"{path}: not a tui-nn model file (entry {key!r} is not a NumPy array)")
        return value


@contextmanager
def open_entries(path: Path) -> Iterator[Entries]:
    """The model file's entries, their headers checked, nothing inflated yet."""
    headers = check_headers(path)
    try:
        npz = np.load(path, allow_pickle=False)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise MetaError(f"{path}: damaged or truncated model file ({_first(exc)})") from None
    with npz:
        yield Entries(path, npz, headers)


def text_entry(entries: Entries, key: str) -> str:
    """A text entry: (n,) uint8 UTF-8 bytes, or (format 1) a 0-d unicode string."""
    path, header = entries.path, entries.header(key)
    if header.nbytes > MAX_TEXT_BYTES:
        raise MetaError(
            f"{path}: entry {key!r} declares {header.nbytes:,} bytes of text (at most "
            f"{MAX_TEXT_BYTES:,}): a damaged or crafted model file"
        )
    arr = entries[key]
    if arr.ndim == 1 and arr.dtype == np.uint8:
        try:
            return arr.tobytes().decode("utf-8")
        except UnicodeDecodeError:
            raise MetaError(f"{path}: entry {key!r} is not UTF-8 text") from None
    if arr.ndim == 0 and arr.dtype.kind == "U":  # format 1
        return str(arr[()])
    raise MetaError(f"{path}: entry {key!r} is not a JSON string")


def json_entry(entries: Entries, key: str) -> Any:
    try:
        return json.loads(text_entry(entries, key))
    except json.JSONDecodeError as exc:
        raise MetaError(f"{entries.path}: entry {key!r} is not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise MetaError(f"{entries.path}: entry {key!r} is nested too deeply") from None


def _first(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
