"""One headless run (`tui-nn train`, `tui-nn lessons check`): the engine's Trainer in a loop,
its output (a progress bar on a terminal, one plain line per epoch, a summary), its files
(JSON Lines metrics as it goes; the model saved at the end and, with --save, checkpointed at
least every --checkpoint-every seconds, so a hard kill loses no more) and the signals that stop
it (SIGINT, SIGTERM, SIGHUP: after the current step, the model saved; the summary then
describes the saved weights, evaluated at the stop when it falls inside an epoch).
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from tui_nn.autosave import LOOK, Autosave
from tui_nn.cli.progress import ProgressBar, human_seconds, is_terminal
from tui_nn.config import RunConfig, train_data


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
        every = config.checkpoint_every if "save" in values else None
        self.autosave = Autosave(every)  # a hard kill loses at most `every` seconds
        self.checkpoint_error: str | None = None
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
        autosave = self.autosave if self.autosave.every is not None else None
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
                    if autosave is not None:
                        end = result.record is not None
                        look = end or (autosave.long_epochs and self.trainer.step_count % LOOK == 0)
                        if look and autosave.due(end):
                            self.checkpoint()
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

    def save(self, path: str) -> None:
        from tui_nn.files import save_model

        seconds = (self.offset.seconds if self.offset is not None else 0.0) + self.trainer.elapsed
        _, history = self.kept()
        save_model(path, self.net, self.config, self.dataset, history, elapsed=seconds)

    def kept(self):  # noqa: ANN201 - (EpochRecord or None, the history to save)
        """Early stopping put back an earlier epoch's weights: its record (shifted like the
        history) and the history up to it, which is what the saved model holds. Else None and
        the whole history."""
        best = self.trainer.best_record if self.trainer.kept_epoch is not None else None
        if best is None:
            return None, self.history
        best = self.shifted(best)
        return best, [r for r in self.history if r.epoch <= best.epoch]

    def checkpoint(self) -> None:
        """The run so far to --save (atomically), while it trains; a failure is said once per
        reason, and training goes on (the next checkpoint tries again)."""
        from tui_nn.files import ModelFileError

        try:
            self.save(self.values["save"])
        except ModelFileError as exc:
            if str(exc) != self.checkpoint_error:
                note(f"--save: checkpoint failed ({exc}); training goes on")
            self.checkpoint_error = str(exc)
        else:
            self.checkpoint_error = None
        self.autosave.saved()

    def stopped_text(self) -> str | None:
        """Stopped by a signal between two epoch ends: what the saved weights are (the last
        epoch's numbers would describe other weights), evaluated now. None at an epoch end."""
        t = self.trainer
        if t.batch_index == 0 or t.step_count == 0:
            return None
        d = self.dataset
        train = t.evaluate(d.X_train, d.y_train)
        test = t.evaluate(d.X_test, d.y_test) if len(d.y_test) else (None, None)
        val = t.evaluate(d.X_val, d.y_val) if getattr(d, "n_val", 0) else (None, None)
        numbers = SimpleNamespace(
            train_loss=train[0],
            train_acc=train[1],
            val_loss=val[0],
            val_acc=val[1],
            test_loss=test[0],
            test_acc=test[1],
        )
        done = t.epoch + self.epoch_offset
        return (
            f"{plural(t.epoch, 'epoch')} and {t.batch_index} of {t.steps_per_epoch} steps of "
            f"epoch {done + 1}; the weights after step {t.step_count + self.step_offset}: "
            f"{metrics_text(numbers)}"
        )

    @property
    def step_offset(self) -> int:
        return self.offset.step if self.offset is not None else 0

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
        n_val = getattr(self.dataset, "n_val", 0)
        val = f" / {n_val} validation" if n_val else ""
        split = f"{n_train} train{val} / {n_test} test samples"
        test_data = getattr(self.dataset.spec, "test_data", None)
        if test_data:
            split += f" (test: {Path(test_data).name}{', reported only' if n_val else ''})"
        elif n_test == 0:
            split = f"{n_train} train{val} samples" if n_val else f"all {n_train} samples train"
            split += ", no test set (test metrics: none)"
        elif n_val:
            split += " (test: reported only)"
        text = (
            f"{self.dataset.name}: {split}; network {sizes} "
            f"({acts}, loss {spec.loss}, {spec.dtype}); {hyper.optimizer} lr {hyper.lr:g}"
            f"{schedule_text(hyper)}, batch {batch}, {plural(hyper.epochs, 'epoch')}; "
            f"{describe_threads(self.threads)}"
        )
        if hyper.early_stopping is not None:
            text += (
                f"; early stopping after {plural(hyper.early_stopping, 'epoch')} without a better "
                f"{self.trainer.watched}, keeping the best epoch"
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
        from tui_nn.files import ModelFileError

        kept, _ = self.kept()
        last = kept or (self.history[-1] if self.history else None)
        partial = self.stopped_text() if outcome in EXIT_CODES and outcome not in (
            "finished", "diverged"
        ) else None
        if partial is not None:  # the summary describes the weights that are saved
            summary = f"{outcome} after {partial} ({seconds:.2f} s)"
        else:
            summary = (
                f"{outcome}: {plural(self.trainer.epoch, 'epoch')}, "
                f"{plural(self.trainer.step_count, 'step')} in {seconds:.2f} s"
            )
            if kept is not None:
                self.out(
                    f"early stopping: no better {self.trainer.watched} for "
                    f"{plural(self.config.hyper.early_stopping, 'epoch')}; kept the weights of "
                    f"epoch {kept.epoch}"
                )
                summary += f"; kept epoch {kept.epoch}"
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
                self.save(path)
            except ModelFileError as exc:
                note(f"error: the model was NOT saved: {exc}")
                return 1
            what = "the last finite model" if outcome == "diverged" else "model"
            if kept is not None:
                what = f"the model of epoch {kept.epoch}"
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
    if getattr(r, "val_loss", None) is not None:
        text += f", val loss {loss_text(r.val_loss)}"
        if r.val_acc is not None:
            text += f" acc {percent(r.val_acc)}"
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
