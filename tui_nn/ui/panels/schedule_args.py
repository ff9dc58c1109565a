"""The learning-rate schedule's parameters as one line of text (the Training panel's `args`).

`show(hyper)` is what the field shows for the active schedule: `every 10 x0.1` (step: decay
every `lr_step` epochs by `lr_gamma`), `min 0` (cosine: down to `lr_min`; `min 0 over 10`
when there is no epoch budget and `lr_step` is its period), `–` for constant (no parameters).
`parse(hyper, text)` reads what the user typed, forgivingly (`10 0.5`, `every 10 x0.5`,
`x0.5`, `gamma 0.5 step 10`, `min 1e-5`, `1e-5`), and returns the HyperParams with those
parameters changed; a blank field gives the parameters their defaults. Every value is checked
by its rule (`tui_nn.config.RULES`: `lr-step`, `lr-gamma`, `lr-min`), so a refusal names the
parameter and its range as the CLI does. Pure functions, no Textual.
"""

from __future__ import annotations

import re
from dataclasses import fields as dataclass_fields
from dataclasses import replace

from tui_nn.engine.types import HyperParams
from tui_nn.ui.panels.fields import RULES, Refused
from tui_nn.ui.panels.fields import parse as parse_value

__all__ = ["NO_ARGS", "PARAMETERS", "parse", "show"]

NO_ARGS = "–"  # the constant schedule's field: nothing to set
TITLE = "lr args"

# The parameters each schedule reads, in the order bare numbers fill them.
PARAMETERS: dict[str, tuple[str, ...]] = {
    "constant": (),
    "step": ("lr_step", "lr_gamma"),
    "cosine": ("lr_min", "lr_step"),
}
# Words that name the parameter of the number after them (or before them, for "x").
_KEYS = {
    "every": "lr_step", "step": "lr_step", "lr_step": "lr_step", "over": "lr_step",
    "period": "lr_step",
    "x": "lr_gamma", "×": "lr_gamma", "*": "lr_gamma", "gamma": "lr_gamma",
    "lr_gamma": "lr_gamma", "factor": "lr_gamma",
    "min": "lr_min", "lr_min": "lr_min", "to": "lr_min",
}  # fmt: skip
_FILLERS = {"epoch", "epochs", "by"}  # "every 10 epochs x0.5"
_TOKEN = re.compile(
    r"(?P<num>[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?)"
    r"|(?P<word>[a-z_]+|[×*])"
    r"|(?P<sep>[\s,;:=]+)"
    r"|(?P<other>.)"
)
_DEFAULTS = {f.name: f.default for f in dataclass_fields(HyperParams)}


def show(hyper: HyperParams) -> str:
    """The active schedule's parameters as the field shows them."""
    if hyper.lr_schedule == "step":
        return f"every {hyper.lr_step} x{hyper.lr_gamma:g}"
    if hyper.lr_schedule == "cosine":
        text = f"min {hyper.lr_min:g}"
        return text if hyper.epochs else f"{text} over {hyper.lr_step}"
    return NO_ARGS


def _example(schedule: str) -> str:
    return {"step": "'every 10 x0.5'", "cosine": "'min 1e-5' (or 'min 1e-5 over 20')"}.get(
        schedule, "nothing"
    )


def _tokens(text: str, schedule: str) -> list[tuple[str, str]]:
    """(kind, text) pairs: kind "num" or "key" (the parameter's name); fillers dropped."""
    out = []
    for match in _TOKEN.finditer(text.strip().lower()):
        kind, value = match.lastgroup, match.group()
        if kind == "sep" or (kind == "word" and value in _FILLERS):
            continue
        if kind == "num":
            out.append(("num", value))
        elif kind == "word" and value in _KEYS:
            out.append(("key", _KEYS[value]))
        else:
            raise Refused(
                f"{TITLE}: {value!r} is not understood; for {schedule} type e.g. "
                f"{_example(schedule)}"
            )
    return out


def _assign(tokens: list[tuple[str, str]], schedule: str) -> dict[str, str]:
    """Which text goes to which parameter: a key word takes the number after it, bare numbers
    fill the schedule's parameters in order."""
    wanted = PARAMETERS[schedule]
    given: dict[str, str] = {}
    bare: list[str] = []
    key: str | None = None
    for kind, value in tokens:
        if kind == "key":
            if key is not None:
                raise Refused(f"{TITLE}: {RULES[key].title} needs a number after it")
            key = value
            continue
        if key is None:
            bare.append(value)
            continue
        if key not in wanted:
            raise Refused(
                f"{TITLE}: the {schedule} schedule has no {RULES[key].title} "
                f"(it takes {_names(wanted)})"
            )
        if key in given:
            raise Refused(f"{TITLE}: {RULES[key].title} given twice")
        given[key], key = value, None
    if key is not None:
        raise Refused(f"{TITLE}: {RULES[key].title} needs a number after it")
    free = [name for name in wanted if name not in given]
    if len(bare) > len(free):
        raise Refused(
            f"{TITLE}: the {schedule} schedule takes {len(wanted)} values ({_names(wanted)}), "
            f"e.g. {_example(schedule)}"
        )
    given.update(zip(free, bare))
    return given


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(RULES[n].title for n in names)


def parse(hyper: HyperParams, text: str) -> HyperParams:
    """`hyper` with the parameters typed in `text` (blank: their defaults); Refused with a
    one-line reason naming the parameter and its range otherwise."""
    schedule = hyper.lr_schedule
    wanted = PARAMETERS.get(schedule, ())
    if not wanted:
        raise Refused(f"{TITLE}: the {schedule} schedule has no parameters")
    if not text.strip() or text.strip() == show(hyper):
        given = {name: _DEFAULTS[name] for name in wanted} if not text.strip() else {}
        return replace(hyper, **given)
    values = {
        name: parse_value(RULES[name], raw)
        for name, raw in _assign(_tokens(text, schedule), schedule).items()
    }
    if schedule == "cosine" and "lr_step" in values and hyper.epochs:
        raise Refused(
            f"{TITLE}: cosine runs over the epoch budget ({hyper.epochs} epochs); clear epochs "
            "to give it a period of its own"
        )
    changed = replace(hyper, **values)
    if changed.lr_min > changed.lr:  # the engine's check (tui_nn.engine.trainer.check_hyper)
        raise Refused(
            f"{RULES['lr_min'].title}: {changed.lr_min:g} is above the learning rate "
            f"{changed.lr:g}"
        )
    return changed
