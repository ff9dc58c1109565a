"""Issue 11's bad cases: each is exit 2 and one line naming the problem (never "unexpected")."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest

QUICK = ("--dataset", "xor", "--samples", "40", "--hidden", "4", "--epochs", "1")


@pytest.fixture
def model_file(tmp_path, cli):
    path = tmp_path / "xor.npz"
    assert cli("train", *QUICK, "--save", path).code == 0
    return path


def _arrays(path):
    with np.load(path, allow_pickle=False) as npz:
        return dict(npz)


def _with_meta(path, tmp_path, change):
    arrays = _arrays(path)
    meta = json.loads(bytes(arrays["config"]).decode("utf-8"))
    change(meta)
    arrays["config"] = np.array(json.dumps(meta))
    out = tmp_path / "changed.npz"
    np.savez(out, **arrays)
    return out


def test_eval_takes_its_own_data_options(cli, model_file, tmp_path):
    # these were "unexpected KeyError" before
    result = cli("eval", model_file, "--data-dir", tmp_path)
    assert result.code == 0, result.err
    result = cli("eval", model_file, "--test-fraction", "0.3")
    assert result.code == 0, result.err
    assert "12 samples" in result.out  # 30 % of 40


def test_eval_data_dir_reaches_an_image_set(cli, model_file, tmp_path):
    result = cli("eval", model_file, "--dataset", "mnist", "--data-dir", tmp_path)
    assert result.code == 2
    assert "not found in" in result.error_line and str(tmp_path) in result.error_line


@pytest.mark.parametrize(
    "args, words",
    [
        (("--test-fraction", "0.001"), ["test fraction 0.001 of 40 samples", "give 0"]),
        (("--noise", "1e30"), ["--noise", "from 0 to 10", "1e30"]),
    ],
)
def test_values_that_were_accepted_silently(cli, args, words):
    result = cli("train", *QUICK, *args)
    assert result.code == 2
    for word in words:
        assert word in result.error_line


def test_a_rate_above_the_apps_limit_runs_with_a_warning(cli):
    result = cli("train", *QUICK, "--lr", "1000")
    warning = result.err.strip().splitlines()[0]
    assert "warning: --lr 1000 is above 10, the most the app's field takes" in warning
    assert "unexpected" not in result.err
    quiet = cli("train", *QUICK, "--lr", "10")
    assert "warning" not in quiet.err


def test_limits_are_the_apps_field_limits():
    import tui_nn.ui.panels.fields as fields
    from tui_nn.config import RULES

    lr = RULES["lr"]
    assert lr.check("1000") == 1000  # the command line may ask (with a warning) ...
    with pytest.raises(fields.Refused):
        fields.parse(lr, "1000")  # ... the app's field refuses, by the same rule's editor range
    assert fields.parse(lr, "10") == 10
    noise = RULES["noise"]
    for check in (noise.check, lambda v: fields.parse(noise, v)):
        assert check("10") == 10
        with pytest.raises(ValueError):
            check("1e30")
    assert fields.parse(RULES["test_fraction"], "0") == 0  # train on everything, in the app too


def test_toml_with_one_option_spelled_twice(cli, tmp_path):
    path = tmp_path / "run.toml"
    path.write_text("batch-size = 5\nbatch_size = 6\n")
    result = cli("train", *QUICK, "--config", path)
    assert result.code == 2
    assert "'batch-size' and 'batch_size' are the same option" in result.error_line


def test_toml_path_that_is_a_number(cli, tmp_path):
    path = tmp_path / "run.toml"
    path.write_text("save = 5\n")
    result = cli("train", *QUICK, "--config", path)
    assert result.code == 2
    assert "key 'save'" in result.error_line and "got 5" in result.error_line
    assert not (tmp_path / "5").exists()


def test_array_header_claiming_a_huge_shape(cli, model_file, tmp_path):
    crafted = tmp_path / "huge.npz"
    with zipfile.ZipFile(model_file) as src, zipfile.ZipFile(crafted, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "layer0.weight.npy":
                buf = io.BytesIO()
                header = {"descr": "<f4", "fortran_order": False, "shape": (900_000, 900_000)}
                np.lib.format.write_array_header_1_0(buf, header)
                data = buf.getvalue() + b"\0" * 64
            dst.writestr(info.filename, data)
    for args in (("eval", crafted), ("train", "--load", crafted, "--epochs", "1")):
        result = cli(*args)
        assert result.code == 2, result.err
        line = result.error_line
        assert "'layer0.weight' claims shape (900000, 900000)" in line
        assert "damaged or crafted" in line


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda m: m.update(input_scale="big"), ["'input_scale'", "'big'", "> 0"]),
        (lambda m: m.update(input_scale=0), ["'input_scale'"]),
        (lambda m: m["normalization"].update(scale=[0.0, 1.0]), ["normalization.scale[0] is 0"]),
        (lambda m: m["normalization"].update(shift=[1.0]), ["normalization.shift holds 1"]),
        (lambda m: m.update(task="poetry"), ["'task'", "'poetry'"]),
        (lambda m: m.update(class_names="ab"), ["'class_names'"]),
        (lambda m: m.update(target_normalization={"shift": [0], "scale": [-1]}), ["> 0"]),
    ],
)
def test_crafted_config_fields(cli, model_file, tmp_path, change, words):
    bad = _with_meta(model_file, tmp_path, change)
    result = cli("eval", bad)
    assert result.code == 2, result.err
    line = result.error_line
    assert "unexpected" not in line and str(bad) in line
    for word in words:
        assert word in line


def test_divergence_names_the_restored_step(cli, tmp_path):
    args = ("train", "--dataset", "sine", "--hidden", "8", "--activation", "relu", "--epochs", "5")
    result = cli(*args, "--lr", "10")
    assert result.code == 1, (result.out, result.err)
    line = next(s for s in result.err.splitlines() if "diverged" in s)
    step = int(line.split(" at step ")[1].split()[0])
    assert step > 2  # it diverged after a few finite steps ...
    if "the initial weights restored" not in line:  # ... and says which weights came back
        restored = int(line.split("the weights after step ")[1].split()[0])
        assert 0 < restored < step - 1, line


def test_help_words_match_the_code(cli):
    out = cli("--help").out
    out = out[out.index("\napp:") :]
    fps = out[out.index("--fps") :].split("--speed")[0]
    assert "snapshots per second from the trainer" in " ".join(fps.split())
    low = " ".join(out[out.index("--low-bandwidth") :].split("--resume")[0].split())
    assert "every 2 s" in low and "at most 2 snapshots" in low
    from tui_nn.config import RunConfig
    from tui_nn.ui.app import TuiNNApp

    app = TuiNNApp(RunConfig(), low_bandwidth=True)
    assert app.fps <= 2 and app.picture_interval >= 2
