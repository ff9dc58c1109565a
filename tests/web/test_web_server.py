"""The server's rules, with a stand-in app in each tab (fake_tab.py): the token on every
request, no process for a refused one, a closed tab hangs its app up, the tab limit, the
class's link that only watches, and an app that fails to start says why in the tab."""

from __future__ import annotations

import asyncio

import aiohttp
import psutil
import pytest
from web_helpers import until

from tui_nn.web.server import ClassServer


def base(server: ClassServer) -> str:
    return f"http://127.0.0.1:{server.port}"


def notes(server: ClassServer) -> list[str]:
    return server.notes.read_text().splitlines()


async def ws_open(http: aiohttp.ClientSession, server: ClassServer, path: str, **kw):
    return await http.ws_connect(f"ws://127.0.0.1:{server.port}{path}?width=100&height=30", **kw)


async def screen_text(ws, until: str, timeout: float = 20.0) -> str:
    seen = b""
    async with asyncio.timeout(timeout):
        while until.encode() not in seen:
            msg = await ws.receive()
            if msg.type == aiohttp.WSMsgType.BINARY:
                seen += msg.data
            elif msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                break
    return seen.decode("utf-8", "replace")


def no_children() -> bool:
    """No process started by this test's server is left (processes other tests of the
    suite left to this one, e.g. Dask's, are not its own)."""
    server_tabs = [child for child in psutil.Process().children(recursive=True) if _is_tab(child)]
    return not server_tabs


def _is_tab(process: psutil.Process) -> bool:
    try:
        return any(part.endswith("fake_tab.py") for part in process.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False


async def test_every_request_without_the_token_is_refused_and_starts_nothing(fake_server):
    server = await fake_server()
    token = server.access.token("edit")
    async with aiohttp.ClientSession() as http:
        for path in (
            "/",
            "/?token=",
            f"/?token={token[:-1]}",
            "/static/x/js/textual.js",
            f"/static/{token}x/js/textual.js",
            "/ws/nope/new",
            "/favicon.ico",
            "/anything/else",
        ):
            async with http.get(base(server) + path) as response:
                assert response.status == 403, path
                assert "needs its link" in await response.text()
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await ws_open(http, server, "/ws/wrong-token/new")
        assert refused.value.status == 403
    assert server.tabs == set() and notes(server) == [] and no_children()


async def test_the_token_opens_the_page_and_its_files(fake_server):
    server = await fake_server()
    token = server.access.token("edit")
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base(server)}/?token={token}") as response:
            page = await response.text()
            assert response.status == 200
            assert response.headers["Referrer-Policy"] == "no-referrer"
        assert f"ws://127.0.0.1:{server.port}/ws/{token}/new" in page
        assert f"/static/{token}/js/textual.js" in page and "googleapis" not in page
        async with http.get(f"{base(server)}/static/{token}/js/textual.js") as response:
            assert response.status == 200 and "WebSocket" in await response.text()
        for sneaky in ("%2e%2e/server.py", "..%2fserver.py", "js/../../server.py"):
            async with http.get(f"{base(server)}/static/{token}/{sneaky}") as response:
                assert response.status in (403, 404), sneaky
    assert notes(server) == []  # a page is not an app: nothing started yet


async def test_a_tab_runs_its_app_and_closing_it_hangs_the_app_up(fake_server):
    server = await fake_server()
    token = server.access.token("edit")
    async with aiohttp.ClientSession() as http:
        ws = await ws_open(http, server, f"/ws/{token}/new")
        assert "fake app screen" in await screen_text(ws, "fake app screen")
        await ws.send_json(["stdin", "x"])
        assert "echo:x" in await screen_text(ws, "echo:x")
        assert len(server.tabs) == 1
        started = notes(server)[0].split()
        assert started[0] == "started" and started[2] == server.group  # its trainer's group
        await ws.close()
    await until(lambda: "hangup" in notes(server), "the app's hang-up")
    await until(lambda: not server.tabs and no_children(), "the tab to be gone")


