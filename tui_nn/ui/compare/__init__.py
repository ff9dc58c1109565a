"""A/B comparison (f): run B forked from run A (or a sweep trial), both trained in lockstep, curves overlaid."""
