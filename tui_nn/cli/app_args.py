"""The app's own options (beside the training options of `cli/options.py`): `tui-nn` has
them, and `tui-nn serve` takes them too and passes them on to the app of each tab."""

from __future__ import annotations

import argparse


def add_app_arguments(parser: argparse.ArgumentParser, sweep: bool = True) -> None:
    """The app's own options (`tui-nn serve` passes them on to the app of each tab)."""
    app = parser.add_argument_group("app")
    app.add_argument(
        "--fps",
        default=None,
        metavar="N",
        help="snapshots per second from the trainer, which the numbers redraw with (default 10)",
    )
    app.add_argument(
        "--speed",
        default=None,
        metavar="EPS",
        help="start with training limited to EPS epochs per second, or 'max' (default: 30 on "
        "the generated toy sets, so you can watch them learn; max on real data); < and > change "
        "it in the app",
    )
    app.add_argument(
        "--low-bandwidth",
        action="store_true",
        help="fewer, smaller redraws for slow links (at most 2 snapshots a second; plots, heatmap "
        "and decision boundary every 2 s)",
    )
    app.add_argument(
        "--resume",
        nargs="?",
        const=True,
        default=False,
        metavar="PATH",
        help="continue the run saved when the app last quit, or the model file PATH",
    )
    app.add_argument(
        "--projector",
        action="store_true",
        help="the layout for a projector: the plots and pictures larger, no editing panels, no "
        "key bar (b shows the panels)",
    )
    if sweep:
        app.add_argument(
            "--sweep",
            default=None,
            metavar="DIR",
            help="show a sweep's results (`tui-nn sweep --results DIR`); enter opens a trial's "
            "model",
        )
