"""A sweep trial as run B of a comparison (`b` in the sweep results opened from the palette).

A fork (comparison.py) makes B a copy of A. A trial is another run: B starts from the trial's
model file — its weights, its configuration and its curves — exactly as `--resume` would (the
optimizer's state is not in a trial's file, so it starts afresh), while A is paused where it is.
The two may be at different epochs; the lockstep then counts epochs from the moment both
start (`ComparisonState.offset`). A comparison needs the same shapes: a trial with other
inputs or outputs than A's network is refused, with both shapes named.
"""

from __future__ import annotations

from pathlib import Path

from tui_nn.config import RunConfig
from tui_nn.files import ModelFileError, load_model
from tui_nn.session.protocol.messages import Snapshot


class TrialRefused(ValueError):
    """Why a trial cannot be run B now; one line."""


def trial_config(path: str | Path, a: Snapshot | None, comparing: bool) -> RunConfig:
    """The configuration run B starts with from the trial's model at `path`, or TrialRefused."""
    if comparing:
        raise TrialRefused("a comparison is on: end it first (f), then compare a trial")
    if a is None or a.network is None:
        raise TrialRefused("run A has not started yet: nothing to compare the trial with")
    path = Path(path)
    try:
        model = load_model(path)
    except (ModelFileError, OSError, ValueError) as exc:
        raise TrialRefused(str(exc)) from None
    mine = (model.spec.n_inputs, model.spec.output.units)
    theirs = (a.network.n_inputs, a.network.output.units)
    if mine != theirs:
        a_data = a.dataset.name if a.dataset is not None else "its data"
        raise TrialRefused(
            f"{path.name} ({model.config.dataset.name}) has {mine[0]} inputs and {mine[1]} "
            f"outputs, run A ({a_data}) {theirs[0]} and {theirs[1]}: a comparison needs the "
            "same shapes"
        )
    return model.config
