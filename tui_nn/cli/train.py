"""`tui-nn train`: the engine's Trainer driven headless, the same code the app's trainer runs.

A progress bar on a terminal, one plain line per epoch always (stdout), JSON Lines metrics as
it goes, an atomic model file at the end. Divergence and Ctrl-C stop cleanly, keeping (and
saving, with --save) the last finite model.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from tui_nn.cli.options import (
    UsageError,
    add_options,
    config_from_values,
    default_epochs,
    gather_values,
)
from tui_nn.cli.parser import make_parser
from tui_nn.cli.progress import ProgressBar, human_seconds, is_terminal
from tui_nn.cli.targets import check_metrics_target, check_target
from tui_nn.config import RunConfig, train_data

EPILOG = """\
examples:
  tui-nn train                                   circle data, 8,8 tanh network, 100 epochs
  tui-nn train --dataset xor --hidden 4 --epochs 200 --save xor.npz
  tui-nn train --dataset digits --epochs 20 --metrics digits.jsonl --save digits.npz
  tui-nn train --dataset mnist --data-dir ~/data/mnist --hidden 128,64 --optimizer adam \\
               --lr 0.001 --batch-size 128 --epochs 10 --save mnist.npz
  tui-nn train --data houses.csv --target price --normalize standard --hidden 16,16
  tui-nn train --load xor.npz --epochs 50 --save xor.npz    continue training a model
  tui-nn train --config run.toml --lr 0.01                   TOML file, command line wins

signals: Ctrl-C (SIGINT), SIGTERM (timeout, docker stop, a batch scheduler) and SIGHUP (the
terminal or ssh connection went away) finish the current step, save the model with --save and
say so on stderr; a second Ctrl-C aborts at once.

