"""Which published file a file on disk is: MNIST and Fashion-MNIST by their SHA-256 sums.

Both sets use the same file names, so a folder of one is easily taken for the other. Every
file is recognised by its checksum when it is loaded: the published `.gz` sums (the ones
`fetch` checks) and the sums of their uncompressed contents, for raw copies and for mirrors
that compressed the same data differently. A checksum is computed once per file: the result is
cached by path, size and modification time in the user cache folder
(`~/.cache/tui-nn/checksums.json`, at most MAX_CACHED entries), so loading stays fast.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from contextlib import suppress
from pathlib import Path

Known = dict[str, tuple[str, str]]

LABELS = {"mnist": "MNIST", "fashion-mnist": "Fashion-MNIST"}
OFFICIAL_COUNTS = {"train": 60_000, "t10k": 10_000}  # images (and labels) of each published file
MAX_CACHED = 256
CACHE_NAME = "checksums.json"


def _cache_path() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tui-nn", appauthor=False)) / CACHE_NAME


def _read_cache(path: Path) -> dict[str, list]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_cache(path: Path, cache: dict[str, list]) -> None:
    """Atomically, and never a failure: a cache that cannot be written is only slower."""
    while len(cache) > MAX_CACHED:
        cache.pop(next(iter(cache)))  # the oldest entry first (insertion order)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(cache, f)
        os.replace(tmp, path)
    except OSError:
        if tmp is not None:
            with suppress(OSError):
                os.unlink(tmp)


def _sha256(stream) -> str:
    h = hashlib.sha256()
    for block in iter(lambda: stream.read(1 << 20), b""):
        h.update(block)
    return h.hexdigest()


def checksums(path: Path, known: Known) -> tuple[str, str | None]:
    """(sha256 of the file, sha256 of its gzip content or None), cached. The content is
    hashed only when the file itself is not in `known`."""
    st = path.stat()
    key = str(path.resolve())
    cache_file = _cache_path()
    cache = _read_cache(cache_file)
    hit = cache.get(key)
    if isinstance(hit, list) and len(hit) == 4 and hit[:2] == [st.st_size, st.st_mtime_ns]:
        return hit[2], hit[3]
    with open(path, "rb") as f:
        file_sum = _sha256(f)
    content_sum = None
    if file_sum not in known and path.name.endswith(".gz"):
        try:
            with gzip.open(path, "rb") as f:
                content_sum = _sha256(f)
        except (OSError, EOFError):
            content_sum = None  # a damaged archive: reading it says so
    cache.pop(key, None)
    cache[key] = [st.st_size, st.st_mtime_ns, file_sum, content_sum]
    _write_cache(cache_file, cache)
    return file_sum, content_sum


def identify(path: Path, known: Known) -> tuple[str, str] | None:
    """(set name, published file name) of the file at `path`, or None if it is none of them.
    `known` maps sha256 sums (of the files and of their contents) to (set, file name)."""
    file_sum, content_sum = checksums(path, known)
    return known.get(file_sum) or (known.get(content_sum) if content_sum else None)


def wrong_set_message(name: str, path: Path, published: str, found: tuple[str, str]) -> str:
    theirs, their_file = found
    return (
        f"{path}: this is {LABELS[theirs]}'s {their_file} (by its SHA-256), not "
        f"{LABELS[name]}'s {published}; keep each set in its own folder "
        f"(DIR/{name}, DIR/{theirs}) or run `tui-nn datasets fetch {name}`"
    )


def damaged_message(name: str, path: Path, published: str) -> str:
    return (
        f"{path}: has the size of {LABELS[name]}'s {published} but matches no published "
        f"checksum (damaged?); fetch it again: `tui-nn datasets fetch {name}`"
    )

