"""The sweep file: trials planned from grid and random draws, seeds, and bad files refused by
name before anything runs (no Dask here)."""

from __future__ import annotations

import math

import pytest

from tui_nn.sweep.plan import SweepError, load_sweep
from tui_nn.sweep.space import trial_seed

BASE = 'dataset = "circle"\nsamples = 100\nhidden = "4"\n'


def test_grid_is_every_combination_last_key_fastest(write, loader):
    path = write(BASE + '[sweep]\nepochs = 3\ngrid = { lr = [0.01, 0.1], hidden = ["2", "8,8"] }\n')
    sweep = load_sweep(path, loader)
    assert [t.params for t in sweep.trials] == [
        {"lr": 0.01, "hidden": "2"},
        {"lr": 0.01, "hidden": "8,8"},
        {"lr": 0.1, "hidden": "2"},
        {"lr": 0.1, "hidden": "8,8"},
    ]
    assert [t.config.hyper.lr for t in sweep.trials] == [0.01, 0.01, 0.1, 0.1]
    assert [t.config.hidden for t in sweep.trials] == [(2,), (8, 8), (2,), (8, 8)]
    assert all(t.config.hyper.epochs == 3 for t in sweep.trials)
    assert sweep.metric == "val_acc" and sweep.direction == "max" and not sweep.metric_given
    assert sweep.method == "grid" and sweep.pruner == "none" and sweep.total == 4
    assert all(t.config.dataset.val_fraction == 0.2 for t in sweep.trials)  # a sweep's default
    assert sweep.varied == ("lr", "hidden")


def test_trial_seeds_differ_and_the_data_keep_the_base_seed(write, loader):
    text = BASE + "seed = 7\ndata-seed = 5\n[sweep]\nepochs = 2\ngrid = { lr = [0.01, 0.1, 0.2] }\n"
    sweep = load_sweep(write(text), loader)
    seeds = [t.seed for t in sweep.trials]
    assert len(set(seeds)) == 3
    assert seeds == [trial_seed(7, i) for i in range(3)]
    assert [t.config.seed for t in sweep.trials] == seeds
    assert {t.config.dataset.seed for t in sweep.trials} == {5}


def test_swept_seed_is_used_as_train_would(write, loader):
    path = write(BASE + "[sweep]\nepochs = 2\ngrid = { seed = [3, 4], data-seed = [1, 2] }\n")
    sweep = load_sweep(path, loader)
    assert [(t.seed, t.config.seed, t.config.dataset.seed) for t in sweep.trials] == [
        (3, 3, 1),
        (3, 3, 2),
        (4, 4, 1),
        (4, 4, 2),
    ]


RANDOM = (
    BASE
    + """\
[sweep]
epochs = 2
seed = 11
trials = 20
[sweep.random]
lr = { log_uniform = [1e-4, 1e-1] }
momentum = { uniform = [0.5, 0.9] }
batch-size = { uniform = [4, 40] }
activation = { choice = ["tanh", "relu"] }
"""
)


def test_random_draws_stay_in_range_and_repeat_with_the_seed(write, loader):
    sweep = load_sweep(write(RANDOM), loader)
    assert len(sweep.trials) == 20
    lrs = [t.params["lr"] for t in sweep.trials]
    assert all(1e-4 <= x <= 1e-1 for x in lrs)
    # log-uniform: about as many draws below 1e-2.5 as above
    assert 4 <= sum(math.log10(x) < -2.5 for x in lrs) <= 16
    assert all(0.5 <= t.config.hyper.momentum <= 0.9 for t in sweep.trials)
    sizes = [t.params["batch-size"] for t in sweep.trials]
    assert all(isinstance(n, int) and 4 <= n <= 40 for n in sizes)
    assert [t.config.hyper.batch_size for t in sweep.trials] == sizes
    assert {t.config.activation for t in sweep.trials} == {"tanh", "relu"}
    again = load_sweep(write(RANDOM, "again.toml"), loader)
    assert [t.params for t in again.trials] == [t.params for t in sweep.trials]
    other = load_sweep(write(RANDOM.replace("seed = 11", "seed = 12"), "other.toml"), loader)
    assert [t.params for t in other.trials] != [t.params for t in sweep.trials]


