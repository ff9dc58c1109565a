"""Make the pictures of docs/playground.md: the real app (headless, on the real trainer process)
trained as the page says, the keys pressed as a user would, the screen saved as SVG. Run from
the repository:

    .venv/bin/python docs/make_playground_pictures.py [NAME ...]

Each picture is a run of `tui-nn` with the options below, a number of epochs at full speed, then
the keys; the files go to docs/pictures/playground-NAME-COLSxROWS.svg, at 120x40 and 80x24.
Private XDG_RUNTIME_DIR / XDG_DATA_HOME folders; every trainer is stopped.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

OUT = Path(__file__).with_name("pictures")
SIZES = ((120, 40), (80, 24))


@dataclass(frozen=True)
class Picture:
    args: tuple[str, ...]  # `tui-nn` options
    epochs: int  # trained at full speed before the keys
    keys: tuple[str, ...]  # pressed after the training, in order ("focus:#id" focuses a widget)


PICTURES = {
    "features": Picture(("--dataset", "circle", "--hidden", "", "--features", "x1,x2,x1^2,x2^2"),
                        60, ("home",)),
    "three-classes": Picture(("--dataset", "spiral", "--classes", "3", "--samples", "1000",
                              "--hidden", "32,32", "--activation", "relu", "--optimizer", "adam",
                              "--lr", "0.01"), 200, ()),
    "neuron-maps": Picture(("--dataset", "circle", "--hidden", "4", "--lr", "0.1"), 150,
                           ("V", "focus:#view-maps", "enter")),
    "neuron-map": Picture(("--dataset", "xor", "--hidden", "4", "--lr", "0.1"), 150,
                          ("focus:#heatmap", "right")),
    "adam-trace": Picture(("--dataset", "xor", "--hidden", "2", "--optimizer", "adam",
                           "--lr", "0.01"), 20, ("T", "right", "right", "right", "right", "right",
                                                 "right", "right", "right")),
}  # fmt: skip


async def take(name: str, picture: Picture, size: tuple[int, int]) -> Path:
    from tui_nn.cli.options import add_options, config_from_values, gather_values
    from tui_nn.cli.parser import make_parser
    from tui_nn.session.protocol.messages import Pause, SetSpeed, Start
    from tui_nn.ui.app import create_app

    parser = make_parser("pictures", "", "")
    add_options(parser)
    config = config_from_values(gather_values(parser.parse_args(list(picture.args))))
    with tempfile.TemporaryDirectory() as runs:
        app = create_app(config, runs_directory=Path(runs))
        async with app.run_test(size=size) as pilot:
            while app.last is None:
                await pilot.pause(0.1)
            app.send(SetSpeed(None))
            app.send(Start())
            while app.last.epoch < picture.epochs:
                await pilot.pause(0.1)
            app.send(Pause())
            while app.last.state == "running":
                await pilot.pause(0.1)
            for key in picture.keys:
                if key.startswith("focus:"):
                    app.query_one(key.removeprefix("focus:")).focus()
                else:
                    await pilot.press(key)
                await pilot.pause(0.4)
            await pilot.pause(1.5)
            app.clear_notifications()
            for widget in app.query("RowWidget, PlotextPlot"):
                if hasattr(widget, "flush_repaint"):
                    widget.flush_repaint()
            await pilot.pause(0.5)
            path = OUT / f"playground-{name}-{size[0]}x{size[1]}.svg"
            app.save_screenshot(str(path))
            await pilot.press("q")
            await pilot.pause(1.0)
    return path


async def main(names: list[str]) -> None:
    OUT.mkdir(exist_ok=True)
    for name in names or list(PICTURES):
        for size in SIZES:
            print(await take(name, PICTURES[name], size), flush=True)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="tnp") as private:
        os.environ["XDG_RUNTIME_DIR"] = private
        os.environ["XDG_DATA_HOME"] = private
        asyncio.run(main(sys.argv[1:]))
