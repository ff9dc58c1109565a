"""`tui-nn serve`: the app in browser tabs, one app process per tab, every request guarded by
the token (access.py), at most `max_sessions` tabs at once.

Addresses (TOKEN: the edit token, or in a class the watch token where it says so):

    /?token=TOKEN                 the start page: this server's runs (open, watch) or a new
                                  run; straight to a new run when there is none. In a class
                                  (`--watch`) the teacher's token opens the shared run, the
                                  class's token watches it
    /?token=TOKEN&new=1           a new run        /?token=TOKEN&run=ID    open run ID
    /?token=TOKEN&watch=ID        watch run ID, read-only
    /ws/TOKEN/new | run/ID | watch/ID     the websocket of a tab's app (what the page opens)
    /static/TOKEN/...             the terminal's script, stylesheet and font (textual-serve's)

A tab's app is `python -m tui_nn [app options]` (a new run), `... attach ID` or `... attach
--watch ID`, started when its websocket opens and hung up when it closes (tab.py): the run
trains on, and the start page offers it again. Ctrl-C ends the server: every tab's app is hung
up, then this server's trainers are stopped (each saves its run) or, with `leave_running`,
left training (`tui-nn attach --list`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import textual_serve
from aiohttp import WSMsgType, web
from textual_serve.download_manager import DownloadManager

import tui_nn.session.protocol.rendezvous as rendezvous
import tui_nn.web.pages as pages
import tui_nn.web.runs as runs
from tui_nn.web.access import Access, Role, same_origin
from tui_nn.web.tab import TabProcess

STATIC = Path(textual_serve.__file__).parent / "static"
HEARTBEAT_SECONDS = 15.0  # a tab whose browser stopped answering is closed after ~2 of these
TabKind = Literal["new", "run", "watch"]
MAX_SIZE = 1000  # columns or rows a browser may ask for
ROLE = web.RequestKey("role", str)  # what the request's token allows (set by the guard)
# A viewer's app yields the CPU to the tabs that edit (and to the server that relays keys).
# Not a tab that may start a trainer: the trainer would inherit it, and could not undo it.
NICENESS: dict[str, int] = {"new": 0, "run": 0, "watch": 10}
WATCH_FPS = 4.0  # snapshots a second a viewer's app shows (unless --fps says otherwise)


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000  # 0: any free port (tests)
    max_sessions: int = 40
    app_args: tuple[str, ...] = ()  # options of `tui-nn` for a new run
    attach_args: tuple[str, ...] = ()  # options of `tui-nn attach` (--fps, --low-bandwidth)
    classroom: bool = False  # `--watch`: one run, edited by the teacher, watched by the class
    watch_run: str | None = None  # ... that run (None: the oldest run of this server)
    leave_running: bool = False  # at the end, leave this server's trainers training
    python: str = field(default_factory=lambda: sys.executable)
    font_size: int = 16
    projector: bool = False  # the watching tabs in the projector layout (else: &projector=1)
    projector_font_size: int = 22


def _size(value: str | None, default: int) -> int:
    try:
        return min(MAX_SIZE, max(1, int(value or default)))
    except ValueError:
        return default


class ClassServer:
    """The web server; `start()` listens, `shutdown()` ends it (see the module's docstring)."""

    def __init__(
        self,
        options: ServeOptions,
        access: Access | None = None,
        say: Callable[[str], None] | None = None,
    ) -> None:
        self.options = options
        roles: tuple[Role, ...] = ("edit", "watch") if options.classroom else ("edit",)
        self.access = access or Access.create(roles)
        self.say = say or (lambda line: print(line, flush=True))
        self.tabs: set[TabProcess] = set()
        self.downloads = DownloadManager()
        self.port = options.port
        self._runner: web.AppRunner | None = None
        self._closing = False

    # ---- addresses -----------------------------------------------------------------------

    @property
    def group(self) -> str:
        return runs.group_of(self.options.host, self.port)

    def url(self, role: Role = "edit", host: str | None = None) -> str:
        host = host or self.options.host
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}{pages.home_url(self.access.token(role))}"

    # ---- lifecycle -----------------------------------------------------------------------

    def make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        app.add_routes(
            [
                web.get("/", self._index),
                web.get("/ws/{token}/{kind}", self._websocket),
                web.get("/ws/{token}/{kind}/{id}", self._websocket),
                web.get("/ws/{token}/{kind}/{id}/{layout}", self._websocket),
                web.get("/static/{token}/{path:.+}", self._static),
            ]
        )
        return app

    async def start(self) -> None:
        """Listen (OSError if the address cannot be used); `port` is then the real port."""
        runner = web.AppRunner(self.make_app(), access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.options.host, self.options.port)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        server = site._server  # the real port when port 0 was asked for
        sockets = getattr(server, "sockets", None) or []
        if sockets:
            self.port = sockets[0].getsockname()[1]

    async def shutdown(self) -> list[runs.Ended]:
        """Hang up every tab (their runs train on), close the server, then stop this server's
        trainers (they save their runs) unless they are to be left running."""
        self._closing = True
        await asyncio.gather(*(tab.hang_up() for tab in list(self.tabs)))
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self.options.leave_running:
            return []
        return await asyncio.to_thread(runs.stop_all, self.group)

    def kill_tabs(self) -> None:
        """A second Ctrl-C: end every tab's app at once (their trainers live on: a trainer
        saves its run when its last app is gone)."""
        for tab in list(self.tabs):
            tab.kill()

    # ---- the guard -----------------------------------------------------------------------

    @web.middleware
    async def _guard(self, request: web.Request, handler) -> web.StreamResponse:  # noqa: ANN001
        token = request.match_info.get("token") or request.query.get("token")
        role = self.access.role(token)
        if role is None:
            return self._html(pages.refused_page(), status=403)
        request[ROLE] = role
        response = await handler(request)
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    @staticmethod
    def _html(text: str, status: int = 200) -> web.Response:
        response = web.Response(text=text, status=status, content_type="text/html")
        response.headers["Cache-Control"] = "no-store"
        return response

    # ---- pages ---------------------------------------------------------------------------

    async def _index(self, request: web.Request) -> web.Response:
        role: Role = request[ROLE]
        token = self.access.token(role)
        if self._closing:
            return self._html(pages.page("tui-nn", "<h1>tui-nn: stopping</h1>", "stopping"), 503)
        if len(self.tabs) >= self.options.max_sessions:
            return self._html(pages.full_page(self.options.max_sessions, token), status=503)
        query = request.query
        if self.options.classroom:
            shared = await asyncio.to_thread(self._shared_run)
            if shared is None and role == "watch":
                return self._html(pages.waiting_page(token))
            if shared is None:
                return self._app(request, token, "new")
            return self._app(request, token, "run" if role == "edit" else "watch", shared)
        for kind in ("run", "watch"):
            if kind in query:
                trainer_id = query[kind]
                if await asyncio.to_thread(runs.find, self.group, trainer_id) is None:
                    return self._html(pages.no_run_page(trainer_id, token), status=404)
                return self._app(request, token, kind, trainer_id)
        if "new" not in query:
            found = await asyncio.to_thread(runs.runs, self.group)
            if found:
                return self._html(pages.start_page(token, found))
        return self._app(request, token, "new")

    def _app(
        self,
        request: web.Request,
        token: str,
        kind: TabKind,
        trainer_id: str | None = None,
    ) -> web.Response:
        host = request.host
        projector = kind == "watch" and (
            self.options.projector or request.query.get("projector") == "1"
        )
        default_font = self.options.projector_font_size if projector else self.options.font_size
        font = request.query.get("fontsize")
        path = f"/ws/{token}/{kind}" + (f"/{trainer_id}" if trainer_id else "")
        path += "/projector" if projector else ""
        what = {"new": "a new run", "run": f"run {trainer_id}", "watch": f"watching {trainer_id}"}
        text = pages.app_page(
            token=token,
            websocket=f"ws://{host}{path}",  # the address the browser used for the page
            title=f"tui-nn: {what[kind]}",
            starting=f"starting tui-nn ({what[kind]})…",
            ended="The app in this tab has ended; a run left by closing the tab or with d "
            "trains on.",
            font_size=_size(font, default_font),
        )
        return self._html(text)

    def _shared_run(self) -> str | None:
        """In a class: the run everyone watches (the given one, else the oldest of this
        server's), if it is running."""
        found = runs.trainers(self.group)
        if self.options.watch_run is not None:
            for info in rendezvous.trainers():
                if info.id == self.options.watch_run:
                    return info.id
            return None
        return found[0].id if found else None

    async def _static(self, request: web.Request) -> web.StreamResponse:
        path = (STATIC / request.match_info["path"]).resolve()
        if not path.is_relative_to(STATIC.resolve()) or not path.is_file():
            raise web.HTTPNotFound()
        response = web.FileResponse(path)
        response.headers["Cache-Control"] = "private, max-age=3600"
        return response

    # ---- a tab's websocket -----------------------------------------------------------------

    def argv(self, kind: TabKind, trainer_id: str | None, projector: bool = False) -> list[str]:
        base = [self.options.python, "-m", "tui_nn"]
        if kind == "new":
            return [*base, *self.options.app_args]
        options = list(self.options.attach_args)
        watch = []
        if kind == "watch":
            watch = ["--watch"]
            if "--fps" not in options:  # a viewer redraws less often than the teacher
                options += ["--fps", f"{WATCH_FPS:g}"]
        layout = ["--projector"] if projector else []
        return [*base, "attach", *watch, str(trainer_id), *options, *layout]

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        role: Role = request[ROLE]
        kind = request.match_info["kind"]
        trainer_id = request.match_info.get("id")
        layout = request.match_info.get("layout")
        if kind not in ("new", "run", "watch") or (kind == "new") == (trainer_id is not None):
            raise web.HTTPNotFound()
        if layout not in (None, "projector") or (layout and kind != "watch"):
            raise web.HTTPNotFound()
        if kind != "watch" and role != "edit":  # the class's link only ever watches
            return self._html(pages.refused_page(), status=403)
        if not same_origin(request.headers.get("Origin"), request.headers.get("Host")):
            return self._html(pages.refused_page(), status=403)
        if trainer_id is not None and not await asyncio.to_thread(self._may_open, trainer_id):
            return self._html(pages.no_run_page(trainer_id, self.access.token(role)), 404)
        if self._closing or len(self.tabs) >= self.options.max_sessions:
            return self._html(pages.full_page(self.options.max_sessions, None), status=503)
        websocket = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS)
        tab = TabProcess(
            self.argv(kind, trainer_id, projector=layout == "projector"),  # type: ignore[arg-type]
            env={rendezvous.GROUP_ENV: self.group},
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            downloads=self.downloads,
            niceness=NICENESS[kind],
        )
        self.tabs.add(tab)  # the slot is taken before anything is awaited
        try:
            await websocket.prepare(request)
            width = _size(request.query.get("width"), 80)
            height = _size(request.query.get("height"), 24)
            await tab.start(width, height)
            self.say(f"tab opened: {self._what(kind, trainer_id)} ({len(self.tabs)} open)")
            await self._session(websocket, tab)
        finally:
            self.tabs.discard(tab)
            tab.kill()  # only if it is somehow still there
        return websocket

    def _may_open(self, trainer_id: str) -> bool:
        if self.options.classroom:
            return trainer_id == self._shared_run()
        return runs.find(self.group, trainer_id) is not None

    @staticmethod
    def _what(kind: str, trainer_id: str | None) -> str:
        return {"new": "a new run", "run": f"run {trainer_id}"}.get(kind, f"watch {trainer_id}")

    async def _session(self, websocket: web.WebSocketResponse, tab: TabProcess) -> None:
        """Relay until the tab closes (then hang up its app) or the app ends by itself
        (`q`, `d`, a failure: then close the tab, showing why when it never started)."""
        keys = asyncio.create_task(self._from_browser(websocket, tab))
        ended = asyncio.create_task(tab.wait())
        try:
            await asyncio.wait({keys, ended}, return_when=asyncio.FIRST_COMPLETED)
            if ended.done():
                if tab.ready_at is None:
                    await self._show_failure(websocket, tab)
                await websocket.close()
            else:
                await tab.hang_up()
            self.say(f"tab closed ({len(self.tabs) - 1} open)")
        finally:
            keys.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await keys
            if not ended.done():
                tab.kill()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await ended

    @staticmethod
    async def _show_failure(websocket: web.WebSocketResponse, tab: TabProcess) -> None:
        lines = tab.errors.splitlines()[-5:] or ["the app ended before it showed anything"]
        text = "\r\n".join(["", *lines, ""])
        with contextlib.suppress(Exception):
            await websocket.send_bytes(text.encode("utf-8"))

    @staticmethod
    async def _from_browser(websocket: web.WebSocketResponse, tab: TabProcess) -> None:
        """Keys, resizes and focus changes from the browser, to the app."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
                kind, data = envelope[0], (envelope[1] if len(envelope) > 1 else None)
            except (ValueError, TypeError, IndexError, KeyError):
                continue  # not ours to understand: ignored
            if kind == "stdin" and isinstance(data, str):
                await tab.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                await tab.set_terminal_size(
                    _size(data.get("width"), 80), _size(data.get("height"), 24)
                )
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await tab.blur()
            elif kind == "focus":
                await tab.focus()


async def serve_until_stopped(server: ClassServer, started: Callable[[], None]) -> list[runs.Ended]:
    """Run `server` until SIGINT, SIGTERM or SIGHUP (its terminal closed); `started()` is
    called once it listens. A second signal kills the tabs' apps at once."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    presses = 0

    def interrupted() -> None:
        nonlocal presses
        presses += 1
        if presses > 1:
            server.kill_tabs()
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM)):
        loop.add_signal_handler(signum, interrupted)
    await server.start()
    started()
    await stop.wait()
    return await server.shutdown()
