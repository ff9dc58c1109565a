"""The 8x8 handwritten digits shipped with the package (no download needed).

`files/digits.csv.gz` is byte-for-byte the copy bundled with scikit-learn
(sklearn/datasets/data/digits.csv.gz): 1797 rows of 64 pixel counts (0..16) and the digit.
It is the test part of the UCI "Optical Recognition of Handwritten Digits" set by
E. Alpaydin and C. Kaynak, CC BY 4.0; see datasets/README.md for provenance.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

import numpy as np

from tui_nn.data.spec import DataError

DIGITS_FILE = Path(__file__).parent / "files" / "digits.csv.gz"
DIGITS_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
DIGITS_SAMPLES = 1797
DIGITS_PIXEL_MAX = 16


@lru_cache(maxsize=1)
def _read_digits(path: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        with gzip.open(path, "rt", encoding="ascii") as f:
            table = np.loadtxt(f, delimiter=",", dtype=np.int64)
    except (OSError, EOFError, ValueError) as exc:
        raise DataError(f"{path}: cannot read the shipped digits file: {exc}") from None
    if table.shape != (DIGITS_SAMPLES, 65):
        raise DataError(f"{path}: expected 1797 rows of 65 numbers, got shape {table.shape}")
    X, y = table[:, :64], table[:, 64]
    if X.min() < 0 or X.max() > DIGITS_PIXEL_MAX or y.min() < 0 or y.max() > 9:
        raise DataError(f"{path}: values out of range (pixels 0..16, labels 0..9)")
    X8 = X.astype(np.uint8)
    y64 = y.astype(np.int64)
    X8.setflags(write=False)
    y64.setflags(write=False)
    return X8, y64


def load_digits(path: Path = DIGITS_FILE) -> tuple[np.ndarray, np.ndarray]:
    """(X uint8 (1797, 64) with pixels 0..16, y int64 (1797,) digits 0..9), read-only."""
    if not path.is_file():
        raise DataError(f"{path}: the shipped digits file is missing; reinstall tui-nn")
    return _read_digits(str(path))
