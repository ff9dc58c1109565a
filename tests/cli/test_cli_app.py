"""`tui-nn` with no command: options become a RunConfig handed to the app."""

from __future__ import annotations

import pytest

from tui_nn.config import RunConfig


class CallList(list):
    speeds: list
    threads: list
    early: list


@pytest.fixture
def app_calls(monkeypatch):
    import tui_nn.ui.launch

    calls = CallList()
    speeds = []
    calls.speeds = speeds
    calls.threads = []
    calls.early = []

    def fake_run_app(
        config, *, fps=10.0, low_bandwidth=False, resume=False, speed=None, threads=None,
        early=None,
    ):  # fmt: skip
        calls.append((config, fps, low_bandwidth, resume))
        speeds.append(speed)
        calls.threads.append(threads)
        calls.early.append((early, early and early.process))  # the process it had
        return 0

    monkeypatch.setattr(tui_nn.ui.launch, "run_app", fake_run_app)
    return calls


def test_no_options_opens_the_default_2d_run(cli, app_calls):
    assert cli().code == 0
    [(config, fps, low_bandwidth, resume)] = app_calls
    assert config == RunConfig()
    assert (fps, low_bandwidth, resume) == (10.0, False, False)


def test_training_options_and_app_options_reach_the_app(cli, app_calls, tmp_path):
    args = ("--dataset", "digits", "--hidden", "32,16", "--lr", "0.01", "--fps", "4")
    assert cli(*args, "--low-bandwidth", "--resume", tmp_path / "run.npz").code == 0
    [(config, fps, low_bandwidth, resume)] = app_calls
    assert config.dataset.name == "digits" and config.hidden == (32, 16)
    assert config.hyper.lr == 0.01
    assert config.hyper.optimizer == "adam"  # the digits preset fills what was not given
    assert (fps, low_bandwidth, resume) == (4.0, True, str(tmp_path / "run.npz"))
    app_calls.clear()
    assert cli("--resume").code == 0
    assert app_calls[0][3] is True


def test_threads_reach_the_app_from_the_command_line_and_toml(cli, app_calls, tmp_path):
    """The app hands them to its trainer (`tests/cli/test_cli_threads.py` reads them there)."""
    (tmp_path / "run.toml").write_text("threads = 2\n")
    assert cli().code == 0
    assert cli("--threads", "3").code == 0
    assert cli("--config", tmp_path / "run.toml").code == 0
    assert app_calls.threads == [None, 3, 2]


@pytest.mark.slow
def test_the_trainer_starts_before_the_app_and_ends_when_the_app_never_took_it(cli, app_calls):
    """Run A's trainer process is started before the app imports and draws itself (its own
    start-up runs beside the app's); an app that ended without taking it leaves no process."""
    assert cli().code == 0
    [(early, process)] = app_calls.early
    assert process is not None and process.args[-1] == early.trainer_id  # running, not taken
    assert process.poll() is not None and early.process is None  # ended after the app returned
    from tui_nn.session.protocol import rendezvous

    assert early.trainer_id not in {info.id for info in rendezvous.trainers()}


def test_empty_hidden_means_no_hidden_layer(cli, app_calls):
    assert cli("--hidden", "").code == 0
    assert app_calls[0][0].hidden == ()


def test_the_apps_exit_code_is_returned(cli, monkeypatch):
    import tui_nn.ui.launch

    monkeypatch.setattr(tui_nn.ui.launch, "run_app", lambda config, **kw: 2)
    assert cli("--dataset", "xor").code == 2


def test_speed_option_reaches_the_app(cli, app_calls):
    assert cli("--speed", "10").code == 0
    assert cli("--speed", "max").code == 0
    assert cli().code == 0  # the circle data: a watchable pace
    assert cli("--dataset", "digits").code == 0  # real data: as fast as it can
    assert app_calls.speeds == [10.0, None, 30.0, None]


@pytest.mark.parametrize("bad", ["0", "-3", "fast"])
def test_bad_speed_is_a_one_line_usage_error(cli, app_calls, bad):
    result = cli("--speed", bad)
    assert result.code == 2
    assert "--speed" in result.err and result.err.count("\n") == 1
    assert not app_calls


@pytest.mark.parametrize("body", [None, "a,b,label\n1,2,x\n3,oops,y\n"])
def test_bad_data_fails_before_the_app_opens(cli, app_calls, tmp_path, body):
    path = tmp_path / "data.csv"
    if body is not None:
        path.write_text(body)
    result = cli("--data", path)
    assert result.code == 2
    assert str(path) in result.err and result.err.count("\n") == 1
    assert not app_calls
