"""The pages of `tui-nn serve`: the app in a tab, the start page (this server's runs, or a new
one), and the refusals (no token, too many tabs, no such run). Plain HTML with nothing loaded
from elsewhere: the terminal's script, stylesheet and font come from textual-serve's package,
served under the token (a class network may have no internet).

Every value put into a page is escaped here; tokens only ever go into this server's own
addresses.
"""

from __future__ import annotations

import html
import time
from collections.abc import Sequence
from string import Template
from urllib.parse import quote

from tui_nn.web.runs import Run

STYLE = """
body { background: #0c181f; color: #e6edf3; margin: 0;
       font-family: "Roboto Mono", Menlo, "DejaVu Sans Mono", monospace; }
main { max-width: 60rem; margin: 3rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.4rem; font-weight: 600; }
p { line-height: 1.5; }
a.button { display: inline-block; padding: 0.6rem 1.2rem; margin: 0.2rem 0.4rem 0.2rem 0;
           background: #5e0ba7; color: #fff; text-decoration: none; border-radius: 3px; }
a.button.quiet { background: #24404f; }
a.button:hover { background: #ac5af4; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { text-align: left; padding: 0.35rem 1rem 0.35rem 0; }
th { color: #9fb3c8; font-weight: 400; border-bottom: 1px solid #24404f; }
code { background: #12232d; padding: 0.1rem 0.3rem; }
"""

HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>$title</title>
<link rel="icon" href="data:,">
"""  # how every page begins (a template's $title)

PAGE = Template(HEAD + """<style>$style</style>
</head>
<body>
<main id="$page">
$body
</main>
</body>
</html>
""")

APP = Template(HEAD + """<link rel="stylesheet" href="$static/css/xterm.css">
<style>
@font-face { font-family: "Roboto Mono"; src: url("$static/fonts/RobotoMono-VariableFont_wght.ttf"); }
@font-face { font-family: "Roboto Mono"; font-style: italic;
             src: url("$static/fonts/RobotoMono-Italic-VariableFont_wght.ttf"); }
html, body { height: 100%; margin: 0; background: #0c181f; overflow: hidden; }
#terminal { position: absolute; inset: 0; opacity: 0; }
body.-first-byte #terminal { opacity: 1; }
.notice { position: absolute; left: 0; right: 0; z-index: 20; padding: 0.8rem 1.5rem;
          color: #e6edf3; background: #12232d; font: 16px "Roboto Mono", monospace; }
#starting { top: 40%; text-align: center; background: none; }
body.-first-byte #starting { display: none; }
#ended { bottom: 0; display: none; border-top: 2px solid #5e0ba7; }
body.-closed #ended { display: block; }
#ended a { color: #ac5af4; margin-left: 1rem; }
</style>
<script src="$static/js/textual.js"></script>
</head>
<body>
<div class="notice" id="starting">$starting</div>
<div class="notice" id="ended">$ended <a href="$home">back to the start page</a></div>
<div id="terminal" class="textual-terminal" data-session-websocket-url="$websocket"
     data-font-size="$font_size"></div>
</body>
</html>
""")


def _q(text: str) -> str:
    """`text` as one part of an address (a "/" in it quoted too)."""
    return quote(text, safe="")


def page(title: str, body: str, page_id: str) -> str:
    return PAGE.substitute(title=html.escape(title), style=STYLE, body=body, page=page_id)


def home_url(token: str) -> str:
    return f"/?token={_q(token)}"


def app_page(
    *, token: str, websocket: str, title: str, starting: str, ended: str, font_size: int
) -> str:
    """A tab with the app in it; `websocket` is the ws:// address of its app."""
    return APP.substitute(
        title=html.escape(title),
        static=html.escape(f"/static/{_q(token)}"),
        websocket=html.escape(websocket),
        home=html.escape(home_url(token)),
        starting=html.escape(starting),
        ended=html.escape(ended),
        font_size=int(font_size),
    )


def _link(href: str, text: str, quiet: bool = False) -> str:
    kind = "button quiet" if quiet else "button"
    return f'<a class="{kind}" href="{html.escape(href)}">{html.escape(text)}</a>'


def start_page(token: str, runs: Sequence[Run], can_watch: bool = True) -> str:
    """This server's running runs, each to open (and edit) or watch, and a new run."""
    t = _q(token)
    rows = []
    for run in runs:
        started = time.strftime("%H:%M", time.localtime(run.started))
        apps = f"{run.clients} open" if run.clients else "none"
        links = _link(f"/?token={t}&run={_q(run.id)}", "open")
        if can_watch:
            links += _link(f"/?token={t}&watch={_q(run.id)}", "watch", quiet=True)
            links += _link(f"/?token={t}&watch={_q(run.id)}&projector=1", "projector", True)
        cells = (run.id, run.dataset, run.network, run.epoch, run.state, apps, started)
        row = "".join(f"<td>{html.escape(c)}</td>" for c in cells)
        rows.append(f'<tr class="run" data-id="{html.escape(run.id)}">{row}<td>{links}</td></tr>')
    header = "".join(
        f"<th>{h}</th>"
        for h in ("run", "dataset", "network", "epoch", "state", "tabs", "started", "")
    )
    body = (
        "<h1>tui-nn: runs on this server</h1>\n"
        "<p>These runs train on whether a tab shows them or not. Open one to continue it, "
        "or start a new one.</p>\n"
        f"<p>{_link(f'/?token={t}&new=1', 'new run')}</p>\n"
        f"<table><tr>{header}</tr>\n" + "\n".join(rows) + "</table>\n"
    )
    return page("tui-nn: runs", body, "start")


def refused_page() -> str:
    body = (
        "<h1>tui-nn: this address needs its link</h1>\n"
        "<p>Open the link that <code>tui-nn serve</code> printed when it started (it ends in "
        "<code>?token=...</code>). Ask the person who started it for the link.</p>\n"
    )
    return page("tui-nn: refused", body, "refused")


def full_page(limit: int, token: str | None) -> str:
    again = f"<p>{_link(home_url(token), 'try again')}</p>\n" if token else ""
    body = (
        "<h1>tui-nn: this server is full</h1>\n"
        f"<p>All {limit} tabs it allows are open (<code>--max-sessions {limit}</code>). "
        "Close a tab you no longer need, or ask whoever started the server to start it "
        "with a larger <code>--max-sessions</code>.</p>\n" + again
    )
    return page("tui-nn: full", body, "full")


def no_run_page(trainer_id: str, token: str) -> str:
    body = (
        f"<h1>tui-nn: no run {html.escape(trainer_id)} on this server</h1>\n"
        "<p>It has ended, or it was not started here.</p>\n"
        f"<p>{_link(home_url(token), 'the runs on this server')}</p>\n"
    )
    return page("tui-nn: no such run", body, "no-run")


def waiting_page(token: str) -> str:
    """A viewer early for class: the shared run has not started yet (the page looks again
    every few seconds)."""
    body = (
        "<h1>tui-nn: waiting for the run</h1>\n"
        "<p>The run this class watches has not started yet. This page looks again every "
        "3 seconds.</p>\n"
        f'<meta http-equiv="refresh" content="3; url={html.escape(home_url(token))}">\n'
    )
    return page("tui-nn: waiting", body, "waiting")
