"""The standalone PyTorch script `tui-nn export --format pytorch` writes.

It needs torch and numpy only. The weights are embedded (base64 of the little-endian arrays),
the network is a `torch.nn.Sequential` of `Linear` layers and activations, and the stored input
normalisation, target scaling and class names are constants of the script. Run as
`python model.py FILE.csv` it reads the file as `tui-nn predict` does and prints the same CSV.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import numpy as np

from tui_nn.data.features import FEATURES

TORCH_ACTIVATIONS = {
    "identity": "torch.nn.Identity()",
    "linear": "torch.nn.Identity()",
    "sigmoid": "torch.nn.Sigmoid()",
    "tanh": "torch.nn.Tanh()",
    "relu": "torch.nn.ReLU()",
    "leaky_relu": "torch.nn.LeakyReLU(0.01)",
    "elu": "torch.nn.ELU(alpha=1.0)",
    "gelu": 'torch.nn.GELU(approximate="tanh")',
    "softplus": "torch.nn.Softplus()",  # linear above z = 20, as log(1 + e^z) is in float32
    "swish": "torch.nn.SiLU()",
    "silu": "torch.nn.SiLU()",
    "softmax": "torch.nn.Softmax(dim=1)",
}
"""Every activation of `tui_nn.engine.activations`, as the torch module that computes it."""


def _array(a: np.ndarray) -> dict[str, Any]:
    a = np.ascontiguousarray(a, dtype=np.dtype(a.dtype).newbyteorder("<"))
    return {
        "dtype": a.dtype.str,
        "shape": list(a.shape),
        "data": base64.b64encode(a.tobytes()).decode("ascii"),
    }


def _expansions(features: tuple[str, ...] | None) -> list[list[str]] | None:
    """[name, torch expression of x1 and x2] per feature input, or None."""
    if not features:
        return None
    return [[name, FEATURES[name].torch] for name in features]


def script(model: Any, source: str, is_classifier: bool) -> str:
    layers = [*model.spec.hidden, model.spec.output]
    missing = [lay.activation for lay in layers if lay.activation not in TORCH_ACTIVATIONS]
    if missing:
        raise ValueError(f"no PyTorch module for activation {missing[0]!r}")
    params = [{"weight": _array(W), "bias": _array(b)} for W, b in model.params]
    norm = model.normalization
    constants = {
        "source": source,
        "dtype": model.spec.dtype,
        "activations": [lay.activation for lay in layers],
        "features": (norm or {}).get("features") or list(model.feature_names or []) or None,
        "n_inputs": 2 if model.features else model.spec.n_inputs,
        "expand": _expansions(model.features),
        "shift": None if norm is None else norm["shift"],
        "scale": None if norm is None else norm["scale"],
        "target": model.target_normalization,
        "classifier": is_classifier,
        "classes": list(model.class_names) if model.class_names else None,
    }
    modules = ",\n        ".join(
        f"torch.nn.Linear({lay_in}, {lay.units}), {TORCH_ACTIVATIONS[lay.activation]}"
        for lay_in, lay in zip(model.spec.sizes, layers)
    )
    if model.features:
        terms = ", ".join(FEATURES[name].torch for name in model.features)
        body = f"    x1, x2 = x[:, 0], x[:, 1]\n    return torch.stack([{terms}], dim=1)"
    else:
        body = "    return x"
    return TEMPLATE.format(
        features_body=body,
        source=source,
        modules=modules,
        constants=json.dumps(constants, indent=1),
        params=json.dumps(params),
    )


TEMPLATE = '''#!/usr/bin/env python3
"""{source} exported by `tui-nn export --format pytorch`: needs only torch and numpy.

    python model.py FILE.csv        prints the same CSV as `tui-nn predict {source} --data FILE.csv`

