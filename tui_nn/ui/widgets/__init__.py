"""The drawing widgets: metric plots, the per-neuron heatmap and the decision boundary.

Each widget stores new data cheaply and repaints itself at most once per `min_interval`
seconds, and only when its content changed (see throttle.py).
"""

from tui_nn.ui.widgets.accuracy_plot import AccuracyPlot
from tui_nn.ui.widgets.boundary import DecisionBoundary
from tui_nn.ui.widgets.cost_plot import CostPlot
from tui_nn.ui.widgets.heatmap import NeuronHeatmap

__all__ = ["AccuracyPlot", "CostPlot", "DecisionBoundary", "NeuronHeatmap"]
