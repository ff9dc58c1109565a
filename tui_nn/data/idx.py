"""The IDX file format of MNIST and Fashion-MNIST, raw or gzip-compressed.

An IDX file is a big-endian header and then the values, row-major:

    bytes 0-1  zero
    byte  2    element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32,
               0x0E float64
    byte  3    number of dimensions, d
    then d big-endian uint32 sizes, then prod(sizes) values

So the first four bytes read as one integer are the "magic number": 2049 (0x00000801) for a
vector of uint8 labels and 2051 (0x00000803) for a stack of uint8 images.
"""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path
from typing import BinaryIO

import numpy as np

from tui_nn.data.spec import DataError

MAX_BYTES = 1 << 31  # 2 GiB: MNIST's training images are 47 MB
MAGIC_LABELS = 2049
MAGIC_IMAGES = 2051
_TYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"


def _open(path: Path) -> BinaryIO:
    """The file, decompressed on the fly when it starts with the gzip magic bytes."""
    with open(path, "rb") as probe:
        head = probe.read(2)
    return gzip.open(path, "rb") if head == _GZIP_MAGIC else open(path, "rb")


def _read_exactly(f: BinaryIO, buffer: memoryview, chunk: int = 1 << 20) -> int:
    """Fill `buffer` from f, a megabyte at a time (a single huge read would make gzip hold
    a second full-size copy); returns how many bytes arrived (fewer at end of file)."""
    done = 0
    while done < len(buffer):
        got = f.readinto(buffer[done : done + chunk])
        if not got:
            break
        done += got
    return done


def read_idx(path: str | Path, expect_magic: int | None = None) -> np.ndarray:
    """Read an IDX file into an array of its shape (uint8 stays uint8, no copy on the way).
    Raises DataError naming the file for a wrong magic number, a truncated file or trailing
    bytes."""
    path = Path(path)
    try:
        with _open(path) as f:
            header = f.read(4)
            if len(header) < 4:
                raise DataError(f"{path}: truncated IDX file (no header)")
            magic = struct.unpack(">I", header)[0]
            if expect_magic is not None and magic != expect_magic:
                raise DataError(
                    f"{path}: wrong magic number {magic} (0x{magic:08X}), expected "
                    f"{expect_magic} (0x{expect_magic:08X}); is this the right file?"
                )
            zero, type_code, ndim = header[0:2], header[2], header[3]
            if zero != b"\x00\x00" or type_code not in _TYPES or ndim == 0:
                raise DataError(f"{path}: not an IDX file (magic 0x{magic:08X})")
            dims_raw = f.read(4 * ndim)
            if len(dims_raw) < 4 * ndim:
                raise DataError(f"{path}: truncated IDX file (header cut short)")
            shape = struct.unpack(f">{ndim}I", dims_raw)
            dtype = _TYPES[type_code]
            need = int(np.prod(shape, dtype=object)) * dtype.itemsize
            if need > MAX_BYTES:
                raise DataError(
                    f"{path}: the header declares shape {tuple(shape)} ({need:,} bytes), more "
                    f"than any IDX data set tui-nn reads ({MAX_BYTES:,}); a damaged file?"
                )
            data = np.empty(need, np.uint8)
            got = _read_exactly(f, memoryview(data))
            if got < data.size:
                count = got // max(1, data.size // max(1, shape[0]))
                raise DataError(
                    f"{path}: truncated IDX file: {got:,} of {data.size:,} data bytes "
                    f"(about {count:,} of {shape[0]:,} items); fetch it again"
                )
            if f.read(1):
                raise DataError(f"{path}: {shape[0]:,} items in the header but more data follows")
    except DataError:
        raise
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except (OSError, EOFError, zlib.error) as exc:  # bad or cut gzip stream, unreadable file
        raise DataError(f"{path}: cannot read: {exc}") from None
    array = data.view(dtype).reshape(shape)
    return array if dtype == np.uint8 else array.astype(dtype.newbyteorder("="))


def write_idx(path: str | Path, array: np.ndarray, compress: bool = False) -> None:
    """Write an uint8 array as IDX (used by tests to make small files)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = header + array.tobytes()
    Path(path).write_bytes(gzip.compress(payload) if compress else payload)
