"""`tui-nn compare`: two runs from the same start, trained epoch by epoch side by side.

    tui-nn compare a.toml b.toml --epochs 50
    tui-nn compare a.toml --set lr=0.3                 B is A with one setting changed
    tui-nn compare --dataset xor --hidden 4 --set activation=relu

The same start: both runs use the same data, split and shuffling seed, and B starts from A's
initial weights whenever its layers have the same shapes and it keeps A's seed and
initialiser (else it gets its own, and the header says so). Both are trained with the
engine's Trainer, one epoch of A then one of B, so identical settings give identical curves.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tui_nn.cli.headless_run import loss_text, percent
from tui_nn.cli.options import (
    UsageError,
    add_options,
    config_from_values,
    default_epochs,
    read_config_values,
    require_epoch_budget,
    table_values,
    values_from_args,
)
from tui_nn.cli.parser import make_parser
from tui_nn.cli.targets import check_target
from tui_nn.config import RunConfig, config_differences, train_data

EPILOG = """\
examples:
  tui-nn compare --dataset spiral --set lr=0.3          the defaults against lr 0.3
  tui-nn compare a.toml b.toml --epochs 50              two configuration files
  tui-nn compare a.toml --set activation=relu --set lr=0.1 --metrics ab.jsonl

--set KEY=VALUE changes run B only; KEY is any option name (lr, hidden, activation, ...).
Options given on the command line apply to both runs.
exit codes: 0 both trained, 1 a run diverged, 2 bad options or input.
"""


def parser():
    p = make_parser("tui-nn compare", "Train two runs from the same start, side by side.", EPILOG)
    p.add_argument("configs", nargs="*", metavar="RUN.toml", help="run A's (and B's) TOML file")
    p.add_argument(
        "--set",
        dest="changes",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a setting of run B (repeatable)",
    )
    add_options(p, exclude=("save", "load", "checkpoint-every"), config=False)
    return p


@dataclass
class Side:
    """One of the two runs."""

    label: str
    config: RunConfig
    dataset: Any = None
    net: Any = None
    trainer: Any = None
    last: Any = None  # newest EpochRecord
    best: Any = None  # record with the lowest test (else train) loss
    diverged: str | None = None
    seconds: float = 0.0

    @property
    def active(self) -> bool:
        return self.diverged is None and not self.trainer.finished


def parse_changes(items: list[str]) -> dict[str, Any]:
    table = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set {item!r}: write KEY=VALUE, e.g. --set lr=0.3")
        table[key.strip()] = value.strip()
    try:
        values = table_values(table, "--set", Path.cwd())
    except Exception as exc:  # ConfigError: name the option as the user typed it
        raise UsageError(str(exc)) from None
    refuse_file_options(values, "--set")
    return values


NOT_PER_RUN = {
    "save": "compare saves no model (train each run with tui-nn train --save)",
    "load": "both runs start from the same new weights (tui-nn train --load continues a model)",
    "metrics": "--metrics holds both runs (field 'run': A or B); give it once, for both",
    "checkpoint_every": "compare saves no model, so it has no checkpoints",
}


def refuse_file_options(values: dict[str, Any], where: str) -> None:
    """`--set save=...` (or a run file's `save = ...`) would be ignored: refused by name."""
    for key, why in NOT_PER_RUN.items():
        if key in values:
            raise UsageError(f"{where} {key.replace('_', '-')}: {why}")


def build_configs(ns) -> tuple[RunConfig, RunConfig, int | None]:
    """Runs A and B, and the BLAS threads both train with (they share this process: the
    command line's --threads, else A's file's `threads`, else the default)."""
    if len(ns.configs) > 2:
        raise UsageError("give at most two configuration files (A and B)")
    common = values_from_args(ns)
    files = [read_config_values(Path(p)) for p in ns.configs]
    for path, values in zip(ns.configs, files):
        refuse_file_options(values, f"{path}: key")
    values_a = {**(files[0] if files else {}), **common}
    changes = parse_changes(ns.changes)
    if "threads" in changes:
        raise UsageError("--set threads: both runs train in one process; give --threads N")
    values_b = {**(files[1] if len(files) > 1 else values_a), **common, **changes}
    require_epoch_budget(values_a, "tui-nn compare")
    a, b = config_from_values(values_a), config_from_values(values_b)
    epochs = next(
        (e for e in (common.get("epochs"), a.hyper.epochs) if e is not None), default_epochs(a)
    )
    a = replace(a, hyper=replace(a.hyper, epochs=epochs))
    b = replace(b, hyper=replace(b.hyper, epochs=epochs))
    return a, b, values_a.get("threads")


def same_start(a: Side, b: Side) -> bool:
    """Can B start from A's initial weights?"""
    sa, sb = a.net.spec, b.net.spec
    return (
        sa.sizes == sb.sizes
        and a.config.seed == b.config.seed
        and a.config.init == b.config.init
        and sa.dtype == sb.dtype
    )


def prepare(a: Side, b: Side) -> str:
    """Data, networks and trainers of both runs; the line that says what they share."""
    from tui_nn.data import load_dataset
    from tui_nn.engine import Network, Trainer

    a.dataset = load_dataset(a.config.dataset)
    shared_data = b.config.dataset == a.config.dataset
    b.dataset = a.dataset if shared_data else load_dataset(b.config.dataset)
    a.net = Network.from_spec(a.config.network_spec(a.dataset))
    b.net = Network.from_spec(b.config.network_spec(b.dataset))
    shared_weights = same_start(a, b)
    if shared_weights:
        b.net.set_params(a.net.get_params())
    for side in (a, b):
        side.trainer = Trainer(
            side.net, train_data(side.dataset), side.config.hyper, seed=side.config.seed
        )
    shared = ["data and split"] if shared_data else []
    if a.config.seed == b.config.seed:
        shared.append("shuffling")
    if shared_weights:
        shared.insert(0, "initial weights")
    own = [] if shared_weights else ["B has its own initial weights (its layers differ)"]
    if not shared_data:
        own.append("B has its own data")
    text = "same start: " + (", ".join(shared) if shared else "nothing")
    return "; ".join([text, *own])


def describe(side: Side) -> str:
    spec, hyper = side.net.spec, side.config.hyper
    sizes = "-".join(str(n) for n in spec.sizes)
    acts = "/".join(layer.activation for layer in spec.layers)
    batch = "full" if hyper.batch_size is None else hyper.batch_size
    return (
        f"{side.label}: {side.dataset.name}, network {sizes} ({acts}, loss {spec.loss}); "
        f"{hyper.optimizer} lr {hyper.lr:g}, batch {batch}"
    )


def train_epoch(side: Side) -> Any:
    """One epoch of `side` (or less, if it diverges); the epoch's record or None."""
    start = time.perf_counter()
    try:
        while True:
            result = side.trainer.step()
            if result.diverged:
                side.diverged = result.diverged
                return None
            if result.record is not None:
                record = result.record
                side.last = record
                key = record.test_loss if record.test_loss is not None else record.train_loss
                best = side.best
                best_key = None if best is None else (best.test_loss or best.train_loss)
                if best_key is None or key < best_key:
                    side.best = record
                return record
    finally:
        side.seconds += time.perf_counter() - start


COLUMNS = ("train loss", "test loss", "test acc")


def cells(record: Any) -> list[str]:
    if record is None:
        return ["", "", ""]
    acc = record.test_acc if record.test_acc is not None else record.train_acc
    return [loss_text(record.train_loss), loss_text(record.test_loss), percent(acc)]


def row(epoch: str, a: list[str], b: list[str], width: int) -> str:
    left = " ".join(f"{c:>10}" for c in a)
    right = " ".join(f"{c:>10}" for c in b)
    return f"{epoch:>{width}}  {left}  │ {right}"


def final_table(a: Side, b: Side) -> list[str]:
    def acc(r, split):
        return None if r is None else getattr(r, f"{split}_acc")

    rows = [
        ("epochs", str(a.trainer.epoch), str(b.trainer.epoch)),
        ("train loss", *(loss_text(s.last and s.last.train_loss) for s in (a, b))),
        ("test loss", *(loss_text(s.last and s.last.test_loss) for s in (a, b))),
        ("train acc", *(percent(acc(s.last, "train")) for s in (a, b))),
        ("test acc", *(percent(acc(s.last, "test")) for s in (a, b))),
        (
            "best loss at",
            *("-" if s.best is None else f"epoch {s.best.epoch}" for s in (a, b)),
        ),
        ("seconds", f"{a.seconds:.3f}", f"{b.seconds:.3f}"),
        ("diverged", *("yes" if s.diverged else "no" for s in (a, b))),
    ]
    out = [f"{'':<14}{'A':>14}{'B':>14}"]
    out += [f"{name:<14}{va:>14}{vb:>14}" for name, va, vb in rows]
    return out


def main(argv: list[str]) -> int:
    from tui_nn.blas import describe as describe_threads
    from tui_nn.blas import use_threads
    from tui_nn.files import MetricsWriter

    ns = parser().parse_args(argv)
    config_a, config_b, threads = build_configs(ns)
    reads = {"--data": ns.data, "--test-data": ns.test_data}
    reads.update({f"run {'AB'[i]}'s configuration": path for i, path in enumerate(ns.configs[:2])})
    check_target("--metrics", ns.metrics, "file", reads)
    threads = use_threads(threads)  # the runs take turns in this process, on its threads
    a, b = Side("A", config_a), Side("B", config_b)
    shared = prepare(a, b)
    differences = config_differences(config_a, config_b)
    print(describe(a))
    print(describe(b))
    print(f"B differs in: {', '.join(differences) if differences else 'nothing (identical)'}")
    print(f"{shared}; {describe_threads(threads)}")
    epochs = config_a.hyper.epochs
    width = max(len(str(epochs)), 5)
    header = [f"{c:>10}" for c in COLUMNS]
    print(row("", ["", "run A", ""], ["", "run B", ""], width))
    print(row("epoch", header, header, width))
    metrics = MetricsWriter(ns.metrics) if ns.metrics else None
    try:
        for epoch in range(1, epochs + 1):
            records = []
            for side in (a, b):
                record = train_epoch(side) if side.active else None
                records.append(record)
                if record is not None and metrics is not None:
                    metrics.write({"run": side.label, **record.to_dict()})
            if records == [None, None]:
                break
            print(row(str(epoch), cells(records[0]), cells(records[1]), width), flush=True)
    finally:
        if metrics is not None:
            metrics.close()
    for side in (a, b):
        if side.diverged:
            print(f"{side.label} diverged: {side.diverged}")
    print()
    print("\n".join(final_table(a, b)))
    if metrics is not None:
        print(f"wrote both runs' epochs to {ns.metrics} (field 'run': A or B)")
    return 1 if (a.diverged or b.diverged) else 0
