"""Where a sweep's trials run: the embedded cluster, or a Dask cluster the user started.

The embedded cluster is a Dask `LocalCluster` (a scheduler and one single-threaded worker
process a core) in a helper process of its own session, `python -m tui_nn.sweep.cluster N`:
a terminal's Ctrl-C reaches `tui-nn sweep` alone, which cancels the trials and stops the
helper, at any moment (even while the cluster starts); nothing of Dask's writes to the
terminal; and the helper ends with its parent (it stops when its standard input closes, which a
killed parent closes too). Its workers start with one BLAS thread each, so trials never fight
over cores. The dashboard, and the HTTP port it needs, are off unless asked for.

    with connect(scheduler=None, workers=2, dashboard=False) as cluster:
        cluster.client, cluster.where, cluster.dashboard

With `--scheduler tcp://HOST:PORT` the client connects to the user's `dask scheduler`.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tui_nn.errors import one_line
from tui_nn.files import ConfigError

CONNECT_TIMEOUT = "5s"
START_TIMEOUT = 180.0  # seconds for the embedded cluster to start (a loaded machine is slow)
STOP_TIMEOUT = 20.0
DASHBOARD = "127.0.0.1:8787"
DEBUG_ENV = "TUI_NN_DEBUG"
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


class ClusterError(ConfigError):
    """The cluster cannot be reached or started; one line."""


@dataclass
class Cluster:
    client: Any
    where: str  # "an embedded cluster of 2 workers", "tcp://10.0.0.5:8786"
    dashboard: str | None  # the dashboard's address, when asked for


def quiet_logs() -> None:
    for name in ("distributed", "bokeh", "tornado"):
        logging.getLogger(name).setLevel(logging.ERROR)


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def check_dashboard() -> None:
    if importlib.util.find_spec("bokeh") is None:
        raise ClusterError(
            "--dashboard: Dask's dashboard needs the bokeh package (pip install 'bokeh>=3.1')"
        )


@contextlib.contextmanager
def connect(scheduler: str | None, workers: int, dashboard: bool = False) -> Iterator[Cluster]:
    quiet_logs()
    from distributed import Client

    if scheduler is None:
        with embedded(workers, dashboard) as cluster:
            yield cluster
        return
    check_scheduler(scheduler)
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except Exception as exc:  # what reached us is not a scheduler that answers
        raise ClusterError(f"--scheduler: cannot reach {scheduler} ({one_line(exc)})") from None
    try:
        link = client.dashboard_link if dashboard else None
        yield Cluster(client, scheduler, link)
    finally:
        client.close(timeout=5)


@contextlib.contextmanager
def embedded(workers: int, dashboard: bool) -> Iterator[Cluster]:
    from distributed import Client

    args = [sys.executable, "-m", "tui_nn.sweep.cluster", str(workers)]
    debug = bool(os.environ.get(DEBUG_ENV))
    helper = subprocess.Popen(
        [*args, *(["--dashboard"] if dashboard else [])],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=None if debug else subprocess.DEVNULL,
        start_new_session=True,  # out of the terminal's reach: Ctrl-C is ours to handle
        env={**os.environ, **ONE_THREAD},
    )
    try:
        info = _started(helper)
        client = Client(info["address"], timeout=CONNECT_TIMEOUT, set_as_default=False)
        try:
            plural = "s" if workers > 1 else ""
            yield Cluster(client, f"an embedded cluster of {workers} worker{plural}", info["dashboard"])
        finally:
            client.close(timeout=5)
    finally:
        stop(helper)


def _started(helper: subprocess.Popen) -> dict[str, Any]:
    """The helper's first line: the scheduler's address (or why it could not start)."""
    assert helper.stdout is not None
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        ready, _, _ = select.select([helper.stdout], [], [], 0.25)
        if ready:
            break
        if helper.poll() is not None or time.monotonic() > deadline:
            break
    line = helper.stdout.readline() if ready else b""
    try:
        info = json.loads(line) if line else {}
    except json.JSONDecodeError:
        info = {"error": line.decode(errors="replace").strip()}
    if "address" in info:
        return info
    why = info.get("error") or (
        f"it exited with code {helper.poll()}"
        if helper.poll() is not None
        else f"it did not start in {START_TIMEOUT:.0f} s"
    )
    raise ClusterError(f"cannot start the embedded Dask cluster: {why}")


def stop(helper: subprocess.Popen) -> None:
    """Close the helper's input (it closes its cluster and exits); kill its whole session if
    it has not gone in STOP_TIMEOUT, or at once on a Ctrl-C (which then goes on up)."""
    pressed = False
    try:
        try:
            if helper.stdin is not None:
                helper.stdin.close()
            helper.wait(timeout=STOP_TIMEOUT)
        except KeyboardInterrupt:
            pressed = True
        except (subprocess.TimeoutExpired, OSError):
            pass
    finally:
        if helper.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(helper.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                helper.wait(timeout=5)
        if helper.stdout is not None:
            helper.stdout.close()
    if pressed:
        raise KeyboardInterrupt


def check_scheduler(address: str) -> None:
    """Fail in a few seconds, in one line, when nothing answers as a Dask scheduler at
    `address` (a Client that fails in its constructor leaves a noisy, slow finaliser behind)."""
    import asyncio

    from distributed.comm import connect as dask_connect

    async def probe() -> None:
        comm = await dask_connect(address, timeout=CONNECT_TIMEOUT)
        await comm.close()

    try:
        asyncio.run(probe())
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"--scheduler: cannot reach {address} ({one_line(exc)})") from None
    except Exception:  # a reply that does not parse: some other service listens there
        raise ClusterError(
            f"--scheduler: {address} does not answer as a Dask scheduler (is something else "
            "listening on that port?)"
        ) from None


# ---- the helper process -----------------------------------------------------------------


def serve(workers: int, dashboard: bool) -> int:
    """Start a LocalCluster, print its address as one JSON line, run until stdin closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when this ends
    quiet_logs()
    from distributed import LocalCluster

    try:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=DASHBOARD if dashboard else None,
            # no dashboard: its HTTP server still binds a port, so a free one, quietly
            scheduler_kwargs=None if dashboard else {"dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.CRITICAL,
            scheduler_port=0,
            host="127.0.0.1",
        )
    except Exception as exc:
        print(json.dumps({"error": f"{type(exc).__name__}: {one_line(exc)}"}), flush=True)
        return 1
    link = cluster.dashboard_link if dashboard else None
    print(json.dumps({"address": cluster.scheduler_address, "dashboard": link}), flush=True)
    try:
        sys.stdin.buffer.read()  # EOF: the parent is done (or gone)
    finally:
        with contextlib.suppress(Exception):
            cluster.close(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(serve(int(sys.argv[1]), "--dashboard" in sys.argv[2:]))
