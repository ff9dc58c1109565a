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
from tui_nn.session.trainer.owed import NEVER
from tui_nn.session.trainer.run import Run


def _edit(run: Run, edit: tuple, said: str) -> DatasetSpec:
    dataset = run.dataset
    if dataset is None or dataset.plane is None:
        raise DataError("your own points need a plane: 2-D data, or --plane A,B on a CSV")
    spec = run.dataset_spec
    if len(spec.edits) >= MAX_EDITS:
        raise DataError(f"a run keeps at most {MAX_EDITS:,} point edits")
    spec = dataclasses.replace(spec, edits=(*spec.edits, edit))
    edited = dataclasses.replace(apply_edit(dataset, edit), spec=spec)
    run.trainer.edit_data(train_data(edited))
    run.dataset, run.dataset_spec = edited, spec
    run.owed.data = True
    _picture_now(run)
    run.changed = True  # the run's data is not what its file says: worth saving
    run.message = f"{said}: {len(edited.X_train)} training samples"
    return spec


def _picture_now(run: Run) -> None:
    """The data or the plane changed, not the weights: a new picture in the next snapshot."""
    run.owed.picture, run.owed.picture_time = True, NEVER


def add_point(run: Run, cmd: AddPoint) -> DatasetSpec:
    x, y, value = float(cmd.x), float(cmd.y), float(cmd.value)
    dataset = run.dataset
    what = "a point"
    if dataset is not None and dataset.task == "classification" and value.is_integer():
        names = dataset.class_names or ()
        what = f"a point of class {names[int(value)] if int(value) < len(names) else int(value)}"
    elif dataset is not None:
        what = f"a point of value {value:g}"
    return _edit(run, ("add", x, y, value), f"{what} added at ({x:.3g}, {y:.3g})")


def remove_point(run: Run, cmd: RemovePoint) -> DatasetSpec:
    x, y = float(cmd.x), float(cmd.y)
    return _edit(run, ("remove", x, y, None), f"the point nearest to ({x:.3g}, {y:.3g}) removed")


def set_features(run: Run, cmd: SetFeatures) -> DatasetSpec:
    """Other inputs for the same run: the network's first layer keeps the weights of the inputs
    that stay, a new input starts with zero weights; counters and curves go on."""
    from tui_nn.data import load_dataset

    spec = dataclasses.replace(run.dataset_spec, features=cmd.features)
    if spec.features == run.dataset_spec.features:
        return run.dataset_spec
    dataset = load_dataset(spec)  # checks the names, and that the data has a plane
    old = run.dataset.features or RAW if run.dataset is not None else RAW
    new = dataset.features or RAW
    columns = [old.index(name) if name in old else -1 for name in new]
    run.trainer.set_inputs(train_data(dataset), columns)
    run.use_data(dataset)
    run.new_run(keep_clock=True)
    if run.changed or run.trainer.step_count:
        run.weights_changed()  # the newest record describes the network before the change
    run.message = f"inputs {', '.join(shown(new))}: the other weights kept"
    return run.dataset_spec


def set_plane(run: Run, cmd: SetPlane) -> DatasetSpec:
    """Two other columns for the picture; the run, its data and its weights are untouched."""
    from tui_nn.data.assemble import with_plane

    dataset = run.dataset
    columns = None if cmd.columns is None else tuple(str(c) for c in cmd.columns)
    if dataset is None or dataset.features is not None:
        raise DataError("a plane of two columns is for a CSV's own inputs (no feature inputs)")
    spec = dataclasses.replace(run.dataset_spec, plane=columns)
    base = dataclasses.replace(dataset, plane=None, spec=spec)
    planed = with_plane(base)
    if planed.plane is None and columns is None:
        run.message = "no plane: this data has more than two inputs (pick two columns)"
    else:
        run.message = f"the picture's plane: {planed.plane.axes[0]} → {planed.plane.axes[1]}"
    run.use_data(planed)
    _picture_now(run)
    return run.dataset_spec


HANDLERS = {
    AddPoint: add_point,
    RemovePoint: remove_point,
    SetFeatures: set_features,
    SetPlane: set_plane,
}
