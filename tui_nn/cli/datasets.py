"""`tui-nn datasets` (list every dataset) and `tui-nn datasets fetch NAME` (download one)."""

from __future__ import annotations

import sys
from collections.abc import Iterable

from tui_nn.cli.options import UsageError
from tui_nn.cli.parser import make_parser
from tui_nn.data.spec import DataError, DatasetInfo

LIST_EPILOG = """\
examples:
  tui-nn datasets                         every dataset, its size and where it is on disk
  tui-nn datasets --data-dir ~/data       look for MNIST-style files there
  tui-nn datasets fetch mnist             download MNIST (SHA-256 checked, resumable)
  tui-nn datasets fetch fashion-mnist --mirror https://example.org/datasets
"""

FETCH_EPILOG = """\
examples:
  tui-nn datasets fetch mnist
  tui-nn datasets fetch all --data-dir ~/data
  tui-nn datasets fetch mnist --mirror /mnt/shared/datasets    a local folder works too

An interrupted download resumes where it stopped when you run the same command again.
The mirror may also be set with the environment variable TUI_NN_MIRROR.
"""


def list_parser():
    p = make_parser("tui-nn datasets", "List the datasets (or fetch one).", LIST_EPILOG)
    p.add_argument("--data-dir", metavar="DIR", help="where MNIST-style files are")
    return p


def fetch_parser():
    p = make_parser("tui-nn datasets fetch", "Download MNIST or Fashion-MNIST.", FETCH_EPILOG)
    p.add_argument("names", nargs="+", metavar="NAME", help="mnist, fashion-mnist or all")
    p.add_argument("--data-dir", metavar="DIR", help="where to put them (default: user cache)")
    p.add_argument("--mirror", metavar="URL", help="download from this mirror instead")
    return p


def format_datasets_table(infos: Iterable[DatasetInfo]) -> str:
    """A plain-text table: name, kind, task, inputs -> outputs, samples, location."""
    rows = [("name", "kind", "task", "in -> out", "samples", "where")]
    for i in infos:
        shape = f"{i.n_inputs} -> {i.n_outputs}" if i.n_inputs else "from file"
        samples = f"{i.samples:,}" if i.samples else "-"
        rows.append((i.name, i.kind, i.task, shape, samples, i.location))
    widths = [max(len(r[c]) for r in rows) for c in range(5)]
    lines = []
    for r in rows:
        cells = [r[c].ljust(widths[c]) if c != 4 else r[c].rjust(widths[c]) for c in range(5)]
        lines.append("  ".join(cells + [r[5]]).rstrip())
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if argv and argv[0] == "fetch":
        return fetch(argv[1:])
    if argv and argv[0] == "list":
        argv = argv[1:]
    if argv and not argv[0].startswith("-"):
        raise UsageError(f"unknown datasets command {argv[0]!r}; choose one of: list, fetch")
    from tui_nn.data import list_datasets

    ns = list_parser().parse_args(argv)
    print(format_datasets_table(list_datasets(ns.data_dir)))
    return 0


def fetch(argv: list[str]) -> int:
    from tui_nn.cli.progress import DownloadProgress
    from tui_nn.data import fetch_dataset
    from tui_nn.data.catalog import canonical_name
    from tui_nn.data.images import IMAGE_SETS

    ns = fetch_parser().parse_args(argv)
    names: list[str] = []
    for name in ns.names:
        key = canonical_name(name)
        if key == "all":
            names.extend(IMAGE_SETS)
        elif key in IMAGE_SETS:
            names.append(key)
        else:
            raise UsageError(
                f"cannot fetch {name!r}; downloadable: {', '.join(IMAGE_SETS)}, all "
                "(digits ships with tui-nn, toy sets are generated)"
            )
    mirror = checked_mirror(ns.mirror)
    for name in names:
        try:
            folder = fetch_dataset(name, ns.data_dir, mirror, progress=DownloadProgress())
        except KeyboardInterrupt:
            print("\ntui-nn: interrupted; run the same command again to resume", file=sys.stderr)
            return 130
        except DataError as exc:
            # A failed download is not a usage error: report it and exit 1.
            print(f"tui-nn: error: {name}: {exc}", file=sys.stderr)
            return 1
        print(f"{name}: ready in {folder}")
    return 0


def checked_mirror(given: str | None) -> str | None:
    """--mirror (else TUI_NN_MIRROR) checked before any download: a usage error (exit 2)
    naming where the mirror came from. None: the default mirror."""
    import os

    from tui_nn.data.fetch import check_mirror
    from tui_nn.data.paths import ENV_MIRROR

    source, mirror = "--mirror", given
    if given is None:
        source, mirror = ENV_MIRROR, os.environ.get(ENV_MIRROR) or None
    if mirror is None:
        return None
    try:
        return check_mirror(mirror)
    except DataError as exc:
        raise UsageError(f"{source}: {exc}") from None
