"""Headless `train` keeps the model: signals save it, and --save/--metrics targets are checked
before any training (real processes for the signals)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tui_nn.files import MetricsWriter, load_model, read_metrics

QUICK = ("--dataset", "xor", "--samples", "20", "--hidden", "4", "--epochs", "2")


def unwritable_folder(tmp_path):
    if os.geteuid() == 0:
        return "/sys"  # even root cannot create files there
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    return str(folder)


@pytest.mark.parametrize("option", ["--save", "--metrics"])
@pytest.mark.parametrize("case", ["fifo", "device", "directory", "unwritable", "missing"])
def test_a_target_that_cannot_be_a_file_is_refused_before_training(cli, tmp_path, option, case):
    if case == "fifo":
        target = tmp_path / "pipe"
        os.mkfifo(target)
    elif case == "device":
        target = "/dev/null"
    elif case == "directory":
        target = tmp_path
    elif case == "unwritable":
        target = os.path.join(unwritable_folder(tmp_path), "m.out")
    else:
        target = tmp_path / "no" / "m.out"
    result = cli("train", *QUICK, option, target)
    assert result.code == 2 and result.out == ""  # nothing trained
    line = result.error_line
    assert option in line and str(target) in line or str(os.path.dirname(target)) in line
    expected = {
        "fifo": "FIFO",
        "device": "device",
        "directory": "directory",
        "unwritable": "not writable",
        "missing": "does not exist",
    }[case]
    assert expected in line
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")


def test_a_symlink_is_followed_and_stays_a_link(cli, tmp_path):
    real = tmp_path / "models" / "real.npz"
    real.parent.mkdir()
    link = tmp_path / "link.npz"
    link.symlink_to(real)
    assert cli("train", *QUICK, "--save", link).code == 0
    assert link.is_symlink() and real.is_file()
    assert load_model(real).history[-1].epoch == 2
    assert cli("train", *QUICK, "--save", link).code == 0  # and again, over the target
    assert link.is_symlink() and os.readlink(link) == str(real)


def test_metrics_refuses_a_model_file_and_appends_when_continuing(cli, tmp_path):
    model, metrics = tmp_path / "m.npz", tmp_path / "m.jsonl"
    assert cli("train", *QUICK, "--save", model, "--metrics", metrics).code == 0
    result = cli("train", *QUICK, "--metrics", model)
    assert result.code == 2 and "holds a model file" in result.error_line
    assert load_model(model)  # untouched
    assert cli("train", "--load", model, "--epochs", "2", "--metrics", metrics).code == 0
    assert [r["epoch"] for r in read_metrics(metrics)] == [1, 2, 3, 4]
    assert cli("train", *QUICK, "--metrics", metrics).code == 0  # a new run: a new file
    assert [r["epoch"] for r in read_metrics(metrics)] == [1, 2]


def test_a_failing_metrics_write_stops_the_metrics_not_the_run(cli, tmp_path, monkeypatch):
    written = []

    def write(self, record):
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        written.append(record)

    monkeypatch.setattr(MetricsWriter, "write", write)
    model = tmp_path / "m.npz"
    args = ("--dataset", "xor", "--samples", "20", "--hidden", "4", "--epochs", "5")
    result = cli("train", *args, "--metrics", tmp_path / "m.jsonl", "--save", model)
    assert result.code == 0 and len(written) == 2
    assert "metrics stopped, training goes on" in result.err
    assert load_model(model).history[-1].epoch == 5


def start_long_train(tmp_path):
    model, metrics = tmp_path / "m.npz", tmp_path / "m.jsonl"
    cmd = [sys.executable, "-m", "tui_nn", "train", "--dataset", "xor", "--samples", "20"]
    cmd += ["--hidden", "4", "--epochs", "100000000", "--save", str(model)]
    cmd += ["--metrics", str(metrics), "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not (metrics.exists() and metrics.stat().st_size > 0):  # training has begun
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.02)
    return proc, model


@pytest.mark.slow
@pytest.mark.parametrize("signame, code", [("SIGTERM", 143), ("SIGHUP", 129)])
def test_sigterm_and_sighup_save_the_model_and_say_so(tmp_path, signame, code):
    proc, model = start_long_train(tmp_path)
    try:
        proc.send_signal(getattr(signal, signame))
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == code, err
    assert signame in err and f"saved the model to {model}" in err
    saved = load_model(model)
    assert saved.history[-1].epoch >= 1


def test_attach_without_an_id_among_several_trainers_says_which_it_takes(monkeypatch, capsys):
    import tui_nn.session.protocol.rendezvous as rendezvous
    from tui_nn.cli.attach import find
    from tui_nn.cli.options import UsageError

    infos = [
        rendezvous.TrainerInfo(
            id=i, pid=1, started=0.0, dataset="xor", network="2-1", run_path=None
        )
        for i in ("aaa111", "bbb222")
    ]
    monkeypatch.setattr(rendezvous, "trainers", lambda: infos)
    assert find(None).id == "bbb222"
    err = capsys.readouterr().err
    assert "2 trainers are running; attaching to the newest, bbb222 (others: aaa111" in err
    assert find("aaa111").id == "aaa111" and capsys.readouterr().err == ""
    monkeypatch.setattr(rendezvous, "trainers", lambda: infos[:1])
    assert find(None).id == "aaa111" and capsys.readouterr().err == ""
    monkeypatch.setattr(rendezvous, "trainers", lambda: [])
    with pytest.raises(UsageError, match="no trainer is running"):
        find(None)
