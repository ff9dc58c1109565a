"""Numbers and lines for the trace's worked text: four significant digits, vectors that fit a
width, sums broken after a "+" and, when too long, the largest terms and "[n more: Σ]"."""

from __future__ import annotations

import math

import numpy as np

MAX_VECTOR = 6  # entries of a vector summary line before "…"
INDENT = "  "
CONT = "      "  # continuation lines of a long sum


def num(v: float) -> str:
    """Four significant digits, no trailing zeros: 0.5312, -1.234, 1.2e-05, 0."""
    v = float(v)
    if v == 0:
        return "0"
    if not math.isfinite(v):
        return str(v)
    text = f"{v:.4g}"
    if "e" in text:
        mantissa, exp = text.split("e")
        text = f"{mantissa}e{int(exp)}"
    return text


def par(v: float) -> str:
    """`num`, in parentheses when negative (for products and sums)."""
    text = num(v)
    return f"({text})" if text.startswith("-") else text


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
    terms: list[tuple[str, float]],
    tail: list[str],
    rhs: str,
    width: int,
    max_lines: int = 2,
) -> list[str]:
    """A sum of `terms` (text, value) followed by `tail` pieces; when it does not fit in
    `max_lines`, the largest terms by |value| and "[n more: Σ]" for the rest."""
    pieces = [text for text, _ in terms] + tail
    lines = wrap(lhs, pieces, rhs, width)
    if len(lines) <= max_lines:
        return lines
    order = sorted(range(len(terms)), key=lambda i: -abs(terms[i][1]))
    best = wrap(lhs, [_rest(len(terms), sum(v for _, v in terms))] + tail, rhs, width)
    for keep in range(1, len(terms)):
        kept = sorted(order[:keep])
        rest = [i for i in order[keep:]]
        pieces = [terms[i][0] for i in kept]
        pieces.append(_rest(len(rest), sum(terms[i][1] for i in rest)))
        lines = wrap(lhs, pieces + tail, rhs, width)
        if len(lines) > max_lines:
            break
        best = lines
    return best


def _rest(n: int, total: float) -> str:
    return f"[{n} more: {num(total)}]"
