"""Fixtures for the data tests: a loopback HTTP server and the shared real datasets."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED_DATASETS = REPO.parent / "shared" / "datasets"


@dataclass
class ServerBehaviour:
    """What the test server does; tests change it between requests."""

    root: Path
    ranges: bool = True  # honour Range requests with 206
    corrupt: bool = False  # flip one byte of every body
    cut_after: int | None = None  # send this many body bytes, then close (once)
    requests: list[tuple[str, str | None]] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        how: ServerBehaviour = self.server.behaviour  # type: ignore[attr-defined]
        range_header = self.headers.get("Range")
        how.requests.append((self.path, range_header))
        path = how.root / self.path.lstrip("/")
        if not path.is_file():
            self.send_error(404)
            return
        data = path.read_bytes()
        if how.corrupt:
            data = data[:100] + bytes([data[100] ^ 0xFF]) + data[101:]
        start = 0
        if range_header and how.ranges:
            start = int(range_header.removeprefix("bytes=").split("-")[0])
            if start >= len(data):
                self.send_error(416)
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if how.cut_after is not None:
            body, how.cut_after = body[: how.cut_after], None
        self.wfile.write(body)


@dataclass
class LoopbackServer:
    url: str
    behaviour: ServerBehaviour


@pytest.fixture
def shared_datasets() -> Path:
    if not (SHARED_DATASETS / "mnist").is_dir():
        pytest.skip(f"real datasets not found at {SHARED_DATASETS} (../shared/datasets)")
    return SHARED_DATASETS


@pytest.fixture
def http_server(shared_datasets: Path):
    """A server on 127.0.0.1 (random port) serving ../shared/datasets."""
    behaviour = ServerBehaviour(root=shared_datasets)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.behaviour = behaviour  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield LoopbackServer(f"http://127.0.0.1:{server.server_address[1]}", behaviour)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
