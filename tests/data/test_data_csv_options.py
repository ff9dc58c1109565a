"""A practitioner's CSV as it comes: a header of numbers, a text id column, Excel's cp1252,
thousands separators; two columns of one name refused; constant inputs and tiny files
warned about; every refusal says which flag would read the file."""

from __future__ import annotations

import numpy as np
import pytest

from tui_nn.data import DataError, DatasetSpec, load_dataset
from tui_nn.data.csvmodel import model_csv_options, read_csv_features, read_model_inputs

SPECIES = ("setosa", "versicolor", "virginica")


def flowers(n=60, seed=0):
    rng = np.random.default_rng(seed)
    return [(*np.round(rng.normal(1 + i % 3, 0.3, 4), 2), SPECIES[i % 3]) for i in range(n)]


def write(tmp_path, text, name="d.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def lines(rows, delimiter=","):
    return "".join(delimiter.join(map(str, r)) + "\n" for r in rows)


def load(path, **kw):
    return load_dataset(DatasetSpec("csv", path=str(path), **kw))


def error(path, **kw):
    with pytest.raises(DataError) as info:
        load(path, **kw)
    text = str(info.value)
    assert "\n" not in text
    return text


# ---- two columns of one name ----------------------------------------------------------------


def test_two_columns_of_one_name_are_refused_by_name(tmp_path):
    path = write(tmp_path, "a,a,y\n" + lines((r[0], r[1], r[4]) for r in flowers()))
    assert "columns 1 and 2 are both named 'a'" in error(path)
    model_norm = {"shift": [0, 0], "scale": [1, 1], "features": ["a", "a"]}
    with pytest.raises(DataError, match="columns 1 and 2 are both named 'a'"):
        read_model_inputs(path, model_norm, 2)  # predict
    with pytest.raises(DataError, match="columns 1 and 2 are both named 'a'"):
        read_csv_features(path, model_norm, class_names=SPECIES)  # eval


def test_unnamed_twice_is_refused_too(tmp_path):
    path = write(tmp_path, ",,y\n" + lines((r[0], r[1], r[4]) for r in flowers()))
    assert "columns 1 and 2 both have no name" in error(path)


# ---- the header ---------------------------------------------------------------------------


def test_a_header_of_numbers_is_a_header_when_you_name_a_column_in_it(tmp_path):
    path = write(tmp_path, "400,500,600,700,species\n" + lines(flowers(150)))
    named = load(path, target="species")
    assert named.feature_names == ("400", "500", "600", "700")
    assert named.class_names == SPECIES and len(named.X_train) + len(named.X_test) == 150
    assert load(path, header="yes").class_names == SPECIES
    # unnamed, it is read as data, and said so: one row of a fourth class, 'species'
    guessed = load(path)
    assert set(guessed.class_names) == {"species", *SPECIES}
    assert any("--header yes" in note and "'species'" in note for note in guessed.notes)
    assert not any("--header" in note for note in named.notes)


def test_a_first_row_of_numbers_over_a_column_of_text_is_a_header(tmp_path):
    path = write(tmp_path, "1990,2000,2010\n" + lines((r[0], r[1], r[4]) for r in flowers()))
    ds = load(path)
    assert ds.feature_names == ("1990", "2000") and ds.target_name == "2010"
    assert ds.class_names == SPECIES
    no = load(path, header="no", task="classification")
    assert no.feature_names == ("column 1", "column 2") and "2010" in no.class_names


def test_header_no_reads_a_first_row_of_names_as_data(tmp_path):
    path = write(tmp_path, "a,b,y\n1,2,x\n3,4,y\n5,6,x\n")
    message = error(path, header="no")
    assert "line 1, column 1: 'a' is not a number" in message


# ---- columns left out ---------------------------------------------------------------------


def test_ignore_leaves_out_a_text_id_column(tmp_path):
    rows = [(f"A{i:03d}", r[0], r[1], r[4]) for i, r in enumerate(flowers())]
    path = write(tmp_path, "id,x1,x2,species\n" + lines(rows))
    refused = error(path)
    assert "line 2, column 1 ('id'): 'A000' is not a number" in refused
    assert refused.endswith("to leave out a column of text, say --ignore id")
    ds = load(path, ignore=("id",))
    assert ds.feature_names == ("x1", "x2") and ds.class_names == SPECIES
    assert load(path, ignore=("0",)).feature_names == ("x1", "x2")  # by index too
    assert "names the target column 'species'" in error(path, ignore=("id", "species"))
    assert "no column to ignore named 'idx' (id, x1, x2, species)" in error(path, ignore=("idx",))
    assert "no feature columns left" in error(path, ignore=("id", "x1", "x2"))


def test_the_model_records_ignore_and_new_files_follow_it(tmp_path):
    rows = [(f"A{i:03d}", r[0], r[1], r[4]) for i, r in enumerate(flowers())]
    ds = load(write(tmp_path, lines(rows)), ignore=("0",), test_fraction=0)  # no header
    options = model_csv_options(ds.spec)
    assert options.ignore == ("0",) and ds.feature_names == ("column 2", "column 3")
    new = write(tmp_path, "B1,1.5,2.5\nB2,3,4\n", "new.csv")  # an id, the inputs, no target
    inputs = read_model_inputs(new, ds.normalization, 2, options, dtype=np.float64)
    shift, scale = np.array(ds.normalization["shift"]), np.array(ds.normalization["scale"])
    np.testing.assert_array_equal(inputs.X, (np.array([[1.5, 2.5], [3, 4]]) - shift) / scale)
    assert inputs.names == ("column 2", "column 3") and inputs.cells == [["1.5", "2.5"], ["3", "4"]]
    with_target = write(tmp_path, "B1,1.5,2.5,setosa\n", "t.csv")
    got = read_csv_features(with_target, ds.normalization, None, SPECIES, options)
    assert got.y.tolist() == [0] and got.feature_names == ("column 2", "column 3")
    with pytest.raises(DataError, match="3 columns; the model takes 2 inputs"):
        read_model_inputs(new, ds.normalization, 2)  # without the model's record


# ---- encodings and number formats ---------------------------------------------------------


def test_cp1252_is_read_when_asked_and_the_refusal_names_the_flag(tmp_path):
    text = "température;masse;espèce\n" + lines(((r[0], r[1], r[4] + "é") for r in flowers()), ";")
    path = write(tmp_path, text.replace(".", ","), encoding="cp1252")
    message = error(path)
    assert "line 1: not a UTF-8 text file (byte 0xe9)" in message and "--encoding cp1252" in message
    ds = load(path, encoding="cp1252")
    assert ds.feature_names == ("température", "masse")
    assert ds.class_names == tuple(s + "é" for s in SPECIES)
    assert load(path, encoding="latin-1").feature_names == ("température", "masse")


def test_thousands_separators_with_the_flag_and_a_hint_without(tmp_path):
    rows = [(f"{1000 + 250 * i:,.2f}", f"{i % 7},5", SPECIES[i % 3]) for i in range(30)]
    eu = "area;rooms;kind\n" + lines(
        ((a.replace(",", "_").replace(".", ",").replace("_", "."), b, k) for a, b, k in rows), ";"
    )
    path = write(tmp_path, eu)
    assert error(path).endswith(
        "'1.000,00' is not a number; a number with thousands separators? say --thousands ."
    )
    ds = load(path, thousands=".", normalize="none", test_fraction=0)
    assert sorted(ds.X_train[:, 0].tolist())[:2] == [1000.0, 1250.0]
    assert sorted(set(ds.X_train[:, 1].tolist()))[:2] == [0.5, 1.5]
    us = write(
        tmp_path,
        "area\trooms\tkind\n" + lines(((a, b.replace(",", "."), k) for a, b, k in rows), "\t"),
        "us.csv",
    )
    assert "say --thousands ," in error(us)
    assert sorted(load(us, thousands=",", normalize="none").X_train[:, 0].tolist())[0] >= 1000


def test_a_separator_out_of_place_is_no_number(tmp_path):
    path = write(tmp_path, "a;b;y\n1.065,5;2;x\n1.5;3;y\n2;4;x\n")
    message = error(path, thousands=".")
    assert (
        "line 3, column 1 ('a'): '1.5' is not a number as --thousands . writes numbers (1.065,00)"
        in message
    )


# ---- warnings -----------------------------------------------------------------------------


def test_constant_inputs_and_tiny_files_train_with_a_warning(tmp_path):
    const = load(write(tmp_path, "a,b,y\n" + lines((1, 2, r[4]) for r in flowers())))
    assert any("every input column holds a single value" in n for n in const.notes)
    tiny = load(write(tmp_path, "a,y\n1,2.5\n3,4.5\n", "tiny.csv"))
    assert len(tiny.X_train) == 1
    assert any("only 2 rows (1 to train on, 1 to test)" in n for n in tiny.notes)
    fine = load(write(tmp_path, "a,b,y\n" + lines((r[0], r[1], r[4]) for r in flowers()), "ok.csv"))
    assert fine.notes == ()