def test_grid_and_random_together_draw_per_grid_point(write, loader):
    text = BASE + (
        "[sweep]\nepochs = 2\ntrials = 3\ngrid = { hidden = ['2', '4'] }\n"
        "[sweep.random]\nlr = { uniform = [0.01, 0.5] }\n"
    )
    sweep = load_sweep(write(text), loader)
    assert [t.params["hidden"] for t in sweep.trials] == ["2"] * 3 + ["4"] * 3
    assert len({t.params["lr"] for t in sweep.trials}) == 6


def test_loss_metric_defaults_to_min(write, loader):
    path = write(BASE + '[sweep]\nmetric = "val_loss"\ngrid = { lr = [0.1] }\n')
    sweep = load_sweep(path, loader)
    assert sweep.direction == "min"
    assert sweep.better(0.1, 0.2) and not sweep.better(0.3, 0.2) and sweep.better(0.5, None)


BAD = [
    ("", "no [sweep] table"),
    ("[sweep]\n", "varies nothing"),
    (
        "[sweep]\ngrids = { lr = [0.1] }\n",
        "unknown key(s) in [sweep]: 'grids'; allowed keys: method, pruner",
    ),
    (
        '[sweep]\nmetric = "acc"\ngrid = { lr = [0.1] }\n',
        "metric 'acc' is unknown; choose one of: val_acc, val_loss, train_acc, train_loss",
    ),
    (
        '[sweep]\ndirection = "up"\ngrid = { lr = [0.1] }\n',
        "direction 'up' is unknown; choose one of: max, min",
    ),
    (
        "[sweep]\ngrid = { rate = [0.1] }\n",
        "[sweep.grid] unknown key 'rate'; allowed keys: dataset",
    ),
    ("[sweep]\ngrid = { lr = [] }\n", "[sweep.grid] lr must be a non-empty list"),
    (
        "[sweep]\ngrid = { lr = [0.1, -1] }\n",
        "[sweep.grid] lr = -1: -1 is out of range (must be a number > 0)",
    ),
    (
        '[sweep]\ngrid = { activation = ["tanh", "relux"] }\n',
        "activation = 'relux': unknown value 'relux'; choose one of:",
    ),
    (
        "[sweep]\ngrid = { epochs = [1, 2] }\n",
        "[sweep.grid] epochs cannot be varied (set the budget in [sweep])",
    ),
    ("[sweep]\ngrid = { data = ['a.csv'] }\n", "[sweep.grid] data cannot be varied"),
    (
        "[sweep]\nepochs = 0\ngrid = { lr = [0.1] }\n",
        "[sweep] epochs = 0: 0 is out of range (must be a whole number >= 1",
    ),
    ("[sweep]\ntrials = 0\n", "[sweep] trials must be a whole number >= 1, got 0"),
    (
        "[sweep]\ntrials = 2\n[sweep.random]\nlr = { normal = [0, 1] }\n",
        "[sweep.random] lr must be one of { log_uniform = [a, b] }",
    ),
    (
        "[sweep]\ntrials = 2\n[sweep.random]\nlr = { uniform = [0.5, 0.1] }\n",
        "[sweep.random] lr.uniform must be [low, high] with low < high",
    ),
    (
        "[sweep]\ntrials = 2\n[sweep.random]\nlr = { log_uniform = [0, 0.1] }\n",
        "[sweep.random] lr.log_uniform needs low > 0",
    ),
    (
        "[sweep]\ntrials = 2\n[sweep.random]\nmomentum = { uniform = [0.5, 1.5] }\n",
        "[sweep.random] momentum = 1.5: 1.5 is out of range (must be a number in [0, 1))",
    ),
    (
        "[sweep]\ntrials = 2\n[sweep.random]\nactivation = { uniform = [0, 1] }\n",
        "activation is not a number; use { choice = [...] }",
    ),
    (
        "[sweep]\ngrid = { lr = [0.1] }\n[sweep.random]\nlr = { choice = [0.2] }\n",
        "'lr' is both in grid and in random",
    ),
    ("[sweep]\ntrials = 20000\ngrid = { lr = [0.1] }\n", "asks for 20,000 trials; at most 10,000"),
    (
        '[sweep]\nmetric = "test_acc"\ngrid = { lr = [0.1] }\n',
        "metric 'test_acc': the test set only reports, it never chooses; choose val_acc",
    ),
    ('[sweep]\nmethod = "bayes"\ngrid = { lr = [0.1] }\n', "method 'bayes' is unknown"),
    ('[sweep]\npruner = "hyperband"\ngrid = { lr = [0.1] }\n', "pruner 'hyperband' is unknown"),
    (
        '[sweep]\nmethod = "grid"\ntrials = 2\n[sweep.random]\nlr = { choice = [0.2] }\n',
        "method 'grid' draws nothing; [sweep.random] needs method 'random' or 'tpe'",
    ),
    ('[sweep]\nmethod = "tpe"\ntrials = 5\n', "varies nothing"),
    ("[sweep]\nprune-after = 3\ngrid = { lr = [0.1] }\n", "prune-after needs pruner"),
    ('[sweep]\npruner = "asha"\nprune-after = 0\ngrid = { lr = [0.1] }\n', "prune-after must be"),
    ("[sweep]\ngrid = { val-fraction = [0.1, 0.2] }\n", "val-fraction cannot be varied"),
]


