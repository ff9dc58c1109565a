"""The trainer process: `python -m tui_nn.session.trainer.daemon ID`, its loop, and the runner."""
