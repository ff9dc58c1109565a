"""Datasets: 2-D toy generators, shipped and downloaded real sets, the user's CSV; splits.

    from tui_nn.data import load_dataset, DatasetSpec
    ds = load_dataset(DatasetSpec(name="circle", samples=500, noise=0.1, seed=0))

Errors are DataError with a one-line message (file, line and column where they apply).
"""

from tui_nn.data.load import DATASET_NAMES, list_datasets, load_dataset
from tui_nn.data.normalize import apply_normalization, fit_normalization
from tui_nn.data.paths import ENV_DATA_DIR, ENV_MIRROR, resolve_data_dir
from tui_nn.data.spec import NORMALIZATIONS, DataError, Dataset, DatasetInfo, DatasetSpec

# The download code (http.client, email, ...) and the CSV reader are imported only when they
# are used, so that starting the app or the trainer process on other data does not pay for them.
_LAZY = {
    "fetch_dataset": "tui_nn.data.fetch",
    "CsvFeatures": "tui_nn.data.csvmodel",
    "read_csv_features": "tui_nn.data.csvmodel",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'tui_nn.data' has no attribute {name!r}")


__all__ = [
    "DATASET_NAMES",
    "ENV_DATA_DIR",
    "ENV_MIRROR",
    "NORMALIZATIONS",
    "CsvFeatures",
    "DataError",
    "Dataset",
    "DatasetInfo",
    "DatasetSpec",
    "apply_normalization",
    "fetch_dataset",
    "fit_normalization",
    "list_datasets",
    "load_dataset",
    "read_csv_features",
    "resolve_data_dir",
]
