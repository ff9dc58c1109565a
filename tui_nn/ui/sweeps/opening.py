""""Sweep results" in the command palette: ask for the folder, show the results; Enter on a
trial saves the current run (as on quit) and opens the trial, `b` compares it as run B.

The sweep's screens, its results reader and its plot (plotext) are imported when the palette
opens them, not with the app (they cost its start-up ~40 ms)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui_nn.ui.compare.controller import Comparison
from tui_nn.ui.compare.trial import trial_config
from tui_nn.ui.host import Host
from tui_nn.ui.link.keeping import RunKeeper

if TYPE_CHECKING:
    from tui_nn.ui.sweeps.screen import CompareTrial


class SweepOpening:
    def __init__(self, host: Host, comparison: Comparison, keeper: RunKeeper) -> None:
        self.host = host
        self.comparison = comparison
        self.keeper = keeper

    def open(self) -> None:
        from tui_nn.ui.sweeps.screen import SweepFolderPrompt

        self.host.push_screen(SweepFolderPrompt(), self._folder_given)

    def _folder_given(self, folder: str | None) -> None:
        if not folder:
            return
        from tui_nn.sweep.results import ResultsError, read_results
        from tui_nn.ui.sweeps.screen import SweepScreen

        try:
            results = read_results(folder)
        except ResultsError as exc:
            message = str(exc).removeprefix("--sweep: ")
            self.host.notify(message, title="sweep results", severity="error")
            return
        self.host.push_screen(SweepScreen(results, self._trial_as_b), self._trial_chosen)

    def _trial_as_b(self, path: str) -> object:
        return trial_config(path, self.host.last, self.comparison.state is not None)

    def _trial_chosen(self, model: str | CompareTrial | None) -> None:
        from tui_nn.ui.sweeps.screen import CompareTrial

        if isinstance(model, CompareTrial):
            self.comparison.with_model(model.path, model.config)
        elif model:
            self.keeper.quit(next_model=model)
