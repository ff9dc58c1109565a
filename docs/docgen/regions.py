"""The generated regions of hand-written pages: `<!-- generated: NAME -->` ... `<!-- end of
generated: NAME -->`, each filled by the function of that name here."""

from __future__ import annotations

from collections.abc import Callable

from docgen import keys, options
from docgen.markdown import code, table


def commands() -> str:
    """One line per command, linking to its section of the reference."""
    lines = []
    for label, parser in options.command_parsers():
        link = f"{options.PAGE}#{options.slug_of(label)}"
        lines.append(f"| [{code(options.title(label))}](docs/{link}) | {parser.description} |")
    return "| command | what it does |\n|---|---|\n" + "\n".join(lines) + "\n"


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
        "lesson-controls": lesson_controls,
        "lesson-quantities": lesson_quantities,
    }
