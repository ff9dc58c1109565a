"""`tui-nn eval MODEL.npz`: loss, accuracy and a confusion matrix of a saved model on data
(for regression: MSE, RMSE, MAE and R² in the target's units).

With no data options the model's own dataset is loaded again (same name, seed and split) and
its test split is evaluated. With `--data new.csv` (or `--dataset NAME`) every row of that data
is evaluated. Either way the inputs go through the normalisation stored in the model file,
never one fitted on the new data, and class labels are matched to the model's by name.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from tui_nn.cli.options import UsageError, add_options, check_values, config_from_values
from tui_nn.cli.parser import make_parser
from tui_nn.data.features import expand
from tui_nn.data.normalize import unstandardize
from tui_nn.data.rules import CSV_FORMAT

EPILOG = """\
examples:
  tui-nn eval xor.npz                        the model's own test split
  tui-nn eval digits.npz --split all         every sample of its dataset
  tui-nn eval houses.npz --data new_houses.csv --target price
  tui-nn eval mnist.npz --data-dir ~/data/mnist
"""

DATA_OPTIONS = ("dataset", "data", "target", "data-dir", "samples", "noise", "test-fraction")
DATA_OPTIONS += CSV_FORMAT  # as the model records them, unless given
SPLITS = ("test", "val", "train", "all")


def parser():
    p = make_parser("tui-nn eval", "Evaluate a saved model on a dataset.", EPILOG)
    p.add_argument("model", metavar="MODEL.npz", help="a model file saved by tui-nn")
    add_options(p, include=(*DATA_OPTIONS, "data-seed", "threads"), config=False)
    p.add_argument(
        "--split",
        default=None,
        help="which samples: test|val|train|all (val: the validation set the model was "
        "chosen on; default: test of the model's own dataset, all of new data given with "
        "--data/--dataset)",
    )
    return p


def main(argv: list[str]) -> int:
    from tui_nn.blas import use_threads
    from tui_nn.data import load_dataset
    from tui_nn.engine.network import Network
    from tui_nn.files import load_model

    ns = parser().parse_args(argv)
    if ns.split is not None and ns.split not in SPLITS:
        raise UsageError(f"--split: unknown value {ns.split!r}; choose one of: {', '.join(SPLITS)}")
    values = check_values(
        {
            k.replace("-", "_"): getattr(ns, k.replace("-", "_"))
            for k in (*DATA_OPTIONS, "data-seed", "threads")
        },
        lambda opt: f"--{opt.name}",
    )
    use_threads(values.pop("threads", None))
    model = load_model(ns.model)
    if "data" in values:
        name, split = values["data"], "all"
        X, y, scale = read_new_csv(values, model)
        y_raw = y
        if ns.split not in (None, "all"):
            raise UsageError("--split: a file given with --data is evaluated whole (--split all)")
    else:
        new_data = "dataset" in values and values["dataset"] != model.config.dataset.name
        split = ns.split or ("all" if new_data else "test")
        spec = config_from_values(values, base=model.config).dataset
        # raw: the model's transform, then its feature inputs
        dataset = load_dataset(replace(spec, normalize="none", features=None))
        name = dataset.name
        if spec.test_data and split == "test":
            name = f"{Path(spec.test_data).name} (the test file of {dataset.name})"
        X, y = pick_split(dataset, split)
        if split == "val" and len(X) == 0:
            raise UsageError(
                f"{ns.model} was trained without a validation set (val fraction 0); "
                "evaluate --split test, train or all"
            )
        if split == "test" and len(X) == 0:
            raise UsageError(
                f"{name} has no test split (test fraction 0: {ns.model} trained on all of it, "
                "or you asked for none); evaluate --split all, or new data with --data FILE.csv"
            )
        X, scale = model_inputs(X, dataset, model)
        if model.features is not None and X.shape[1] == 2:
            X = expand(X, model.features)
        if model.spec.n_inputs != X.shape[1]:
            raise UsageError(
                f"the data has {X.shape[1]} inputs but the model takes {model.spec.n_inputs}"
            )
        y = match_labels(y, dataset, model)
        y_raw = unstandardize(y, dataset.target_normalization) if y.ndim == 2 else y
    net = Network.from_params(model.spec, model.params)
    classification = is_classification(model)
    sizes = "-".join(str(n) for n in model.spec.sizes)
    print(f"model {ns.model}: network {sizes}, loss function {model.spec.loss}")
    print(f"data {name}: {split} split, {len(X)} samples")
    if not classification:
        print_regression(net, X, y_raw, scale, model)
        return 0
    loss, acc = evaluate(net, X, y, scale, classification)
    print(f"loss {loss:.6g}")
    names = model.class_names
    predicted = predicted_classes(net.forward(X, input_scale=scale))
    n_classes = max(len(names) if names else 0, int(y.max()) + 1, int(predicted.max()) + 1)
    matrix = confusion_matrix(y, predicted, n_classes)
    print(f"accuracy {acc * 100:.2f}% ({int(np.trace(matrix))} of {len(y)})")
    print("confusion matrix (rows: true class, columns: predicted class):")
    print(format_confusion(matrix, names))
    return 0


def print_regression(net: Any, X: np.ndarray, y_raw: np.ndarray, scale: float, model: Any) -> None:
    """MSE, RMSE, MAE and R² in the target's own units (the model's outputs unstandardised)."""
    from tui_nn.engine.metrics import regression_metrics

    if len(X) == 0:
        raise UsageError("the data has no samples to evaluate")
    predicted = unstandardize(net.forward(X, input_scale=scale), model.target_normalization)
    m = regression_metrics(predicted, y_raw)
    units = "in the target's units" if model.target_normalization else "as the data gives it"
    print(f"MSE {m['mse']:.6g}  RMSE {m['rmse']:.6g}  MAE {m['mae']:.6g}  ({units})")
    print(f"R² {m['r2']:.4f}  (1 is perfect, 0 is no better than predicting the mean)")


def read_new_csv(values: dict[str, Any], model: Any) -> tuple[np.ndarray, np.ndarray, float]:
    """A user's CSV through the model's own normalisation, labels matched by class name."""
    from tui_nn.data import read_csv_features
    from tui_nn.data.csvmodel import model_csv_options

    target = values.get("target")
    if target is None and model.config.dataset.name == "csv":
        target = model.config.dataset.target
    classes = model.class_names if is_classification(model) else None
    if is_classification(model) and classes is None:
        classes = tuple(str(i) for i in range(max(model.spec.output.units, 2)))
    options = model_csv_options(model.config.dataset, values)
    features = read_csv_features(
        values["data"], model.normalization, target, classes, options, dtype=model.spec.dtype
    )
    if features.y is None:
        raise UsageError(f"--data: {values['data']} has no target column to evaluate against")
    return expand(features.X, model.features), features.y, 1.0


def pick_split(dataset: Any, split: str) -> tuple[np.ndarray, np.ndarray]:
    if split == "test":
        return dataset.X_test, dataset.y_test
    if split == "train":
        return dataset.X_train, dataset.y_train
    val = (dataset.X_val, dataset.y_val) if dataset.n_val else (dataset.X_test[:0], dataset.y_test[:0])
    if split == "val":
        return val
    return (
        np.concatenate([dataset.X_train, val[0], dataset.X_test]),
        np.concatenate([dataset.y_train, val[1], dataset.y_test]),
    )


def model_inputs(X: np.ndarray, dataset: Any, model: Any) -> tuple[np.ndarray, float]:
    """Raw data -> (X, input_scale) as the model saw it in training. Images stay uint8 and
    are scaled per chunk when the model's transform is the plain pixel scale."""
    from tui_nn.data import apply_normalization

    norm = model.normalization
    if norm is None:
        return X, dataset.input_scale
    if dataset.input_scale != 1.0 and _is_plain_scale(norm, 1.0 / dataset.input_scale):
        return X, dataset.input_scale
    return apply_normalization(X, norm), 1.0


