"""The editing panels on the left: the network's architecture, the training settings and data, their fields and name pickers."""
