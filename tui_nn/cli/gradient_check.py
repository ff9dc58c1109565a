"""`tui-nn check`: compare backpropagation's gradients with central differences.

The configured network (or a saved one, with --load) is rebuilt in float64 and its analytic
gradients on a few training samples are compared with numerical ones; the worst relative
error is printed. Above the tolerance (1e-5 by default) the check fails with exit code 1.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from tui_nn.cli.options import UsageError, add_options, checked, config_from_values, gather_values
from tui_nn.cli.parser import make_parser
from tui_nn.rule import Rule

EPILOG = """\
examples:
  tui-nn check                                   the default network on the circle data
  tui-nn check --dataset digits --hidden 16 --activation gelu
  tui-nn check --dataset sine --hidden 8 --activation softplus --loss mse
  tui-nn check --load model.npz                  a saved network, on its own data

exit codes: 0 gradients agree, 1 the worst relative error is above the tolerance, 2 bad input.
"""

TRAINING_ONLY = ("save", "metrics", "optimizer", "lr", "momentum", "batch-size", "epochs")
TRAINING_ONLY += ("l1", "l2", "early-stopping", "dtype", "lr-schedule", "lr-step", "lr-gamma")
TRAINING_ONLY += ("lr-min", "checkpoint-every")
DEFAULT_TOLERANCE = 1e-5
CHECK_SAMPLES = Rule("check-samples", "whole", lo=1)
TOLERANCE = Rule("tolerance", "number", lo=0, lo_open=True)


def parser():
    p = make_parser("tui-nn check", "Gradient check of a configured network (float64).", EPILOG)
    add_options(p, exclude=TRAINING_ONLY)
    p.add_argument(
        "--check-samples", default="8", metavar="N", help="training samples to use (default 8)"
    )
    p.add_argument(
        "--tolerance",
        default=str(DEFAULT_TOLERANCE),
        metavar="X",
        help=f"largest acceptable relative error (default {DEFAULT_TOLERANCE:g})",
    )
    return p


def main(argv: list[str]) -> int:
    from tui_nn.blas import use_threads
    from tui_nn.data import load_dataset
    from tui_nn.engine.gradient_check import gradient_check
    from tui_nn.engine.network import Network
    from tui_nn.files import load_model

    ns = parser().parse_args(argv)
    n = checked(CHECK_SAMPLES, ns.check_samples)
    tolerance = checked(TOLERANCE, ns.tolerance)
    values = gather_values(ns)
    use_threads(values.get("threads"))
    loaded = load_model(values["load"]) if "load" in values else None
    config = config_from_values(values, base=loaded.config if loaded else None)
    dataset = load_dataset(config.dataset)
    if loaded is not None:
        spec = replace(loaded.spec, dtype="float64")
        net = Network.from_params(
            spec, [(W.astype(np.float64), b.astype(np.float64)) for W, b in loaded.params]
        )
    else:
        spec = replace(config.network_spec(dataset), dtype="float64")
        net = Network.from_spec(spec)
    if spec.n_inputs != dataset.n_inputs:
        raise UsageError(
            f"--load: the model takes {spec.n_inputs} inputs; {dataset.name} has {dataset.n_inputs}"
        )
    X, y = dataset.X_train[:n], dataset.y_train[:n]
    worst = float(gradient_check(net, X, y, input_scale=dataset.input_scale))
    sizes = "-".join(str(s) for s in spec.sizes)
    acts = "/".join(layer.activation for layer in spec.layers)
    print(
        f"gradient check: network {sizes} ({acts}, loss {spec.loss}), float64, "
        f"{len(X)} samples of {dataset.name}"
    )
    print(f"worst relative error {worst:.3e}")
    if not np.isfinite(worst) or worst > tolerance:
        print(
            f"FAILED: the worst relative error {worst:.3e} is above the tolerance {tolerance:g}",
        )
        return 1
    print(f"ok: below the tolerance {tolerance:g}")
    return 0
