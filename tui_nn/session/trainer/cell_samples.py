"""From a mistake to its reasons: the test samples of one cell of the confusion matrix (true
class i predicted as j), so the app can show them and trace one through the network."""

from __future__ import annotations

import numpy as np

from tui_nn.data.features import input_names
from tui_nn.data.spec import DataError
from tui_nn.session.protocol.messages import CellContents, CellSamples
from tui_nn.session.trainer.panel_data import _predict, _small_images, image_side
from tui_nn.session.trainer.run import Run

MAX_VALUES = 8  # input values kept per sample of non-image data


def cell_samples(run: Run, cmd: CellSamples) -> CellContents:
    """The answer to CellSamples, also owed to the next snapshot (`Snapshot.cell`)."""
    dataset = run.dataset
    if dataset is None or dataset.task != "classification":
        raise DataError("a confusion matrix needs classification data")
    k = max(2, dataset.n_classes or 2)
    if not (0 <= cmd.true < k and 0 <= cmd.predicted < k):
        raise DataError(f"the classes are 0..{k - 1}, got ({cmd.true}, {cmd.predicted})")
    true = np.asarray(dataset.y_test, dtype=np.int64).ravel()
    predicted = _predict(run.net, dataset.X_test, dataset.input_scale)
    where = np.nonzero((true == cmd.true) & (predicted == cmd.predicted))[0]
    picked = where[: max(0, int(cmd.limit))].astype(np.int64)
    side = image_side(dataset)
    images = rows = None
    if side is not None and len(picked):
        images = _small_images(dataset.X_test[picked], side)
    elif len(picked):
        X = np.asarray(dataset.X_test[picked][:, :MAX_VALUES], dtype=np.float32)
        rows = X * np.float32(dataset.input_scale)
    names = input_names(dataset)
    run.owed.cell = CellContents(
        cmd.true, cmd.predicted, int(len(where)), picked, images, rows,
        tuple(names[:MAX_VALUES]) if names else None,
    )  # fmt: skip
    return run.owed.cell
