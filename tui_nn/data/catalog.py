"""The datasets by name: the built-in ones in display order, and the other spellings accepted."""

from __future__ import annotations

from tui_nn.data.images import IMAGE_SETS
from tui_nn.data.toy import TOY_SETS

DATASET_NAMES: tuple[str, ...] = (*TOY_SETS, "digits", *IMAGE_SETS)
"""Built-in datasets, in display order. "csv" (the user's file) is accepted too but needs a path."""

ALIASES = {"fashion": "fashion-mnist", "fashion_mnist": "fashion-mnist", "fmnist": "fashion-mnist"}


def canonical_name(name: str) -> str:
    key = name.strip().lower()
    return ALIASES.get(key, key)


def has_official_split(name: str) -> bool:
    """MNIST-style sets keep their published train/test split (the test fraction is unused)."""
    return canonical_name(name) in IMAGE_SETS
