"""Random keys, as someone mashing them over SSH (or a paste, or a script) sends them: single
keys and bursts of keys that arrive together, the command palette, the name pickers, the
prompts and every mode (trace, the diagram, a comparison, sweep results, help), at 120×40 and
80×24, while the real trainer trains. No key may end the app with an error (issue 20: on
v0.2 such keys ended it with `KeyError: 0` in the palette, `ScreenStackError` in the name
picker, `NoMatches: 'CommandList'`, and the run was lost).

The keys are seeded: a failure names the seed and the keys just sent, so it can be replayed.
A key that quits or detaches the app (through the palette, say) starts a new app and the keys
go on. At the end every trainer still running has a run file to save to.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

import pytest
from textual import events
from textual.command import CommandPalette
from textual.keys import _character_to_key
from textual.screen import ModalScreen
from ui_helpers import wait_for

import tui_nn.session.protocol.rendezvous as rendezvous
from tui_nn.config import RunConfig
from tui_nn.data import load_dataset
from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.network import Network
from tui_nn.files import save_model
from tui_nn.session.protocol.messages import Start
from tui_nn.ui.app import create_app

SEED = 2026_12_07
KEYS_PER_SIZE = 1600  # 3,200 in all
SIZES = ((120, 40), (80, 24))

# Every key of the app, its panels and modes, and the keys of Textual's own widgets.
SINGLE = (
    *"sereRgglwmnWtVSbxvTfaAioDcpIL?[]<>+-=0123456789",
    "space", "enter", "escape", "tab", "shift+tab", "up", "down", "left", "right",
    "pageup", "pagedown", "home", "end", "backspace", "delete", "insert", "ctrl+p",
    "ctrl+u", "question_mark", "less_than_sign", "greater_than_sign",
)  # fmt: skip
WAIT = "wait"  # in a sequence: let the app catch up (the palette searches in a worker)
CHARS = {
    "space": " ", "enter": "\r", "tab": "\t", "escape": "\x1b", "backspace": "\x7f",
    "question_mark": "?", "less_than_sign": "<", "greater_than_sign": ">",
}  # fmt: skip


def typed(text: str) -> list[str]:
    """The key names of typing `text` (their characters noted in CHARS)."""
    keys = []
    for c in text:
        key = c if c.isalnum() else _character_to_key(c)
        CHARS.setdefault(key, c)
        keys.append(key)
    return keys


def macros(sweep_folder: str) -> dict[str, list[str]]:
    """Sequences that reach the dialogs and modes quickly (then the random keys go on)."""
    return {
        "palette page": ["ctrl+p", "2", "pagedown"],
        "palette enter": ["ctrl+p", *typed("step"), "enter"],
        "palette escape": ["ctrl+p", "pagedown", "escape", "pageup"],
        "picker twice": ["escape", "p", "enter", "enter", "p", "enter"],
        "picker at out": ["escape", "down", "down", "down", "p", "down", "enter"],
        "sweep": ["ctrl+p", *typed("sweep results"), WAIT, "down", "enter", WAIT,
                  *typed(sweep_folder), "enter", WAIT, "down", "s", "p"],  # fmt: skip
        "weight": ["W", *typed("W1[1,1] = 0.5"), "enter"],
        "bad weight": ["W", *typed("W9[1,1] = x"), "enter", "escape"],
        "trace": ["T", "right", "right", "a", "c", "left", "enter"],
        "diagram": ["n", "right", "enter", "enter"],
        "fork": ["f"],
        "end comparison": ["f", "down", "enter"],
        "help": ["question_mark", "pagedown", "escape"],
        "units": ["escape", "down", *typed("12"), "enter"],
    }


@dataclass
class Tally:
    keys: int = 0
    apps: int = 0
    seen: set[str] = field(default_factory=set)  # screens and modes visited
    last: list[str] = field(default_factory=list)  # the keys sent last (for a failure)


def sweep_results(folder) -> None:
    """A results folder as `tui-nn sweep` writes it: two trials with real (tiny) models."""
    folder.mkdir()
    data = load_dataset(DatasetSpec("circle", samples=40))
    lines = []
    for trial in (0, 1):
        config = RunConfig(dataset=data.spec, hidden=(4,))
        save_model(folder / f"trial-{trial}.npz", Network.from_spec(config.network_spec(data)),
                   config, data)  # fmt: skip
        lines.append(
            {"trial": trial, "params": {"lr": 0.01 * (trial + 1)}, "seed": trial,
             "test_acc": 0.5 + trial / 10, "test_loss": 0.5, "train_acc": 0.5,
             "train_loss": 0.5, "epochs": 3, "stopped": "budget", "seconds": 0.1,
             "model": f"trial-{trial}.npz"}
        )  # fmt: skip
    (folder / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines))


def burst(app, keys: list[str]) -> None:
    """Keys as a terminal delivers them in one read: all posted at once, none waited for."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else CHARS.get(key)))


