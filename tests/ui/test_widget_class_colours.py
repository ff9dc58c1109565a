"""Classes named after colours get those colours; the others a colour-blind-safe palette."""

from __future__ import annotations

import numpy as np

import tui_nn.ui.views.boundary_canvas as canvas
from tui_nn.session.protocol.messages import DataSummary
from tui_nn.ui.widgets.draw.class_colours import NAMED, SAFE, class_colours, light


def summary(names, classes):
    pts = np.zeros((2, 2), dtype=np.float32)
    return DataSummary(
        "csv",
        "classification",
        2,
        classes if classes > 2 else 1,
        classes,
        2,
        2,
        names,
        pts,
        np.array([0, 1]),
        pts,
        np.array([0, 1]),
        (0, 1, 0, 1),
    )


def test_a_class_named_after_a_colour_gets_it_and_the_rest_the_safe_palette():
    assert class_colours(("red", "green", "blue"), 3) == (
        NAMED["red"],
        NAMED["green"],
        NAMED["blue"],
    )
    assert class_colours(("Red ", "x", "y"), 3) == (NAMED["red"], SAFE[0], SAFE[1])
    assert class_colours(None, 3) == SAFE[:3]
    colours = class_colours(tuple(str(i) for i in range(10)), 10)
    assert len(set(colours)) == 10  # no two classes alike, even beyond the eight safe colours


def test_the_boundary_draws_named_classes_in_their_colours():
    c = canvas.colouring("class", summary(("red", "green", "blue"), 3))
    train = c.palette[c.train_offset : c.train_offset + 3]
    assert train == (NAMED["red"], NAMED["green"], NAMED["blue"])
    test = c.palette[c.test_offset : c.test_offset + 3]
    assert test == tuple(light(x) for x in train)
    binary = canvas.colouring("probability", summary(("green", "red"), 2))
    assert binary.palette[binary.train_offset : binary.train_offset + 2] == (
        NAMED["green"],
        NAMED["red"],
    )
