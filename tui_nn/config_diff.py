"""What differs between two run configurations, in the words of `tui-nn train`'s options:
`lr 0.3`, `hidden 4,4`, `activation relu`. Used to label run B of a comparison."""

from __future__ import annotations

from typing import Any

from tui_nn.config import RunConfig

# RunConfig field paths -> the option name people know
_NAMES = {
    "dataset.name": "dataset",
    "dataset.path": "data",
    "dataset.data_dir": "data-dir",
    "dataset.test_fraction": "test-fraction",
    "dataset.seed": "seed",
    "hyper.batch_size": "batch-size",
    "hyper.early_stopping": "early-stopping",
}


def _flat(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in d.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flat(value, f"{path}."))
        else:
            out[path] = value
    return out


def _shown(value: Any) -> str:
    if value is None:
        return "auto"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value) or "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def config_differences(a: RunConfig, b: RunConfig, skip: tuple[str, ...] = ()) -> list[str]:
    """`name value-of-b` for every setting where `b` differs from `a` (the seed once)."""
    fa, fb = _flat(a.to_dict()), _flat(b.to_dict())
    out: list[str] = []
    for path in fa.keys() | fb.keys():
        if fa.get(path) == fb.get(path):
            continue
        name = _NAMES.get(path, path.rsplit(".", 1)[-1].replace("_", "-"))
        if name in skip:
            continue
        item = f"{name} {_shown(fb.get(path))}"
        if item not in out:
            out.append(item)
    order = list(_flat(RunConfig().to_dict()))
    rank = {(_NAMES.get(p, p.rsplit(".", 1)[-1].replace("_", "-"))): i for i, p in enumerate(order)}
    return sorted(out, key=lambda item: rank.get(item.split(" ", 1)[0], len(rank)))
