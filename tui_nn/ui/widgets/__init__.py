"""The shared widgets: the metric plots, the neuron heatmap, the status line, text fields; draw/ holds what every picture widget draws with."""
