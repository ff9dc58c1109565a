"""`tui-nn train`: the engine's Trainer driven headless, the same code the app's trainer runs.

A progress bar on a terminal, one plain line per epoch always (stdout), JSON Lines metrics as
it goes, an atomic model file at the end (and every --checkpoint-every seconds meanwhile).
Divergence and Ctrl-C stop cleanly, keeping (and saving, with --save) the last finite model.
This module reads the options and builds the run; `cli/headless_run.py` runs it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tui_nn.cli.headless_run import HeadlessRun, note
from tui_nn.cli.options import (
    UsageError,
    add_options,
    config_from_values,
    default_epochs,
    gather_values,
    require_epoch_budget,
)
from tui_nn.cli.parser import make_parser
from tui_nn.cli.targets import check_train_targets
from tui_nn.config import RunConfig

EPILOG = """\
examples:
  tui-nn train                                   circle data, 8,8 tanh network, 100 epochs
  tui-nn train --dataset xor --hidden 4 --epochs 200 --save xor.npz
  tui-nn train --dataset digits --epochs 20 --metrics digits.jsonl --save digits.npz
  tui-nn train --dataset mnist --data-dir ~/data/mnist --hidden 128,64 --optimizer adam \\
               --lr 0.001 --batch-size 128 --epochs 10 --save mnist.npz
  tui-nn train --data houses.csv --target price --normalize standard --hidden 16,16
  tui-nn train --load xor.npz --epochs 50 --save xor.npz    continue training a model
  tui-nn train --config run.toml --lr 0.01                   TOML file, command line wins

signals: Ctrl-C (SIGINT), SIGTERM (timeout, docker stop, a batch scheduler) and SIGHUP (the
terminal or ssh connection went away) finish the current step, save the model with --save and
say so on stderr; stopped inside an epoch, the summary gives the saved weights' numbers. A
second Ctrl-C aborts at once. With --save, the run is also saved at least every 30 s of
training (--checkpoint-every), so even kill -9 or a reboot loses no more than that.

exit codes: 0 trained, 1 diverged or failed, 2 bad options or input, 130 interrupted (Ctrl-C),
143 terminated (SIGTERM), 129 hung up (SIGHUP).
"""

ARCHITECTURE_KEYS = ("hidden", "activation", "output", "loss", "init")


def parser():
    p = make_parser(
        "tui-nn train",
        "Train a network headless with the same engine as the app.",
        EPILOG,
    )
    add_options(p)
    p.add_argument("--quiet", action="store_true", help="print only the final summary")
    return p


def main(argv: list[str]) -> int:
    from tui_nn.blas import use_threads
    from tui_nn.data import load_dataset
    from tui_nn.engine.history import MetricHistory

    ns = parser().parse_args(argv)
    config, loaded, values = config_and_model(gather_values(ns))
    threads = use_threads(values.get("threads"))
    require_epoch_budget(values, "tui-nn train")
    if config.hyper.epochs is None:  # the app's "until paused" has no meaning here
        config = replace(config, hyper=replace(config.hyper, epochs=default_epochs(config)))
    warn_fast_rate(config.hyper.lr)
    check_train_targets(values, ns.config)

    dataset = load_dataset(config.dataset)
    for text in dataset.notes:  # data that trains but will teach little (a CSV of 2 rows)
        note(f"warning: {text}")
    net = build_network(config, dataset, loaded, values)
    config = replace(config, dtype=net.spec.dtype)
    history = MetricHistory(loaded.history if loaded else ())
    session = HeadlessRun(net, dataset, config, history, values, quiet=ns.quiet, threads=threads)
    return session.run()


def config_and_model(values: dict[str, Any]) -> tuple[RunConfig, Any, dict[str, Any]]:
    """The run's configuration from the gathered option values and, with --load, the saved
    model it starts from, whose architecture wins: the options that name one are dropped
    (with a note). Returns (config, the loaded model or None, the values kept)."""
    from tui_nn.files import load_model

    loaded = None
    if "load" in values:
        loaded = load_model(values["load"])
        ignored = [f"--{k}" for k in ARCHITECTURE_KEYS if k in values]
        if ignored:
            note(f"{', '.join(ignored)} ignored: the architecture comes from {values['load']}")
            values = {k: v for k, v in values.items() if k not in ARCHITECTURE_KEYS}
    config = config_from_values(values, base=loaded.config if loaded else None)
    return config, loaded, values


def build_network(config: RunConfig, dataset: Any, loaded: Any, values: dict[str, Any]):
    from tui_nn.engine.network import Network

    if loaded is None:
        return Network.from_spec(config.network_spec(dataset))
    spec = loaded.spec
    if "dtype" in values:
        spec = replace(spec, dtype=values["dtype"])
    if spec.n_inputs != dataset.n_inputs or spec.output.units != dataset.n_outputs:
        raise UsageError(
            f"--load: the model takes {spec.n_inputs} inputs and gives {spec.output.units} "
            f"outputs; dataset {dataset.name} has {dataset.n_inputs} inputs and "
            f"{dataset.n_outputs} outputs"
        )
    note_rescaling(values.get("load"), loaded, dataset)
    return Network.from_params(spec, loaded.params)


def _scaling_differs(stored: dict[str, Any] | None, fitted: dict[str, Any] | None) -> bool:
    if stored is None or fitted is None:
        return False
    import numpy as np

    return any(
        not np.allclose(np.asarray(stored[key], dtype=np.float64),
                        np.asarray(fitted[key], dtype=np.float64), rtol=1e-6, atol=1e-12)
        for key in ("shift", "scale")
    )  # fmt: skip


def note_rescaling(path: str | None, loaded: Any, dataset: Any) -> None:
    """--load onto other data: the scaling is fitted to this run's training split, not taken
    from the file, so the loaded weights see differently scaled numbers at first. Said once."""
    changed = [
        what
        for what, stored, fitted in (
            ("inputs", loaded.normalization, getattr(dataset, "normalization", None)),
            ("target", loaded.target_normalization, getattr(dataset, "target_normalization", None)),
        )
        if _scaling_differs(stored, fitted)
    ]
    if changed:
        note(
            f"note: the {' and '.join(changed)} are scaled as fitted on {dataset.name}'s "
            f"training split, not as stored in {path}; the weights adapt as training goes on "
            "(the saved model stores the new scaling)"
        )


def warn_fast_rate(lr: float) -> None:
    """A rate above the app's field's limit runs (to see divergence, say), with a warning."""
    from tui_nn.config import RULES

    editor = RULES["lr"].editor
    if editor is not None and lr > editor[1]:
        note(
            f"warning: --lr {lr:g} is above {editor[1]:g}, the most the app's field takes; "
            "a rate this large usually saturates the network or diverges"
        )
