"""Colours of classes: a class named after a colour gets that colour (a CSV with labels
red/green/blue draws red red); the others take a colour-blind-safe palette (Okabe and Ito's
eight colours, as xterm-cube approximations), skipping colours already taken."""

from __future__ import annotations

from collections.abc import Sequence

from tui_nn.ui.widgets.draw.colours import RGB

NAMED: dict[str, RGB] = {
    "red": (215, 0, 0),
    "green": (0, 175, 0),
    "blue": (0, 95, 255),
    "yellow": (255, 215, 0),
    "orange": (255, 135, 0),
    "purple": (135, 0, 175),
    "violet": (175, 95, 255),
    "pink": (255, 135, 175),
    "magenta": (215, 0, 215),
    "cyan": (0, 215, 215),
    "brown": (135, 95, 0),
    "black": (48, 48, 48),  # still visible on a dark terminal
    "white": (238, 238, 238),
    "gray": (138, 138, 138),
    "grey": (138, 138, 138),
}

# Okabe & Ito (2008), colour-blind safe: sky blue, orange, bluish green, yellow, blue,
# vermillion, reddish purple, grey.
SAFE: tuple[RGB, ...] = (
    (95, 175, 215),
    (215, 135, 0),
    (0, 175, 135),
    (215, 215, 95),
    (0, 95, 175),
    (215, 95, 0),
    (215, 135, 175),
    (175, 175, 175),
)
EXTRA: tuple[RGB, ...] = ((255, 255, 255), (135, 135, 255))  # beyond eight classes


def colour_name(name: str) -> RGB | None:
    return NAMED.get(name.strip().lower())


def names_colours(names: Sequence[str] | None) -> bool:
    """Does any class carry the name of a colour?"""
    return any(colour_name(n) is not None for n in names or ())


def class_colours(names: Sequence[str] | None, k: int) -> tuple[RGB, ...]:
    """One colour per class 0..k-1."""
    names = list(names or ())[:k]
    names += [""] * (k - len(names))
    fixed = [colour_name(n) for n in names]
    free = [c for c in (*SAFE, *EXTRA) if c not in fixed]
    out = []
    for colour in fixed:
        if colour is None:
            colour = free.pop(0) if free else (200, 200, 200)
        out.append(colour)
    return tuple(out)


def dim(rgb: RGB) -> RGB:
    """The class's region colour: half as bright, so its points stand out on it."""
    return (rgb[0] // 2, rgb[1] // 2, rgb[2] // 2)


def light(rgb: RGB) -> RGB:
    """The class's test-point colour: halfway to white."""
    return ((rgb[0] + 255) // 2, (rgb[1] + 255) // 2, (rgb[2] + 255) // 2)
