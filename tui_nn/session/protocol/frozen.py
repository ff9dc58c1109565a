"""Snapshots are immutable copies: the arrays of a received snapshot (the values of its
answers included, and a trace result, which the trainer also hands to in-process callers) are
made read-only."""

from __future__ import annotations

import dataclasses

import numpy as np

from tui_nn.session.protocol.messages import Inspection, Snapshot, TraceResult


def freeze_trace(res: TraceResult) -> TraceResult:
    """Make every array of the result read-only (snapshots are immutable copies)."""
    trace = res.trace
    steps = [s for t in trace.layers for s in (t.step_W, t.step_b)] if trace is not None else []
    for part in (trace, *trace.layers, *(s for s in steps if s)) if trace is not None else ():
        for f in dataclasses.fields(part):
            value = getattr(part, f.name)
            for a in value.values() if isinstance(value, dict) else (value,):
                if isinstance(a, np.ndarray):
                    a.flags.writeable = False
    return res


def _freeze_array(a: object) -> None:
    if isinstance(a, np.ndarray):
        a.flags.writeable = False


def freeze(snap: Snapshot) -> Snapshot:
    """Make the arrays of a received snapshot read-only: snapshots are immutable copies."""
    for stats in snap.layers:
        for f in dataclasses.fields(stats):
            _freeze_array(getattr(stats, f.name))
    inspections = [a.value for a in snap.answers if isinstance(a.value, Inspection)]
    for part in (snap.data, snap.grid, snap.inspection, snap.maps, *inspections):
        if part is not None:
            for f in dataclasses.fields(part):
                value = getattr(part, f.name)
                for a in value if isinstance(value, tuple) else (value,):
                    _freeze_array(a)
    for W, b in snap.weights or ():
        _freeze_array(W)
        _freeze_array(b)
    for res in (snap.trace, *(a.value for a in snap.answers)):
        if isinstance(res, TraceResult):
            freeze_trace(res)
    view = snap.network_view
    if view is not None:
        for a in (view.x, *view.z, *view.a, *(g for pair in view.grads for g in pair)):
            _freeze_array(a)
    return snap
