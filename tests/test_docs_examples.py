"""Every command the README and the pages of docs/ show in a ```console block runs, as a user
would type it, and prints what the page shows.

A page's blocks run in order in one fresh folder (a model saved by one command is there for
the next), with `examples/` of the repository beside them. After a `$ command` line, the lines
shown are its output: each must be a line the command printed (stdout or stderr), where `…`
stands for anything (a time, a path) and a line `...` alone for lines left out. A block marked
`<!-- example: terminal -->` (the app) is parsed but not run (tests/test_docs.py),
`<!-- example: not run: REASON -->` is not run, `<!-- example: exit N -->` expects exit code N,
`<!-- example: needs MODULE -->` runs where MODULE imports (PyTorch for exported scripts).
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from docs_helpers import ROOT, WRITTEN, blocks, command_words, relative

pytestmark = pytest.mark.slow

SHARED_DATA = ROOT.parent / "shared" / "datasets"  # MNIST files, where the machine has them
TIMEOUT = 900.0


@dataclass
class Example:
    command: str
    line: int  # in the page
    shown: list[str] = field(default_factory=list)
    code: int = 0
    needs: str | None = None


def examples(page: Path) -> list[Example]:
    return examples_in(page.read_text(encoding="utf-8"))


def examples_in(text: str) -> list[Example]:
    found: list[Example] = []
    for block in blocks(text):
        mark = block.mark or ""
        if block.lang != "console" or mark == "terminal" or mark.startswith("not run"):
            continue
        code = int(mark.split()[1]) if mark.startswith("exit ") else 0
        needs = mark.split()[1] if mark.startswith("needs ") else None
        pending = ""
        for offset, line in enumerate(block.lines, 1):
            if pending or line.startswith("$ "):
                text = pending + (line[2:] if not pending else line.strip())
                pending = text[:-1] + " " if text.endswith("\\") else ""
                if not pending:
                    found.append(Example(text, block.line + offset, code=code, needs=needs))
            elif found and line.strip():
                found[-1].shown.append(line.rstrip())
    return found


def argv_of(command: str) -> list[str]:
    words = command_words(command)
    if words[0] in ("tui-nn", ".venv/bin/tui-nn"):
        return [sys.executable, "-m", "tui_nn", *words[1:]]
    if words[0] in ("python", "python3", ".venv/bin/python"):
        return [sys.executable, *words[1:]]
    raise AssertionError(f"{command!r}: only tui-nn and python commands run here; mark the block")


def matches(shown: str, printed: list[str]) -> bool:
    if "…" not in shown:
        return shown in printed
    pattern = re.compile(".*".join(re.escape(part) for part in shown.split("…")) + r"\Z")
    return any(pattern.match(line) for line in printed)


PAGES_WITH_EXAMPLES = [page for page in WRITTEN if examples(page)]


@pytest.mark.parametrize("page", PAGES_WITH_EXAMPLES, ids=relative)
def test_the_examples_of_a_page_run_and_print_what_it_shows(page, tmp_path):
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    env = dict(os.environ, TUI_NN_DEBUG="1")
    if SHARED_DATA.is_dir():
        env.setdefault("TUI_NN_DATA_DIR", str(SHARED_DATA))
        env.setdefault("TUI_NN_MIRROR", str(SHARED_DATA))
    for example in examples(page):
        where = f"{relative(page)} line {example.line}: $ {example.command}"
        if example.needs and importlib.util.find_spec(example.needs) is None:
            continue  # said in the block's mark; the rest of the page still runs
        done = subprocess.run(
            argv_of(example.command),
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        printed = [line.rstrip() for line in (done.stdout + done.stderr).splitlines()]
        assert done.returncode == example.code, f"{where}\nexit {done.returncode}\n{done.stderr}"
        missing = [line for line in example.shown if line != "..." and not matches(line, printed)]
        assert not missing, (
            f"{where}\nshown but not printed:\n  "
            + "\n  ".join(missing)
            + "\nprinted:\n  "
            + "\n  ".join(printed)
        )


def test_the_examples_are_read_as_written():
    text = "<!-- example: exit 2 -->\n```console\n$ tui-nn train \\\n  --lr x\nerror: …\n```\n"
    (found,) = examples_in(text)
    assert found.command == "tui-nn train  --lr x" and found.code == 2
    assert found.shown == ["error: …"]
    assert matches("error: …", ["error: --lr bad"]) and not matches("error: …", ["an error: x"])


def scripts_not_run():
    """(page, script) of every `python SCRIPT.py` in a block marked not run (the benchmarks)."""
    for page in WRITTEN:
        for block in blocks(page.read_text(encoding="utf-8")):
            if (block.mark or "").startswith("not run"):
                for line in block.lines:
                    words = command_words(line[2:]) if line.startswith("$ ") else []
                    if len(words) > 1 and words[0].endswith("python") and words[1].endswith(".py"):
                        yield page, words[1]


@pytest.mark.parametrize(("page", "script"), list(scripts_not_run()), ids=str)
def test_a_script_shown_but_not_run_exists_and_takes_help(page, script):
    assert (ROOT / script).is_file(), f"{relative(page)}: no script {script}"
    done = subprocess.run(
        [sys.executable, str(ROOT / script), "--help"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and "usage" in done.stdout.lower(), done.stderr
