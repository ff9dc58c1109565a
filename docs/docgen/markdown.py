"""Reading and writing the Markdown of the docs: tables, anchors as GitHub makes them, links,
fenced blocks and the comment that may mark one. Used by the generator and by the tests that
check the pages (tests/test_docs.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
MARK = re.compile(r"^\s*<!--\s*example:\s*(?P<mark>.*?)\s*-->\s*$")
HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
EXPLICIT_ANCHOR = re.compile(r"""<a\s+(?:id|name)=["']([^"']+)["']""")
LINK = re.compile(r"(?<!\!)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
IMAGE = re.compile(r"!\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")


def cell(text: str) -> str:
    """Text made safe for a table cell: no newline, no bare `|`."""
    return " ".join(str(text).split()).replace("|", "\\|")


def code(text: str) -> str:
    """`text` as inline code (a backtick inside gets a longer fence)."""
    text = str(text)
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    header = [cell(h) for h in header]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def slug(title: str) -> str:
    """The anchor GitHub gives a heading: markup dropped, lower case, punctuation removed,
    spaces as dashes (`## tui-nn train` -> `tui-nn-train`)."""
    text = LINK.sub(lambda m: m["text"], title)
    text = re.sub(r"<[^>]+>", "", text).replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def outside_code(text: str) -> Iterator[tuple[int, str, str]]:
    """(line number from 1, line, the line with its inline code blanked out) of every line not
    inside a fenced block: a `[x](y)` shown as code is not a link."""
    fence = None
    for number, line in enumerate(text.splitlines(), 1):
        match = FENCE.match(line)
        if fence is None and match:
            fence = match["fence"]
            continue
        if fence is not None:
            if _closes(line, fence):
                fence = None
            continue
        yield number, line, re.sub(r"(`+)(?:(?!\1).)+?\1", lambda m: " " * len(m[0]), line)


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(fence) and not stripped.strip(fence[0])


def anchors(text: str) -> set[str]:
    """Every anchor a page has: its headings' (`-1`, `-2` after a repeated title) and the
    explicit `<a id="...">` ones."""
    seen: dict[str, int] = {}
    found = set()
    for _, line, blanked in outside_code(text):
        found.update(EXPLICIT_ANCHOR.findall(line))
        match = HEADING.match(line)
        if match and HEADING.match(blanked):
            base = slug(match["title"])
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(text: str) -> Iterator[tuple[int, str]]:
    """(line number, target) of every link and image outside code."""
    for number, _, blanked in outside_code(text):
        for match in LINK.finditer(blanked):
            yield number, match["target"]
        for match in IMAGE.finditer(blanked):
            yield number, match["target"]


@dataclass(frozen=True)
class Block:
    """A fenced block: its info string's first word (`console`, `toml`, ...), its lines, the
    line it starts on, and the `<!-- example: ... -->` comment right above it, if any."""

    lang: str
    lines: tuple[str, ...]
    line: int
    mark: str | None


def blocks(text: str) -> Iterator[Block]:
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        fence, start = match["fence"], i
        body = []
        i += 1
        while i < len(lines) and not _closes(lines[i], fence):
            indent = match["indent"]
            body.append(lines[i][len(indent) :] if lines[i].startswith(indent) else lines[i])
            i += 1
        previous = next((lines[j] for j in range(start - 1, -1, -1) if lines[j].strip()), "")
        marked = MARK.match(previous)
        info = match["info"].strip().split()
        yield Block(
            info[0] if info else "", tuple(body), start + 1, marked["mark"] if marked else None
        )
        i += 1
