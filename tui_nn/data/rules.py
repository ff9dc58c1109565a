"""The data layer's options, one `Rule` each (see `tui_nn.rule`): which dataset, its size,
noise, split and normalisation, and how a CSV is written. The loaders check generated sets against the same limits;
`tui_nn.config.RULES` joins this table with the engine's.

Adding a data option is one entry in `_RULES` (plus its field in `DatasetSpec` and the code
that uses it): the CLI flag, the TOML key, the help text and the checks follow.
"""

from __future__ import annotations

from tui_nn.data.catalog import ALIASES, DATASET_NAMES
from tui_nn.data.csvdialect import (
    ENCODING_ALIASES,
    ENCODINGS,
    HEADER_MODES,
    THOUSANDS,
    THOUSANDS_ALIASES,
)
from tui_nn.data.features import ALIASES as FEATURE_ALIASES
from tui_nn.data.features import FEATURES
from tui_nn.data.spec import NORMALIZATIONS, TARGET_KINDS
from tui_nn.data.toy import MAX_CLASSES, MULTICLASS
from tui_nn.rule import Rule

_RULES = (
    Rule("dataset", "name", "dataset name (see `tui-nn datasets`)", "NAME", "data", "dataset",
         names=lambda: (*DATASET_NAMES, "csv"), aliases=ALIASES, noun="dataset"),
    Rule("data", "path", "your own CSV file (sets --dataset csv)", "PATH.csv", "data",
         "dataset"),
    Rule("target", "text", "CSV target column, by name or index (default: last)", "COLUMN",
         "data", "dataset"),
    Rule("data-dir", "path", "where MNIST-style files are", "DIR", "data", "dataset"),
    Rule("samples", "whole", "samples to generate (toy sets) or keep", "N", "data", "dataset",
         lo=10, hi=1_000_000, optional=True),
    Rule("noise", "number", "noise of a generated set (its points are within about ±6)", "X",
         "data", "dataset", lo=0, hi=10, optional=True),
    Rule("classes", "whole",
         f"classes of a generated {', '.join(MULTICLASS)} set (default 2; 3 for blobs)", "K",
         "data", "dataset", lo=2, hi=MAX_CLASSES, optional=True),
    Rule("features", "names",
         "the inputs of 2-D data, computed from x1 and x2 (default x1,x2; also x1sq, x2sq, "
         "x1x2, sinx1, sinx2)", "F,F", "data", "dataset", names=lambda: tuple(FEATURES),
         aliases=FEATURE_ALIASES, noun="feature", optional=True),
    Rule("plane", "names",
         "the two columns of a wider CSV to draw the boundary over (by name or index; the "
         "others held at their training mean)", "A,B", "data", "dataset", optional=True,
         max_items=2),
    Rule("test-fraction", "number",
         "share of samples held out for testing; 0 trains on all (or give --test-data)", "X",
         "data", "dataset", label="test fraction", lo=0, hi=1, hi_open=True),
    Rule("val-fraction", "number",
         "share of the training part held out for validation, which chooses (early stopping, "
         "a sweep's best trial) while the test set only reports; 'auto': 0.2 with "
         "--early-stopping, else 0", "X|auto", "data", "dataset", label="validation fraction",
         lo=0, hi=1, hi_open=True, optional=True, none_words=("auto",)),
    Rule("data-seed", "whole", "seed of the data: generation, the test and validation splits",
         "N", "data", "dataset", label="data seed", lo=0),
    Rule("test-data", "path",
         "test on this CSV (same columns; the training file's normalisation); all of --data "
         "trains", "PATH.csv", "data", "dataset"),
    Rule("task", "name",
         "how a CSV target is read: auto (text, or few whole numbers, are classes; other "
         "numbers a regression), classification, or regression", "KIND", "data", "dataset",
         names=lambda: TARGET_KINDS),
    Rule("normalize", "name", "input normalisation (default: standard for CSV, none otherwise)",
         "KIND", "data", "dataset", names=lambda: NORMALIZATIONS),
    Rule("header", "name",
         "whether a CSV's first row names the columns: auto (yes when it has names over "
         "numbers, numbers over text, or a column you name), yes, or no", "MODE", "data",
         "dataset", names=lambda: HEADER_MODES),
    Rule("ignore", "columns",
         "CSV columns to leave out (an id, a name), by name or index: id,name; the model "
         "remembers them for eval, predict and export", "COLUMN[,COLUMN]", "data", "dataset"),
    Rule("encoding", "name", "a CSV's text encoding: utf-8 (default), cp1252 (Excel on "
         "Windows) or latin-1", "NAME", "data", "dataset", names=lambda: ENCODINGS,
         aliases=ENCODING_ALIASES, noun="encoding"),
    Rule("thousands", "name",
         "a CSV's thousands separator: . for 1.065,00 (a decimal comma) or , for 1,065.00",
         "SEP", "data", "dataset", names=lambda: THOUSANDS, aliases=THOUSANDS_ALIASES,
         noun="thousands separator", optional=True, none_words=("none",)),
)  # fmt: skip
RULES = {rule.dest: rule for rule in _RULES}
"""The data options by `dest` ("test_fraction"), in the order the help lists them."""

CSV_FORMAT = ("header", "ignore", "encoding", "thousands")
"""The options that say how a CSV is written and which columns it leaves out: a model records
them, and `eval`, `predict` and `export` read new files the same way unless told otherwise."""
