"""Download MNIST-style datasets: verified, atomic, resumable. Standard library only.

Each file is downloaded to `<file>.part` and renamed into place only after its SHA-256
matches the sum known in code, so a half-written file is never mistaken for data. If a
download stops part-way (network drop, Ctrl-C), the `.part` file stays and the next run asks
the server for the rest with an HTTP Range request; a server that ignores Range simply sends
the whole file again. A wrong checksum deletes the download and says so.

Mirrors: `--mirror URL` or the environment variable TUI_NN_MIRROR. A mirror is laid out like
the data directory, `<URL>/<dataset>/<file>` (for example a web server in front of a folder
holding `mnist/` and `fashion-mnist/`), unless the URL contains `{name}`, which is replaced by
the dataset name. A local folder path works as a mirror too.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from tui_nn import __version__
from tui_nn.data.catalog import canonical_name
from tui_nn.data.images import IMAGE_SETS, find_file
from tui_nn.data.paths import ENV_MIRROR, base_data_dir
from tui_nn.data.spec import DataError

Progress = Callable[[int, "int | None", str], None]
CHUNK = 1 << 16


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


MIRROR_SCHEMES = ("https", "http", "file")


def check_mirror(mirror: str) -> str:
    """A mirror that can work, or DataError saying why it cannot (before any download): an
    http(s):// or file:// URL with somewhere to go, or a folder that exists."""
    text = mirror.strip()
    if not text:
        raise DataError(
            "an empty mirror; give a URL (https://...) or a folder (or leave it out: the "
            "default mirror)"
        )
    if "://" in text:
        parsed = urllib.parse.urlsplit(text)
        if parsed.scheme.lower() not in MIRROR_SCHEMES:
            raise DataError(
                f"{text!r} is not an https://, http:// or file:// URL (nor a folder)"
            )
        if parsed.scheme.lower() != "file" and not parsed.hostname:
            raise DataError(f"{text!r} names no server")
        folder = urllib.request.url2pathname(parsed.path) if parsed.scheme == "file" else None
    else:
        folder = text
    if folder is not None and "{name}" not in folder:
        path = Path(folder).expanduser()
        if not path.is_dir():
            what = "is not a folder" if path.exists() else "does not exist"
            raise DataError(f"folder {str(path)!r} {what}")
    return text


def mirror_url(name: str, mirror: str | None = None) -> str:
    """The folder URL the files of `name` are downloaded from (ends with '/')."""
    mirror = mirror or os.environ.get(ENV_MIRROR) or None
    if mirror is None:
        return IMAGE_SETS[name].url
    if "://" not in mirror:  # a local folder
        mirror = Path(mirror).expanduser().resolve().as_uri()
    if "{name}" in mirror:
        url = mirror.replace("{name}", name)
    else:
        url = f"{mirror.rstrip('/')}/{name}"
    return url.rstrip("/") + "/"


def _hash_existing(part: Path) -> tuple[int, hashlib._Hash]:
    h = hashlib.sha256()
    if not part.exists():
        return 0, h
    with open(part, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return part.stat().st_size, h


def download_file(
    url: str,
    dest: Path,
    sha256: str,
    size: int | None = None,
    progress: Progress | None = None,
    timeout: float = 30.0,
) -> Path:
    """Download `url` to `dest` through `dest.part`, resuming a previous `.part`, and keep
    it only if its SHA-256 is `sha256`. Raises DataError (one line) on any failure."""
    dest = Path(dest)
    part = dest.with_name(dest.name + ".part")
    report = progress or (lambda done, total, name: None)
    for _attempt in range(2):  # a second pass only when the server refused to resume
        start, hasher = _hash_existing(part)
        if start and size is not None and start >= size:
            if start == size and hasher.hexdigest() == sha256:
                os.replace(part, dest)  # a complete download that was never renamed
                report(size, size, dest.name)
                return dest
            part.unlink()
            start, hasher = 0, hashlib.sha256()
        request = urllib.request.Request(url, headers={"User-Agent": f"tui-nn/{__version__}"})
        if start:
            request.add_header("Range", f"bytes={start}-")
        try:
            response = urllib.request.urlopen(request, timeout=timeout)
        except urllib.error.HTTPError as exc:
            if exc.code == 416 and start:
                part.unlink()
                continue
            raise DataError(f"{url}: HTTP {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DataError(f"{url}: cannot download: {reason}") from None
        with response:
            status = getattr(response, "status", None) or 200
            content_range = response.headers.get("Content-Range", "")
            if start and not (status == 206 and content_range.startswith(f"bytes {start}-")):
                start, hasher = 0, hashlib.sha256()  # the server sends the whole file
            length = response.headers.get("Content-Length")
            total = start + int(length) if length and length.isdigit() else size
            done, broken = start, None
            with open(part, "ab" if start else "wb") as f:
                report(done, total, dest.name)
                try:
                    while block := response.read(CHUNK):
                        f.write(block)
                        hasher.update(block)
                        done += len(block)
                        report(done, total, dest.name)
                except (http.client.HTTPException, OSError) as exc:
                    broken = exc
                f.flush()
                os.fsync(f.fileno())
        if broken is not None or (total is not None and done < total):
            of_total = f" of {total:,}" if total is not None else ""
            raise DataError(
                f"{dest.name}: download interrupted after {done:,}{of_total} bytes; "
                f"run the same command again to resume"
            )
        digest = hasher.hexdigest()
        if digest != sha256:
            part.unlink()
            raise DataError(
                f"{dest.name}: checksum mismatch (sha256 {digest[:16]}..., expected "
                f"{sha256[:16]}...); the download was deleted: try again or use another "
                f"mirror (--mirror URL or {ENV_MIRROR})"
            )
        os.replace(part, dest)
        return dest
    raise DataError(f"{url}: the server refused to resume the download; try again")


def fetch_dataset(
    name: str,
    dest_dir: str | os.PathLike | None = None,
    mirror: str | None = None,
    progress: Progress | None = None,
    timeout: float = 30.0,
) -> Path:
    """Download the files of `name` ("mnist" or "fashion-mnist") into its own folder,
    `<base>/<name>` (the base: `dest_dir`, else TUI_NN_DATA_DIR, else the user cache), and
    return that folder. A flat base folder holding a set's files is read when loading, but
    never written into: the two sets have the same file names, and fetching one must never
    overwrite the other. Files already in the folder with the right checksum are kept; raw
    (uncompressed) copies a user put there are accepted as they are."""
    key = canonical_name(name)
    if key not in IMAGE_SETS:
        raise DataError(
            f"cannot fetch {name!r}: downloads are {', '.join(IMAGE_SETS)} "
            f"(digits ships with tui-nn; toy sets are generated)"
        )
    folder = base_data_dir(str(dest_dir) if dest_dir is not None else None) / key
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"{folder}: cannot create the data folder: {exc.strerror}") from None
    base = mirror_url(key, mirror)
    for remote in IMAGE_SETS[key].files:
        target = folder / remote.name
        present = find_file(folder, remote.name)
        if present is not None and present != target:
            continue  # an uncompressed copy the user provided
        if present is not None and sha256_of(present) == remote.sha256:
            if progress:
                progress(remote.size, remote.size, remote.name)
            continue
        download_file(base + remote.name, target, remote.sha256, remote.size, progress, timeout)
    return folder
