"""CSV dialects: `;` and tab delimiters, decimal commas in `;` files, a trailing delimiter;
each error names the real cause."""

from __future__ import annotations

import numpy as np
import pytest

from tui_nn.data import DataError, DatasetSpec, load_dataset
from tui_nn.data.csvfast import load as load_columns
from tui_nn.data.csvtable import read_table


def load(path, **kw):
    return load_dataset(DatasetSpec("csv", path=str(path), test_fraction=0, **kw))


def write(tmp_path, text, name="d.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_semicolons_with_decimal_commas(tmp_path):
    text = "area;rooms;kind\n1,5;2;a\n3,25;4;b\n-0,5;1e2;a\n7;2,0;b\n"
    ds = load(write(tmp_path, text), normalize="none")
    assert ds.feature_names == ("area", "rooms") and ds.class_names == ("a", "b")
    got = sorted(map(tuple, ds.X_train.tolist()))
    assert got == sorted([(1.5, 2.0), (3.25, 4.0), (-0.5, 100.0), (7.0, 2.0)])


def test_decimal_commas_in_a_regression_target(tmp_path):
    text = "x;price\n" + "".join(f"{i};{i},5\n" for i in range(8))
    ds = load(write(tmp_path, text))
    assert ds.task == "regression"
    back = ds.y_train[:, 0] * ds.target_normalization["scale"][0]
    back += ds.target_normalization["shift"][0]
    assert sorted(np.round(back, 4)) == [i + 0.5 for i in range(8)]


def test_tabs(tmp_path):
    ds = load(write(tmp_path, "x1\tx2\tlabel\n1.5\t2\tx\n3\t4\ty\n"), normalize="none")
    assert ds.feature_names == ("x1", "x2") and sorted(ds.X_train[:, 0]) == [1.5, 3.0]


def test_commas_in_a_comma_file_are_delimiters_not_decimals(tmp_path):
    table = read_table(write(tmp_path, "a,b,c\n1,5,x\n2,6,y\n"))
    cols = load_columns(table, [0, 1], text=[2])
    assert table.header == ("a", "b", "c") and cols.numbers.tolist() == [[1, 5], [2, 6]]
    assert cols.factor(2).texts() == ["x", "y"]


@pytest.mark.parametrize(
    "text",
    [
        "x1,x2,label,\n1,2,a,\n3,4,b,\n",  # on every line
        "x1,x2,label\n1,2,a,\n3,4,b,\n",  # on the data lines only
        "1,2,a,\n3,4,b,\n",  # no header
        "x1;x2;label;\n1;2;a;\n3;4;b;\n",
    ],
)
def test_a_trailing_delimiter_drops_the_empty_column(tmp_path, text):
    ds = load(write(tmp_path, text))
    assert ds.n_inputs == 2 and ds.class_names == ("a", "b")  # not the empty column


def test_a_named_empty_last_column_is_refused_by_name(tmp_path):
    with pytest.raises(DataError) as info:
        load(write(tmp_path, "x1,x2,price\n1,2,\n3,4,\n"))
    message = str(info.value)
    assert "column 3 ('price') is empty on every line" in message and "d.csv" in message


def test_the_error_names_the_real_cause(tmp_path):
    # a header over rows with a bad cell: blamed on that cell, not on the header
    with pytest.raises(DataError) as info:
        load(write(tmp_path, "a;b;label\n1,5;2;x\n3,5;oops;y\n"))
    assert "line 3, column 2 ('b'): 'oops' is not a number" in str(info.value)
    with pytest.raises(DataError) as info:
        load(write(tmp_path, "a,b,label\n1,2,x\n3,4\n"))
    assert "line 3: 2 fields, expected 3" in str(info.value)
