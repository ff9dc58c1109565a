"""The fast CSV reader (NumPy's loadtxt) reads every file it accepts exactly as the careful one
(the csv module, cell by cell) does: generated files of every dialect, odd cells included."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_nn.data import DataError
from tui_nn.data.csvdialect import CsvOptions
from tui_nn.data.csvfast import _fast, load
from tui_nn.data.csvtable import careful, read_table

NUMBERS = {  # by thousands separator
    None: ["1", "-2", "3.5", "0", "1e3", "+.5", "12", "7.25", "-0.125", "100"],
    ".": ["1", "-2", "3,5", "1.065,00", "12.345.678", "1e3", ",5", "-1.000", "7,25"],
    ",": ["1", "-2", "3.5", "1,065.00", "12,345,678", "1e3", ".5", "-1,000", "7.25"],
}
ODD = [
    "inf", "nan", "NA", "", " 4 ", "1_0", "abc", "é", "x y", '"q,1"', '"7"', "1.5.3", ".5",
    ",5", "0,5", "12.345", "1.065,00", "1,065.00", "2,5", "١٢", "€", '"a""b"', "  ", "1,2,3",
]  # fmt: skip
LABELS = ["a", "b", "setosa", "1", "2", "2.0", "x,y", "é", "NA", "", " c "]


@st.composite
def csv_files(draw):
    thousands = draw(st.sampled_from([None, None, ".", ","]))
    delimiter = draw(st.sampled_from([";", "\t"] if thousands else [",", ";", "\t"]))
    width = draw(st.integers(2, 4))
    n = draw(st.integers(1, 8))
    odd = draw(st.sampled_from([0.0, 0.0, 0.05, 0.2]))

    def cell(j: int) -> str:
        pool = LABELS if j == width - 1 and draw(st.booleans()) else NUMBERS[thousands]
        text = (
            draw(st.sampled_from(ODD))
            if draw(st.floats(0, 1)) < odd
            else draw(st.sampled_from(pool))
        )
        if delimiter in text.strip('"') and not text.startswith('"'):
            text = f'"{text}"'
        return text

    rows = [[cell(j) for j in range(width)] for _ in range(n)]
    if draw(st.booleans()):
        rows.insert(0, [f"c{j}" for j in range(width)])
    trailing = draw(st.sampled_from(["", "all", "data"]))
    lines = []
    for i, row in enumerate(rows):
        end = delimiter if trailing == "all" or (trailing == "data" and i > 0) else ""
        lines.append(delimiter.join(row) + end)
    for _ in range(draw(st.sampled_from([0, 0, 1, 2]))):
        lines.insert(
            draw(st.integers(1, len(lines))), draw(st.sampled_from(["", "  ", delimiter * 2]))
        )
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    bom = "\ufeff" if draw(st.booleans()) else ""
    return bom + eol.join(lines) + eol, thousands


def _careful_soft(table, cols, j):
    return cols.factor(j).row_numbers()


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(csv_files())
def test_the_fast_reader_agrees_with_the_careful_one(tmp_path, case):
    text, thousands = case
    path = tmp_path / "f.csv"
    path.write_text(text, encoding="utf-8", newline="")
    try:
        table = read_table(path, CsvOptions(thousands=thousands))
    except DataError:
        return
    t = table.width - 1
    numeric = list(range(t))
    fast = _fast(table, numeric, [t], [t])
    if fast is None:
        return  # the careful reader reads it (or names what is wrong)
    slow = careful(table, numeric, [t])  # accepts what the fast one accepts ...
    assert fast.n == slow.n
    np.testing.assert_array_equal(fast.numbers, slow.numbers)  # ... with the same numbers
    assert fast.factor(t).texts() == slow.factor(t).texts()
    a, b = fast.soft[t], _careful_soft(table, slow, t)
    assert (a is None) == (b is None)
    if a is not None:
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(table.lines(), slow.lines)


@pytest.mark.parametrize(
    "text, numbers",
    [
        ("a,b,y\n1,2,x\n\n3,4,y\n", [[1, 2], [3, 4]]),  # blank line
        ("a,b,y\n1,2,x\n  \n3,4,y\n", [[1, 2], [3, 4]]),  # a line of blanks: careful
        ("a,b,y\n1,2,x\n,,\n3,4,y\n", [[1, 2], [3, 4]]),  # a line of delimiters: careful
        ('a,b,y\n"1","2",x\n3,4,"y,z"\n', [[1, 2], [3, 4]]),  # quotes
        ("a;b;y\n1,5;2;x\n3;4,25;y\n", [[1.5, 2], [3, 4.25]]),  # decimal commas
        ("a\tb\ty\n1.5\t2\tx\n3\t4\ty\n", [[1.5, 2], [3, 4]]),  # tabs
    ],
)
def test_every_dialect_through_load(tmp_path, text, numbers):
    path = tmp_path / "d.csv"
    path.write_text(text)
    table = read_table(path)
    cols = load(table, [0, 1], text=[2])
    assert cols.numbers.tolist() == numbers


def test_a_value_after_a_trailing_delimiter_is_named_by_line(tmp_path):
    rows = "".join(f"{i},{i + 1},a,\n" for i in range(30)) + "7,8,b,9\n"
    path = tmp_path / "t.csv"
    path.write_text("x1,x2,y\n" + rows)
    with pytest.raises(DataError, match=r"line 32: a value \('9'\) after the last column"):
        load(read_table(path), [0, 1], text=[2])