def bursts(keys: list[str]) -> list[list[str]]:
    """`keys` cut at each WAIT."""
    parts: list[list[str]] = [[]]
    for key in keys:
        if key == WAIT:
            parts.append([])
        else:
            parts[-1].append(key)
    return [part for part in parts if part]


def note(app, tally: Tally) -> None:
    screen = app.screen
    tally.seen.add("CommandPalette" if isinstance(screen, CommandPalette) else type(screen).__name__)
    for mode in ("-tracing", "-comparing", "-diagram"):
        if app.screen.has_class(mode):
            tally.seen.add(mode)


async def mash(size, config, tmp_path, rng: random.Random, tally: Tally, budget: int) -> None:
    sequences = list(macros(str(tmp_path / "sweep")).values())
    goal = tally.keys + budget
    while tally.keys < goal:  # a new app when one quits or detaches
        app = create_app(config, runs_directory=tmp_path / "runs", speed=30.0)
        tally.apps += 1
        async with app.run_test(size=size) as pilot:
            await mash_one(app, pilot, rng, sequences, tally, goal)


async def mash_one(app, pilot, rng, sequences, tally: Tally, goal: int) -> None:
    await wait_for(pilot, lambda: app.last is not None, "the first snapshot")
    app.send(Start())
    while tally.keys < goal and app.is_running and app.return_code is None:
        roll = rng.random()
        if roll < 0.08:
            keys = list(rng.choice(sequences))
        elif roll < 0.6:
            keys = [rng.choice(SINGLE) for _ in range(rng.randint(2, 8))]
        else:
            keys = [rng.choice(SINGLE)]
        tally.last = keys
        for part in bursts(keys):  # a single key is a burst of one
            burst(app, part)
            await pilot.pause()
            tally.keys += len(part)
        note(app, tally)
        if tally.keys % 200 < len(keys) and app.last is not None:
            main_screen = not isinstance(app.screen, ModalScreen | CommandPalette)
            if app.last.state in ("paused", "idle") and main_screen:
                app.send(Start())  # the keys go on while it trains
    await pilot.pause()


@pytest.mark.slow
async def test_random_keys_and_bursts_never_end_the_app(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # screenshots (S) go here
    sweep_results(tmp_path / "sweep")
    rng = random.Random(SEED)
    tally = Tally()
    configs = (RunConfig(), RunConfig(dataset=DatasetSpec("digits")))
    for size, config in zip(SIZES, configs):
        try:
            await mash(size, config, tmp_path, rng, tally, KEYS_PER_SIZE)
        except Exception as exc:
            raise AssertionError(
                f"the app ended with {type(exc).__name__}: {exc} at {size}, after "
                f"{tally.keys} keys (seed {SEED}); the keys sent last: {tally.last}"
            ) from exc
    assert tally.keys >= len(SIZES) * KEYS_PER_SIZE
    visited = {"CommandPalette", "NamePicker", "ParameterPrompt", "SweepScreen",
               "HelpScreen", "-tracing", "-diagram", "-comparing"}  # fmt: skip
    assert visited <= tally.seen, f"never reached: {sorted(visited - tally.seen)}"
    for info in rendezvous.trainers():  # a trainer left running has a file to save its run to
        assert info.run_path, f"trainer {info.id} runs with no run file"
