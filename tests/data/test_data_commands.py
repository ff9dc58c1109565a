"""The function-level API behind `tui-nn datasets` and `tui-nn datasets fetch`."""

from __future__ import annotations

import io

from tui_nn.data import DATASET_NAMES, datasets_fetch, datasets_list
from tui_nn.data.commands import ProgressPrinter


def test_list_shows_every_dataset_with_its_shape(tmp_path):
    out = io.StringIO()
    assert datasets_list(str(tmp_path), out=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].split()[:3] == ["name", "kind", "task"]
    names = [line.split()[0] for line in lines[1:]]
    assert names == [*DATASET_NAMES, "csv"]
    row = {line.split()[0]: line for line in lines[1:]}
    assert (
        "784 -> 10" in row["mnist"] and "not fetched: tui-nn datasets fetch mnist" in row["mnist"]
    )
    assert "64 -> 10" in row["digits"] and "1,797" in row["digits"]
    assert "generated" in row["spiral"]


def test_fetch_reports_errors_as_one_line(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    assert datasets_fetch(["cifar"], str(tmp_path), out=out, err=err) == 1
    assert err.getvalue().count("\n") == 1 and err.getvalue().startswith("error: cannot fetch")


def test_fetch_all_through_a_mirror(http_server, tmp_path):
    http_server.behaviour.root = tmp_path / "mirror"
    # an empty mirror: each dataset stops at its first file with one HTTP 404 line
    for name in ("mnist", "fashion-mnist"):
        (tmp_path / "mirror" / name).mkdir(parents=True)
    out, err = io.StringIO(), io.StringIO()
    code = datasets_fetch(["all"], str(tmp_path / "data"), http_server.url, out=out, err=err)
    assert code == 1 and err.getvalue().count("HTTP 404") == 2


def test_progress_printer_on_a_pipe_prints_one_line_per_file():
    stream = io.StringIO()
    printer = ProgressPrinter(stream)
    for done in (0, 500, 1000):
        printer(done, 1000, "a.gz")
    assert stream.getvalue() == "  a.gz  0.0 MB  ok\n"


def test_progress_printer_on_a_terminal_draws_a_bar():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    stream = Tty()
    printer = ProgressPrinter(stream, width=10)
    printer(0, 2_000_000, "b.gz")
    printer(2_000_000, 2_000_000, "b.gz")
    text = stream.getvalue()
    assert "100% [##########] 2.0/2.0 MB" in text and text.endswith("\n")