@pytest.mark.parametrize(("sweep_table", "message"), BAD)
def test_bad_sweep_tables_are_refused_by_name(write, loader, sweep_table, message):
    path = write(BASE + sweep_table)
    with pytest.raises(SweepError) as info:
        load_sweep(path, loader)
    text = str(info.value)
    assert text.startswith(str(path)), text
    assert message in text, text
    assert "\n" not in text


def test_bad_base_keys_are_refused_by_name(write, loader):
    path = write('dataset = "circle"\nlearning-rate = 0.1\n[sweep]\ngrid = { lr = [0.1] }\n')
    with pytest.raises(Exception) as info:
        load_sweep(path, loader)
    assert f"{path}: unknown key(s) 'learning-rate'; allowed keys: dataset" in str(info.value)
    path = write('dataset = "nope"\n[sweep]\ngrid = { lr = [0.1] }\n', "b.toml")
    with pytest.raises(Exception) as info:
        load_sweep(path, loader)
    assert f"{path}: key 'dataset': unknown dataset 'nope'" in str(info.value)


def test_missing_and_invalid_files(tmp_path, write, loader):
    with pytest.raises(SweepError, match="no such file"):
        load_sweep(tmp_path / "missing.toml", loader)
    with pytest.raises(SweepError, match="invalid TOML"):
        load_sweep(write("[sweep\n"), loader)


def test_a_validation_metric_needs_a_validation_set(write, loader):
    path = write(BASE + "val-fraction = 0\n[sweep]\ngrid = { lr = [0.1, 0.2] }\n")
    with pytest.raises(SweepError, match="metric 'val_acc' needs a validation set"):
        load_sweep(path, loader)
    path = write(BASE + 'val-fraction = 0\n[sweep]\nmetric = "train_loss"\ngrid = { lr = [0.1] }\n')
    assert load_sweep(path, loader).trials[0].config.dataset.val_fraction == 0.0
    path = write(BASE + "val-fraction = 0.3\n[sweep]\ngrid = { lr = [0.1] }\n")
    assert load_sweep(path, loader).trials[0].config.dataset.val_fraction == 0.3


def test_tpe_plans_no_trials_up_front_and_builds_them_on_demand(write, loader):
    text = BASE + (
        '[sweep]\nmethod = "tpe"\npruner = "asha"\nprune-after = 2\ntrials = 7\nepochs = 9\n'
        'grid = { hidden = ["2", "4,4"] }\n[sweep.random]\nlr = { log_uniform = [1e-3, 1] }\n'
    )
    sweep = load_sweep(write(text), loader)
    assert sweep.trials == () and sweep.total == 7 and sweep.epochs == 9
    assert (sweep.method, sweep.pruner, sweep.prune_after) == ("tpe", "asha", 2)
    trial = sweep.trial(3, {"hidden": "4,4", "lr": 0.05})
    assert trial.config.hidden == (4, 4) and trial.config.hyper.lr == 0.05
    assert trial.seed == trial_seed(sweep.seed, 3) == trial.config.seed
    assert trial.config.hyper.epochs == 9


def test_the_metric_follows_the_task_unless_written(write, loader):
    from tui_nn.sweep.plan import with_task

    sweep = load_sweep(write(BASE + "[sweep]\ngrid = { lr = [0.1] }\n"), loader)
    regression = with_task(sweep, "regression")
    assert (regression.metric, regression.direction) == ("val_loss", "min")
    assert with_task(sweep, "classification").metric == "val_acc"
    given = load_sweep(write(BASE + '[sweep]\nmetric = "val_acc"\ngrid = { lr = [0.1] }\n'), loader)
    with pytest.raises(SweepError, match="regression set"):
        with_task(given, "regression")