def _is_plain_scale(norm: dict[str, Any], divisor: float) -> bool:
    shift = np.asarray(norm.get("shift", []), dtype=np.float64)
    scale = np.asarray(norm.get("scale", []), dtype=np.float64)
    return bool(np.all(shift == 0) and np.allclose(scale, divisor))


def match_labels(y: np.ndarray, dataset: Any, model: Any) -> np.ndarray:
    """Class indices of the data re-numbered to the model's classes, matched by name."""
    if not is_classification(model):
        return y
    if dataset.task != "classification":
        raise UsageError("the model is a classifier but the data's target is numeric")
    ours, theirs = dataset.class_names, model.class_names
    if ours is None or theirs is None or tuple(ours) == tuple(theirs):
        return y
    index = {name: i for i, name in enumerate(theirs)}
    missing = [name for name in ours if name not in index]
    if missing:
        raise UsageError(
            f"class {missing[0]!r} in the data is not one of the model's: {', '.join(theirs)}"
        )
    mapping = np.array([index[name] for name in ours], dtype=np.int64)
    return mapping[y]


def is_classification(model: Any) -> bool:
    if model.task is not None:
        return model.task == "classification"
    return model.spec.loss in ("bce", "cce")


def evaluate(
    net: Any, X: np.ndarray, y: np.ndarray, input_scale: float, classification: bool
) -> tuple[float, float | None]:
    """(loss, accuracy) by the engine's own evaluation (the numbers training reports)."""
    from tui_nn.engine.trainer import Trainer
    from tui_nn.engine.types import HyperParams, TrainData

    if len(X) == 0:
        raise UsageError("the data has no samples to evaluate")
    task = "classification" if classification else "regression"
    data = TrainData(X, y, X[:0], y[:0], input_scale=input_scale, task=task)
    return Trainer(net, data, HyperParams()).evaluate(X, y)


def predicted_classes(output: np.ndarray) -> np.ndarray:
    if output.shape[1] == 1:
        return (output[:, 0] > 0.5).astype(np.int64)  # as tui_nn.engine.metrics.accuracy
    return output.argmax(axis=1).astype(np.int64)


def confusion_matrix(y: np.ndarray, predicted: np.ndarray, n_classes: int) -> np.ndarray:
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(y, dtype=np.int64), predicted), 1)
    return matrix


def format_confusion(matrix: np.ndarray, names: tuple[str, ...] | None) -> str:
    n = matrix.shape[0]
    labels = [str(names[i]) if names and i < len(names) else str(i) for i in range(n)]
    width = max(max(len(s) for s in labels), len(str(int(matrix.max()))), 3)
    head = " " * (width + 2) + " ".join(s[:width].rjust(width) for s in labels)
    rows = [head]
    for i in range(n):
        cells = " ".join(str(int(v)).rjust(width) for v in matrix[i])
        rows.append(f"{labels[i][:width].rjust(width)}  {cells}")
    return "\n".join(rows)