async def test_an_app_that_ends_by_itself_closes_its_tab(fake_server):
    server = await fake_server(mode="quit")
    async with aiohttp.ClientSession() as http:
        ws = await ws_open(http, server, f"/ws/{server.access.token('edit')}/new")
        await screen_text(ws, "never comes")  # returns when the server closes the tab
        assert ws.closed or (await ws.receive()).type in (
            aiohttp.WSMsgType.CLOSE,
            aiohttp.WSMsgType.CLOSED,
        )
    await until(lambda: not server.tabs, "the tab to be gone")


async def test_an_app_that_fails_to_start_says_why_in_the_tab(fake_server):
    server = await fake_server(mode="fail")
    async with aiohttp.ClientSession() as http:
        ws = await ws_open(http, server, f"/ws/{server.access.token('edit')}/new")
        text = await screen_text(ws, "(running: none)")
    assert "no running trainer 'abc'" in text
    await until(lambda: not server.tabs, "the tab to be gone")


async def test_the_tab_limit_shows_a_page_and_frees_up_when_a_tab_closes(fake_server):
    server = await fake_server(max_sessions=1)
    token = server.access.token("edit")
    async with aiohttp.ClientSession() as http:
        first = await ws_open(http, server, f"/ws/{token}/new")
        await screen_text(first, "fake app screen")
        with pytest.raises(aiohttp.WSServerHandshakeError) as full:
            await ws_open(http, server, f"/ws/{token}/new")
        assert full.value.status == 503
        async with http.get(f"{base(server)}/?token={token}") as response:
            assert response.status == 503
            assert "--max-sessions 1" in await response.text()
        assert len(notes(server)) == 1  # no second app was started
        await first.close()
        await until(lambda: not server.tabs, "the first tab to be gone")
        again = await ws_open(http, server, f"/ws/{token}/new")
        assert "fake app screen" in await screen_text(again, "fake app screen")
        await again.close()


async def test_a_websocket_from_another_site_is_refused(fake_server):
    server = await fake_server()
    token = server.access.token("edit")
    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await ws_open(http, server, f"/ws/{token}/new", origin="http://evil.example")
        assert refused.value.status == 403
    assert notes(server) == [] and no_children()


async def test_the_class_link_only_watches(fake_server):
    server = await fake_server(classroom=True)
    watch = server.access.token("watch")
    async with aiohttp.ClientSession() as http:
        for path in (f"/ws/{watch}/new", f"/ws/{watch}/run/abc123"):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await ws_open(http, server, path)
            assert refused.value.status == 403, path
        with pytest.raises(aiohttp.WSServerHandshakeError) as missing:
            await ws_open(http, server, f"/ws/{watch}/watch/abc123")  # no such run here
        assert missing.value.status == 404
        async with http.get(f"{base(server)}/?token={watch}") as response:
            assert "waiting for the run" in await response.text()  # none started yet
        async with http.get(f"{base(server)}/?token={server.access.token('edit')}") as response:
            assert f"/ws/{server.access.token('edit')}/new" in await response.text()
    assert notes(server) == []


async def test_shutdown_hangs_up_every_tab(fake_server):
    server = await fake_server()
    token = server.access.token("edit")
    async with aiohttp.ClientSession() as http:
        tabs = [await ws_open(http, server, f"/ws/{token}/new") for _ in range(3)]
        for ws in tabs:
            await screen_text(ws, "fake app screen")
        assert await server.shutdown() == []  # no trainers of its own to stop here
    assert notes(server).count("hangup") == 3 and no_children()


def test_what_each_tab_runs():
    from tui_nn.web.server import ServeOptions

    server = ClassServer(
        ServeOptions(app_args=("--dataset", "spiral"), attach_args=("--low-bandwidth",))
    )
    python = server.options.python
    assert server.argv("new", None) == [python, "-m", "tui_nn", "--dataset", "spiral"]
    assert server.argv("run", "ab12cd") == [
        python, "-m", "tui_nn", "attach", "ab12cd", "--low-bandwidth",
    ]  # fmt: skip
    assert server.argv("watch", "ab12cd", projector=True) == [
        python, "-m", "tui_nn", "attach", "--watch", "ab12cd", "--low-bandwidth",
        "--fps", "4", "--projector",
    ]  # fmt: skip
