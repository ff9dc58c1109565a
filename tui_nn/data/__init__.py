"""Datasets: 2-D toy generators, shipped and downloaded real sets, the user's CSV; splits."""

from tui_nn.data.spec import DataError, Dataset, DatasetInfo, DatasetSpec

__all__ = ["DataError", "Dataset", "DatasetInfo", "DatasetSpec"]
