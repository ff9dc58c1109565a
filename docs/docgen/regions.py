"""The generated regions of hand-written pages: `<!-- generated: NAME -->` ... `<!-- end of
generated: NAME -->`, each filled by the function of that name here."""

from __future__ import annotations

from collections.abc import Callable

from docgen import keys, options
from docgen.markdown import code, table


def commands(folder: str = "docs/") -> str:
    """One row per command, linking to its section of the reference (from `folder`)."""
    rows = []
    for label, parser in options.command_parsers():
        link = f"{folder}{options.PAGE}#{options.slug_of(label)}"
        rows.append((f"[{code(options.title(label))}]({link})", parser.description))
    return table(("command", "what it does"), rows)


def lesson_controls() -> str:
    from tui_nn.lessons.controls import CONTROLS

    return ", ".join(code(name.replace("_", "-")) for name in CONTROLS) + "\n"


def lesson_quantities() -> str:
    from tui_nn.lessons.goal import NUMBER_QUANTITIES, WORD_QUANTITIES

    rows = [(code(name), "number", what) for name, what in NUMBER_QUANTITIES.items()]
    rows += [(code(name), "name", what) for name, what in WORD_QUANTITIES.items()]
    return table(("name", "kind", "what it is"), rows)


def makers() -> dict[str, Callable[[], str]]:
    return {
        "readme-keys": keys.readme_keys,
        "readme-commands": commands,
        "commands": lambda: commands(folder=""),
        "lesson-controls": lesson_controls,
        "lesson-quantities": lesson_quantities,
    }
