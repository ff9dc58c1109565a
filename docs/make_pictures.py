"""Make the pictures of the docs: each is the real app (real trainer process) taken by the app's
own `tui-nn ... --screenshot PATH.svg`, with `--screenshot-keys` for what needs a key (the
network diagram, trace mode, the help screen). Run from the repository after a change to what
the app shows:

    .venv/bin/python docs/make_pictures.py            every picture (a minute or two)
    .venv/bin/python docs/make_pictures.py trace      the ones named

Each picture's command is printed before it runs, so any of them can be run by hand.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from tui_nn.cli import main

DOCS = Path(__file__).resolve().parent
FAST = ("--speed", "max")
PICTURES: dict[str, tuple[str, ...]] = {
    # the README's picture: the spiral, learnt
    "screenshot": (
        *("--dataset", "spiral", "--noise", "0.1", "--hidden", "16,16", "--lr", "0.1"),
        *("--epochs", "500", *FAST),
    ),
    # getting started: the app as it opens (three epochs in), then trained
    "first-start": ("--epochs", "3", *FAST),
    "first-trained": ("--epochs", "300", *FAST),
    # the app: the network diagram in place of the heatmap
    "diagram": (
        "--dataset",
        "xor",
        "--hidden",
        "4,3",
        "--epochs",
        "150",
        *FAST,
        "--screenshot-keys",
        "n",
    ),
    # trace mode at the first hidden layer's δ, with the network diagram beside it
    "trace": (
        *("--dataset", "xor", "--hidden", "4", "--epochs", "60", *FAST),
        *("--screenshot-keys", "T right right right right v"),
    ),
    # image data: the confusion matrix and test samples
    "digits": ("--dataset", "digits", "--epochs", "5", *FAST),
    # a regression: the fit plot
    "sine": ("--dataset", "sine", "--hidden", "16,16", "--epochs", "400", *FAST),
    # a lesson: its text and goal beside the app (xor, before the hidden layer it asks for)
    "lesson": ("lesson", "xor", "--screenshot-after", "3"),
    # the help screen, generated from the bindings like docs/keys.md
    "help": ("--epochs", "1", *FAST, "--screenshot-keys", "question_mark"),
    # the playground (docs/playground.md): feature inputs on the circle, no hidden layer
    "playground-features-120x40": (
        *("--dataset", "circle", "--hidden", "", "--features", "x1,x2,x1^2,x2^2"),
        *("--epochs", "60", *FAST, "--screenshot-keys", "home"),
    ),
    # three classes of the spiral, shaded by the winner's probability
    "playground-three-classes-120x40": (
        *("--dataset", "spiral", "--classes", "3", "--samples", "1000", "--hidden", "32,32"),
        *("--activation", "relu", "--optimizer", "adam", "--lr", "0.01", "--epochs", "200"),
        *FAST,
    ),
    # a hidden neuron's map over the plane, with its formula
    "playground-neuron-maps-120x40": (
        *("--dataset", "circle", "--hidden", "4", "--lr", "0.1", "--epochs", "150", *FAST),
        *("--screenshot-keys", "V"),
    ),
    # trace mode with Adam: the update step of the run's own optimizer
    "playground-adam-trace-120x40": (
        *("--dataset", "xor", "--hidden", "2", "--optimizer", "adam", "--lr", "0.01"),
        *("--epochs", "20", *FAST, "--screenshot-keys", "T" + " right" * 8),
    ),
}


def path_of(name: str) -> Path:
    return DOCS / ("screenshot.svg" if name == "screenshot" else f"pictures/{name}.svg")


def make(name: str) -> int:
    path = path_of(name)
    path.parent.mkdir(exist_ok=True)
    args = [*PICTURES[name], "--screenshot", str(path)]
    print("tui-nn " + shlex.join(arg.replace(str(DOCS.parent) + "/", "") for arg in args))
    return main(args)


if __name__ == "__main__":
    names = sys.argv[1:] or list(PICTURES)
    unknown = [name for name in names if name not in PICTURES]
    if unknown:
        print(f"unknown picture(s): {', '.join(unknown)}; known: {', '.join(PICTURES)}")
        raise SystemExit(2)
    raise SystemExit(max(make(name) for name in names))
