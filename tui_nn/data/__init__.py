"""Datasets: 2-D toy generators, shipped and downloaded real sets, the user's CSV; splits.

    from tui_nn.data import load_dataset, DatasetSpec
    ds = load_dataset(DatasetSpec(name="circle", samples=500, noise=0.1, seed=0))

Errors are DataError with a one-line message (file, line and column where they apply).
"""

from tui_nn.data.commands import datasets_fetch, datasets_list, format_datasets_table
from tui_nn.data.csvdata import CsvFeatures, read_csv_features
from tui_nn.data.fetch import fetch_dataset
from tui_nn.data.normalize import apply_normalization, fit_normalization
from tui_nn.data.paths import ENV_DATA_DIR, ENV_MIRROR, resolve_data_dir
from tui_nn.data.registry import DATASET_NAMES, list_datasets, load_dataset
from tui_nn.data.spec import NORMALIZATIONS, DataError, Dataset, DatasetInfo, DatasetSpec

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
    "datasets_fetch",
    "datasets_list",
    "fetch_dataset",
    "fit_normalization",
    "format_datasets_table",
    "list_datasets",
    "load_dataset",
    "read_csv_features",
    "resolve_data_dir",
]
