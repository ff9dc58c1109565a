"""Numbers and lines for the trace's worked text: four significant digits, vectors that fit a
width, sums broken after a "+" and, when too long, the largest terms and "[n more: Σ]".

Numbers that add up: every equation `result = form(operands)` is shown so that a calculator
given the operands as shown gets the result as shown (`shown`): four significant digits, more
for the operands (up to MAX_DIGITS, then for the result too) where the rounded operands would
give another result, and `≈` before the result when even that is not enough (the cost of an
output of 0.9999996 is computed from z, more precisely than `-ln a` of any rounding of a).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

MAX_VECTOR = 6  # entries of a vector summary line before "…"
INDENT = "  "
CONT = "      "  # continuation lines of a long sum
DIGITS = 4  # significant digits of a number, unless it needs more to add up
MAX_DIGITS = 10  # a float32 near 1 needs 10 to tell it from 1 (0.9999995828)


def num(v: float, digits: int = DIGITS) -> str:
    """`digits` significant digits, no trailing zeros: 0.5312, -1.234, 1.2e-05, 0."""
    v = float(v)
    if v == 0:
        return "0"
    if not math.isfinite(v):
        return str(v)
    text = f"{v:.{digits}g}"
    if "e" in text:
        mantissa, exp = text.split("e")
        text = f"{mantissa}e{int(exp)}"
    return text


def par(v: float, digits: int = DIGITS) -> str:
    """`num`, in parentheses when negative (for products and sums)."""
    text = num(v, digits)
    return f"({text})" if text.startswith("-") else text


def value(text: str) -> float:
    """The number a shown text stands for (what a reader would type into a calculator)."""
    return float(text.strip("()"))


@dataclass(frozen=True)
class Shown:
    """An equation's numbers as shown: the operands' texts, `=` or `≈`, the result's text."""

    operands: tuple[str, ...]
    eq: str
    result: str
    digits: int

    def par(self, i: int) -> str:
        text = self.operands[i]
        return f"({text})" if text.startswith("-") else text


def adds_up(again: float, result: float, digits: int) -> bool:
    """Does a result recomputed from shown operands show as the result does?"""
    return math.isfinite(again) and num(again, digits) == num(result, digits)


def precisions() -> list[tuple[int, int]]:
    """(operand digits, result digits) to try, fewest first: the result at DIGITS while the
    operands take more, then both."""
    return [(d, r) for d in range(DIGITS, MAX_DIGITS + 1) for r in sorted({DIGITS, d})]


def shown(form: Callable[..., float], operands: list[float], result: float) -> Shown:
    """The texts of `result = form(*operands)` such that the shown operands give the shown
    result (see `precisions`); else the operands in full and `≈` before the result."""
    for digits, rdigits in precisions():
        texts = tuple(num(v, digits) for v in operands)
        try:
            again = float(form(*(value(t) for t in texts)))
        except (ValueError, ZeroDivisionError, OverflowError):
            continue
        if adds_up(again, result, rdigits):
            return Shown(texts, "=", num(result, rdigits), digits)
    return Shown(tuple(num(v, MAX_DIGITS) for v in operands), "≈", num(result), MAX_DIGITS)


def vector(name: str, values: np.ndarray, width: int = 80) -> str:
    """`name = [v1, v2, …, n more]`, as many entries as fit in `width` (at most MAX_VECTOR)."""
    shown: list[str] = []
    for i, v in enumerate(values[:MAX_VECTOR]):
        left = len(values) - i - 1
        more = f", … {left} more" if left else ""
        line = f"{name} = [{', '.join([*shown, num(v)])}{more}]"
        if shown and len(line) > width:
            break
        shown.append(num(v))
    left = len(values) - len(shown)
    more = f", … {left} more" if left else ""
    return f"{name} = [{', '.join(shown)}{more}]"


def fit(line: str, width: int) -> list[str]:
    """A line broken (at a space, after a comma or before an equals sign if it can) into
    pieces of at most `width`, the later ones indented."""
    out = []
    while len(line) > width:
        cut = -1
        for mark in (",  ", " (", " = ", " "):  # the most natural break leaving a fair line
            cut = line.rfind(mark, 0, width)
            if cut > width // 3:
                break
        if cut <= len(CONT):
            cut = width
        out.append(line[: cut + 1].rstrip() if line[cut] == "," else line[:cut].rstrip())
        line = CONT + line[cut:].lstrip(", ")
    out.append(line)
    return out


def wrap(lhs: str, pieces: list[str], rhs: str, width: int, sep: str = " + ") -> list[str]:
    """`lhs piece + piece + ... rhs`, broken after a separator into lines of at most `width`."""
    lines, current = [], lhs
    last = len(pieces) - 1
    for i, piece in enumerate(pieces):
        joint = sep if i else ""
        room = width - (len(rhs) if i == last else len(sep.rstrip()) + 1)
        if i and len(current) + len(joint) + len(piece) > room:
            lines.append(current + sep.rstrip())
            current = CONT + piece
        else:
            current += joint + piece
    if len(current) + len(rhs) > width and current.strip():
        lines.append(current)
        current = CONT + rhs.lstrip()
    else:
        current += rhs
    lines.append(current)
    return lines


def fitted_sum(
    lhs: str,
    pairs: list[tuple[float, float]],
    tail: list[float],
    result: float,
    width: int,
    max_lines: int = 2,
) -> list[str]:
    """`lhs w·a + w·a + ... + tail = result`, a sum of products then of `tail` values, that
    adds up (see `shown`: more digits where needed, else `≈`); when it does not fit in
    `max_lines`, the largest products by |value| and "[n more: Σ]" for the rest."""
    for digits, rdigits in precisions():
        lines, total = _fitted(lhs, pairs, tail, result, width, max_lines, digits, rdigits, "=")
        if adds_up(total, result, rdigits):
            return lines
    return _fitted(lhs, pairs, tail, result, width, max_lines, DIGITS, DIGITS, "≈")[0]


def _fitted(
    lhs: str,
    pairs: list[tuple[float, float]],
    tail: list[float],
    result: float,
    width: int,
    max_lines: int,
    digits: int,
    rdigits: int,
    eq: str,
) -> tuple[list[str], float]:
    """The lines at `digits`, and the total a reader gets from the numbers they show."""

    def term(i: int) -> tuple[str, float]:
        w, a = pairs[i]
        return f"{par(w, digits)}·{par(a, digits)}", value(num(w, digits)) * value(num(a, digits))

    def rest(kept: list[int]) -> tuple[str, float]:
        left = [i for i in range(len(pairs)) if i not in kept]
        total = sum(float(pairs[i][0]) * float(pairs[i][1]) for i in left)
        return f"[{len(left)} more: {num(total, digits)}]", value(num(total, digits))

    rhs = f" {eq} {num(result, rdigits)}"
    tails = [(par(v, digits), value(num(v, digits))) for v in tail]

    def attempt(kept: list[int] | None) -> tuple[list[str], float]:
        parts = [term(i) for i in (range(len(pairs)) if kept is None else kept)]
        if kept is not None:
            parts.append(rest(kept))
        parts += tails
        return wrap(lhs, [t for t, _ in parts], rhs, width), sum(v for _, v in parts)

    lines, total = attempt(None)
    if len(lines) <= max_lines:
        return lines, total
    order = sorted(range(len(pairs)), key=lambda i: -abs(pairs[i][0] * pairs[i][1]))
    best = attempt([])
    for keep in range(1, len(pairs)):
        lines, total = attempt(sorted(order[:keep]))
        if len(lines) > max_lines:
            break
        best = (lines, total)
    return best
