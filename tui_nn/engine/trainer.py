"""The training loop: shuffle, forward, backward, update; evaluate after every epoch.

`Trainer.step()` runs one minibatch and returns a `StepResult`; drivers (the trainer process of
the app, the CLI) call it in their own loop, or iterate `Trainer.run()`. Between steps they may
change the hyper-parameters, the architecture (weights kept, see `surgery.py`) or the data.

- An epoch is one pass over the training set in a new random order (the trainer's own
  `default_rng(seed)`), in batches of `batch_size` rows (the last one smaller when it does not
  divide); batch size 1 is per-sample SGD, None the whole set in one step.
- After each epoch the loss (and accuracy for classification) is measured on the whole training
  set, the validation set and the test set (neither is trained on), and appended to `history`.
  The validation set chooses (early stopping watches it; a sweep ranks trials by it); the test
  set is reported only, so that its numbers stay an honest estimate.
- Regression targets standardised by the data layer (`TrainData.target_scale`): training runs
  on the standard units, but every loss the trainer reports (the batch loss and the epoch's
  train and test loss, for mse) is in the original units: mean((a - y)^2 * scale^2).
- Penalties: L2 adds `l2 * W` and L1 adds `l1 * sign(W)` to the gradient of the weights (not the
  biases): the penalties `(l2/2) ||W||^2` and `l1 sum |W|`. Reported losses are the data loss only.
- Divergence: if the batch loss or a weight becomes non-finite, the weights are restored from the
  last checkpoint that gave a finite loss, the optimizer state is cleared (its moments are
  poisoned too), and `diverged` names the step, the layer and the step whose weights were
  restored. A checkpoint (a check that the weights are finite, then a copy) is taken once at
  least 512 samples and 16 steps have passed since the previous one. A checkpoint costs 2-6 % of
  a step (2 us of 35 us on 2-8-8-1 at batch 10: fixed costs; 80-160 us of 3 ms on
  784-256-128-10 at batch 64: the copy), so one every step cost 6-8 % of the throughput; one
  every 16-52 steps costs about 0.1 % (`benchmarks/divergence.py`), and a diverging run goes
  back at most those few steps.
- Early stopping: with `early_stopping = k`, training is `finished` after k epochs without a
  better validation loss (the training loss when there is no validation set; never the test
  loss), and the weights of the best epoch are put back (Keras' `restore_best_weights`):
  `kept_epoch` and `kept_record` say which. Counters and history stay as they ran.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import replace

import numpy as np

import tui_nn.engine.surgery as surgery
from tui_nn.engine.batches import Batches
from tui_nn.engine.evaluation import evaluate_in_chunks, loss_units, mse_in_units
from tui_nn.engine.history import MetricHistory, RecordBlock
from tui_nn.engine.losses import encode_targets
from tui_nn.engine.metrics import layer_stats
from tui_nn.engine.network import Network, check_task_head, validate_spec
from tui_nn.engine.optimizers import OPTIMIZERS, Optimizer, add_penalties
from tui_nn.engine.rules import RULES
from tui_nn.engine.schedules import rate
from tui_nn.engine.spec import NetworkSpec, SpecError
from tui_nn.engine.trace import Trace, apply_sample_step
from tui_nn.engine.types import EpochRecord, HyperParams, LayerStats, StepResult, TrainData
from tui_nn.rule import RuleError

Array = np.ndarray
CHECKPOINT_SAMPLES = 512  # copy the weights aside after at least this many samples ...
CHECKPOINT_STEPS = 16  # ... and this many steps (the fixed cost of a copy, amortised)


def check_hyper(h: HyperParams) -> HyperParams:
    """One-line SpecError for settings that cannot train (the rules of `engine/rules.py`)."""
    for name, value in h.to_dict().items():
        rule = RULES.get(name)
        if rule is None:
            continue
        if isinstance(value, str) and rule.kind != "name":
            raise SpecError(f"{rule.title} must be {rule.describe()}, got {value!r}")
        try:
            rule.check(value)
        except RuleError as exc:
            raise SpecError(f"{rule.title}: {exc}") from None
    if h.lr_min > h.lr:
        raise SpecError(f"lr min {h.lr_min:g} is above the learning rate {h.lr:g}")
    return h


class Trainer:
    """Trains `net` on `data` with `hyper`. All randomness from `default_rng(seed)`."""

    def __init__(self, net: Network, data: TrainData, hyper: HyperParams, seed: int = 0) -> None:
        self.net = net
        self.hyper = check_hyper(hyper)
        self.seed = seed
        self.batches = Batches(data, net)
        self.optimizer: Optimizer = OPTIMIZERS[hyper.optimizer](hyper.momentum)
        self._restart(seed)

    # ---- state ---------------------------------------------------------------------------

    def _restart(self, seed: int) -> None:
        """Counters, history, shuffling and early stopping back to the start."""
        self.rng = np.random.default_rng(seed)
        self.epoch = 0
        self.step_count = 0
        self.samples_seen = 0
        self.elapsed = 0.0
        self.history = MetricHistory()  # bounded: recent epochs in full, older ones thinned
        self.diverged: str | None = None
        self.stop_reason: str | None = None
        self._pos = 0  # samples of the current epoch already trained on
        self._order: Array | None = None
        self._wait = 0
        self.kept_epoch: int | None = None  # early stopping put back this epoch's weights
        self._lr_epoch = -1
        self._lr_value = self.hyper.lr
        self.optimizer.reset()
        self._structure_changed()

    def _structure_changed(self) -> None:
        """After a new network structure: refresh parameter lists, caches and the checkpoint."""
        self._params = [self.net.flat_params]  # the optimizer sees one flat array
        self._grads = [self.net.flat_grads]
        self._last: list[tuple[Array, ...]] | None = None
        self._stats: tuple[LayerStats, ...] | None = None
        self._checkpoint = [p.copy() for p in self._params]
        self._checkpoint_step = self.step_count
        self._since_checkpoint = 0
        self._forget_best()

    def _forget_best(self) -> None:
        """Early stopping's best epoch so far: its loss, its record, a copy of its weights (only
        while early stopping is on)."""
        self._best = math.inf
        self.best_record: EpochRecord | None = None
        self._best_params: Array | None = None

    def __repr__(self) -> str:
        h = self.hyper
        batch = "full" if h.batch_size is None else h.batch_size
        return (
            f"Trainer(epoch {self.epoch}, step {self.step_count}, {h.optimizer} lr={h.lr:g}, "
            f"batch {batch}, {len(self.batches)} training samples)"
        )

    @property
    def data(self) -> TrainData:
        return self.batches.data

    @property
    def batch_size(self) -> int:
        n = len(self.batches)
        return min(self.hyper.batch_size or n, n)

    @property
    def lr(self) -> float:
        """The learning rate of the epoch in progress (the schedule's, from `hyper.lr`)."""
        if self._lr_epoch != self.epoch:  # once per epoch, not per step
            self._lr_value = rate(self.hyper, self.epoch)
            self._lr_epoch = self.epoch
        return self._lr_value

    @property
    def steps_per_epoch(self) -> int:
        return -(-len(self.batches) // self.batch_size)

    @property
    def batch_index(self) -> int:
        """Batches of the current epoch already done."""
        return -(-self._pos // self.batch_size)

    @property
    def finished(self) -> bool:
        """The epoch budget is reached or early stopping triggered."""
        return self.stop_reason is not None

    # ---- training ------------------------------------------------------------------------

    def step(self) -> StepResult:
        """One minibatch: forward, loss, backward, update (and the epoch's evaluation)."""
        start = time.perf_counter()
        self.diverged = None
        n_train = len(self.batches)
        if self._order is None or self._pos == 0:
            self._order = self.rng.permutation(n_train)
        n = min(self.hyper.batch_size or n_train, n_train - self._pos)
        x, y = self.batches.gather(self._order[self._pos : self._pos + n])
        net = self.net
        bufs = net.buffers("train", n)
        with np.errstate(all="ignore"):
            net.forward_into(x, bufs)
            loss = net.loss_and_output_delta(y, bufs)
            if not math.isfinite(loss):
                return self._diverge(f"loss became {loss}", bufs, loss, start)
            units = loss_units(self.net, self.batches)
            if units is not None:
                loss = mse_in_units(bufs[-1][1], y, units)
            self._since_checkpoint += n
            due = (
                self._since_checkpoint >= CHECKPOINT_SAMPLES
                and self.step_count - self._checkpoint_step >= CHECKPOINT_STEPS
            )
            if due and not self._save_checkpoint():
                return self._diverge("weights became non-finite", bufs, loss, start)
            net.backward(bufs)
            self._add_penalties()
            self.optimizer.step(self._params, self._grads, self.lr)
        self._last = bufs
        self._stats = None
        self.step_count += 1
        self.samples_seen += n
        self._pos += n
        record = None
        if self._pos >= n_train:
            self._pos = 0
            self.epoch += 1
            record = self._end_epoch(start)
        else:
            self.elapsed += time.perf_counter() - start
        return StepResult(self.step_count, self.epoch, loss, record, self.diverged)

    def run(self, max_steps: int | None = None) -> Iterator[StepResult]:
        """Step until finished, diverged, or `max_steps` steps; yields every StepResult."""
        done = 0
        while not self.finished and (max_steps is None or done < max_steps):
            result = self.step()
            done += 1
            yield result
            if result.diverged:
                return

    def _add_penalties(self) -> None:
        add_penalties(self.net.layers, self.hyper.l1, self.hyper.l2, self.optimizer.scratch)

    # ---- divergence ----------------------------------------------------------------------

    def _save_checkpoint(self) -> bool:
        """Copy the weights if they are all finite; False if they are not."""
        if not all(math.isfinite(p.sum()) for p in self._params):
            return False
        for saved, p in zip(self._checkpoint, self._params):
            np.copyto(saved, p)
        self._checkpoint_step = self.step_count
        self._since_checkpoint = 0
        return True

    def _blame(self, bufs: list[tuple[Array, ...]] | None) -> str:
        for i, layer in enumerate(self.net.layers):
            if not (np.isfinite(layer.W).all() and np.isfinite(layer.b).all()):
                return f"weights of layer {i + 1} ({layer.activation})"
            if bufs is not None and not np.isfinite(bufs[i][0]).all():
                return f"outputs of layer {i + 1} ({layer.activation}) overflowed"
        return "the loss overflowed"

    def _diverge(self, what: str, bufs, loss: float, start: float) -> StepResult:
        where = self._blame(bufs)
        np.copyto(self.net.flat_params, self._checkpoint[0])
        self.optimizer.reset()
        self._last = None
        self._stats = None
        restored = (
            "the initial weights restored"
            if self._checkpoint_step == 0
            else f"the weights after step {self._checkpoint_step} restored"
        )
        self.diverged = (
            f"{what} at step {self.step_count + 1} (epoch {self.epoch + 1}): {where}; {restored}"
        )
        self.elapsed += time.perf_counter() - start
        return StepResult(self.step_count, self.epoch, loss, None, self.diverged)

    # ---- evaluation ----------------------------------------------------------------------

    def evaluate(
        self, X: Array, y: Array, input_scale: float | None = None
    ) -> tuple[float, float | None]:
        """(loss, accuracy) on any data, in chunks; accuracy None for regression.

        Uses its own work arrays: training state and neuron statistics are untouched.
        """
        scale = self.batches.scale if input_scale is None else input_scale
        return self._evaluate(np.asarray(X), np.asarray(y), None, scale)

    def _evaluate(
        self, X: Array, y: Array, Y: Array | None, scale: float
    ) -> tuple[float, float | None]:
        return evaluate_in_chunks(self.net, self.batches, X, y, Y, scale)

    def _evaluate_all(self) -> dict[str, float | None]:
        """Loss and accuracy on the training, validation and test sets (None for a set that
        is empty, and for accuracy in a regression)."""
        b = self.batches
        out: dict[str, float | None] = {}
        for name, X, y, Y in (
            ("train", b.X, b.y, b.Y),
            ("val", b.X_val, b.y_val, b.Y_val),
            ("test", b.X_test, b.y_test, b.Y_test),
        ):
            loss, acc = self._evaluate(X, y, Y, b.scale) if len(y) else (None, None)
            out[f"{name}_loss"], out[f"{name}_acc"] = loss, acc
        return out

    def _end_epoch(self, start: float) -> EpochRecord:
        metrics = self._evaluate_all()
        bad = [
            what
            for what, key in (("training", "train"), ("validation", "val"), ("test", "test"))
            if metrics[f"{key}_loss"] is not None and not math.isfinite(metrics[f"{key}_loss"])
        ]
        if bad and self.diverged is None:  # e.g. outputs that overflow on the evaluation data
            self._diverge(f"the {' and '.join(bad)} loss became non-finite", None, math.nan, start)
            start = time.perf_counter()
            metrics = self._evaluate_all()
        self.elapsed += time.perf_counter() - start
        record = EpochRecord(
            self.epoch,
            self.step_count,
            self.samples_seen,
            seconds=self.elapsed,
            lr=rate(self.hyper, self.epoch - 1),  # the rate this epoch trained with
            **metrics,
        )
        self.history.append(record)
        self._check_stop(record)
        return record

    @property
    def watched(self) -> str:
        """What early stopping watches: "validation loss", or "training loss" without a
        validation set."""
        return "validation loss" if len(self.batches.y_val) else "training loss"

    def _check_stop(self, record: EpochRecord) -> None:
        loss = record.val_loss if record.val_loss is not None else record.train_loss
        patience = self.hyper.early_stopping
        if loss < self._best or (patience is not None and self._best_params is None):
            self._best = loss
            self.best_record = record
            self._wait = 0
            if patience is not None:  # a copy only while early stopping may need it
                if self._best_params is None:
                    self._best_params = self.net.flat_params.copy()
                else:
                    np.copyto(self._best_params, self.net.flat_params)
        else:
            self._wait += 1
        if patience is not None and self._wait >= patience:
            self._restore_best(patience)
        else:
            self._check_budget()

    stop_detail: str = ""  # early stopping: the longer story of stop_reason

    def _restore_best(self, patience: int) -> None:
        """Early stopping: put back the weights of the best epoch and say which."""
        best = self.best_record
        assert best is not None and self._best_params is not None
        np.copyto(self.net.flat_params, self._best_params)
        self._last = None  # the neuron statistics were of other weights
        self._stats = None
        self.kept_epoch = best.epoch
        loss = best.val_loss if best.val_loss is not None else best.train_loss
        self.stop_reason = f"early stopping: kept epoch {best.epoch}, the best {self.watched}"
        self.stop_detail = (
            f"no better {self.watched} for {patience} epochs after epoch {best.epoch} "
            f"({self.watched} {loss:.4g}); its weights are put back"
        )

    @property
    def current_record(self) -> EpochRecord | None:
        """The record that describes the weights in place: the kept epoch's after early stopping
        put it back, else the last epoch's (None before the first)."""
        if self.kept_epoch is not None and self.best_record is not None:
            return self.best_record
        return self.history[-1] if self.history else None

    def kept_history(self) -> RecordBlock:
        """The history the weights go with: up to the epoch early stopping kept (the epochs
        after it stay in `history`, as they ran), else all of it. What a saved run holds."""
        block = self.history.block()
        if self.kept_epoch is None:
            return block
        return RecordBlock(block.data[block.column("epoch") <= self.kept_epoch])

    def neuron_stats(self) -> tuple[LayerStats, ...]:
        """Per-layer statistics of the last training step (hidden layers, then the output)."""
        if self._last is None:
            return ()
        if self._stats is None:
            self._stats = tuple(
                layer_stats(layer, z, a, delta)
                for layer, (z, a, delta, _) in zip(self.net.layers, self._last)
            )
        return self._stats

    # ---- changes between steps -----------------------------------------------------------

    def set_hyper(self, hyper: HyperParams) -> None:
        """New settings; the optimizer state is kept unless the optimizer itself changes."""
        check_hyper(hyper)
        if hyper.optimizer != self.hyper.optimizer:
            self.optimizer = OPTIMIZERS[hyper.optimizer](hyper.momentum)
        self.optimizer.momentum = hyper.momentum
        self.hyper = hyper
        self._lr_epoch = -1  # the schedule may have changed
        self.stop_reason = None
        self.kept_epoch = None  # training goes on from the weights it has
        self._wait = 0  # new settings get a fresh patience
        self._check_budget()

    def _check_budget(self) -> None:
        """The one place that stops at the epoch budget, or where the schedule has brought the
        rate to nothing (a cosine without a budget after its period): it says which."""
        h = self.hyper
        if h.epochs is not None and self.epoch >= h.epochs:
            self.stop_reason = f"epoch budget of {h.epochs} reached"
        elif h.lr_schedule != "constant" and rate(h, self.epoch) <= h.lr * 1e-9:
            self.stop_reason = (
                f"the {h.lr_schedule} schedule brought the learning rate to "
                f"{rate(h, self.epoch):g} after epoch {self.epoch}: training stops "
                "(a higher lr min, a longer period or a budget goes on)"
            )

    def set_architecture(self, spec: NetworkSpec) -> None:
        """Change the network between steps, keeping what was learned (see `surgery.py`).

        Counters and history continue; the optimizer state of surviving weights is kept.
        """
        check_task_head(self.data.task, spec.loss, spec.output.activation)
        validate_spec(spec)
        if spec.n_inputs != self.net.n_inputs:
            raise SpecError(
                f"the data has {self.net.n_inputs} inputs; the network must keep n_inputs="
                f"{self.net.n_inputs} (got {spec.n_inputs})"
            )
        b = self.batches
        encode_targets(b.y, spec.output.units, spec.loss, spec.dtype, b.classification)
        rng = np.random.default_rng([spec.seed, self.step_count, self.history.total])
        surgery.rebuild(self.net, self.optimizer, spec, rng)
        self.batches = Batches(self.data, self.net)
        self._structure_changed()

    def insert_neuron(self, layer: int, index: int | None = None) -> None:
        """Add a neuron to hidden layer `layer` (0-based) at `index`; output unchanged."""
        rng = np.random.default_rng([self.net.spec.seed, self.step_count, layer])
        surgery.insert_neuron(self.net, self.optimizer, layer, index, rng)
        self._structure_changed()

    def remove_neuron(self, layer: int, index: int) -> None:
        """Remove neuron `index` of hidden layer `layer` (0-based); other weights kept."""
        surgery.remove_neuron(self.net, self.optimizer, layer, index)
        self._structure_changed()

    def set_data(self, data: TrainData) -> None:
        """New data for the same network (SpecError if inputs/outputs do not fit).

        Weights are kept; counters, history, the epoch and the optimizer state restart.
        """
        self.batches = Batches(data, self.net)
        self._restart(self.seed)

    def sample_step(self, x: Array, y: object, lr: float | None = None) -> Trace:
        """One step of this run's optimizer (its state, the L1/L2 terms) on one sample, counted
        as a training step of batch one; the trace it was taken from. SpecError if it would
        leave a weight non-finite (nothing changes then)."""
        lr = self.lr if lr is None else lr
        b, h = self.batches, self.hyper
        trace = apply_sample_step(
            self.net, x, y, lr, b.scale, b.classification, self.optimizer, h.l1, h.l2
        )
        self.step_count += 1
        self.samples_seen += 1
        self._last = self._stats = None
        return trace

    def set_inputs(self, data: TrainData, columns: list[int]) -> None:
        """Data whose inputs are other columns (feature inputs switched on or off): input `c` is
        old input `columns[c]` or new (-1, zero weights); the run goes on (see `edit_data`)."""
        surgery.remap_inputs(self.net, self.optimizer, columns)
        self._structure_changed()
        self.edit_data(data)

    def edit_data(self, data: TrainData) -> None:
        """Another training set for the same run (your own points added or removed): counters,
        history and the optimizer go on; the epoch in progress continues over a new order of
        the new set (from where it was, so it ends as soon as it would have)."""
        self.batches = Batches(data, self.net)
        self._pos = min(self._pos, len(self.batches) - 1) if self._pos else 0
        self._order = self.rng.permutation(len(self.batches))

    def reset(self, seed: int | None = None) -> None:
        """Fresh weights (from the spec's seed, or `seed`), cleared history and optimizer."""
        if seed is not None:
            self.seed = seed
        spec = self.net.spec if seed is None else replace(self.net.spec, seed=seed)
        fresh = Network.from_spec(spec)
        self.net._set_structure(spec, fresh.layers)
        self._restart(self.seed)
