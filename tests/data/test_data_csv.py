"""The user's CSV: header detection, target choice, labels, regression, and every error."""

from __future__ import annotations

import numpy as np
import pytest

from tui_nn.data import DataError, DatasetSpec, load_dataset, read_csv_features
from tui_nn.data.normalize import unstandardize

IRIS_LIKE = """sepal,petal,species
5.1,1.4,setosa
4.9,1.3,setosa
6.3,4.9,versicolor
6.0,4.5,versicolor
7.1,5.9,virginica
6.5,5.5,virginica
5.0,1.5,setosa
6.1,4.7,versicolor
"""


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(path, **kw):
    return load_dataset(DatasetSpec(name="csv", path=str(path), **kw))


def error_of(path, **kw) -> str:
    with pytest.raises(DataError) as info:
        load(path, **kw)
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    return message


def test_header_and_string_labels(tmp_path):
    ds = load(write(tmp_path, IRIS_LIKE), test_fraction=0.25)
    assert ds.task == "classification" and ds.n_classes == 3
    assert ds.class_names == ("setosa", "versicolor", "virginica")
    assert ds.feature_names == ("sepal", "petal") and ds.n_inputs == 2
    assert len(ds.X_train) + len(ds.X_test) == 8 and ds.X_train.dtype == np.float64
    assert ds.n_outputs == 3 and ds.name == "data.csv" and ds.spec.normalize == "standard"


def test_labels_map_to_the_right_rows(tmp_path):
    ds = load(write(tmp_path, IRIS_LIKE), normalize="none", test_fraction=0.0)
    petal = ds.X_train[:, 1]
    names = np.array(ds.class_names)[ds.y_train]
    assert (petal[names == "setosa"] < 2).all() and (petal[names != "setosa"] > 4).all()


def test_no_header(tmp_path):
    ds = load(write(tmp_path, "1,2,0\n3,4,1\n5,6,0\n7,8,1\n"), normalize="none", test_fraction=0)
    assert ds.feature_names == ("column 1", "column 2") and ds.class_names == ("0", "1")
    assert sorted(ds.X_train[:, 0].tolist()) == [1, 3, 5, 7]


def test_header_of_numbers_only_file_is_detected(tmp_path):
    ds = load(write(tmp_path, "a,b,y\n1,2,0\n3,4,1\n"), test_fraction=0)
    assert ds.feature_names == ("a", "b") and len(ds.X_train) == 2


@pytest.mark.parametrize("target", ["species", "SPECIES", "2", "-1", None])
def test_target_by_name_or_index(tmp_path, target):
    ds = load(write(tmp_path, IRIS_LIKE), target=target)
    assert ds.class_names == ("setosa", "versicolor", "virginica")


def test_target_in_the_first_column(tmp_path):
    text = "label,x1,x2\ncat,1,2\ndog,3,4\ncat,5,6\ndog,7,8\n"
    ds = load(write(tmp_path, text), target="0", normalize="none", test_fraction=0)
    assert ds.feature_names == ("x1", "x2") and ds.class_names == ("cat", "dog")
    assert ds.X_train[:, 0].tolist() != []


def test_float_target_is_regression(tmp_path):
    text = "x,y\n" + "".join(f"{i},{i * 0.5 + 0.25}\n" for i in range(10))
    ds = load(write(tmp_path, text), test_fraction=0.2, normalize="none")
    assert ds.task == "regression" and ds.class_names is None and ds.n_classes is None
    assert ds.y_train.shape == (8, 1) and ds.y_train.dtype == np.float64
    # trained on standardised targets (mean 0, sd 1 on the training split) ...
    np.testing.assert_allclose(ds.y_train.mean(), 0, atol=1e-6)
    np.testing.assert_allclose(ds.y_train.std(), 1, rtol=1e-5)
    # ... that go back to the file's values exactly
    raw = unstandardize(ds.y_train, ds.target_normalization)[:, 0]
    np.testing.assert_allclose(raw, ds.X_train[:, 0] * 0.5 + 0.25, rtol=1e-6)
    shift, scale = ds.target_normalization["shift"][0], ds.target_normalization["scale"][0]
    train_raw = ds.X_train[:, 0] * 0.5 + 0.25
    assert shift == pytest.approx(train_raw.mean()) and scale == pytest.approx(train_raw.std())
    assert ds.default_head() == ("identity", "mse")


