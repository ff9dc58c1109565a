"""Quitting after the trainer died (kill -9, the OOM killer): the message says what its
checkpoints kept, and how to go on from there (issue 25)."""

from __future__ import annotations

from tui_nn.config import RunConfig
from tui_nn.data import load_dataset
from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.network import Network
from tui_nn.engine.types import EpochRecord
from tui_nn.files import save_model
from tui_nn.ui.link.runs import not_saved


def test_without_a_checkpoint_nothing_was_saved(tmp_path):
    assert not_saved(None) == "the run was not saved: the trainer is not running"
    assert not_saved(tmp_path / "absent.npz") == not_saved(None)
    (tmp_path / "broken.npz").write_bytes(b"PK\x03\x04 half a file")
    assert not_saved(tmp_path / "broken.npz") == not_saved(None)


def test_a_checkpoint_is_named_with_its_epoch_and_how_to_resume(tmp_path):
    config = RunConfig(dataset=DatasetSpec("xor", samples=20), hidden=(3,))
    dataset = load_dataset(config.dataset)
    run = tmp_path / "run.npz"
    record = EpochRecord(412, 4120, 41200, 0.1, 0.2, 0.9, 0.8, 12.0, 0.03)
    save_model(run, Network.from_spec(config.network_spec(dataset)), config, dataset, [record])
    message = not_saved(run)
    assert message.startswith(
        "the trainer is not running; its last checkpoint (epoch 412, saved at "
    )
    assert message.endswith(f") is in {run}: tui-nn --resume {run}")
