"""tui-nn: design, train and watch a small fully-connected neural network in the terminal."""

__version__ = "0.1.0"