def test_integer_target_with_many_values_is_regression(tmp_path):
    text = "x,y\n" + "".join(f"{i},{i * 3}\n" for i in range(60))
    assert load(write(tmp_path, text)).task == "regression"


def test_semicolon_bom_blank_lines_and_spaces(tmp_path):
    text = "\ufeffa; b; cls\n1; 2; x\n\n3; 4; y\n5;6;x\n"
    ds = load(write(tmp_path, text), test_fraction=0)
    assert ds.feature_names == ("a", "b") and ds.class_names == ("x", "y")


def test_split_is_stratified_and_normalisation_uses_training_rows(tmp_path):
    rows = [f"{i},{i % 7},{'a' if i % 4 else 'b'}" for i in range(200)]
    path = write(tmp_path, "u,v,c\n" + "\n".join(rows) + "\n")
    ds = load(path, test_fraction=0.25, seed=2)
    assert (ds.y_test == 0).sum() == 38 and (ds.y_test == 1).sum() == 12  # a: 150, b: 50
    np.testing.assert_allclose(ds.X_train.mean(axis=0), 0, atol=1e-5)
    assert abs(ds.X_test.mean(axis=0)).max() > 1e-4  # fitted on train, not on test
    mm = load(path, normalize="minmax", test_fraction=0.25, seed=2)
    assert mm.X_train.min() == 0 and mm.X_train.max() == pytest.approx(1)


def test_errors_name_file_line_and_column(tmp_path):
    bad = "a,b,y\n1,2,x\n3,oops,y\n"
    assert error_of(write(tmp_path, bad)).endswith("line 3, column 2 ('b'): 'oops' is not a number")
    missing = "a,b,y\n1,2,x\n3,,y\n"
    assert error_of(write(tmp_path, missing)).endswith("line 3, column 2 ('b'): missing value")
    na = "a,b,y\n1,2,x\nNA,4,y\n"
    assert error_of(write(tmp_path, na)).endswith("line 3, column 1 ('a'): missing value")
    no_label = "a,b,y\n1,2,x\n3,4,\n"
    assert "line 3, column 3 ('y'): missing target value" in error_of(write(tmp_path, no_label))
    infinite = "a,y\n1,x\ninf,y\n"
    assert "'inf' is not a finite number" in error_of(write(tmp_path, infinite))
    no_header = "1,2,x\n3,z,y\n"
    assert error_of(write(tmp_path, no_header)).endswith("line 2, column 2: 'z' is not a number")


def test_ragged_rows(tmp_path):
    message = error_of(write(tmp_path, "a,b,y\n1,2,x\n3,4\n5,6,y\n"))
    assert message.endswith("line 3: 2 fields, expected 3 (as on line 1)")


def test_empty_and_header_only_files(tmp_path):
    assert error_of(write(tmp_path, "")).endswith("the file is empty")
    assert error_of(write(tmp_path, "\n\n  \n")).endswith("the file is empty")
    assert error_of(write(tmp_path, "a,b,y\n")).endswith("no data rows, only a header")


def test_single_class(tmp_path):
    message = error_of(write(tmp_path, "a,y\n1,x\n2,x\n3,x\n"))
    assert "column 2 ('y'): every row has the class 'x'" in message


def test_bad_target_and_bad_files(tmp_path):
    path = write(tmp_path, IRIS_LIKE)
    assert "no column named 'colour' (sepal, petal, species)" in error_of(path, target="colour")
    assert "column index 5 is out of range" in error_of(path, target="5")
    assert error_of(write(tmp_path, "a\n1\n2\n")).endswith(
        "need at least one feature column and a target"
    )
    with pytest.raises(DataError, match="file not found"):
        load(tmp_path / "absent.csv")
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00\x81 binary")
    with pytest.raises(DataError, match="not a UTF-8 text file"):
        load(tmp_path / "bin.csv")
    with pytest.raises(DataError, match="no file given"):
        load_dataset(DatasetSpec(name="csv"))


