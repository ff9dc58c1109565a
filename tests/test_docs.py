"""The docs cannot drift: the generated pages equal what `docs/generate.py` writes, every
relative link (and anchor) resolves, the references cover every command, option and key,
every `tui-nn` example in `--help` parses, every command shown in a page is in a block the
example tests run (tests/test_docs_examples.py) or marked as needing a terminal."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from docs_helpers import (
    DOCS,
    PAGES,
    ROOT,
    WRITTEN,
    anchors,
    blocks,
    command_words,
    generate,
    keys,
    links,
    options,
    relative,
)

README_LINES = 250
MARKS = ("terminal", "not run: ", "needs ")  # the `<!-- example: ... -->` marks of a block
EXIT_MARK = re.compile(r"^exit (\d+)$")


def test_the_generated_docs_are_what_the_generator_writes():
    stale = [relative(path) for path in generate.stale()]
    assert not stale, (
        f"stale: {', '.join(stale)}: an option, command or key changed; run "
        "`.venv/bin/python docs/generate.py` and commit what it writes"
    )


def test_the_check_fails_on_a_stale_page_and_names_it(tmp_path, monkeypatch, capsys):
    page = tmp_path / "keys.md"
    page.write_text("# Keys\n\nan old copy\n")
    monkeypatch.setattr(generate, "ROOT", tmp_path)
    monkeypatch.setattr(generate, "PAGES", {"keys.md": keys.page})
    monkeypatch.setattr(generate, "documents", lambda: [])
    assert generate.main(["--check"]) == 1
    assert "stale: keys.md" in capsys.readouterr().err
    assert page.read_text() == "# Keys\n\nan old copy\n"  # --check writes nothing
    assert generate.main([]) == 0 and page.read_text() == generate.BANNER + keys.page()


def test_a_region_the_generator_does_not_know_is_an_error():
    text = "<!-- generated: no-such-thing -->\nx\n<!-- end of generated: no-such-thing -->\n"
    with pytest.raises(options.GenerateError, match="no generated region called 'no-such-thing'"):
        generate.fill_regions(text, "page.md", {})


def test_the_readme_is_a_short_front_page_with_the_ci_test_command():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= README_LINES
    assert "\n.venv/bin/python -m pytest -q\n" in text  # .ci/run runs the README's command
    assert '.venv/bin/python -m pytest -q -m "not slow"' in text


@pytest.mark.parametrize("page", PAGES, ids=relative)
def test_every_relative_link_resolves(page):
    text = page.read_text(encoding="utf-8")
    broken = []
    for line, target in links(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto: ...
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / unquote(path)).resolve() if path else page
        if not file.exists():
            broken.append(f"line {line}: {target} (no file {file})")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file.read_text("utf-8")):
            broken.append(f"line {line}: {target} (no anchor #{anchor} in {file.name})")
    assert not broken, f"{relative(page)}: " + "; ".join(broken)


def test_the_reference_names_every_command_and_argument():
    text = (DOCS / "options.md").read_text(encoding="utf-8")
    for label, parser in options.command_parsers():
        assert f"## `{options.title(label)}`" in text
        for action in parser._actions:
            for flag in action.option_strings:
                if flag not in ("-h", "--help"):
                    assert f"`{flag}" in text, (label, flag)


def test_the_keys_page_names_every_binding():
    from tui_nn.ui.help import key_label

    text = (DOCS / "keys.md").read_text(encoding="utf-8")
    classes = list(keys.binding_classes())
    assert {"TuiNNApp", "ArchitecturePanel", "TracePanel"} <= {c.__name__ for c in classes}
    for cls in classes:
        for binding in cls.BINDINGS:
            row = f"| `{key_label(binding.key)}` | {binding.description} |"
            assert row in text, (cls.__name__, row)


def help_examples():
    """(command, argv) of every line of the `examples:` of every `--help`."""
    for label, parser in options.command_parsers():
        lines = (parser.epilog or "").splitlines()
        inside = False
        for i, line in enumerate(lines):
            inside = (inside and bool(line.strip())) or line.strip() == "examples:"
            if not (inside and line.strip().startswith("tui-nn")):
                continue
            command = line.strip()
            while command.endswith("\\") and i + 1 < len(lines):
                i += 1
                command = command[:-1] + " " + lines[i].strip()
            command = re.split(r"\s{2,}", command)[0]  # the comment after the command
            yield options.title(label), command_words(command)


def parse_example(argv: list[str]) -> None:
    """Parse a command line as `tui-nn` would and check its training options by their rules,
    without running it (a refusal raises, as the command would)."""
    from tui_nn.cli.options import check_values, config_from_values

    parsers = {options.title(label): parser for label, parser in options.command_parsers()}
    words = argv[1:]
    name = "tui-nn"
    for size in (2, 1):  # "datasets fetch" before "datasets"
        candidate = " ".join(["tui-nn", *words[:size]])
        if words[:size] and not words[0].startswith("-") and candidate in parsers:
            name, words = candidate, words[size:]
            break
    parser = parsers[name]
    ns = parser.parse_args(words)
    shared = {a.dest for a in parser._actions if options.is_shared(a) and a.dest != "config"}
    if shared:
        raw = {dest: getattr(ns, dest) for dest in shared}
        config_from_values(check_values(raw, lambda opt: f"--{opt.name}"))


@pytest.mark.parametrize(
    ("where", "argv"),
    list(help_examples()),
    ids=lambda x: " ".join(x) if isinstance(x, list) else x,
)
def test_every_example_in_help_parses(where, argv):
    assert argv[0] == "tui-nn", argv
    parse_example(argv)


def test_a_bad_example_would_fail_to_parse():
    from tui_nn.cli.options import UsageError

    with pytest.raises(UsageError, match="--lr"):
        parse_example(["tui-nn", "train", "--lr", "fast"])
    with pytest.raises(UsageError, match="unrecognized arguments: --learning-rate"):
        parse_example(["tui-nn", "train", "--learning-rate", "0.1"])


def command_blocks():
    """(page, block) of every fenced block of a written page that shows a command."""
    for page in WRITTEN:
        for block in blocks(page.read_text(encoding="utf-8")):
            if any(
                re.match(r"^(\$ )?(tui-nn|python3?|\.venv/bin/\S+)( |$)", line)
                for line in block.lines
            ):
                yield page, block


def test_every_command_shown_is_in_a_console_block_or_marked():
    wrong = []
    for page, block in command_blocks():
        where = f"{relative(page)} line {block.line}"
        unrun = (block.mark or "").startswith(("terminal", "not run: "))
        if block.lang != "console" and not unrun:
            wrong.append(
                f"{where}: a command in a ```{block.lang} block; show it as ```console with '$ '"
            )
        elif block.mark is not None and not (
            block.mark.startswith(MARKS) or EXIT_MARK.match(block.mark)
        ):
            wrong.append(f"{where}: unknown mark {block.mark!r}")
    assert not wrong, "\n".join(wrong)


def terminal_commands():
    for page, block in command_blocks():
        if block.lang == "console" and block.mark == "terminal":
            for line in block.lines:
                words = command_words(line[2:]) if line.startswith("$ ") else []
                if words and words[0] in ("tui-nn", ".venv/bin/tui-nn"):
                    yield f"{relative(page)}:{block.line}", ["tui-nn", *words[1:]]


@pytest.mark.parametrize(
    ("where", "argv"),
    list(terminal_commands()),
    ids=lambda x: " ".join(x) if isinstance(x, list) else x,
)
def test_commands_that_need_a_terminal_parse(where, argv):
    parse_example(argv)


def test_the_textbook_defines_every_name_the_engine_offers():
    from tui_nn.engine.activations import ACTIVATIONS
    from tui_nn.engine.initializers import INITIALIZERS
    from tui_nn.engine.losses import LOSSES
    from tui_nn.engine.optimizers import OPTIMIZERS
    from tui_nn.engine.schedules import SCHEDULES

    text = (DOCS / "textbook.md").read_text(encoding="utf-8")
    names = [*ACTIVATIONS, *INITIALIZERS, *LOSSES, *OPTIMIZERS, *SCHEDULES]
    missing = [name for name in names if f"`{name}`" not in text]
    assert not missing, f"docs/textbook.md does not define: {', '.join(missing)}"


def test_every_picture_shown_is_made_by_the_pictures_script_from_options_that_parse():
    import make_pictures

    shown = set()
    for page in PAGES:
        for _, target in links(page.read_text(encoding="utf-8")):
            if target.endswith(".svg"):
                shown.add((page.parent / target).resolve())
    made = {make_pictures.path_of(name).resolve(): name for name in make_pictures.PICTURES}
    assert shown <= set(made), f"pictures no script makes: {sorted(map(str, shown - set(made)))}"
    for name, args in make_pictures.PICTURES.items():
        parse_example(["tui-nn", *args, "--screenshot", f"{name}.svg"])