`build()` gives the network as a torch.nn.Sequential with the trained weights; `predict(rows)`
takes raw inputs (one row per sample, in the columns of FEATURES) and applies the stored input
normalisation, the feature inputs (`features()`) and the target scaling.
"""

import base64
import csv
import json
import sys

import numpy as np
import torch

CONFIG = json.loads(r"""{constants}""")
PARAMS = json.loads(r"""{params}""")
FEATURES = CONFIG["features"]


def _tensor(entry):
    raw = base64.b64decode(entry["data"])
    array = np.frombuffer(raw, dtype=np.dtype(entry["dtype"])).reshape(entry["shape"])
    return torch.from_numpy(array.copy())


def build():
    """The network: Linear layers (weight shape (n_out, n_in), as in tui-nn) and activations."""
    net = torch.nn.Sequential(
        {modules}
    )
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    with torch.no_grad():
        for linear, p in zip(linears, PARAMS):
            linear.weight.copy_(_tensor(p["weight"]))
            linear.bias.copy_(_tensor(p["bias"]))
    dtype = torch.float64 if CONFIG["dtype"] == "float64" else torch.float32
    return net.to(dtype).eval()


def predict(rows):
    """Raw input rows (n, n_inputs) -> the network's outputs in the user's units (numpy)."""
    x = np.asarray(rows, dtype=np.float64)
    net = build()
    dtype = next(net.parameters()).dtype
    x = torch.from_numpy(x).to(dtype)
    if CONFIG["shift"] is not None:  # (x - shift) / scale, in the network's precision
        x = (x - torch.tensor(CONFIG["shift"], dtype=dtype)) / torch.tensor(CONFIG["scale"], dtype=dtype)
    x = features(x)
    with torch.no_grad():
        out = net(x).double().numpy()
    if CONFIG["target"] is not None:
        out = out * np.asarray(CONFIG["target"]["scale"]) + np.asarray(CONFIG["target"]["shift"])
    return out


def features(x):
    """The network's inputs: the normalised x1, x2 themselves, or the features of them the
    model was trained on (CONFIG["expand"] names them)."""
{features_body}


def fmt(x):
    return f"{{float(x):.9g}}"


def read_rows(path):
    """The file's rows as tui-nn reads them: `,` `;` or tab (the most common on the first line),
    decimal commas in a `;` file, cells stripped, blank lines and an empty last column dropped."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        first = f.readline()
        f.seek(0)
        counts = {{d: first.count(d) for d in (",", ";", "\\t")}}
        delimiter = max(counts, key=counts.get) if max(counts.values()) else ","
        rows = [[c.strip() for c in r] for r in csv.reader(f, delimiter=delimiter)]
    rows = [r for r in rows if any(r)]
    ends_empty = [len(r) > 1 and r[-1] == "" for r in rows]
    if rows and all(ends_empty):
        rows = [r[:-1] for r in rows]
    elif len(rows) > 1 and all(ends_empty[1:]) and len(rows[0]) == len(rows[1]) - 1:
        rows = [rows[0]] + [r[:-1] for r in rows[1:]]
    if delimiter == ";":
        rows = [[_decimal_comma(c) for c in r] for r in rows]
    return rows


def _decimal_comma(cell):
    if cell.count(",") == 1 and "." not in cell and _number(cell.replace(",", ".")):
        return cell.replace(",", ".")
    return cell


def _number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def main(path):
    rows = read_rows(path)
    header = rows[0] if rows and not all(_number(c) for c in rows[0]) else None
    body = rows[1:] if header else rows
    if FEATURES and header:
        lower = [h.lower() for h in header]
        columns = [header.index(n) if n in header else lower.index(n.lower()) for n in FEATURES]
        names = [header[j] for j in columns]
    else:
        columns = list(range(CONFIG["n_inputs"]))
        names = [header[j] for j in columns] if header else [f"column {{j + 1}}" for j in columns]
    cells = [[r[j] for j in columns] for r in body]
    out = predict([[float(c) for c in r] for r in cells])
    writer = csv.writer(sys.stdout, lineterminator="\\n")
    if not CONFIG["classifier"]:
        heads = ["prediction"] if out.shape[1] == 1 else [f"prediction_{{k}}" for k in range(out.shape[1])]
        writer.writerow(names + heads)
        for c, values in zip(cells, out):
            writer.writerow(c + [fmt(v) for v in values])
        return
    probs = np.column_stack([1.0 - out[:, 0], out[:, 0]]) if out.shape[1] == 1 else out
    classes = CONFIG["classes"] or [str(k) for k in range(probs.shape[1])]
    picked = (out[:, 0] > 0.5).astype(int) if out.shape[1] == 1 else out.argmax(axis=1)
    writer.writerow(names + ["prediction"] + [f"p_{{name}}" for name in classes])
    for c, k, ps in zip(cells, picked, probs):
        writer.writerow(c + [classes[k]] + [fmt(p) for p in ps])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python " + sys.argv[0] + " FILE.csv")
    main(sys.argv[1])
'''
