"""A lesson's goal: conditions such as `test_acc >= 0.95`, `hidden_neurons <= 8`, `epochs <= 300`.

Each condition is `NAME OP VALUE`, parsed by a small tokenizer (no `eval`): NAME is one of
`QUANTITIES`, OP one of `<= < >= > == !=`, VALUE a number (or, for the quantities that are
names, such as `activation`, a word: `activation == relu`). A goal is reached at the first
moment every condition holds; a quantity that is not known yet (no epoch trained, no test set)
makes its condition false.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tui_nn.engine.spec import NetworkSpec
from tui_nn.engine.types import EpochRecord, HyperParams


class GoalError(ValueError):
    """A condition that cannot be parsed; the message names the condition and what is allowed."""


NUMBER_QUANTITIES: dict[str, str] = {
    "epochs": "completed epochs",
    "train_loss": "loss on the training set (newest epoch)",
    "test_loss": "loss on the test set (newest epoch)",
    "train_acc": "accuracy on the training set, 0..1",
    "test_acc": "accuracy on the test set, 0..1",
    "acc_gap": "train_acc - test_acc (overfitting shows here)",
    "loss_gap": "test_loss - train_loss",
    "hidden_neurons": "neurons in all hidden layers together",
    "hidden_layers": "number of hidden layers",
    "parameters": "weights and biases of the network",
    "lr": "learning rate",
}
WORD_QUANTITIES: dict[str, str] = {
    "activation": "activation of the hidden layers (all of them)",
    "output": "output activation",
    "loss": "loss (cost) function",
    "optimizer": "optimizer",
}
QUANTITIES = {**NUMBER_QUANTITIES, **WORD_QUANTITIES}

OPERATORS: dict[str, Callable[[object, object], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
}
_CONDITION = re.compile(
    r"^\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op><=|>=|==|!=|<|>)\s*(?P<value>\S+)\s*$"
)
_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Condition:
    name: str
    op: str
    value: float | str
    text: str

    def holds(self, values: Mapping[str, object]) -> bool:
        actual = values.get(self.name)
        if actual is None:
            return False
        if isinstance(self.value, float):
            if not isinstance(actual, (int, float)) or not math.isfinite(actual):
                return False
        return bool(OPERATORS[self.op](actual, self.value))

    def describe(self, values: Mapping[str, object]) -> str:
        """`test_acc 0.913 (>= 0.95)`: the condition with the value it has now."""
        actual = values.get(self.name)
        if actual is None:
            shown = "-"
        elif isinstance(actual, float):
            shown = f"{actual:.4g}"
        else:
            shown = str(actual)
        value = f"{self.value:g}" if isinstance(self.value, float) else self.value
        return f"{self.name} {shown} ({self.op} {value})"


def parse_condition(text: str) -> Condition:
    if not isinstance(text, str):
        raise GoalError(f"a condition must be text like 'test_acc >= 0.95', got {text!r}")
    match = _CONDITION.match(text)
    if match is None:
        raise GoalError(
            f"cannot read condition {text!r}; write NAME OP VALUE, e.g. 'test_acc >= 0.95' "
            f"(operators: {' '.join(OPERATORS)})"
        )
    name, op, raw = match["name"], match["op"], match["value"]
    if name not in QUANTITIES:
        raise GoalError(
            f"condition {text!r}: unknown quantity {name!r}; allowed: {', '.join(QUANTITIES)}"
        )
    if name in WORD_QUANTITIES:
        if op not in ("==", "!=") or not _WORD.match(raw):
            raise GoalError(f"condition {text!r}: {name} is a name; write '{name} == NAME'")
        return Condition(name, op, raw.lower(), text.strip())
    try:
        value = float(raw)
    except ValueError:
        raise GoalError(f"condition {text!r}: {raw!r} is not a number") from None
    if not math.isfinite(value):
        raise GoalError(f"condition {text!r}: the value must be a finite number")
    return Condition(name, op, value, text.strip())


@dataclass(frozen=True)
class Goal:
    conditions: tuple[Condition, ...]

    @classmethod
    def parse(cls, items: list[str] | tuple[str, ...]) -> Goal:
        if not items:
            raise GoalError("a goal needs at least one condition")
        return cls(tuple(parse_condition(text) for text in items))

    def holds(self, values: Mapping[str, object]) -> bool:
        return all(c.holds(values) for c in self.conditions)

    def failing(self, values: Mapping[str, object]) -> tuple[Condition, ...]:
        return tuple(c for c in self.conditions if not c.holds(values))

    def __str__(self) -> str:
        return " and ".join(c.text for c in self.conditions)


def goal_values(
    record: EpochRecord | None, spec: NetworkSpec | None, hyper: HyperParams | None
) -> dict[str, object]:
    """The quantities a goal may name, from the newest epoch record, the network and settings.
    Unknown ones (nothing trained yet, no test set, regression accuracy) are None."""
    values: dict[str, object] = dict.fromkeys(QUANTITIES)
    if record is not None:
        values.update(
            epochs=record.epoch,
            train_loss=record.train_loss,
            test_loss=record.test_loss,
            train_acc=record.train_acc,
            test_acc=record.test_acc,
        )
        if record.train_acc is not None and record.test_acc is not None:
            values["acc_gap"] = record.train_acc - record.test_acc
        if record.test_loss is not None:
            values["loss_gap"] = record.test_loss - record.train_loss
    else:
        values["epochs"] = 0
    if spec is not None:
        acts = {layer.activation for layer in spec.hidden}
        values.update(
            hidden_neurons=sum(layer.units for layer in spec.hidden),
            hidden_layers=len(spec.hidden),
            parameters=sum(n_out * n_in + n_out for n_in, n_out in zip(spec.sizes, spec.sizes[1:])),
            activation=acts.pop() if len(acts) == 1 else ("mixed" if acts else "none"),
            output=spec.output.activation,
            loss=spec.loss,
        )
    if hyper is not None:
        values.update(lr=float(hyper.lr), optimizer=hyper.optimizer)
    return values
