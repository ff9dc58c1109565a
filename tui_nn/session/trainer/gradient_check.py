"""The gradient check, run in the trainer on the current network (a float64 copy, a few
training samples): the answer is a GradientReport, and for people one line in the snapshot's
message, `gradient check: worst relative error 3.1e-09 (8 samples, float64): ok`."""

from __future__ import annotations

import numpy as np

from tui_nn.session.protocol.answers import GradientReport
from tui_nn.session.protocol.messages import GRADIENT_CHECK_PREFIX as PREFIX

TOLERANCE = 1e-5  # as `tui-nn check`


def check_gradients(net, dataset, samples: int) -> GradientReport:
    """Backprop against central differences on the first `samples` training samples."""
    from tui_nn.engine.gradient_check import gradient_check

    if not isinstance(samples, int) or samples < 1:
        raise ValueError(f"the gradient check needs at least 1 sample, got {samples!r}")
    n = min(samples, len(dataset.X_train))
    worst = float(
        gradient_check(net, dataset.X_train[:n], dataset.y_train[:n], input_scale=dataset.input_scale)
    )
    ok = bool(np.isfinite(worst) and worst <= TOLERANCE)
    return GradientReport(worst=worst, samples=n, tolerance=TOLERANCE, ok=ok)


def describe(report: GradientReport) -> str:
    verdict = "ok" if report.ok else f"FAILED (> {report.tolerance:g})"
    return (
        f"{PREFIX} worst relative error {report.worst:.1e} ({report.samples} samples, float64): "
        f"{verdict}"
    )
