"""How a CSV file is written: its encoding, delimiter, header and number format, decided from
the first rows of the file and the user's options (`--header`, `--encoding`, `--thousands`).

- The delimiter is the most common of `,` `;` and tab on the first line (default `,`).
- Numbers: in a `;` file a decimal comma is read as a decimal point (`1,5` is 1.5), as
  spreadsheets in much of Europe write them. With `--thousands .` a number is written `1.065,00`
  (dots between groups of three digits, a decimal comma); with `--thousands ,` it is `1,065.00`.
  The groups are checked: `1.5` is not a number with `--thousands .` (it would be 15).
- A trailing delimiter (`1,2,3,`): an empty last column is dropped when it is empty on every
  one of the first rows (or on every data row of them when the header has no trailing
  delimiter); a later row with a value there is refused by line.
- The header (`--header auto`): the first row is a header when it has a non-numeric cell over
  a column of numbers (`x1,x2,label`), only numbers while a column below holds text (`400,500,600`
  over `5.1,1.4,setosa`: names that are numbers, years or wavelengths), none of its cells is a
  number while the rows below have numbers, or the user names a column in it (`--target species`
  over `400,500,species`). `--header yes|no` says it.
Cells are stripped; blank lines are skipped; a UTF-8 byte-order mark is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})
HEADER_MODES = ("auto", "yes", "no")
ENCODINGS = ("utf-8", "cp1252", "latin-1")
ENCODING_ALIASES = {
    "utf8": "utf-8",
    "utf-8-sig": "utf-8",
    "windows-1252": "cp1252",
    "latin1": "latin-1",
    "iso-8859-1": "latin-1",
    "iso8859-1": "latin-1",
}
THOUSANDS = (",", ".")
THOUSANDS_ALIASES = {"comma": ",", "dot": ".", "point": ".", "period": "."}
HEAD_ROWS = 21  # the header is decided on the first row and the 20 below it

_GROUPED = {  # a number with thousands separators (groups of three digits) or without any
    ".": re.compile(r"[+-]?(\d{1,3}(\.\d{3})+|\d*)(,\d*)?([eE][+-]?\d+)?"),
    ",": re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d*)(\.\d*)?([eE][+-]?\d+)?"),
}


@dataclass(frozen=True)
class CsvOptions:
    """How the user says the file is written (`tui_nn.data.rules`: header, encoding, thousands,
    ignore). `names` are columns the caller names (the target, the ignored columns, a model's
    inputs): a first row holding one of them is a header under `header="auto"`."""

    header: str = "auto"
    encoding: str = "utf-8"
    thousands: str | None = None
    ignore: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        from tui_nn.data.spec import DataError

        if self.header not in HEADER_MODES:
            raise DataError(f"header {self.header!r}: choose one of {', '.join(HEADER_MODES)}")
        if canonical_encoding(self.encoding) not in ENCODINGS:
            raise DataError(f"encoding {self.encoding!r}: choose one of {', '.join(ENCODINGS)}")
        if self.thousands not in (None, *THOUSANDS):
            raise DataError(
                f"thousands separator {self.thousands!r}: choose one of {', '.join(THOUSANDS)}"
            )

    @property
    def python_encoding(self) -> str:
        """The codec to open the file with (a UTF-8 byte-order mark is skipped)."""
        enc = canonical_encoding(self.encoding)
        return "utf-8-sig" if enc == "utf-8" else enc


def canonical_encoding(name: str) -> str:
    text = str(name).strip().lower().replace("_", "-")
    return ENCODING_ALIASES.get(text, text)


def is_number(text: str) -> bool:
    """A finite or infinite number as Python writes it (no `1_000`: underscores are no digits)."""
    if "_" in text:
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class NumberFormat:
    """How numbers are written in one file: the decimal mark and thousands separator."""

    delimiter: str
    thousands: str | None = None

    @property
    def decimal_comma(self) -> bool:
        return self.thousands == "." or (self.thousands is None and self.delimiter == ";")

    def text(self, cell: str) -> str:
        """The cell as `float()` reads it when it is a number in this format (`1,5` -> `1.5`
        in a `;` file; `1.065,00` -> `1065.00` with thousands `.`); any other cell unchanged."""
        converted = self._convert(cell)
        return cell if converted is None else converted

    def number(self, cell: str) -> float | None:
        """The cell's number in this format; None for a text, a missing value or a misplaced
        separator (`1.5` with thousands `.`)."""
        converted = self._convert(cell)
        return float(converted) if converted is not None else None

    def parser(self) -> Callable[[str], float | None]:
        """`number`, quicker for the cells that are plain numbers (the careful reader's loop)."""
        number, plain = self.number, self.thousands is None

        def parse(cell: str) -> float | None:
            if plain and "," not in cell and "_" not in cell:
                try:
                    return float(cell)
                except ValueError:
                    return None
            return number(cell)

        return parse

    def _convert(self, cell: str) -> str | None:
        if self.thousands is not None:
            if self.thousands in cell or (self.decimal_comma and "," in cell):
                if not _GROUPED[self.thousands].fullmatch(cell) or not any(map(str.isdigit, cell)):
                    return None
                cell = cell.replace(self.thousands, "")
                return cell.replace(",", ".") if self.decimal_comma else cell
        elif self.decimal_comma and cell.count(",") == 1 and "." not in cell:
            dotted = cell.replace(",", ".")
            if is_number(dotted):
                return dotted
        return cell if is_number(cell) else None

    def replacements(self) -> list[tuple[str, str]]:
        """`str.replace` steps that do `text` to a whole line whose cells are plain numbers
        (none: numbers are read as they are). The fast reader applies them to the lines of a
        file only when `text_ok` finds no separator in it that they would misread."""
        if self.thousands is not None:
            steps = [(self.thousands, "")]
            return steps + [(",", ".")] if self.decimal_comma else steps
        return [(",", ".")] if self.decimal_comma else []

    def text_ok(self, text: str) -> bool:
        """No separator in `text` (lines of the file) that `replacements` would misread: a dot
        in `1.5` with thousands `.`, a group of two digits."""
        if self.thousands is None:
            return True
        return _BAD_GROUPS[self.thousands].search(text) is None


_BAD_GROUPS = {  # a separator not between a digit and a group of exactly three digits
    ".": re.compile(r"(?<!\d)\.|\.(?!\d{3}(?!\d))|\d{4}\.|,\d*\.|,\d*,"),
    ",": re.compile(r"(?<!\d),|,(?!\d{3}(?!\d))|\d{4},|\.\d*,|\.\d*\."),
}


def sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def drops_trailing_column(rows: list[list[str]]) -> tuple[bool, bool]:
    """(drop, header_shorter): whether the rows end with the empty cell a trailing delimiter
    leaves, on every row or on every row but a first row (a header) one cell shorter."""
    ends_empty = [len(r) > 1 and r[-1] == "" for r in rows]
    if rows and all(ends_empty):
        return True, False
    if len(rows) > 1 and all(ends_empty[1:]) and len(rows[0]) == len(rows[1]) - 1:
        return True, True
    return False, False


def has_header(
    rows: list[list[str]],
    mode: str,
    names: tuple[str, ...] = (),
    number: Callable[[str], bool] = is_number,
) -> bool:
    """Whether the first of `rows` (the first rows of the file) is a header (module doc);
    `number` says whether a cell is a number in the file's format."""
    if mode != "auto":
        return mode == "yes"
    first = rows[0]
    if _names_a_column(first, names):
        return True
    if len(rows) < 2:  # one row: names (unless the caller named columns none of which it has)
        return not names and not all(number(c) for c in first)
    sample = rows[1:HEAD_ROWS]
    all_numbers = all(number(c) for c in first)
    for j, cell in enumerate(first):
        below = [r[j] for r in sample if j < len(r) and r[j].lower() not in MISSING]
        numbers = [number(c) for c in below]
        if below and not number(cell) and all(numbers):
            return True  # a name over numbers
        if all_numbers and len(below) > 1 and not any(numbers):
            return True  # numbers over a column of text: names that are numbers (years)
    # no cell of the first row is a number, while the rows below have some: names
    return not any(number(c) for c in first) and any(number(c) for r in sample for c in r)


def _names_a_column(first: list[str], names: tuple[str, ...]) -> bool:
    """A name the user gives is a cell of the first row (and not a column index there)."""
    cells = {c.lower() for c in first}
    for name in names:
        text = str(name).strip()
        try:
            index = int(text)
        except ValueError:
            index = None
        if index is not None and -len(first) <= index < len(first):
            continue  # `--target 2` is the third column, whatever the first row says
        if text.lower() in cells:
            return True
    return False
