""""Check gradients" in the command palette: the trainer runs the engine's gradient check on
the current network (float64, a few samples) and the app shows its one-line answer — the worst
relative error and ok / FAILED — as a message."""

from __future__ import annotations

from tui_nn.session.protocol.messages import GRADIENT_CHECK_PREFIX as PREFIX
from tui_nn.session.protocol.messages import CheckGradients, Snapshot

TITLE = "Check gradients"
HELP = "Backprop against finite differences on the current network (float64, 8 samples)"


class GradientCheck:
    """Mixin of TuiNNApp (before App)."""

    gradients_asked = False

    def action_check_gradients(self) -> None:
        if self.send(CheckGradients()):  # type: ignore[attr-defined]
            self.gradients_asked = True

    def tell_gradients(self, snap: Snapshot) -> None:
        if self.gradients_asked and snap.message.startswith(PREFIX):
            self.gradients_asked = False
            failed = "FAILED" in snap.message
            self.notify(snap.message, severity="error" if failed else "information", timeout=10)  # type: ignore[attr-defined]