exit codes: 0 trained, 1 diverged or failed, 2 bad options or input, 130 interrupted (Ctrl-C),
143 terminated (SIGTERM), 129 hung up (SIGHUP).
"""

ARCHITECTURE_KEYS = ("hidden", "activation", "output", "loss", "init")


def parser():
    p = make_parser(
        "tui-nn train",
        "Train a network headless with the same engine as the app.",
        EPILOG,
    )
    add_options(p)
    p.add_argument("--quiet", action="store_true", help="print only the final summary")
    return p


def main(argv: list[str]) -> int:
    from tui_nn.blas import use_threads
    from tui_nn.data import load_dataset
    from tui_nn.engine.history import MetricHistory

    ns = parser().parse_args(argv)
    config, loaded, values = config_and_model(gather_values(ns))
    threads = use_threads(values.get("threads"))
    if config.hyper.epochs is None:  # the app's "until paused" has no meaning here
        config = replace(config, hyper=replace(config.hyper, epochs=default_epochs(config)))
    warn_fast_rate(config.hyper.lr)
    save = check_target("--save", values.get("save"))
    check_metrics_target(values.get("metrics"), save, values.get("load"))

    dataset = load_dataset(config.dataset)
    net = build_network(config, dataset, loaded, values)
    config = replace(config, dtype=net.spec.dtype)
    history = MetricHistory(loaded.history if loaded else ())
    session = HeadlessRun(net, dataset, config, history, values, quiet=ns.quiet, threads=threads)
    return session.run()


def config_and_model(values: dict[str, Any]) -> tuple[RunConfig, Any, dict[str, Any]]:
    """The run's configuration from the gathered option values and, with --load, the saved
    model it starts from, whose architecture wins: the options that name one are dropped
    (with a note). Returns (config, the loaded model or None, the values kept)."""
    from tui_nn.files import load_model

    loaded = None
    if "load" in values:
        loaded = load_model(values["load"])
        ignored = [f"--{k}" for k in ARCHITECTURE_KEYS if k in values]
        if ignored:
            note(f"{', '.join(ignored)} ignored: the architecture comes from {values['load']}")
            values = {k: v for k, v in values.items() if k not in ARCHITECTURE_KEYS}
    config = config_from_values(values, base=loaded.config if loaded else None)
    return config, loaded, values


def build_network(config: RunConfig, dataset: Any, loaded: Any, values: dict[str, Any]):
    from tui_nn.engine.network import Network

    if loaded is None:
        return Network.from_spec(config.network_spec(dataset))
    spec = loaded.spec
    if "dtype" in values:
        spec = replace(spec, dtype=values["dtype"])
    if spec.n_inputs != dataset.n_inputs or spec.output.units != dataset.n_outputs:
        raise UsageError(
            f"--load: the model takes {spec.n_inputs} inputs and gives {spec.output.units} "
            f"outputs; dataset {dataset.name} has {dataset.n_inputs} inputs and "
            f"{dataset.n_outputs} outputs"
        )
    note_rescaling(values.get("load"), loaded, dataset)
    return Network.from_params(spec, loaded.params)


def _scaling_differs(stored: dict[str, Any] | None, fitted: dict[str, Any] | None) -> bool:
    if stored is None or fitted is None:
        return False
    import numpy as np

    return any(
        not np.allclose(np.asarray(stored[key], dtype=np.float64),
                        np.asarray(fitted[key], dtype=np.float64), rtol=1e-6, atol=1e-12)
        for key in ("shift", "scale")
    )  # fmt: skip


def note_rescaling(path: str | None, loaded: Any, dataset: Any) -> None:
    """--load onto other data: the scaling is fitted to this run's training split, not taken
    from the file, so the loaded weights see differently scaled numbers at first. Said once."""
    changed = [
        what
        for what, stored, fitted in (
            ("inputs", loaded.normalization, getattr(dataset, "normalization", None)),
            ("target", loaded.target_normalization, getattr(dataset, "target_normalization", None)),
        )
        if _scaling_differs(stored, fitted)
    ]
    if changed:
        note(
            f"note: the {' and '.join(changed)} are scaled as fitted on {dataset.name}'s "
            f"training split, not as stored in {path}; the weights adapt as training goes on "
            "(the saved model stores the new scaling)"
        )


def warn_fast_rate(lr: float) -> None:
    """A rate above the app's field's limit runs (to see divergence, say), with a warning."""
    from tui_nn.config import RULES

    editor = RULES["lr"].editor
    if editor is not None and lr > editor[1]:
        note(
            f"warning: --lr {lr:g} is above {editor[1]:g}, the most the app's field takes; "
            "a rate this large usually saturates the network or diverges"
        )


def check_output_path(option: str, path: str | None) -> None:
    """Fail before training, not after it, when a result could not be written (the checks
    of cli/targets.py: a directory, FIFO, device, missing or unwritable folder)."""
    check_target(option, path)


def plural(count: int | None, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def note(message: str) -> None:
    try:
        print(f"tui-nn: {message}", file=sys.stderr, flush=True)
    except (OSError, ValueError):  # the terminal is gone (a hang-up): the file still counts
        pass


# signal -> (the outcome it causes, exit code: 128 + the signal's number, as a shell reports)
STOP_SIGNALS = {
    "SIGINT": ("interrupted", 130),
    "SIGTERM": ("terminated", 143),
    "SIGHUP": ("hung up", 129),
}
EXIT_CODES = {"finished": 0, "diverged": 1, **dict(STOP_SIGNALS.values())}


class StopRequest:
    """SIGINT, SIGTERM and SIGHUP ask training to stop after the current step (the model is
    then saved); a second Ctrl-C aborts at once."""

    def __init__(self) -> None:
        self.requested: str | None = None  # the outcome asked for ("terminated", ...)
        self.signal_name: str | None = None
        self._previous: dict[int, Any] = {}

    def _handler(self, signum: int, frame: Any) -> None:
        name = signal.Signals(signum).name
        if self.requested and name == "SIGINT":
            raise KeyboardInterrupt
        if self.requested is None:
            self.requested, self.signal_name = STOP_SIGNALS[name][0], name

    def __enter__(self) -> StopRequest:
        if threading.current_thread() is threading.main_thread():
            for name in STOP_SIGNALS:
                signum = getattr(signal, name, None)
                if signum is not None:
                    self._previous[signum] = signal.signal(signum, self._handler)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)


class HeadlessRun:
    """One `tui-nn train` run: the loop, its output and its files."""

    def __init__(self, net, dataset, config: RunConfig, history, values, quiet=False, threads=None):
        from tui_nn.engine.trainer import Trainer

        self.net = net
        self.dataset = dataset
        self.config = config
        self.history = history  # the loaded model's records, then this run's
        self.values = values
        self.quiet = quiet
        self.offset = history[-1] if history else None
        self.trainer = Trainer(net, train_data(dataset), config.hyper, seed=config.seed)
        self.bar = ProgressBar("training") if is_terminal(sys.stderr) and not quiet else None
        self.batch_loss: float | None = None
        self.signal_name: str | None = None
        self.threads: int | None = threads  # the BLAS threads in force (`tui_nn.blas`)

    def write_metrics(self, metrics, record):  # noqa: ANN001, ANN201 - MetricsWriter
        """One epoch to the metrics file; a failing write stops the metrics, not the run."""
        try:
            metrics.write(record)
            return metrics
        except OSError as exc:
            note(
                f"--metrics: cannot write {metrics.path} ({exc.strerror or exc}); metrics "
                "stopped, training goes on"
            )
            try:
                metrics.close()
            except OSError:
                pass
            return None

    def run(self) -> int:
        from tui_nn.files import ConfigError, MetricsWriter

        epochs = self.config.hyper.epochs
        metrics = None
        if "metrics" in self.values:  # a continued run (--load) continues its metrics file
            try:
                metrics = MetricsWriter(self.values["metrics"], append="load" in self.values)
            except ConfigError as exc:
                raise ConfigError(f"--metrics: {exc}") from None
        start = time.perf_counter()
        outcome, reason = "finished", ""
        self.say(self.describe())
        try:
            with StopRequest() as stop:
                while not self.trainer.finished and self.trainer.epoch < epochs:
                    if stop.requested:
                        outcome, self.signal_name = stop.requested, stop.signal_name
                        break
                    result = self.trainer.step()
                    self.batch_loss = result.batch_loss
                    if result.record is not None:
                        record = self.shifted(result.record)
                        self.history.append(record)
                        if metrics is not None:
                            metrics = self.write_metrics(metrics, record)
                        self.say(epoch_line(record, epochs + self.epoch_offset))
                        if self.epoch_done(record):
                            break
                    if result.diverged:
                        outcome, reason = "diverged", result.diverged
                        break
                    if self.bar is not None and self.bar.due():
                        self.draw_bar(epochs, start)
        except KeyboardInterrupt:
            outcome = "interrupted"
        finally:
            if self.bar is not None:
                try:
                    self.bar.close()
                except OSError:
                    pass
            if metrics is not None:
                try:
                    metrics.close()
                except OSError:
                    pass
        return self.finish(outcome, reason, time.perf_counter() - start)

    def epoch_done(self, record) -> bool:
        """Called after every epoch; True ends the run there (`lessons check`: goal reached)."""
        return False

    @property
    def epoch_offset(self) -> int:
        return self.offset.epoch if self.offset is not None else 0

    def shifted(self, record):
        """Records of a continued run carry on the loaded model's epoch, step, sample counts."""
        if self.offset is None:
            return record
        return replace(
            record,
            epoch=record.epoch + self.offset.epoch,
            step=record.step + self.offset.step,
            samples=record.samples + self.offset.samples,
            seconds=record.seconds + self.offset.seconds,
        )

    def describe(self) -> str:
        from tui_nn.blas import describe as describe_threads

        spec = self.net.spec
        sizes = "-".join(str(n) for n in spec.sizes)
        acts = "/".join(layer.activation for layer in spec.layers)
        hyper = self.config.hyper
        batch = "full" if hyper.batch_size is None else hyper.batch_size
        n_train, n_test = len(self.dataset.X_train), len(self.dataset.X_test)
        split = f"{n_train} train / {n_test} test samples"
        test_data = getattr(self.dataset.spec, "test_data", None)
        if test_data:
            split += f" (test: {Path(test_data).name})"
        elif n_test == 0:
            split = f"all {n_train} samples train, no test set (test metrics: none)"
        text = (
            f"{self.dataset.name}: {split}; network {sizes} "
            f"({acts}, loss {spec.loss}, {spec.dtype}); {hyper.optimizer} lr {hyper.lr:g}"
            f"{schedule_text(hyper)}, batch {batch}, {plural(hyper.epochs, 'epoch')}; "
            f"{describe_threads(self.threads)}"
        )
        names = self.dataset.class_names or ()
        spec_of_data = getattr(self.dataset, "spec", None)
        if (
            spec_of_data is not None
            and spec_of_data.name == "csv"
            and spec_of_data.task == "auto"
            and names
            and all(n.lstrip("-").isdigit() for n in names)
        ):
            text += (
                f"; target {self.dataset.target_name!r}: whole numbers read as {len(names)} "
                "classes (--task regression reads them as numbers)"
            )
        if getattr(self.dataset, "target_normalization", None) and spec.loss == "mse":
            text += "; targets standardised for training, losses are MSE in the target's units"
        return text

    def draw_bar(self, epochs: int, start: float) -> None:
        t = self.trainer
        per_epoch = max(t.steps_per_epoch, 1)
        done = t.epoch * per_epoch + t.batch_index
        total = epochs * per_epoch
        elapsed = time.perf_counter() - start
        eta = elapsed / done * (total - done) if done else None
        current = min(t.epoch + 1, epochs) + self.epoch_offset
        text = f"epoch {current}/{epochs + self.epoch_offset}"
        if self.batch_loss is not None:
            text += f"  batch loss {self.batch_loss:.4g}"
        if elapsed > 0:
            text += f"  {t.samples_seen / elapsed:,.0f} samples/s"
        if eta is not None:
            text += f"  eta {human_seconds(eta)}"
        self.bar.update(done, total, text, force=True)

    def say(self, line: str) -> None:
        if self.quiet:
            return
        try:
            if self.bar is not None:
                self.bar.print_above(line)
            else:
                print(line, flush=True)
        except (OSError, ValueError):  # the terminal went away (a hang-up): train on, save
            pass

    def finish(self, outcome: str, reason: str, seconds: float) -> int:
        from tui_nn.files import ModelFileError, save_model

        last = self.history[-1] if self.history else None
        summary = (
            f"{outcome}: {plural(self.trainer.epoch, 'epoch')}, "
            f"{plural(self.trainer.step_count, 'step')} in "
        )
        summary += f"{seconds:.2f} s"
        if last is not None:
            summary += "; " + metrics_text(last)
        if outcome == "diverged":
            note(f"training diverged: {reason}")
        where = f"epoch {self.trainer.epoch}, step {self.trainer.step_count}"
        if outcome == "interrupted":
            note(f"interrupted at {where}")
        elif outcome in ("terminated", "hung up"):
            note(f"{self.signal_name}: stopped after the current step ({where})")
        self.out(summary)
        path = self.values.get("save")
        if path is not None:
            try:
                save_model(path, self.net, self.config, self.dataset, self.history)
            except ModelFileError as exc:
                note(f"error: the model was NOT saved: {exc}")
                return 1
            what = "the last finite model" if outcome == "diverged" else "model"
            self.out(f"saved {what} to {path}")
            if outcome in ("terminated", "hung up"):
                note(f"saved the model to {path}")
        return EXIT_CODES[outcome]

    def out(self, line: str) -> None:
        try:
            print(line, flush=True)
        except (OSError, ValueError):  # stdout gone with the terminal: keep going to the save
            pass


def schedule_text(hyper) -> str:
    if hyper.lr_schedule == "step":
        return f" (x{hyper.lr_gamma:g} every {hyper.lr_step} epochs)"
    if hyper.lr_schedule == "cosine":
        over = f"{hyper.epochs} epochs" if hyper.epochs else f"{hyper.lr_step} epochs"
        return f" (cosine to {hyper.lr_min:g} over {over})"
    return ""


def percent(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def loss_text(x: float | None) -> str:
    return "-" if x is None else f"{x:.4g}"


def metrics_text(r) -> str:
    text = f"train loss {loss_text(r.train_loss)}"
    if r.train_acc is not None:
        text += f" acc {percent(r.train_acc)}"
    if r.test_loss is not None:
        text += f", test loss {loss_text(r.test_loss)}"
        if r.test_acc is not None:
            text += f" acc {percent(r.test_acc)}"
    else:
        text += ", test none"
    return text


def epoch_line(r, epochs: int) -> str:
    width = len(str(epochs))
    return f"epoch {r.epoch:>{width}}/{epochs}  {metrics_text(r)}  [{r.seconds:.2f} s]"
