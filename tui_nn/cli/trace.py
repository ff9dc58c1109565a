"""`tui-nn trace --sample I`: one sample through the network, forward, backward and one step
of the run's optimizer, as the worked calculation of the textbooks (or `--json`).

The network is the one `tui-nn train` would start from with the same options (same seed, same
initial weights), or a saved model with `--load`. The numbers come from the engine's own
forward and backward code on a batch of one and the optimizer's own step (a fresh optimizer:
its first step, from a state of zeros) (`tui_nn.engine.trace`); nothing is trained.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from tui_nn.cli.options import UsageError, add_options, gather_values
from tui_nn.cli.parser import make_parser

EPILOG = """\
examples:
  tui-nn trace --dataset xor --hidden 2 --sample 0     the initial weights, training sample 0
  tui-nn trace --dataset xor --hidden 2 --sample 3 --split test --lr 0.5
  tui-nn trace --load xor.npz --sample 0               a trained model
  tui-nn trace --dataset digits --sample 12 --json > trace.json

The text shows every neuron of small layers and the largest terms of wide ones; every line
re-adds from the numbers it shows (more digits where four would not add up, "≈" where even ten
would not). --json has every number (x after normalisation, y as the loss uses it, per layer
W, b, z, a, delta = dC/dz, dW, db, the optimizer's step per W and b, and the weights after it).
The step is the run's optimizer (--optimizer, --momentum) with its L1/L2 terms (--l1, --l2),
as its first step; plain SGD's W - lr dW is shown beside it.

exit codes: 0 traced, 2 bad options or input.
"""

SPLITS = ("train", "test")


def parser():
    p = make_parser(
        "tui-nn trace",
        "Trace one sample through the network: forward, cost, backward, one gradient step.",
        EPILOG,
    )
    add_options(p, exclude=("save", "metrics", "checkpoint-every"))
    trace = p.add_argument_group("trace")
    trace.add_argument("--sample", metavar="I", default=None, help="index of the sample (from 0)")
    trace.add_argument("--split", default="train", help="which set the sample is from: train|test")
    trace.add_argument("--json", action="store_true", help="print the trace as one JSON object")
    return p


def sample_index(text: str | None) -> int:
    if text is None:
        raise UsageError("--sample I is required: the index of the sample to trace (from 0)")
    try:
        index = int(text.strip())
    except ValueError:
        raise UsageError(
            f"--sample: must be a sample index (an integer >= 0), got {text!r}"
        ) from None
    if index < 0:
        raise UsageError(f"--sample: must be a sample index (an integer >= 0), got {index}")
    return index


def main(argv: list[str]) -> int:
    from tui_nn.blas import use_threads
    from tui_nn.cli.train import build_network, config_and_model
    from tui_nn.data import load_dataset
    from tui_nn.engine.optimizers import OPTIMIZERS
    from tui_nn.engine.trace import trace_sample, trace_to_dict
    from tui_nn.textbook.trace_text import trace_text

    ns = parser().parse_args(argv)
    index = sample_index(ns.sample)
    if ns.split not in SPLITS:
        raise UsageError(f"--split: unknown value {ns.split!r}; choose one of: {', '.join(SPLITS)}")
    config, loaded, values = config_and_model(gather_values(ns))
    use_threads(values.get("threads"))
    dataset = load_dataset(config.dataset)
    X, y = (
        (dataset.X_train, dataset.y_train)
        if ns.split == "train"
        else (dataset.X_test, dataset.y_test)
    )
    if len(X) == 0:
        raise UsageError(f"--split {ns.split}: the {ns.split} set of {dataset.name} is empty")
    if index >= len(X):
        raise UsageError(
            f"--sample: {index} is out of range: the {ns.split} set of {dataset.name} has "
            f"{len(X)} samples (0..{len(X) - 1})"
        )
    net = build_network(config, dataset, loaded, values)
    hyper = config.hyper
    trace = trace_sample(
        net,
        X[index],
        y[index],
        hyper.lr,
        input_scale=dataset.input_scale,
        classification=dataset.task == "classification",
        optimizer=OPTIMIZERS[hyper.optimizer](hyper.momentum),
        l1=hyper.l1,
        l2=hyper.l2,
    )
    if ns.json:
        out = trace_to_dict(trace, sample=index)
        out = {"split": ns.split, "dataset": dataset.name, **out}
        json.dump(out, sys.stdout)
        sys.stdout.write("\n")
        return 0
    units = target_units(dataset)
    from tui_nn.data.features import input_names

    text = trace_text(
        trace, heading(trace, net, dataset, ns.split, index, values), target=units,
        names=input_names(dataset),
    )  # fmt: skip
    sys.stdout.write(text)
    return 0


def target_units(dataset) -> dict | None:  # noqa: ANN001 - a Dataset
    """A regression's target scaling with the target's name, for the cost in its units."""
    norm = dataset.target_normalization
    if norm is None:
        return None
    return {**norm, "name": dataset.target_name or "target"}


def heading(trace, net, dataset, split: str, index: int, values: dict[str, Any]) -> list[str]:
    """What is traced: the sample and its target, the network, where its weights come from."""
    from tui_nn.textbook.trace_lines import vector

    spec = net.spec
    sizes = "-".join(str(n) for n in spec.sizes)
    acts = ", ".join(layer.activation for layer in spec.layers)
    where = f"from {values['load']}" if "load" in values else f"initial weights, seed {spec.seed}"
    target = f"class {trace.label}" if trace.label is not None else "a regression target"
    names = dataset.class_names
    if trace.label is not None and names and trace.label < len(names):
        if names[trace.label] != str(trace.label):
            target += f" ({names[trace.label]})"
    info = trace.optimizer
    if info is None or (info.name == "sgd" and not (info.l1 or info.l2)):
        step = f"one plain gradient step with learning rate α = {trace.lr:g}"
    else:
        terms = ", ".join(f"{n} {v:g}" for n, v in (("L1", info.l1), ("L2", info.l2)) if v)
        step = f"one step of {info.name} (its first) with learning rate α = {trace.lr:g}"
        step += f", {terms}" if terms else ""
    return [
        f"Sample {index} of the {split} set of {dataset.name} ({target})",
        f"network {sizes} ({acts}), loss {spec.loss}, {spec.dtype}; {where}",
        step,
        vector("y", trace.y),
    ]
