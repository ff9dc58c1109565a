"""One activation per hidden layer survives every path a run takes: the options and TOML,
save, resume, fork, the app's A/B runs, a lesson and a sweep trial. One conversion each way:
`RunConfig.network_spec` and `RunConfig.with_network`."""

from __future__ import annotations

import dataclasses

import pytest
from session_helpers import make_config

from tui_nn.cli.options import UsageError, config_from_values, table_values
from tui_nn.config import RULES, RunConfig
from tui_nn.data import load_dataset
from tui_nn.engine.spec import LayerSpec, SpecError
from tui_nn.files import load_model
from tui_nn.session.protocol.messages import Fork, Save, SetArchitecture
from tui_nn.session.trainer.runner import Runner

PER_LAYER = ("tanh", "relu")


def mixed_config() -> RunConfig:
    return dataclasses.replace(make_config("circle", samples=120), activation=PER_LAYER)


def activations(spec) -> tuple[str, ...]:
    return tuple(layer.activation for layer in spec.hidden)


def test_options_and_toml_take_one_activation_per_layer(tmp_path):
    assert RULES["activation"].check("tanh, relu") == PER_LAYER
    assert RULES["activation"].check(["tanh", "relu"]) == PER_LAYER
    assert RULES["activation"].check("relu") == "relu"
    values = table_values({"hidden": [8, 8], "activation": ["tanh", "relu"]}, "x.toml", tmp_path)
    config = config_from_values(values)
    assert config.activation == PER_LAYER and config.activations() == PER_LAYER
    with pytest.raises(UsageError, match="2 activations for 3 hidden layers"):
        config_from_values({"hidden": (4, 4, 4), "activation": PER_LAYER})
    with pytest.raises(SpecError, match="one per layer"):
        dataclasses.replace(config, hidden=(4,)).activations()


def test_the_two_conversions_are_each_others_inverse():
    config = mixed_config()
    data = load_dataset(config.dataset)
    spec = config.network_spec(data)
    assert activations(spec) == PER_LAYER
    back = config.with_network(spec)
    assert back.activation == PER_LAYER and back.network_spec(data) == spec
    same = spec.with_hidden((LayerSpec(3, "relu"), LayerSpec(5, "relu")))
    assert config.with_network(same).activation == "relu"  # one name when all are the same
    assert RunConfig.from_dict(config.to_dict()) == config


def test_save_and_resume_keep_them(tmp_path):
    runner = Runner(mixed_config())
    runner.load()
    path = str(tmp_path / "run.npz")
    runner.apply(Save(path))
    saved = load_model(path)
    assert activations(saved.spec) == PER_LAYER and saved.config.activation == PER_LAYER
    again = Runner(saved.config)
    again.load(initial_model=path)
    assert activations(again.net.spec) == PER_LAYER
    assert again.current_config().activation == PER_LAYER


def test_an_architecture_edit_and_a_fork_keep_them(tmp_path):
    runner = Runner(make_config("circle", samples=120))
    runner.load()
    spec = runner.net.spec.with_hidden((LayerSpec(8, "tanh"), LayerSpec(6, "relu")))
    runner.apply(SetArchitecture(spec))
    assert runner.current_config().activation == PER_LAYER
    fork = str(tmp_path / "fork.npz")
    runner.apply(Fork(fork))
    forked = load_model(fork)
    assert forked.config.activation == PER_LAYER
    b = Runner(forked.config)
    b.load(initial_model=fork)
    assert activations(b.net.spec) == PER_LAYER


def test_the_apps_second_run_keeps_them():
    from tui_nn.ui.compare.legend import snapshot_config

    runner = Runner(mixed_config())
    runner.load()
    config = snapshot_config(make_config("circle"), runner.snapshot())
    assert config.activation == PER_LAYER


def test_a_lesson_keeps_them(tmp_path):
    from tui_nn.cli.lessons import lesson_configs
    from tui_nn.lessons import load_lesson

    path = tmp_path / "mixed.toml"
    path.write_text(
        'title = "Mixed"\ntext = "Two activations."\ngoal = ["test_acc >= 0.9"]\n'
        '[config]\ndataset = "circle"\nhidden = [8, 8]\nactivation = ["tanh", "relu"]\n'
        "[solution]\nepochs = 5\n",
        encoding="utf-8",
    )
    configs = lesson_configs(load_lesson(path))
    for config in (configs.start, configs.solution):
        spec = config.network_spec(load_dataset(config.dataset))
        assert activations(spec) == PER_LAYER


def test_a_sweep_trial_keeps_them(tmp_path):
    from tui_nn.cli.sweep import config_loader
    from tui_nn.sweep.plan import load_sweep
    from tui_nn.sweep.trial import run_trial

    path = tmp_path / "sweep.toml"
    path.write_text(
        'dataset = "circle"\nsamples = 80\nhidden = "4,4"\nactivation = ["tanh", "relu"]\n'
        "[sweep]\nepochs = 1\ngrid = { lr = [0.01, 0.1] }\n",
        encoding="utf-8",
    )
    sweep = load_sweep(path, config_loader())
    trial = sweep.trials[0]
    assert trial.config.activation == PER_LAYER
    assert activations(run_trial(0, trial.config).spec) == PER_LAYER
