"""Your own points and a wider CSV's plane: the training set edited point by point (replayed
from the spec, so a saved run brings them back), and two columns of a CSV as the picture's
axes with the others held at their training mean."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from tui_nn.config import RULES
from tui_nn.data import DataError, DatasetSpec, load_dataset
from tui_nn.data.points import MAX_EDITS, add_point, remove_nearest


def test_a_point_is_added_to_the_training_set_only():
    ds = load_dataset(DatasetSpec("circle", features=("x1^2", "x2^2")))
    more = add_point(ds, (0.5, -1.0), 1)
    assert len(more.X_train) == len(ds.X_train) + 1 and len(more.X_test) == len(ds.X_test)
    np.testing.assert_allclose(more.X_train[-1], [0.25, 1.0])  # through the features
    np.testing.assert_array_equal(more.plane.train[-1], [0.5, -1.0])
    assert more.y_train[-1] == 1 and more.y_train.dtype == ds.y_train.dtype
    np.testing.assert_array_equal(more.X_test, ds.X_test)


def test_the_nearest_training_point_is_removed():
    ds = load_dataset(DatasetSpec("xor", seed=2))
    target = ds.plane.train[17] + np.float32(0.01)
    fewer, index = remove_nearest(ds, tuple(target))
    assert index == 17 and len(fewer.X_train) == len(ds.X_train) - 1
    np.testing.assert_array_equal(fewer.X_train, np.delete(ds.X_train, 17, axis=0))
    np.testing.assert_array_equal(fewer.y_train, np.delete(ds.y_train, 17))


def test_a_regression_point_is_in_the_users_units():
    ds = load_dataset(DatasetSpec("plane"))
    more = add_point(ds, (1.0, 2.0), 0.3)
    np.testing.assert_allclose(more.y_train[-1], [0.3])
    assert more.y_train.shape[1:] == ds.y_train.shape[1:]


def test_edits_replay_from_the_spec_and_survive_json():
    edits = (("add", 0.5, 0.5, 0), ("add", -1.0, 2.0, 2), ("remove", 0.5, 0.5, None))
    spec = DatasetSpec("blobs", edits=edits)
    again = DatasetSpec.from_dict(json.loads(json.dumps(spec.to_dict())))
    assert again == spec
    ds, base = load_dataset(again), load_dataset(DatasetSpec("blobs"))
    assert len(ds.X_train) == len(base.X_train) + 1  # the point added first was removed
    np.testing.assert_array_equal(ds.plane.train[-1], [-1.0, 2.0]) and ds.y_train[-1] == 2


@pytest.mark.parametrize(
    "spec, words",
    [
        (DatasetSpec("spiral", edits=[("add", 0, 0, 2)]), "needs a class 0..1 (0, 1), got 2"),
        (DatasetSpec("circle", edits=[("add", 0, 0, 0.5)]), "needs a class 0..1"),
        (DatasetSpec("circle", edits=[("move", 0, 0, 1)]), "bad point edit"),
        (DatasetSpec("circle", edits=[("add", float("nan"), 0, 1)]), "must be finite"),
        (DatasetSpec("digits", edits=[("add", 0, 0, 1)]), "no plane to add a point to"),
        (DatasetSpec("circle", edits=[("remove", 0, 0, None)] * (MAX_EDITS + 1)),
         "a run keeps at most 10,000"),
    ],
)
def test_bad_edits_are_one_line(spec, words):
    with pytest.raises(DataError, match=re.escape(words)) as info:
        load_dataset(spec)
    assert "\n" not in str(info.value)


def test_the_last_training_point_stays():
    ds = load_dataset(DatasetSpec("circle", samples=10, test_fraction=0.5))
    while len(ds.X_train) > 1:
        ds, _ = remove_nearest(ds, (0.0, 0.0))
    with pytest.raises(DataError, match="cannot be empty"):
        remove_nearest(ds, (0.0, 0.0))


@pytest.fixture
def wide_csv(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(0, 1, (120, 3)) * [1, 2, 10] + [0, 5, 50]
    path = tmp_path / "wide.csv"
    path.write_text(
        "a,b,c,label\n"
        + "".join(f"{a:.4f},{b:.4f},{c:.4f},{'yes' if a * (b - 5) > 0 else 'no'}\n" for a, b, c in X)
    )
    return path


def test_a_wider_csv_on_a_plane_of_two_columns(wide_csv):
    ds = load_dataset(DatasetSpec("csv", path=str(wide_csv), plane=("C", "0")))
    plane = ds.plane
    assert plane.axes == ("c", "a") and plane.columns == (2, 0) and plane.held == 1
    np.testing.assert_allclose(plane.base, ds.X_train.mean(axis=0), atol=1e-6)
    # a CSV is read in float64; the plane is a picture's coordinates, in float32
    np.testing.assert_array_equal(plane.train, ds.X_train[:, [2, 0]].astype(np.float32))
    rows = plane.inputs(np.array([[1.5, -2.0]]))
    np.testing.assert_allclose(rows, [[-2.0, plane.base[1], 1.5]], atol=1e-6)
    assert load_dataset(DatasetSpec("csv", path=str(wide_csv))).plane is None


def test_the_plane_rule_keeps_the_order_given():
    assert RULES["plane"].check("c, a") == ("c", "a")
    assert RULES["plane"].check(["b", "a"]) == ("b", "a")


@pytest.mark.parametrize(
    "plane, words",
    [
        (("a", "zz"), "the plane's column 'zz' is not an input (a, b, c)"),
        (("a", "3"), "the plane's column 3 is out of range: the inputs are 0..2"),
        (("a",), "a plane needs two columns, got 1"),
        (("a", "A"), "two different columns, got a twice"),
    ],
)
def test_bad_planes_are_one_line(wide_csv, plane, words):
    with pytest.raises(DataError, match=re.escape(words)):
        load_dataset(DatasetSpec("csv", path=str(wide_csv), plane=plane))


def test_features_and_a_plane_do_not_go_together(wide_csv):
    with pytest.raises(DataError, match="do not go together"):
        load_dataset(DatasetSpec("csv", path=str(wide_csv), plane=("a", "b"), features=("x1",)))
