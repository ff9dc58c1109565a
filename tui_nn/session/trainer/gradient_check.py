"""The gradient check, run in the trainer on the current network (a float64 copy, a few
training samples): the answer is a GradientReport, and for people one line in the snapshot's
message, `gradient check: worst relative error 3.1e-09 (8 samples, float64): ok`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from tui_nn.session.protocol.answers import GradientReport
from tui_nn.session.protocol.messages import GRADIENT_CHECK_PREFIX as PREFIX
from tui_nn.session.protocol.messages import CheckGradients

if TYPE_CHECKING:
    from tui_nn.session.trainer.runner import Runner

TOLERANCE = 1e-5  # as `tui-nn check`


def check_gradients(runner: Runner, cmd: CheckGradients) -> GradientReport:
    from tui_nn.engine.gradient_check import gradient_check

    dataset = runner.dataset
    if not isinstance(cmd.samples, int) or cmd.samples < 1:
        raise ValueError(f"the gradient check needs at least 1 sample, got {cmd.samples!r}")
    n = min(cmd.samples, len(dataset.X_train))
    worst = float(
        gradient_check(
            runner.net, dataset.X_train[:n], dataset.y_train[:n], input_scale=dataset.input_scale
        )
    )
    ok = bool(np.isfinite(worst) and worst <= TOLERANCE)
    verdict = "ok" if ok else f"FAILED (> {TOLERANCE:g})"
    runner.message = f"{PREFIX} worst relative error {worst:.1e} ({n} samples, float64): {verdict}"
    return GradientReport(worst=worst, samples=n, tolerance=TOLERANCE, ok=ok)
