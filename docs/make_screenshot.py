"""Make docs/screenshot.svg: the real app (real trainer process) on the spiral data, paused
after training a while. Run from the repository: `.venv/bin/python docs/make_screenshot.py`."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from tui_nn.config import RunConfig
from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.types import HyperParams
from tui_nn.ui.app import create_app

OUT = Path(__file__).with_name("screenshot.svg")


async def main(epochs: int = 500) -> None:
    config = RunConfig(
        dataset=DatasetSpec(name="spiral", noise=0.1),
        hidden=(16, 16),
        hyper=HyperParams(lr=0.1, epochs=epochs),
    )
    app = create_app(config, runs_directory=Path(tempfile.mkdtemp()))
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):  # wait for the trainer's first snapshot
            await pilot.pause(0.05)
            if getattr(app, "last", None) is not None:
                break
        await pilot.press("space")
        for _ in range(600):
            await pilot.pause(0.05)
            if app.last.state == "finished":
                break
        await pilot.pause(1.0)
        for name in ("CostPlot", "AccuracyPlot", "NeuronHeatmap", "DecisionBoundary"):
            app.query_one(name).flush_repaint()
        await pilot.pause(0.2)
        app.save_screenshot(filename=OUT.name, path=str(OUT.parent))
        print(f"wrote {OUT} (state {app.last.state}, epoch {app.last.epoch})", file=sys.stderr)
        await pilot.press("q")


if __name__ == "__main__":
    asyncio.run(main())
