"""`tui-nn predict MODEL.npz --data FILE.csv [-o OUT.csv]`: a saved model's predictions.

The output is a CSV: the model's input columns as they are in the file, then `prediction` (the
value in the target's units for regression, the class name for classification) and, for a
classifier, one `p_<class>` probability column per class. Inputs go through the normalisation
stored in the model file; columns are matched by name. `-o` writes the file atomically.
"""

from __future__ import annotations

import csv
import io
import sys
from typing import Any

import numpy as np

from tui_nn.cli.options import UsageError, add_options, check_values, threads_from_args
from tui_nn.cli.parser import make_parser
from tui_nn.data.rules import CSV_FORMAT

EPILOG = """\
examples:
  tui-nn predict houses.npz --data new_houses.csv              CSV on stdout
  tui-nn predict iris.npz --data flowers.csv -o predicted.csv  written atomically

The columns are the model's inputs (matched by header name), `prediction`, and for a
classifier `p_<class>` for every class. The file is read as the model's training file was
(--header, --ignore, --encoding, --thousands, as the model records them; give one to read
this file otherwise). A model trained on feature inputs (--features x1^2,...) reads the raw
x1, x2 and computes its features itself. `tui-nn export MODEL.npz --format pytorch` writes a
script that prints the same CSV with PyTorch.
"""


def parser():
    p = make_parser("tui-nn predict", "Predict with a saved model, row by row.", EPILOG)
    p.add_argument("model", metavar="MODEL.npz", help="a model file saved by tui-nn")
    p.add_argument("--data", metavar="FILE.csv", required=True, help="the rows to predict")
    p.add_argument("-o", "--output", metavar="OUT.csv", default=None, help="write here")
    add_options(p, include=(*CSV_FORMAT, "threads"), config=False)
    return p


def main(argv: list[str]) -> int:
    from tui_nn.blas import use_threads
    from tui_nn.cli.output import write_text
    from tui_nn.cli.targets import check_target
    from tui_nn.data.csvmodel import model_csv_options, read_model_inputs
    from tui_nn.files import load_model

    ns = parser().parse_args(argv)
    use_threads(threads_from_args(ns))
    check_target("-o", ns.output, "file", {"the model": ns.model, "--data": ns.data})
    model = load_model(ns.model)
    given = check_values({k: getattr(ns, k) for k in CSV_FORMAT}, lambda opt: f"--{opt.name}")
    options = model_csv_options(model.config.dataset, given)
    inputs = read_model_inputs(
        ns.data, model.normalization, raw_inputs(model), options, dtype=model.spec.dtype
    )
    header, rows = prediction_rows(model, inputs)
    text = to_csv(header, rows)
    if ns.output is None:
        sys.stdout.write(text)
        return 0
    write_text("-o", ns.output, text)
    print(f"wrote {len(rows)} predictions to {ns.output}", file=sys.stderr)
    return 0


def fmt(x: float) -> str:
    """A number as both `predict` and the exported script print it."""
    return f"{float(x):.9g}"


def prediction_rows(model: Any, inputs: Any) -> tuple[list[str], list[list[str]]]:
    from tui_nn.data.features import expand
    from tui_nn.data.normalize import unstandardize
    from tui_nn.engine.network import Network

    net = Network.from_params(model.spec, model.params)
    out = np.asarray(net.forward(expand(inputs.X, model.features)), dtype=np.float64)
    names = list(inputs.names)
    cells = inputs.cells
    if not is_classifier(model):
        values = unstandardize(out, model.target_normalization)
        heads = ["prediction"] if values.shape[1] == 1 else [
            f"prediction_{k}" for k in range(values.shape[1])
        ]
        return names + heads, [c + [fmt(v) for v in vs] for c, vs in zip(cells, values)]
    probs = np.column_stack([1.0 - out[:, 0], out[:, 0]]) if out.shape[1] == 1 else out
    classes = list(model.class_names or [str(k) for k in range(probs.shape[1])])
    if len(classes) != probs.shape[1]:
        raise UsageError(
            f"{model.spec.output.units} outputs but {len(classes)} class names in the model"
        )
    picked = (out[:, 0] > 0.5).astype(int) if out.shape[1] == 1 else out.argmax(axis=1)
    rows = [
        c + [classes[k]] + [fmt(p) for p in ps] for c, k, ps in zip(cells, picked, probs)
    ]
    return names + ["prediction"] + [f"p_{name}" for name in classes], rows


def raw_inputs(model: Any) -> int:
    """Columns the model reads from a file: its inputs, or the two its features come from."""
    return 2 if getattr(model, "features", None) else model.spec.n_inputs


def is_classifier(model: Any) -> bool:
    if model.task is not None:
        return model.task == "classification"
    return model.spec.loss in ("bce", "cce")


def to_csv(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()
