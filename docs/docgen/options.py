"""docs/options.md: every command and every option, from the parsers the commands build
(`tui_nn/cli/*.py`), the table of rules (`tui_nn.config.RULES`, `cli/options.OPTIONS`) and the
per-dataset presets, so the reference says what `--help` says and what the code does."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

from docgen.markdown import code, table

Parser = argparse.ArgumentParser

PARSER_FUNCTIONS = {  # a command whose module builds more than one parser, or names it otherwise
    "datasets": (("datasets", "list_parser"), ("datasets fetch", "fetch_parser")),
    "lessons": (("lessons", "lessons_parser"),),
    "lesson": (("lesson", "lesson_parser"),),
}
PAGE = "options.md"


class GenerateError(Exception):
    """Something the generator cannot document (a command without a parser it can find)."""


def command_parsers() -> list[tuple[str, Parser]]:
    """("tui-nn", the app's parser), then each command's, in `dispatch.COMMANDS` order. A
    command module's parser is its `parser()` unless PARSER_FUNCTIONS says otherwise."""
    from tui_nn.cli import dispatch

    found: list[tuple[str, Parser]] = [("", dispatch.app_parser())]
    for name in dispatch.COMMANDS:
        module = sys.modules[dispatch._command(name).__module__]
        for label, function in PARSER_FUNCTIONS.get(name, ((name, "parser"),)):
            make = getattr(module, function, None)
            if make is None:
                raise GenerateError(
                    f"command {name!r}: {module.__name__} has no {function}(); give it one, or "
                    "name its parser function in PARSER_FUNCTIONS (docs/docgen/options.py)"
                )
            found.append((label, make()))
    return found


@contextlib.contextmanager
def fixed_width(columns: int = 100) -> Iterator[None]:
    """argparse wraps usage lines to the terminal: the same width on every machine."""
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(columns)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = saved


# ---- the shared options --------------------------------------------------------------------


def shared_options() -> dict[str, Any]:
    """dest -> the Rule of every training option (and `--config`, as None: no rule)."""
    from tui_nn.cli.options import OPTIONS

    return {**{opt.dest: opt for opt in OPTIONS}, "config": None}


CONFIG_HELP_START = "read options from a TOML file"


def is_shared(action: argparse.Action) -> bool:
    """An argument that `cli/options.add_options` added (a rule's flag, or `--config`)."""
    rules = shared_options()
    if action.dest not in rules or not action.help:
        return False
    rule = rules[action.dest]
    if rule is None:
        return action.help.startswith(CONFIG_HELP_START)
    return action.option_strings == [f"--{rule.name}"] and action.help.startswith(rule.help)


def anchor(name: str) -> str:
    return f"option-{name}"


def option_link(name: str) -> str:
    return f"[`--{name}`](#{anchor(name)})"


def shown(value: Any, rule) -> str:  # noqa: ANN001 - a Rule
    if value is None:
        if rule.none_words:
            return rule.none_words[0]
        return "auto" if rule.dest in ("output", "loss") else "not set"
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value) if value else "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


FIELDS = {"dataset": "name", "data": "path", "data_seed": "seed"}  # DatasetSpec's names


def defaults() -> dict[str, str]:
    """dest -> the default as the reference shows it: RunConfig's, then each dataset's preset
    (`cli/options.PRESETS`) where it differs; the epochs `train` runs (`TRAIN_EPOCHS`)."""
    from tui_nn.cli.options import (
        DEFAULT_TRAIN_EPOCHS,
        OPTIONS,
        PRESETS,
        TRAIN_EPOCHS,
        config_from_values,
    )

    base = config_from_values({})
    found = {}
    for rule in OPTIONS:
        holder = {"hyper": base.hyper, "dataset": base.dataset, "run": base}.get(rule.target)
        field = FIELDS.get(rule.dest, rule.dest)
        if holder is None or not hasattr(holder, field):
            found[rule.dest] = "not set"
            continue
        text = shown(getattr(holder, field), rule)
        by_value: dict[str, list[str]] = {}
        for dataset, preset in PRESETS.items():
            if rule.dest in preset:
                by_value.setdefault(shown(preset[rule.dest], rule), []).append(dataset)
        if by_value:
            text += " (" + "; ".join(f"{', '.join(d)}: {v}" for v, d in by_value.items()) + ")"
        found[rule.dest] = text
    if "val_fraction" in found:  # 'auto': it follows early stopping
        stopping = config_from_values({"early_stopping": 5}).dataset.val_fraction
        found["val_fraction"] += f" ({stopping:g} with --early-stopping)"
    sets = "; ".join(f"{name}: {n}" for name, n in TRAIN_EPOCHS.items())
    found["epochs"] = (
        f"{found['epochs']} in the app (it trains until paused); "
        f"{DEFAULT_TRAIN_EPOCHS} in commands ({sets})"
    )
    return found


