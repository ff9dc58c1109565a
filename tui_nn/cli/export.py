"""`tui-nn export MODEL.npz --format pytorch|json -o OUT`: a saved model for other tools.

- `pytorch`: a standalone script (torch and numpy only) that rebuilds the network as a
  `torch.nn.Sequential` with the weights embedded, applies the stored normalisation and target
  scaling, and, run as `python model.py FILE.csv`, prints the same CSV as `tui-nn predict`.
- `json`: the network (layers with their weights as nested lists, activations, loss), the input
  normalisation, the target scaling, class and feature names: for any other program.
Written atomically.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from tui_nn.cli.options import UsageError
from tui_nn.cli.parser import make_parser

FORMATS = ("pytorch", "json")
EPILOG = """\
examples:
  tui-nn export houses.npz --format pytorch -o houses_model.py
  python houses_model.py new_houses.csv            the same CSV as `tui-nn predict`
  tui-nn export digits.npz --format json -o digits.json
"""


def parser():
    p = make_parser("tui-nn export", "Export a saved model as a PyTorch script or JSON.", EPILOG)
    p.add_argument("model", metavar="MODEL.npz", help="a model file saved by tui-nn")
    p.add_argument("--format", default="pytorch", help="pytorch|json (default pytorch)")
    p.add_argument("-o", "--output", metavar="OUT", required=True, help="the file to write")
    return p


def main(argv: list[str]) -> int:
    from tui_nn.cli.output import write_text
    from tui_nn.cli.predict import is_classifier
    from tui_nn.cli.targets import check_target
    from tui_nn.files import load_model

    ns = parser().parse_args(argv)
    kind = ns.format.strip().lower()
    if kind not in FORMATS:
        raise UsageError(f"--format: unknown value {ns.format!r}; choose one of: pytorch, json")
    check_target("-o", ns.output, "file", {"the model": ns.model})
    model = load_model(ns.model)
    if kind == "pytorch":
        from tui_nn.cli.torch_script import script

        try:
            text = script(model, Path(ns.model).name, is_classifier(model))
        except ValueError as exc:
            raise UsageError(f"{ns.model}: {exc}") from None
    else:
        text = json.dumps(as_json(model), indent=1) + "\n"
    write_text("-o", ns.output, text)
    print(f"wrote {kind} export of {ns.model} to {ns.output}", file=sys.stderr)
    return 0


def as_json(model: Any) -> dict[str, Any]:
    from tui_nn.cli.predict import is_classifier

    layers = [*model.spec.hidden, model.spec.output]
    return {
        "format": "tui-nn model export",
        "layout": "z = W @ x + b, a = activation(z); W has shape (n_out, n_in)",
        "network": model.spec.to_dict(),
        "layers": [
            {
                "units": lay.units,
                "activation": lay.activation,
                "weight": W.astype(float).tolist(),
                "bias": b.astype(float).tolist(),
            }
            for lay, (W, b) in zip(layers, model.params)
        ],
        "loss": model.spec.loss,
        "task": "classification" if is_classifier(model) else "regression",
        "input_normalization": model.normalization,
        "input_rule": "network input = (x_raw - shift) / scale, per column",
        "target_normalization": model.target_normalization,
        "target_rule": "y = output * scale + shift (null: the outputs are the values)",
        "class_names": list(model.class_names) if model.class_names else None,
        "feature_names": list(model.feature_names) if model.feature_names else None,
        "features": list(model.features) if model.features else None,
        "features_rule": "null: the normalised inputs are the network's; else the network's "
        "inputs are these features of the normalised x1, x2 (x1^2 = x1 * x1, sin(x1), ...)",
    }
