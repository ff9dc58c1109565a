"""Feature inputs of 2-D data (x1, x2, x1², x2², x1·x2, sin(x1), sin(x2)): the rule that reads
them, the columns they make, the plane the picture keeps."""

from __future__ import annotations

import numpy as np
import pytest

from tui_nn.config import RULES
from tui_nn.data import DataError, DatasetSpec, load_dataset
from tui_nn.data.features import FEATURES, expand, shown
from tui_nn.rule import RuleError

RULE = RULES["features"]


@pytest.mark.parametrize(
    "given, expected",
    [
        ("x1^2,x2^2", ("x1^2", "x2^2")),
        ("x2sq, x1sq", ("x1^2", "x2^2")),  # canonical order whatever the order given
        ("sinx2,x1x2,X1", ("x1", "x1*x2", "sin(x2)")),
        ("x1², x1·x2, sin( x1 )", ("x1^2", "x1*x2", "sin(x1)")),
        (["x1**2", "x2*x1"], ("x1^2", "x1*x2")),  # a TOML list
        ("x1,x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2)", tuple(FEATURES)),
    ],
)
def test_the_rule_reads_names_and_aliases(given, expected):
    assert RULE.check(given) == expected


@pytest.mark.parametrize(
    "given, words",
    [
        ("x1,x3", "unknown feature 'x3'; choose one of: x1, x2, x1^2"),
        ("x1sq,x1^2", "'x1^2' is given twice"),
        ("", "must name at least one"),
        (",", "must name at least one"),
    ],
)
def test_the_rule_refuses_in_one_line(given, words):
    with pytest.raises(RuleError, match=words.replace("^", r"\^")):
        RULE.check(given)


def test_expand_computes_each_feature():
    X = np.array([[1.0, 2.0], [-0.5, 3.0]], dtype=np.float32)
    out = expand(X, tuple(FEATURES))
    x1, x2 = X[:, 0], X[:, 1]
    want = np.stack([x1, x2, x1 * x1, x2 * x2, x1 * x2, np.sin(x1), np.sin(x2)], axis=1)
    np.testing.assert_allclose(out, want, rtol=1e-6)
    assert out.dtype == np.float32
    assert expand(X.astype(np.float64), ("x1^2",)).dtype == np.float64
    assert expand(X, None) is X
    assert shown(("x1^2", "x1*x2")) == ("x1²", "x1·x2")


def test_a_dataset_with_feature_inputs_keeps_its_plane():
    raw = load_dataset(DatasetSpec("circle", seed=3))
    ds = load_dataset(DatasetSpec("circle", seed=3, features=("x1^2", "x2^2", "sin(x1)")))
    assert ds.n_inputs == 3 and ds.features == ("x1^2", "x2^2", "sin(x1)")
    assert ds.feature_names == ("x1", "x2") and ds.is_2d
    np.testing.assert_array_equal(ds.plane.train, raw.X_train)
    np.testing.assert_array_equal(ds.plane.test, raw.X_test)
    np.testing.assert_allclose(ds.X_train[:, 0], raw.X_train[:, 0] ** 2, rtol=1e-6)
    np.testing.assert_allclose(ds.X_test[:, 2], np.sin(raw.X_test[:, 0]), rtol=1e-6)
    # a point of the plane becomes the network's inputs through the same features
    np.testing.assert_allclose(ds.plane.inputs(ds.plane.train[:5]), ds.X_train[:5], rtol=1e-6)
    assert raw.plane is not None and raw.features is None and raw.n_inputs == 2


def test_x1_x2_is_no_feature_at_all():
    assert DatasetSpec("circle", features=("x1", "x2")).features is None
    assert DatasetSpec("circle", features=["x1^2"]).features == ("x1^2",)


def test_features_on_a_2_column_csv_follow_its_normalisation(tmp_path):
    path = tmp_path / "two.csv"
    rng = np.random.default_rng(0)
    rows = rng.normal(5, 2, (40, 2))
    text = "a,b,label\n" + "".join(f"{a:.3f},{b:.3f},{int(a > 5)}\n" for a, b in rows)
    path.write_text(text)
    plain = load_dataset(DatasetSpec("csv", path=str(path)))
    ds = load_dataset(DatasetSpec("csv", path=str(path), features=("x1", "x1^2")))
    np.testing.assert_allclose(ds.X_train[:, 1], plain.X_train[:, 0] ** 2, rtol=1e-5)
    assert ds.plane.axes == ("a", "b")


@pytest.mark.parametrize(
    "spec, words",
    [
        (DatasetSpec("digits", features=("x1^2",)), "digits has 64 inputs; feature inputs"),
        (DatasetSpec("sine", features=("x1",)), "sine has 1 inputs"),
        (DatasetSpec("circle", features=("x9",)), "features: unknown feature 'x9'"),
    ],
)
def test_features_need_two_inputs(spec, words):
    with pytest.raises(DataError, match=words) as info:
        load_dataset(spec)
    assert "\n" not in str(info.value)
