"""Bounded metric history: memory that does not grow with the length of a run.

`MetricHistory` keeps the epoch records of a run as compact NumPy columns (one float64 array
per field of `EpochRecord`, NaN for a missing value). The newest RECENT epochs are kept at full
resolution. When the store is full, the older part is thinned: the epoch axis is cut into buckets
(a power-of-two number of epochs wide, so that at most OLD_BUCKETS remain) and each bucket keeps
only what a plot needs from it:

- its first record,
- the records holding the minimum and the maximum of every metric (train/validation/test
  loss and accuracy, learning rate), so spikes and the envelope of a noisy curve survive,
- the records where the learning rate changed (a settings change), up to MAX_CHANGES a bucket
  (a schedule that changes it every epoch is thinned like a curve beyond that).

A plot draws the minimum and maximum of each of its columns (ui/widgets/series.py), so as long
as a bucket is no wider than a column, the thinned history draws the same picture. Thinning
thinned data again keeps the true minima and maxima (min of mins), so the rule can be applied
any number of times. Every epoch, unthinned, goes to the metrics JSON Lines file on disk.

`RecordBlock` is a read-only sequence of EpochRecord backed by one (n, 11) float64 array: what
snapshots carry and what the model file stores (pickles and `.npz` entries of a few numbers per
record instead of a Python object each).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields

import numpy as np

from tui_nn.engine.types import EpochRecord

FIELDS: tuple[str, ...] = tuple(f.name for f in fields(EpochRecord))
INTS = ("epoch", "step", "samples")
OPTIONAL = ("test_loss", "train_acc", "test_acc", "val_loss", "val_acc")
EXTREMES = (
    "train_loss",
    "test_loss",
    "train_acc",
    "test_acc",
    "lr",
    "val_loss",
    "val_acc",
)  # min and max kept
_COL = {name: i for i, name in enumerate(FIELDS)}

RECENT = 2048  # newest epochs always at full resolution
OLD_BUCKETS = 512  # the thinned part has at most this many buckets
CAPACITY = 6144  # stored points before the older part is thinned again
MAX_CHANGES = 4  # learning-rate changes kept per bucket beyond the extremes


def to_row(record: EpochRecord) -> list[float]:
    return [np.nan if (v := getattr(record, name)) is None else float(v) for name in FIELDS]


def from_row(row: np.ndarray) -> EpochRecord:
    values = {}
    for name, v in zip(FIELDS, row.tolist()):
        if name in INTS:
            values[name] = int(v)
        elif v != v:  # NaN: missing (or non-finite: files have always stored those as null)
            values[name] = None
        else:
            values[name] = v
    return EpochRecord(**values)


class RecordBlock(Sequence):
    """An immutable sequence of EpochRecord stored as one (n, len(FIELDS)) float64 array."""

    __slots__ = ("data",)

    def __init__(self, data: np.ndarray | None = None) -> None:
        if data is None:
            data = np.empty((0, len(FIELDS)), dtype=np.float64)
        data = np.asarray(data, dtype=np.float64)
        if data.ndim != 2 or data.shape[1] != len(FIELDS):
            raise ValueError(f"a record block is (n, {len(FIELDS)}), got {data.shape}")
        self.data = data

    @classmethod
    def of(cls, records: Iterable[EpochRecord]) -> RecordBlock:
        if isinstance(records, RecordBlock):
            return records
        rows = [to_row(r) for r in records]
        return cls(np.array(rows, dtype=np.float64).reshape(len(rows), len(FIELDS)))

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index):  # noqa: ANN001 - int or slice
        if isinstance(index, slice):
            return RecordBlock(self.data[index])
        return from_row(self.data[index])

    def __iter__(self) -> Iterator[EpochRecord]:
        for row in self.data:
            yield from_row(row)

    def __add__(self, other: Iterable[EpochRecord]) -> RecordBlock:
        other = RecordBlock.of(other)
        if not len(other):
            return self
        if not len(self):
            return other
        return RecordBlock(np.concatenate([self.data, other.data]))

    def __radd__(self, other: Iterable[EpochRecord]) -> RecordBlock:
        return RecordBlock.of(other) + self

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (RecordBlock, tuple, list)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RecordBlock({len(self)} records)"

    def column(self, name: str) -> np.ndarray:
        return self.data[:, _COL[name]]

    def __getstate__(self) -> np.ndarray:
        return self.data

    def __setstate__(self, state: np.ndarray) -> None:
        self.data = state


def bucket_width(span: float, buckets: int) -> float:
    """The smallest power of two (in epochs, at least 1) that cuts `span` into <= `buckets`."""
    width = 1.0
    while span / width > buckets:
        width *= 2.0
    return width


def _segment_arg(keys: np.ndarray, values: np.ndarray, largest: bool) -> np.ndarray:
    """Per segment of equal `keys` (sorted), the index of the first min (or max) of `values`,
    NaNs ignored (a segment of NaNs only gives its first index)."""
    v = np.where(np.isnan(values), np.inf, -values if largest else values)
    order = np.lexsort((np.arange(len(v)), v, keys))
    first = np.concatenate(([True], keys[order][1:] != keys[order][:-1]))
    return order[first]


def thin_indices(
    x: np.ndarray, columns: Sequence[np.ndarray], width: float, changes: np.ndarray | None = None
) -> np.ndarray:
    """Indices (sorted) of the points to keep when `x` (ascending) is cut into buckets of
    `width`: each bucket's first point, the first min and max of every column, and up to
    MAX_CHANGES of the points flagged in `changes`."""
    if len(x) == 0:
        return np.empty(0, dtype=np.int64)
    keys = np.floor(x / width).astype(np.int64)
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    keep = [starts]
    for col in columns:
        keep.append(_segment_arg(keys, col, largest=False))
        keep.append(_segment_arg(keys, col, largest=True))
    if changes is not None and changes.any():
        where = np.flatnonzero(changes)
        bucket = keys[where]
        rank = np.arange(len(where)) - np.searchsorted(bucket, bucket, side="left")
        keep.append(where[rank < MAX_CHANGES])
    return np.unique(np.concatenate(keep))


class MetricHistory:
    """The bounded history of one run (see the module doc). Behaves like a sequence of
    EpochRecord for its readers: `len`, iteration, `[-1]`, `append`, `extend`."""

    def __init__(
        self,
        records: Iterable[EpochRecord] = (),
        recent: int = RECENT,
        old_buckets: int = OLD_BUCKETS,
        capacity: int = CAPACITY,
    ) -> None:
        if capacity < recent + 3 * old_buckets // 2:
            raise ValueError("capacity must leave room for the thinned part")
        self.recent, self.old_buckets, self.capacity = recent, old_buckets, capacity
        self._data = np.empty((capacity, len(FIELDS)), dtype=np.float64)
        self._n = 0
        self.total = 0  # records ever appended (thinned ones included)
        self.width = 1.0  # epochs per bucket of the thinned part
        self.extend(records)

    def __len__(self) -> int:
        return self._n

    def __bool__(self) -> bool:
        return self._n > 0

    def __iter__(self) -> Iterator[EpochRecord]:
        return iter(self.block())

    def __getitem__(self, index):  # noqa: ANN001 - int or slice
        return self.block()[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (MetricHistory, RecordBlock, tuple, list)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"MetricHistory({self._n} points of {self.total} epochs, bucket {self.width:g})"

    def append(self, record: EpochRecord) -> None:
        if self._n == self.capacity:
            self._thin()
        self._data[self._n] = to_row(record)
        self._n += 1
        self.total += 1

    def extend(self, records: Iterable[EpochRecord]) -> None:
        if isinstance(records, (RecordBlock, MetricHistory)):
            block = records.block() if isinstance(records, MetricHistory) else records
            for start in range(0, len(block), self.capacity // 2):
                rows = block.data[start : start + self.capacity // 2]
                if self._n + len(rows) > self.capacity:
                    self._thin()
                self._data[self._n : self._n + len(rows)] = rows
                self._n += len(rows)
                self.total += len(rows)
            return
        for record in records:
            self.append(record)

    def clear(self) -> None:
        self._n, self.total, self.width = 0, 0, 1.0

    def block(self) -> RecordBlock:
        """A copy of what is stored, as a RecordBlock (oldest first)."""
        return RecordBlock(self._data[: self._n].copy())

    def since(self, count: int) -> RecordBlock:
        """The records appended after the first `count` ever appended (for snapshot deltas:
        pass the `total` of the previous call); all that is stored if thinning took them."""
        new = self.total - count
        if new <= 0:
            return RecordBlock()
        return RecordBlock(self._data[max(self._n - new, 0) : self._n].copy())

    def _thin(self) -> None:
        """Thin everything but the newest `recent` points until there is room again."""
        n_old = self._n - self.recent
        old = self._data[:n_old]
        x = old[:, _COL["epoch"]]
        span = x[-1] - x[0] + 1 if n_old else 0.0
        self.width = max(self.width, bucket_width(span, self.old_buckets))
        lr = old[:, _COL["lr"]]
        changes = np.concatenate(([False], lr[1:] != lr[:-1]))
        while True:
            keep = thin_indices(x, [old[:, _COL[c]] for c in EXTREMES], self.width, changes)
            if len(keep) + self.recent <= self.capacity - self.old_buckets // 2:
                break
            self.width *= 2.0
        kept = old[keep]
        tail = self._data[n_old : self._n].copy()
        self._data[: len(kept)] = kept
        self._data[len(kept) : len(kept) + len(tail)] = tail
        self._n = len(kept) + len(tail)
