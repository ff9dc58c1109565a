"""Run configurations from TOML files (`--config`): option names as keys, the same checks and
messages as on the command line."""

from __future__ import annotations

import pytest

from tui_nn.cli.options import load_run_config
from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.types import HyperParams
from tui_nn.files import ConfigError

# ---- TOML configurations ------------------------------------------------------------------


def test_toml_sets_every_kind_of_value(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text(
        'dataset = "spiral"\nhidden = [6, 4]\nactivation = "relu"\nlr = 0.1\n'
        'batch-size = "full"\nepochs = 7\nl2 = 0.001\nseed = 5\nsamples = 200\n'
        'noise = 0.2\ntest_fraction = 0.25\noptimizer = "adam"\ndtype = "float64"\n'
        "data-seed = 9\nval-fraction = 0.1\n"
    )
    config = load_run_config(path)
    assert config.dataset == DatasetSpec(
        "spiral", samples=200, noise=0.2, test_fraction=0.25, seed=9, val_fraction=0.1
    )
    assert config.hidden == (6, 4) and config.activation == "relu"
    assert config.seed == 5 and config.dtype == "float64"
    assert config.hyper == HyperParams(
        lr=0.1, batch_size=None, optimizer="adam", l2=0.001, epochs=7
    )


def test_toml_relative_paths_are_relative_to_the_file(tmp_path):
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "run.toml"
    path.write_text('data = "table.csv"\ntarget = "y"\n')
    config = load_run_config(path)
    assert config.dataset.name == "csv"
    assert config.dataset.path == str(tmp_path / "sub" / "table.csv")
    assert config.dataset.target == "y"


@pytest.mark.parametrize(
    "text, words",
    [
        ('colour = "red"\nlr = 0.1\n', ["unknown key", "'colour'", "allowed keys"]),
        ("lr = -1\n", ["'lr'", "> 0"]),
        ("hidden = [0]\n", ["'hidden'", "1..4096"]),
        ('optimizer = "rmsprop"\n', ["'optimizer'", "sgd, momentum, nesterov, adam"]),
        ("lr = \n", ["invalid TOML"]),
    ],
)
def test_bad_toml_names_the_problem(tmp_path, text, words):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_run_config(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    for word in words:
        assert word in message


def test_missing_toml(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_run_config(tmp_path / "absent.toml")
