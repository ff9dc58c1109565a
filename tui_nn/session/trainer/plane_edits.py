"""The trainer's side of the plane's edits: your own points added and removed between steps
(the run goes on over the edited training set) and feature inputs switched on and off (the
other weights kept). Each handler answers with the DatasetSpec now in force (its `edits` and
`features` are what a saved run keeps, so `--resume` brings them back), or refuses in one line.
"""

from __future__ import annotations

import dataclasses

from tui_nn.config import train_data
from tui_nn.data.features import RAW, shown
from tui_nn.data.points import MAX_EDITS, apply_edit
from tui_nn.data.spec import DataError, DatasetSpec
from tui_nn.session.protocol.messages import AddPoint, RemovePoint, SetFeatures, SetPlane


def _edit(runner, edit: tuple, said: str) -> DatasetSpec:  # noqa: ANN001 - the Runner
    dataset = runner.dataset
    if dataset is None or dataset.plane is None:
        raise DataError("your own points need a plane: 2-D data, or --plane A,B on a CSV")
    spec = runner.dataset_spec
    if len(spec.edits) >= MAX_EDITS:
        raise DataError(f"a run keeps at most {MAX_EDITS:,} point edits")
    spec = dataclasses.replace(spec, edits=(*spec.edits, edit))
    edited = dataclasses.replace(apply_edit(dataset, edit), spec=spec)
    runner.trainer.edit_data(train_data(edited))
    runner.dataset, runner.dataset_spec = edited, spec
    runner.send_data = runner.grid_stale = runner.urgent = True
    runner.message = f"{said}: {len(edited.X_train)} training samples"
    return spec


def add_point(runner, cmd: AddPoint) -> DatasetSpec:  # noqa: ANN001
    x, y, value = float(cmd.x), float(cmd.y), float(cmd.value)
    dataset = runner.dataset
    what = "a point"
    if dataset is not None and dataset.task == "classification" and value.is_integer():
        names = dataset.class_names or ()
        what = f"a point of class {names[int(value)] if int(value) < len(names) else int(value)}"
    elif dataset is not None:
        what = f"a point of value {value:g}"
    return _edit(runner, ("add", x, y, value), f"{what} added at ({x:.3g}, {y:.3g})")


def remove_point(runner, cmd: RemovePoint) -> DatasetSpec:  # noqa: ANN001
    x, y = float(cmd.x), float(cmd.y)
    return _edit(runner, ("remove", x, y, None), f"the point nearest to ({x:.3g}, {y:.3g}) removed")


def set_features(runner, cmd: SetFeatures) -> DatasetSpec:  # noqa: ANN001
    """Other inputs for the same run: the network's first layer keeps the weights of the inputs
    that stay, a new input starts with zero weights; counters and curves go on."""
    from tui_nn.data import load_dataset

    spec = dataclasses.replace(runner.dataset_spec, features=cmd.features)
    if spec.features == runner.dataset_spec.features:
        return runner.dataset_spec
    dataset = load_dataset(spec)  # checks the names, and that the data has a plane
    old = runner.dataset.features or RAW if runner.dataset is not None else RAW
    new = dataset.features or RAW
    columns = [old.index(name) if name in old else -1 for name in new]
    runner.trainer.set_inputs(train_data(dataset), columns)
    runner._use_data(dataset)
    runner._new_run(keep_clock=True)
    runner.message = f"inputs {', '.join(shown(new))}: the other weights kept"
    return runner.dataset_spec


def set_plane(runner, cmd: SetPlane) -> DatasetSpec:  # noqa: ANN001
    """Two other columns for the picture; the run, its data and its weights are untouched."""
    from tui_nn.data.assemble import with_plane

    dataset = runner.dataset
    columns = None if cmd.columns is None else tuple(str(c) for c in cmd.columns)
    if dataset is None or dataset.features is not None:
        raise DataError("a plane of two columns is for a CSV's own inputs (no feature inputs)")
    spec = dataclasses.replace(runner.dataset_spec, plane=columns)
    base = dataclasses.replace(dataset, plane=None, spec=spec)
    planed = with_plane(base)
    if planed.plane is None and columns is None:
        runner.message = "no plane: this data has more than two inputs (pick two columns)"
    else:
        runner.message = f"the picture's plane: {planed.plane.axes[0]} → {planed.plane.axes[1]}"
    runner._use_data(planed)
    runner.grid_stale = runner.urgent = True
    return runner.dataset_spec


HANDLERS = {
    AddPoint: add_point,
    RemovePoint: remove_point,
    SetFeatures: set_features,
    SetPlane: set_plane,
}
