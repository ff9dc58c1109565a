"""Make docs/screenshot.svg: the real app (real trainer process) on the spiral data, after 500
epochs, taken by the app's own `--screenshot` (README, *Screenshots without a terminal*). Run
from the repository: `.venv/bin/python docs/make_screenshot.py`, which is the command

    tui-nn --dataset spiral --noise 0.1 --hidden 16,16 --lr 0.1 --epochs 500 --speed max \\
           --screenshot docs/screenshot.svg
"""

from __future__ import annotations

from pathlib import Path

from tui_nn.cli import main

OUT = Path(__file__).with_name("screenshot.svg")
ARGS = ("--dataset", "spiral", "--noise", "0.1", "--hidden", "16,16", "--lr", "0.1")

if __name__ == "__main__":
    raise SystemExit(main([*ARGS, "--epochs", "500", "--speed", "max", "--screenshot", str(OUT)]))
