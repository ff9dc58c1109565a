"""The drawing widgets the app shows (from tui_nn.ui.widgets; stand-ins until they land)."""

from __future__ import annotations

try:
    from tui_nn.ui.widgets import AccuracyPlot, CostPlot, DecisionBoundary, NeuronHeatmap
except ImportError:  # pragma: no cover - temporary, see standins.py
    from tui_nn.ui.standins import AccuracyPlot, CostPlot, DecisionBoundary, NeuronHeatmap

__all__ = ["AccuracyPlot", "CostPlot", "DecisionBoundary", "NeuronHeatmap"]
