"""The network diagram (n): neurons as nodes, weights as lines; reading them, and setting a weight or bias by hand (W)."""
