"""`tui-nn attach`: come back to a trainer left running (`d` in the app, or a hang-up).

    tui-nn attach            the only (or newest) running trainer, in the app
    tui-nn attach ID         that one
    tui-nn attach --watch ID that one, read-only (see everything, change nothing)
    tui-nn attach --list     the running trainers: id, dataset, network, epoch, state, started
    tui-nn attach --stop ID  save its run and end it

Trainers are found in the user's private runtime folder (tui_nn.session.protocol.rendezvous)
and reached over their Unix socket with the user's key; nothing listens on the network.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from tui_nn.cli.options import UsageError, checked
from tui_nn.cli.parser import make_parser
from tui_nn.config import FPS

EPILOG = """\
examples:
  tui-nn attach                 back to the trainer you detached from (d, or a lost terminal)
  tui-nn attach --list          what is training in the background
  tui-nn attach 3fa9c2          a given one (ids from --list)
  tui-nn attach --watch 3fa9c2  watch it without being able to change it
  tui-nn attach --stop 3fa9c2   save that run and stop its trainer

In the app, q stops the trainer and saves the run; d detaches again.
exit codes: 0 done, 1 the trainer did not answer, 2 no such trainer or bad options.
"""


def parser():
    p = make_parser("tui-nn attach", "Re-attach to a trainer left running.", EPILOG)
    p.add_argument("id", nargs="?", help="the trainer's id (default: the only or newest one)")
    p.add_argument("--list", action="store_true", help="list the running trainers")
    p.add_argument("--stop", metavar="ID", help="save the run of trainer ID and stop it")
    p.add_argument("--fps", default=None, metavar="N", help="snapshots a second (default 10)")
    p.add_argument("--low-bandwidth", action="store_true", help="fewer, cheaper redraws")
    p.add_argument(
        "--watch",
        action="store_true",
        help="only watch: everything live, nothing can be changed; q leaves it running",
    )
    p.add_argument(
        "--projector", action="store_true", help="the layout for a projector (larger plots)"
    )
    return p


def main(argv: list[str]) -> int:
    from tui_nn.session.protocol.rendezvous import RendezvousError

    ns = parser().parse_args(argv)
    fps = 10.0 if ns.fps is None else checked(FPS, ns.fps)  # as the app checks its own --fps
    for option, value in (("--stop", ns.stop), ("ID", ns.id)):
        if value is not None and not value.strip():
            raise UsageError(f"{option}: an empty trainer id; tui-nn attach --list shows them")
    try:
        if ns.list:
            return list_trainers()
        if ns.stop is not None:
            return stop(ns.stop)
        return attach(ns.id, fps, ns.low_bandwidth, watch=ns.watch, projector=ns.projector)
    except RendezvousError as exc:
        raise UsageError(str(exc)) from None


def find(trainer_id: str | None):  # noqa: ANN201 - a TrainerInfo
    import tui_nn.session.protocol.rendezvous as rendezvous

    found = rendezvous.trainers()
    if trainer_id is None:
        if not found:
            raise UsageError("no trainer is running (start one with tui-nn, then press d)")
        if len(found) > 1:
            others = ", ".join(info.id for info in found[:-1])
            print(
                f"tui-nn: {len(found)} trainers are running; attaching to the newest, "
                f"{found[-1].id} (others: {others}; see tui-nn attach --list)",
                file=sys.stderr,
            )
        return found[-1]
    for info in found:
        if info.id == trainer_id:
            return info
    known = ", ".join(i.id for i in found) or "none"
    raise UsageError(f"no running trainer {trainer_id!r} (running: {known})")


def list_trainers() -> int:
    import tui_nn.session.protocol.rendezvous as rendezvous
    from tui_nn.session.client.proxy import ask

    rows = []
    for info in rendezvous.trainers():
        status = ask(info.id)
        epoch, state = (status.epoch, status.state) if status else ("?", "not answering")
        attached = ""
        if status and status.clients:
            editing = status.clients - status.watchers
            watchers = f", {status.watchers} watching" if status.watchers else ""
            attached = f" ({editing} attached{watchers})"
        started = time.strftime("%Y-%m-%d %H:%M", time.localtime(info.started))
        rows.append((info.id, info.dataset, info.network, str(epoch), state + attached, started))
    if not rows:
        print("no trainer is running")
        return 0
    header = ("ID", "DATASET", "NETWORK", "EPOCH", "STATE", "STARTED")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    return 0


def stop(trainer_id: str) -> int:
    import tui_nn.session.protocol.rendezvous as rendezvous
    from tui_nn.session.client.proxy import ask

    info = find(trainer_id)
    status = ask(info.id, "stop")
    if status is None:
        print(f"tui-nn: trainer {info.id} did not answer (pid {info.pid})")
        return 1
    deadline = time.monotonic() + 10
    while rendezvous.pid_alive(info.pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    saved = f"; saved its run to {status.saved_path}" if status.saved_path else ""
    print(f"stopped trainer {info.id} at epoch {status.epoch}{saved}")
    return 0


def attach(
    trainer_id: str | None,
    fps: float,
    low_bandwidth: bool,
    watch: bool = False,
    projector: bool = False,
) -> int:
    from tui_nn.session.client.proxy import ask

    info = find(trainer_id)
    status = ask(info.id)
    if status is None or status.config is None:
        print(f"tui-nn: trainer {info.id} does not answer (pid {info.pid})")
        return 1
    from tui_nn.ui.app import create_app
    from tui_nn.ui.launch import finish_app  # Textual only on this path

    app = create_app(
        status.config,
        fps=fps,
        low_bandwidth=low_bandwidth,
        attach_to=info.id,
        run_path=Path(status.run_path) if status.run_path else None,
        watch=watch,
        projector=projector,
    )
    return finish_app(app)