def test_read_csv_features_with_and_without_target(tmp_path):
    ds = load(write(tmp_path, IRIS_LIKE), test_fraction=0.25)
    full = read_csv_features(
        tmp_path / "data.csv", ds.normalization, class_names=ds.class_names, dtype=np.float64
    )
    assert full.X.shape == (8, 2) and full.target_name == "species"
    assert full.y.tolist() == [0, 0, 1, 1, 2, 2, 0, 1] and full.lines[0] == 2
    # the same transform as training: the training rows come out as the training inputs
    assert {tuple(r) for r in ds.X_train.tolist()} <= {tuple(r) for r in full.X.tolist()}
    inputs = write(tmp_path, "petal,sepal\n1.4,5.1\n", "new.csv")  # reordered, no target
    only = read_csv_features(inputs, ds.normalization, class_names=ds.class_names)
    assert only.y is None and only.feature_names == ("sepal", "petal")
    np.testing.assert_allclose(only.X[0], full.X[0], atol=1e-6)


def test_read_csv_features_by_position_and_errors(tmp_path):
    ds = load(write(tmp_path, "1,2,0\n3,4,1\n5,6,0\n7,8,1\n"), test_fraction=0.5)
    X = read_csv_features(write(tmp_path, "1,2\n", "n.csv"), ds.normalization)
    assert X.X.shape == (1, 2) and X.y is None
    withy = read_csv_features(
        write(tmp_path, "1,2,1\n", "m.csv"), ds.normalization, class_names=ds.class_names
    )
    assert withy.y.tolist() == [1]
    with pytest.raises(DataError, match="4 columns, but the model takes 2 inputs"):
        read_csv_features(write(tmp_path, "1,2,3,4\n", "w.csv"), ds.normalization)
    with pytest.raises(
        DataError, match=r"line 1, column 3: '7' is not one of the classes \(0, 1\)"
    ):
        read_csv_features(
            write(tmp_path, "1,2,7\n", "u.csv"), ds.normalization, class_names=("0", "1")
        )


def test_read_csv_features_for_regression(tmp_path):
    text = "x,y\n" + "".join(f"{i},{i * 0.5}\n" for i in range(6))
    ds = load(write(tmp_path, text))
    got = read_csv_features(tmp_path / "data.csv", ds.normalization)
    assert got.y.shape == (6, 1) and got.y.dtype == np.float64 and got.y[3, 0] == 1.5


def test_whole_numbers_are_classes_only_when_they_repeat(tmp_path):
    grades = write(tmp_path, "x,grade\n" + "".join(f"{i},{i % 3 + 1}\n" for i in range(40)))
    data = load(grades)
    assert data.task == "classification" and data.class_names == ("1", "2", "3")
    # a whole-number quantity on a small file: each value on about one row -> a regression
    prices = write(tmp_path, "x,price\n" + "".join(f"{i},{3 * i + i % 2}\n" for i in range(30)),
                   "prices.csv")  # fmt: skip
    assert load(prices).task == "regression"


def test_task_says_how_the_target_is_read(tmp_path):
    grades = write(tmp_path, "x,grade\n" + "".join(f"{i},{i % 3 + 1}\n" for i in range(40)))
    numbers = load(grades, task="regression")
    assert numbers.task == "regression" and numbers.y_train.shape[1] == 1
    levels = write(tmp_path, "x,level\n" + "".join(f"{i},{(i % 4) / 2}\n" for i in range(40)),
                   "levels.csv")  # fmt: skip
    assert load(levels).task == "regression"
    classes = load(levels, task="classification")
    assert classes.task == "classification" and classes.class_names == ("0.0", "0.5", "1.0", "1.5")
    assert (
        "line 2, column 3 ('species'): 'setosa' is not a number; task regression needs a numeric target"
        in error_of(write(tmp_path, IRIS_LIKE, "iris.csv"), task="regression")
    )
    prices = write(tmp_path, "x,price\n" + "".join(f"{i},{i * 1.5}\n" for i in range(30)),
                   "prices.csv")  # fmt: skip
    message = error_of(prices, task="classification")
    assert "30 distinct values in 30 rows" in message and "at most 15 classes" in message
