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

from tui_nn.data.csvdialect import canonical_encoding
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
    data = model.config.dataset
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
        "csv": {  # how the training file was written: new files are read the same way
            "header": data.header,
            "encoding": canonical_encoding(data.encoding),
            "thousands": data.thousands,
            "ignore": list(data.ignore),
            "target": data.target,
        },
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
    return (
        TEMPLATE.format(
            features_body=body,
            source=source,
            modules=modules,
            constants=json.dumps(constants, indent=1),
            params=json.dumps(params),
        )
        + READER
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
import re
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


'''

READER = r'''
# ---- reading a CSV as `tui-nn predict` reads it (tui_nn/data/csvdialect.py, csvtable.py) ----

READ = CONFIG["csv"]  # how the model's training file was written
MISSING = {"", "na", "n/a", "nan", "null", "none", "?"}
GROUPED = {  # a number with thousands separators (groups of three digits) or without any
    ".": r"[+-]?(\d{1,3}(\.\d{3})+|\d*)(,\d*)?([eE][+-]?\d+)?",
    ",": r"[+-]?(\d{1,3}(,\d{3})+|\d*)(\.\d*)?([eE][+-]?\d+)?",
}


def _number(text):
    if "_" in text:
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


def _convert(cell, delimiter):
    """The cell as float() reads it, or None when it is no number in the file's format."""
    thousands = READ["thousands"]
    decimal_comma = thousands == "." or (thousands is None and delimiter == ";")
    if thousands is not None:
        if thousands in cell or (decimal_comma and "," in cell):
            if not re.fullmatch(GROUPED[thousands], cell) or not any(map(str.isdigit, cell)):
                return None
            cell = cell.replace(thousands, "")
            return cell.replace(",", ".") if decimal_comma else cell
    elif decimal_comma and cell.count(",") == 1 and "." not in cell:
        if _number(cell.replace(",", ".")):
            return cell.replace(",", ".")
    return cell if _number(cell) else None


def read_rows(path):
    """(rows, delimiter): `,` `;` or tab (the most common on the first line), cells stripped,
    blank lines and the empty last column of a trailing delimiter dropped."""
    encoding = "utf-8-sig" if READ["encoding"] == "utf-8" else READ["encoding"]
    with open(path, encoding=encoding, newline="") as f:
        first = f.readline()
        f.seek(0)
        counts = {d: first.count(d) for d in (",", ";", "\t")}
        delimiter = max(counts, key=counts.get) if max(counts.values()) else ","
        rows = [[c.strip() for c in r] for r in csv.reader(f, delimiter=delimiter)]
    rows = [r for r in rows if any(r)]
    head = rows[:22]
    ends_empty = [len(r) > 1 and r[-1] == "" for r in head]
    if head and all(ends_empty):
        rows = [r[:-1] if len(r) > 1 and r[-1] == "" else r for r in rows]
    elif len(head) > 1 and all(ends_empty[1:]) and len(head[0]) == len(head[1]) - 1:
        rows = [rows[0]] + [r[:-1] if len(r) > 1 and r[-1] == "" else r for r in rows[1:]]
    return rows, delimiter


def has_header(rows, names, delimiter):
    """Whether the first row names the columns (tui_nn/data/csvdialect.py: has_header)."""

    def _number(cell):
        return _convert(cell, delimiter) is not None

    if READ["header"] != "auto":
        return READ["header"] == "yes"
    first = rows[0]
    cells = {c.lower() for c in first}
    for name in names:
        text = str(name).strip()
        try:
            index = int(text)
        except ValueError:
            index = None
        if (index is None or not -len(first) <= index < len(first)) and text.lower() in cells:
            return True
    if len(rows) < 2:
        return not names and not all(_number(c) for c in first)
    sample = rows[1:21]
    all_numbers = all(_number(c) for c in first)
    for j, cell in enumerate(first):
        below = [r[j] for r in sample if j < len(r) and r[j].lower() not in MISSING]
        numbers = [_number(c) for c in below]
        if below and not _number(cell) and all(numbers):
            return True
        if all_numbers and len(below) > 1 and not any(numbers):
            return True
    return not any(_number(c) for c in first) and any(_number(c) for r in sample for c in r)


def _column(header, width, item):
    """A column named by `--ignore` (a name, or an index counted from 0); None if absent."""
    text = str(item).strip()
    if header:
        for exact in (True, False):
            for j, name in enumerate(header):
                if name == text if exact else name.lower() == text.lower():
                    return j
    try:
        j = int(text)
    except ValueError:
        return None
    return j % width if -width <= j < width else None


def main(path):
    rows, delimiter = read_rows(path)
    names = [*(FEATURES or []), *([READ["target"]] if READ["target"] is not None else [])]
    header = rows[0] if rows and has_header(rows, [*names, *READ["ignore"]], delimiter) else None
    body = rows[1:] if header else rows
    if FEATURES and header:
        lower = [h.lower() for h in header]
        columns = [header.index(n) if n in header else lower.index(n.lower()) for n in FEATURES]
    else:
        ignored = {_column(header, len(rows[0]), item) for item in READ["ignore"]}
        columns = [j for j in range(len(rows[0])) if j not in ignored]
    names = [header[j] for j in columns] if header else [f"column {j + 1}" for j in columns]
    cells = [[_convert(r[j], delimiter) or r[j] for j in columns] for r in body]
    numbers = []
    for r in cells:
        for c in r:
            if not _number(c):
                sys.exit(f"{path}: {c!r} is not a number")
        numbers.append([float(c) for c in r])
    out = predict(numbers)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    if not CONFIG["classifier"]:
        heads = ["prediction"] if out.shape[1] == 1 else [f"prediction_{k}" for k in range(out.shape[1])]
        writer.writerow(names + heads)
        for c, values in zip(cells, out):
            writer.writerow(c + [fmt(v) for v in values])
        return
    probs = np.column_stack([1.0 - out[:, 0], out[:, 0]]) if out.shape[1] == 1 else out
    classes = CONFIG["classes"] or [str(k) for k in range(probs.shape[1])]
    picked = (out[:, 0] > 0.5).astype(int) if out.shape[1] == 1 else out.argmax(axis=1)
    writer.writerow(names + ["prediction"] + [f"p_{name}" for name in classes])
    for c, k, ps in zip(cells, picked, probs):
        writer.writerow(c + [classes[k]] + [fmt(p) for p in ps])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python " + sys.argv[0] + " FILE.csv")
    main(sys.argv[1])
'''