def shared_tables() -> str:
    from tui_nn.cli.options import GROUP_TITLES, OPTIONS

    known = defaults()
    parts = []
    for group, title in GROUP_TITLES.items():
        rows = []
        for rule in (r for r in OPTIONS if r.group == group):
            flag = f'<a id="{anchor(rule.name)}"></a>{code(f"--{rule.name} {rule.metavar}")}'
            rows.append(
                (flag, code(rule.name), rule.help, rule.describe(), known.get(rule.dest, ""))
            )
        if group == "files":
            flag = f'<a id="{anchor("config")}"></a>{code("--config PATH.toml")}'
            rows.append((flag, "", CONFIG_HELP, "a path", "not set"))
        parts.append(f"### {title.capitalize()}\n\n" + table(HEADER, rows))
    return "\n".join(parts)


HEADER = ("option", "TOML key", "what it does", "takes", "default")
CONFIG_HELP = (
    "read options from a TOML file: its keys are the TOML keys here (`batch-size` or "
    "`batch_size`); relative paths in it are relative to the file; the command line wins"
)


# ---- one command ---------------------------------------------------------------------------


def title(label: str) -> str:
    return f"tui-nn {label}".strip()


def section(label: str, parser: Parser) -> str:
    own: list[tuple[str, list[argparse.Action]]] = []
    shared = []
    for group in parser._action_groups:
        actions = [a for a in group._group_actions if not isinstance(a, argparse._HelpAction)]
        mine = [a for a in actions if not is_shared(a)]
        shared += [a for a in actions if is_shared(a)]
        name = "arguments" if group.title in ("options", "positional arguments") else group.title
        if mine and own and own[-1][0] == name:  # positional arguments and options: one table
            own[-1][1].extend(mine)
        elif mine:
            own.append((name or "", mine))
    with fixed_width():
        usage = parser.format_usage().strip()
    text = f"## {code(title(label))}\n\n{parser.description}\n\n```text\n{usage}\n```\n\n"
    for heading, actions in own:
        text += f"{heading.capitalize()}:\n\n" + table(("argument", "what it does"), rows(actions))
        text += "\n"
    if shared:
        text += shared_sentence(shared) + "\n\n"
    if parser.epilog:
        text += "From `--help`:\n\n```text\n" + parser.epilog.strip("\n") + "\n```\n"
    return text


def rows(actions: list[argparse.Action]) -> Iterator[tuple[str, str]]:
    for action in actions:
        if action.option_strings:
            name = ", ".join(action.option_strings)
            if action.nargs != 0:
                metavar = action.metavar or action.dest.upper()
                name += f" [{metavar}]" if action.nargs == "?" else f" {metavar}"
        else:
            name = action.metavar or action.dest
            if action.nargs in ("*", "?"):
                name = f"[{name}]"
            if action.nargs in ("*", "+"):
                name += " ..."
        what = action.help or ""
        if action.choices:
            what += ("; " if what else "") + "one of: " + ", ".join(map(str, action.choices))
        yield code(name), what


def shared_sentence(actions: list[argparse.Action]) -> str:
    every = shared_options()
    given = {a.dest for a in actions}
    names = {dest: (rule.name if rule is not None else "config") for dest, rule in every.items()}
    missing = [names[d] for d in every if d not in given]
    if not missing:
        return "And every one of the [training options](#training-options)."
    if len(missing) <= len(every) // 2:
        left_out = ", ".join(code(f"--{n}") for n in missing)
        return f"And the [training options](#training-options), except {left_out}."
    return (
        "And these of the [training options](#training-options): "
        + ", ".join(option_link(names[d]) for d in every if d in given)
        + "."
    )


# ---- the page ------------------------------------------------------------------------------

INTRO = """\
Every command of `tui-nn`, every option, and what each takes. This page is generated from the
command parsers and the table of option rules by `python docs/generate.py` (do not edit it by
hand); `tui-nn COMMAND --help` prints the same. How to use the commands, with examples:
[the command line](command-line.md).
"""


def page() -> str:
    parsers = command_parsers()
    index = "\n".join(
        f"- [{code(title(label))}](#{slug_of(label)}): {parser.description}"
        for label, parser in parsers
    )
    text = f"# Command-line reference\n\n{INTRO}\n{index}\n- [The training options](#training-options)\n\n"
    text += "## Training options\n\n" + TRAINING_INTRO + "\n" + shared_tables() + "\n"
    text += "\n".join(section(label, parser) for label, parser in parsers)
    return text


TRAINING_INTRO = """\
`tui-nn` (the app), `train`, `check`, `trace`, `compare` and `eval` take these (each command's
section says which); a `--config` TOML file and a sweep file take the same names as keys, and
the app's fields check a value with the same rule, so a value is refused the same way
everywhere. Precedence, lowest first: the defaults below, the dataset's defaults (in
brackets), a `--load`ed model's configuration, the `--config` file, the command line.
"""


def slug_of(label: str) -> str:
    from docgen.markdown import slug

    return slug(code(title(label)))
