"""What the docs tests share: where the pages are, the generator (docs/generate.py, imported
from docs/), and how a command line shown in a page is read."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
if str(DOCS) not in sys.path:
    sys.path.insert(0, str(DOCS))

import generate  # noqa: E402 - docs/generate.py, found through the path set above
from docgen import keys, options  # noqa: E402, F401 - the generator's parts
from docgen.markdown import anchors, blocks, links  # noqa: E402, F401

PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
GENERATED = {ROOT / name for name in generate.PAGES}
WRITTEN = [page for page in PAGES if page not in GENERATED]  # pages people write


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def command_words(command: str) -> list[str]:
    """The words of a shell command line, up to a redirection or a pipe."""
    words = shlex.split(command, comments=True)
    for i, word in enumerate(words):
        if word in (">", ">>", "|", "<", "2>", "&&", ";"):
            return words[:i]
    return words
