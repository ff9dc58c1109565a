"""Weights and biases named in the textbook's notation, 1-based: `W1[2,1]`, `b2[2]`.

`W1[2,1]` is row 2, column 1 of layer 1's weight matrix: the weight from input 1 into neuron 2 of
the first hidden layer (`z = W @ x + b`, W of shape n_out x n_in). `b2[2]` is the bias of neuron 2
of layer 2. Layers count from 1 at the first hidden layer; the output layer is the last, `L`.

    parse_assignment("W1[2,1] = 1.25", sizes=(2, 3, 2, 1))
    -> (Address(layer=0, row=1, col=0), 1.25)      # indices inside are 0-based, as the arrays

A pure module: no NumPy arrays are read, only the layer sizes (inputs, hidden..., outputs).
Every refusal is a `NotationError` (a ValueError) whose one-line message names what is wrong.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass


class NotationError(ValueError):
    """A weight or bias address (or value) that names nothing, or a value that is no number."""


@dataclass(frozen=True)
class Address:
    """One parameter, 0-based like the arrays: `col` None for a bias."""

    layer: int  # 0 = first hidden layer, last = output layer
    row: int  # the neuron of `layer`
    col: int | None = None  # the input (a neuron of the layer before); None: the bias

    @property
    def is_bias(self) -> bool:
        return self.col is None

    def text(self) -> str:
        """`W1[2,1]` or `b1[2]` (1-based)."""
        if self.col is None:
            return f"b{self.layer + 1}[{self.row + 1}]"
        return f"W{self.layer + 1}[{self.row + 1},{self.col + 1}]"


_ADDRESS = re.compile(
    r"""^\s*(?P<kind>[wWbB])\s*(?P<layer>[^\[\s]*)\s*
        \[\s*(?P<first>[^,\]]*?)\s*(?:,\s*(?P<second>[^\]]*?)\s*)?\]\s*$""",
    re.VERBOSE,
)


def _index(text: str, what: str, whole: str) -> int:
    """A 1-based index as written ('2'), as an int; refuses what is not a positive integer."""
    if not re.fullmatch(r"[0-9]+", text or ""):
        shown = text if text else "nothing"
        raise NotationError(f"{whole}: the {what} must be a whole number from 1, got {shown}")
    value = int(text)
    if value < 1:
        raise NotationError(f"{whole}: the {what} counts from 1, got {value}")
    return value


def _layer_text(text: str, n_layers: int, whole: str) -> int:
    if text in ("L", "l"):
        return n_layers
    return _index(text, "layer", whole)


def parse_address(text: str, sizes: Sequence[int]) -> Address:
    """`W1[2,1]` / `b2[2]` / `WL[1,3]` checked against the layer sizes (inputs, ..., outputs)."""
    whole = text.strip()
    match = _ADDRESS.match(text)
    if not match:
        raise NotationError(
            f"cannot read {whole!r}: write a weight as W<layer>[<neuron>,<input>] (e.g. W1[2,1]) "
            "or a bias as b<layer>[<neuron>] (e.g. b2[2])"
        )
    n_layers = len(sizes) - 1
    if n_layers < 1:
        raise NotationError("the network has no layers yet")
    kind = match["kind"].upper()
    layer = _layer_text(match["layer"], n_layers, whole)
    if layer > n_layers:
        raise NotationError(
            f"{whole}: no layer {layer}; the network has layers 1..{n_layers} "
            f"({n_layers} is the output layer)"
        )
    first, second = match["first"], match["second"]
    if kind == "B" and second is not None:
        raise NotationError(f"{whole}: a bias has one index, the neuron: b{layer}[<neuron>]")
    if kind == "W" and second is None:
        raise NotationError(
            f"{whole}: a weight has two indices, neuron and input: W{layer}[<neuron>,<input>]"
        )
    row = _index(first, "neuron", whole)
    units = sizes[layer]
    where = "the output layer" if layer == n_layers else f"layer {layer}"
    if row > units:
        raise NotationError(f"{whole}: no neuron {row}; {where} has {units} neurons (1..{units})")
    if kind == "B":
        return Address(layer - 1, row - 1)
    col = _index(second, "input", whole)
    inputs = sizes[layer - 1]
    source = "the input layer" if layer == 1 else f"layer {layer - 1}"
    if col > inputs:
        raise NotationError(
            f"{whole}: no input {col}; {source} has {inputs} {'inputs' if layer == 1 else 'neurons'}"
            f" (1..{inputs})"
        )
    return Address(layer - 1, row - 1, col - 1)


def parse_value(text: str, what: str = "the value") -> float:
    """A finite number ('1.25', '-0.5', '3e-2'); refuses the rest, nan and inf by name."""
    raw = text.strip()
    if not raw:
        raise NotationError(f"{what} is missing: write a number, e.g. 1.25")
    try:
        value = float(raw)
    except ValueError:
        raise NotationError(f"{what} must be a number, got {raw!r}") from None
    if not math.isfinite(value):
        raise NotationError(f"{what} must be a finite number, got {raw}")
    return value


def parse_assignment(text: str, sizes: Sequence[int]) -> tuple[Address, float]:
    """`W1[2,1] = 1.25` -> (Address, 1.25); a NotationError names what is wrong."""
    if "=" not in text:
        raise NotationError(
            f"cannot read {text.strip()!r}: write <address> = <value>, e.g. W1[2,1] = 1.25"
        )
    left, _, right = text.partition("=")
    address = parse_address(left, sizes)
    value = parse_value(right, f"the value for {address.text()}")
    return address, value


def check_address(address: Address, sizes: Sequence[int]) -> None:
    """A 0-based address against the sizes (for commands that arrive already parsed)."""
    n_layers = len(sizes) - 1
    if not 0 <= address.layer < n_layers:
        raise NotationError(
            f"no layer {address.layer + 1}; the network has layers 1..{max(n_layers, 0)}"
        )
    units, inputs = sizes[address.layer + 1], sizes[address.layer]
    if not 0 <= address.row < units:
        raise NotationError(
            f"{address.text()}: no neuron {address.row + 1}; layer {address.layer + 1} has "
            f"{units} neurons"
        )
    if address.col is not None and not 0 <= address.col < inputs:
        raise NotationError(
            f"{address.text()}: no input {address.col + 1}; layer {address.layer + 1} has "
            f"{inputs} inputs"
        )
