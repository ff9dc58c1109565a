"""A headless Chromium for the browser tests of `tui-nn serve`: Debian's own build
(`apt-get install chromium-headless-shell`, or `chromium`), driven by Playwright's Python
package through `executable_path` (Playwright never downloads a browser here). Without either,
the tests are skipped, saying which is missing.

What the browser shows is read from xterm.js itself: the page's copy of textual-serve's script
is patched (in this browser only) to hand its terminal to the page as `window.tuiTerminal`,
whose buffer holds the characters on screen, row by row.
"""

from __future__ import annotations

import os
import re
import shutil
import time

import pytest

CHROMIUM_ENV = "TUI_NN_CHROMIUM"
ARGS = [
    "--no-sandbox",  # root on CI
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # this machine's closed network refuses those
    "--disable-component-update",
    "--disable-sync",
]
HOOK = "this.terminal.open(e),"  # where textual.js opens its xterm.js Terminal
SCREEN_JS = """() => {
  const t = window.tuiTerminal;
  if (!t) return null;
  const rows = [];
  for (let y = 0; y < t.rows; y++) rows.push(t.buffer.active.getLine(y).translateToString(true));
  return rows.join("\\n");
}"""


def chromium_path() -> str | None:
    for candidate in (
        os.environ.get(CHROMIUM_ENV),
        shutil.which("chromium-headless-shell"),
        shutil.which("chromium"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def launch():  # noqa: ANN201 - (playwright, browser)
    """Playwright and a headless Chromium, or a skip naming what is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the browser tests need Playwright: pip install -e '.[browser]'")
    path = chromium_path()
    if path is None:
        pytest.skip(
            "the browser tests need Chromium: apt-get install chromium-headless-shell "
            f"(or set {CHROMIUM_ENV})"
        )
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=ARGS)
    except Exception as exc:
        playwright.stop()
        pytest.fail(f"Chromium at {path} did not start: {exc}")
    return playwright, browser


def expose_terminal(route) -> None:  # noqa: ANN001 - a playwright Route
    response = route.fetch()
    script = response.text()
    assert HOOK in script, "textual-serve's textual.js changed: update HOOK in browser.py"
    route.fulfill(
        response=response, body=script.replace(HOOK, HOOK + "window.tuiTerminal=this.terminal,", 1)
    )


def open_page(browser, url: str, size=(1400, 800)):  # noqa: ANN001, ANN201
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.route("**/js/textual.js", expose_terminal)
    page.goto(url)
    return page


def screen(page) -> str:  # noqa: ANN001
    """The characters xterm.js shows now ("" before the terminal exists)."""
    return page.evaluate(SCREEN_JS) or ""


def wait_screen(page, pattern: str, timeout: float = 60.0) -> re.Match:  # noqa: ANN001
    """Wait until the screen matches `pattern` (a regex); the match."""
    deadline = time.monotonic() + timeout
    while True:
        text = screen(page)
        found = re.search(pattern, text)
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {pattern!r} on:\n{text}"
        page.wait_for_timeout(100)


def press(page, key: str) -> None:  # noqa: ANN001
    """A key, typed into the terminal (focused first, as a click would)."""
    page.focus(".xterm-helper-textarea")
    page.keyboard.press(key)


def status_epoch(page) -> int:  # noqa: ANN001
    """The epoch on the status line."""
    return int(wait_screen(page, r"(?:epoch|ep) (\d+)").group(1))
