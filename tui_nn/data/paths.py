"""Where downloaded datasets live.

The base directory is the first of: the `--data-dir` option (DatasetSpec.data_dir), the
environment variable TUI_NN_DATA_DIR, the user cache directory
(platformdirs: ~/.cache/tui-nn/datasets on Linux). A dataset's files are in a folder named
after it inside the base (`<base>/mnist/train-images-idx3-ubyte.gz`); a base that holds the
files itself is read too (`--data-dir ~/Downloads/mnist`), but `fetch` only ever writes into
`<base>/<name>`, and the files are recognised by checksum when loaded (`identity.py`).
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_DATA_DIR = "TUI_NN_DATA_DIR"
ENV_MIRROR = "TUI_NN_MIRROR"
IDX_FILES = (  # the file names of MNIST and Fashion-MNIST (the same for both)
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)


def default_base_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tui-nn", appauthor=False)) / "datasets"


def base_data_dir(explicit: str | os.PathLike | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser()
    return default_base_dir()


def resolve_data_dir(
    explicit: str | os.PathLike | None, name: str, files: tuple[str, ...] = IDX_FILES
) -> Path:
    """The folder for dataset `name`: `<base>/<name>`, or the base itself when it already
    holds the dataset's files (any of `files`, raw or .gz) and has no `<name>` folder."""
    base = base_data_dir(explicit)
    nested = base / name
    if nested.is_dir():
        return nested
    for f in files:
        raw = f.removesuffix(".gz")
        if (base / raw).is_file() or (base / (raw + ".gz")).is_file():
            return base
    return nested
