"""Trace mode (T): one sample forward, backward and update, a step at a time, in the textbook's notation."""
