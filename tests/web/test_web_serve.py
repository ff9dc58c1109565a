"""`tui-nn serve` with the real app in each tab, driven over its websocket as a browser would
(no browser here: test_web_browser.py has one): a tab trains, closing it leaves the run
training, the start page offers it again and re-attaches, Ctrl-C stops and saves the runs (or
leaves them training)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import aiohttp
import pytest
from web_helpers import until

import tui_nn.session.protocol.rendezvous as rendezvous
from tui_nn.session.client.proxy import ask
from tui_nn.web.runs import group_of

pytestmark = pytest.mark.slow
APP = ("--dataset", "xor", "--samples", "40", "--hidden", "4", "--speed", "max")


def ws_url(command, path: str) -> str:
    return command.base.replace("http://", "ws://") + path + "?width=120&height=36"


def group(command) -> str:
    host_port = command.base.removeprefix("http://")
    host, port = host_port.rsplit(":", 1)
    return group_of(host, int(port))


def its_trainers(command) -> list[rendezvous.TrainerInfo]:
    return [info for info in rendezvous.trainers() if info.group == group(command)]


async def drain(ws, seen: bytearray) -> None:
    """Read the tab's screen bytes as a browser would, until it closes."""
    async for msg in ws:
        if msg.type == aiohttp.WSMsgType.BINARY:
            seen.extend(msg.data)


async def new_tab(http: aiohttp.ClientSession, server):  # noqa: ANN001, ANN201
    """A tab with a new run, read as a browser would; (websocket, its reader, the trainer)."""
    token = server.url.split("token=", 1)[1]
    ws = await http.ws_connect(ws_url(server, f"/ws/{token}/new"))
    reader = asyncio.create_task(drain(ws, bytearray()))
    (info,) = await until(lambda: its_trainers(server), "the tab's trainer")
    await until(lambda: (s := ask(info.id)) and s.clients == 1, "the app attached")
    return ws, reader, info


async def test_a_closed_tab_leaves_its_run_training_and_the_start_page_brings_it_back(
    serve_command,
):
    server = serve_command(*APP)
    token = server.url.split("token=", 1)[1]
    async with aiohttp.ClientSession() as http:
        ws = await http.ws_connect(ws_url(server, f"/ws/{token}/new"))
        seen = bytearray()
        reader = asyncio.create_task(drain(ws, seen))
        await until(lambda: b"Network" in seen, "the app's first screen")
        (info,) = await until(lambda: its_trainers(server), "the tab's trainer")
        await until(lambda: (s := ask(info.id)) and s.clients == 1, "the app attached")
        await ws.send_json(["stdin", " "])  # space: train
        await until(lambda: (s := ask(info.id)) and s.epoch > 5, "training")
        await ws.close()
        await reader
        await until(lambda: ask(info.id).clients == 0, "the app to detach")
        epoch = ask(info.id).epoch
        await until(lambda: ask(info.id).epoch > epoch + 5, "training on, with no tab")

        async with http.get(server.url) as response:  # the link again: the start page
            page = await response.text()
        assert f'data-id="{info.id}"' in page and "new run" in page
        ws = await http.ws_connect(ws_url(server, f"/ws/{token}/run/{info.id}"))
        seen = bytearray()
        reader = asyncio.create_task(drain(ws, seen))
        await until(lambda: ask(info.id).clients == 1, "the app re-attached")
        await until(lambda: b"running" in seen, "the running run on the screen")
        assert len(its_trainers(server)) == 1  # the same trainer, not a new one

        assert server.interrupt() == 0  # Ctrl-C, with the tab still open
        await reader
    await until(lambda: not rendezvous.pid_alive(info.pid), "the trainer to stop")
    out = "\n".join(server.lines)
    assert "stopped, and 1 run(s) with it" in out
    saved = Path(out.split(f"{info.id}: saved to ", 1)[1].splitlines()[0])
    assert saved.is_file() and saved == Path(info.run_path)


async def test_leave_running_keeps_the_runs_training_after_the_server(serve_command):
    server = serve_command(*APP, "--leave-running")
    async with aiohttp.ClientSession() as http:
        ws, reader, info = await new_tab(http, server)
        await ws.send_json(["stdin", " "])
        await until(lambda: ask(info.id).epoch > 3, "training")
        assert server.interrupt() == 0
        await reader
    assert "its runs train on" in "\n".join(server.lines)
    epoch = ask(info.id).epoch
    await until(lambda: ask(info.id).epoch > epoch + 3, "training on after the server")
    assert ask(info.id, "stop").saved_path == info.run_path
    assert os.path.isfile(info.run_path)


async def test_a_server_that_is_killed_leaves_no_app_behind(serve_command):
    import psutil

    server = serve_command(*APP)
    async with aiohttp.ClientSession() as http:
        ws, reader, info = await new_tab(http, server)
        apps = psutil.Process(server.proc.pid).children()
        assert len(apps) == 1
        server.proc.kill()  # no Ctrl-C, no clean-up: the kernel hangs the tab up
        server.proc.wait(10)
        await until(lambda: not apps[0].is_running() or apps[0].status() == "zombie", "app gone")
        await until(lambda: ask(info.id).clients == 0, "its run detached")
        assert rendezvous.pid_alive(info.pid)  # the run trains on, as after a hang-up
        await ws.close()
        reader.cancel()
