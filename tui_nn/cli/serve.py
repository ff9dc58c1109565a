"""`tui-nn serve`: the app in a browser (tui_nn.web).

    tui-nn serve [--host H] [--port P] [app options]   one run per tab, each its own
    tui-nn serve --watch [RUN]                          a class: one run, the teacher edits,
                                                        everyone else watches

Every app option (`--dataset`, `--hidden`, `--speed`, ...) is checked here once, then passed
on to the app of each tab. The link printed at the start carries the token without which the
server refuses everything.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys

from tui_nn.cli.app_args import add_app_arguments
from tui_nn.cli.options import UsageError, add_options, checked
from tui_nn.cli.parser import make_parser

EPILOG = """\
examples:
  tui-nn serve                          open the printed link: each tab trains its own run
  tui-nn serve --dataset spiral         every new run starts on the spiral data
  tui-nn serve --watch                  a class: your link edits the run, theirs watches it
  tui-nn serve --watch 3fa9c2           ... the run of trainer 3fa9c2 (tui-nn attach --list)
  tui-nn serve --host 0.0.0.0           reachable from the class network (still needs the link)

Closing or reloading a tab leaves its run training; opening the link again offers it.
Ctrl-C stops the server and the runs it started (each saved), or leaves them training with
--leave-running. See docs/teaching.md.
exit codes: 0 stopped with Ctrl-C, 2 bad options or the address is in use.
"""

SERVE_DEFAULTS = {"host": "127.0.0.1", "port": 8000, "max_sessions": 40}
MAX_SESSIONS_LIMIT = 1000
WATCH_NEW = ""  # --watch without a run: the class watches the first run started here


def serve_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("serve")
    group.add_argument(
        "--host",
        default=SERVE_DEFAULTS["host"],
        help="the address to listen on (default 127.0.0.1: this machine only; 0.0.0.0: every "
        "network of this machine)",
    )
    group.add_argument(
        "--port", default=str(SERVE_DEFAULTS["port"]), help="the port (default 8000; 0: any)"
    )
    group.add_argument(
        "--max-sessions",
        default=str(SERVE_DEFAULTS["max_sessions"]),
        metavar="N",
        help="tabs open at once, at most (each runs an app process; default 40)",
    )
    group.add_argument(
        "--watch",
        nargs="?",
        const=WATCH_NEW,
        default=None,
        metavar="RUN",
        help="a class: one run that your link edits and the class's link only watches; RUN is a "
        "running trainer's id (default: the first run your link starts)",
    )
    group.add_argument(
        "--leave-running",
        action="store_true",
        help="on Ctrl-C, leave this server's runs training (default: stop them; each is saved)",
    )


def parser() -> argparse.ArgumentParser:
    p = make_parser(
        "tui-nn serve", "The app in a browser, for a class or a remote machine.", EPILOG
    )
    serve_arguments(p)
    add_options(p, exclude=("save", "metrics", "load"))
    add_app_arguments(p, sweep=False)
    return p


def split_argv(argv: list[str]) -> list[str]:
    """The app's options: `argv` less the serve options (the apps of the tabs get these)."""
    only = make_parser("tui-nn serve", "")
    serve_arguments(only)
    _, rest = only.parse_known_args(argv)
    return rest


def _int(name: str, value: str, lo: int, hi: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise UsageError(f"--{name}: expected a whole number, got {value!r}") from None
    if not lo <= number <= hi:
        raise UsageError(f"--{name}: must be in {lo}..{hi}, got {number}")
    return number


def check_app_options(ns: argparse.Namespace) -> None:
    """What `tui-nn` itself would refuse, refused once here (not in every tab)."""
    from tui_nn.cli.options import config_from_values, gather_values
    from tui_nn.config import FPS, SPEED

    if ns.fps is not None:
        checked(FPS, ns.fps)
    if ns.speed is not None:
        checked(SPEED, ns.speed)
    config = config_from_values(gather_values(ns))
    if ns.resume:
        import tui_nn.ui.link.runs as runs

        try:
            runs.load_run(ns.resume)
        except runs.RunError as exc:
            raise UsageError(f"--resume: {exc}") from None
    else:
        from tui_nn.data import load_dataset

        load_dataset(config.dataset)


def main(argv: list[str]) -> int:
    ns = parser().parse_args(argv)
    port = _int("port", ns.port, 0, 65535)
    max_sessions = _int("max-sessions", ns.max_sessions, 1, MAX_SESSIONS_LIMIT)
    app_args = [a for a in split_argv(argv) if a != "--projector"]  # for the watching tabs
    check_app_options(ns)
    if ns.watch:
        from tui_nn.cli.attach import find

        find(ns.watch)  # a running trainer, or a one-line error naming the running ones
    attach_args = []
    if ns.fps is not None:
        attach_args += ["--fps", str(ns.fps)]
    if ns.low_bandwidth:
        attach_args.append("--low-bandwidth")

    from tui_nn.web.server import ClassServer, ServeOptions, serve_until_stopped

    options = ServeOptions(
        host=ns.host,
        port=port,
        max_sessions=max_sessions,
        app_args=tuple(app_args),
        attach_args=tuple(attach_args),
        classroom=ns.watch is not None,
        watch_run=ns.watch or None,
        leave_running=ns.leave_running,
        projector=ns.projector,
    )
    server = ClassServer(options)
    try:
        ended = asyncio.run(serve_until_stopped(server, lambda: started(server)))
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {ns.host}:{port}: {exc.strerror or exc} "
            "(choose another --port or --host)"
        ) from None
    try:
        finished(server, ended)
    except OSError:  # the terminal is gone (a hang-up ended the server): nobody to tell
        pass
    return 0


def started(server) -> None:  # noqa: ANN001 - a ClassServer
    from tui_nn.web.access import is_loopback

    options = server.options
    shown_host = options.host
    if options.host in ("0.0.0.0", "::", ""):
        shown_host = socket.gethostname()
    print(f"tui-nn serve: listening on {options.host}:{server.port}", flush=True)
    if options.classroom:
        print(f"  your link (edits the run):   {server.url('edit', shown_host)}")
        print(f"  the class's link (watches):  {server.url('watch', shown_host)}")
        print(f"  the projector (watches):     {server.url('watch', shown_host)}&projector=1")
    else:
        print(f"  open: {server.url('edit', shown_host)}")
    if is_loopback(options.host):
        print("  only this machine can connect (--host 0.0.0.0 to share it on a network)")
    else:
        print(
            f"tui-nn serve: warning: {options.host} is reachable from other machines: anyone "
            "with the link can use tui-nn as you (the token in it is the only key, and http "
            "is not encrypted); share it only in your class",
            file=sys.stderr,
        )
    leave = "leaves its runs training" if options.leave_running else "stops its runs (each saved)"
    print(f"  Ctrl-C ends the server and {leave}", flush=True)


def finished(server, ended) -> None:  # noqa: ANN001 - a ClassServer, [runs.Ended]
    if server.options.leave_running:
        print("tui-nn serve: stopped; its runs train on (tui-nn attach --list)")
        return
    print(f"tui-nn serve: stopped, and {len(ended)} run(s) with it")
    for end in ended:
        where = f"saved to {end.saved_path}" if end.saved_path else (end.problem or "not saved")
        print(f"  {end.id}: {where}")
