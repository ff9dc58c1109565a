"""The editing panels: the network's architecture, and the hyper-parameters with the data."""

from tui_nn.ui.panels.architecture import ArchitecturePanel
from tui_nn.ui.panels.hyper import HyperPanel
from tui_nn.ui.panels.messages import EditRefused

__all__ = ["ArchitecturePanel", "EditRefused", "HyperPanel"]
