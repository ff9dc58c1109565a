"""The trainer's command handlers: `HANDLERS[type(cmd)](run, cmd)`, applied between steps.

Each handler changes the run (run.py) and returns its answer's value (protocol/answers.py: the
value now in force), or raises `Refused` or another user error (answering.py) with the reason;
the runner turns that into the Answer. What the next snapshot must show besides the answer (a
trace, an inspection, the path saved, new weights at once) is told to `run.owed`; the message
for people is `run.message`.
"""

from __future__ import annotations

import dataclasses

import tui_nn.session.trainer.forking as forking
import tui_nn.session.trainer.gradient_check as gradient_check
import tui_nn.session.trainer.parameters as parameters
import tui_nn.session.trainer.pictures as pictures
import tui_nn.session.trainer.plane_edits as plane_edits
import tui_nn.session.trainer.tracing as tracing
from tui_nn.config import check_speed, train_data
from tui_nn.data.spec import Dataset, DatasetSpec
from tui_nn.engine.spec import LayerSpec, NetworkSpec, SpecError
from tui_nn.engine.types import HyperParams
from tui_nn.errors import one_line
from tui_nn.session.protocol.answers import GradientReport, ParameterSet
from tui_nn.session.protocol.messages import (
    ApplyTraceStep,
    CellSamples,
    CheckGradients,
    Fork,
    InjectFault,
    Inspect,
    Inspection,
    Pause,
    Reset,
    Save,
    SetArchitecture,
    SetDataset,
    SetHyper,
    SetParameter,
    SetSpeed,
    SetView,
    Start,
    State,
    Step,
    TraceResult,
    TraceSample,
)
from tui_nn.session.trainer.answering import Refused
from tui_nn.session.trainer.cell_samples import cell_samples
from tui_nn.session.trainer.owed import NEVER
from tui_nn.session.trainer.run import Run

# ---- the run's state ---------------------------------------------------------------------


def start(run: Run, cmd: Start) -> State:
    if run.trainer.finished:
        reason = run.trainer.stop_reason or "finished"
        raise Refused(f"{reason}: raise the epoch budget or reset")
    run.set_state("running", "training")
    return run.state


def pause(run: Run, cmd: Pause) -> State:
    if run.running:
        run.set_state("paused", "paused")
    return run.state


def step(run: Run, cmd: Step) -> State:
    """Run n more steps, or to the end of the epoch; added to a Step of the same kind that
    is in progress (two Step(1) in a row make two steps, two Step(epoch) two epochs)."""
    if cmd.epoch:
        already = run.epochs_left if run.running and run.epochs_left else 0
        run.set_state("running", "stepping to the end of the epoch")
        run.steps_left, run.epochs_left = None, already + 1
    elif cmd.steps >= 1:
        already = run.steps_left if run.running and run.steps_left else 0
        run.set_state("running", "stepping")
        run.steps_left, run.epochs_left = already + int(cmd.steps), None
    else:
        raise Refused(f"steps must be at least 1, got {cmd.steps}")
    return run.state


def reset(run: Run, cmd: Reset) -> State:
    run.trainer.reset(seed=cmd.seed)
    run.new_run()
    run.changed = False  # fresh weights: nothing worth saving yet
    seed = run.net.spec.seed if cmd.seed is None else cmd.seed
    run.set_state("idle", f"weights re-initialised (seed {seed})")
    return run.state


def set_speed(run: Run, cmd: SetSpeed) -> State:
    run.speed = check_speed(cmd.epochs_per_second)
    return run.state


def inject_fault(run: Run, cmd: InjectFault) -> State:
    run.fault = cmd.message
    return run.state


# ---- settings, network, data -------------------------------------------------------------


def set_hyper(run: Run, cmd: SetHyper) -> HyperParams:
    if run.trainer is not None:
        run.trainer.set_hyper(cmd.hyper)
    run.hyper = cmd.hyper
    run.message = "settings changed"
    return run.hyper


def set_architecture(run: Run, cmd: SetArchitecture) -> NetworkSpec:
    run.trainer.set_architecture(cmd.spec.validate())  # surgery on run.net, in place
    run.new_run(keep_clock=True)
    if run.changed or run.trainer.step_count:
        run.weights_changed()  # the newest record describes the network before the surgery
    run.message = "architecture changed"
    return run.net.spec


def set_dataset(run: Run, cmd: SetDataset) -> DatasetSpec:
    from tui_nn.data import load_dataset

    dataset = load_dataset(cmd.spec)
    if run.trainer is not None and _fits(run, dataset, cmd.network):
        try:
            run.trainer.set_data(train_data(dataset))
        except SpecError:
            pass
        else:
            run.use_data(dataset)
            run.new_run()
            run.message = "new data: weights kept; epochs, curves and optimizer state restart"
            return run.dataset_spec
    run.build(dataset, cmd.network or _head_for(run, dataset))
    run.set_state("idle", "new data: new network for its sizes (fresh weights); curves restart")
    return run.dataset_spec


def _fits(run: Run, dataset: Dataset, wanted: NetworkSpec | None) -> bool:
    """Can the current network train on `dataset` as it is (same task, same shapes)?"""
    spec = run.net.spec
    return (
        (wanted is None or wanted == spec)
        and run.dataset is not None
        and dataset.task == run.dataset.task
        and spec.n_inputs == dataset.n_inputs
        and spec.output.units == dataset.n_outputs
    )


def _head_for(run: Run, dataset: Dataset) -> NetworkSpec:
    """The current hidden layers with the input and output the new data needs."""
    out_act, loss = dataset.default_head()
    hidden = run.net.spec.hidden if run.net is not None else None
    base = run.config.network_spec(dataset)
    return dataclasses.replace(
        base,
        hidden=hidden if hidden is not None else base.hidden,
        output=LayerSpec(dataset.n_outputs, out_act),
        loss=loss,
    ).validate()


# ---- files -------------------------------------------------------------------------------


def save(run: Run, cmd: Save) -> str:
    try:
        run.write_run(cmd.path)
    except Exception as exc:  # the app waits for an answer: always give one
        run.owed.save_failed = f"cannot save to {cmd.path}: {one_line(exc)}"
        raise Refused(run.owed.save_failed) from None
    run.owed.saved_path = cmd.path
    run.message = f"saved to {cmd.path}"
    return cmd.path


def fork(run: Run, cmd: Fork) -> str:
    """Both files for a second trainer to continue from exactly here (forking.py)."""
    forking.fork(cmd.path, run.net, run.current_config(), run.dataset, run.trainer)
    run.owed.saved_path = cmd.path
    run.message = f"forked at epoch {run.trainer.epoch}"
    return cmd.path


# ---- looking at the network --------------------------------------------------------------


def set_view(run: Run, cmd: SetView) -> State:
    """The answering snapshot carries what the view asks for, even if unchanged since."""
    pictures.check_view(cmd)
    owed = run.owed
    owed.weights, owed.weights_time = cmd.weights, NEVER
    if cmd.grid:
        owed.picture, owed.picture_time = True, NEVER
    if cmd.replay is not None:
        owed.replay = True  # that epoch's picture, once
    run.view = cmd
    return run.state


def inspect(run: Run, cmd: Inspect) -> Inspection:
    run.owed.inspection = pictures.inspect_sample(run.net, run.dataset, cmd.index, cmd.split)
    return run.owed.inspection


def check_gradients(run: Run, cmd: CheckGradients) -> GradientReport:
    report = gradient_check.check_gradients(run.net, run.dataset, cmd.samples)
    run.message = gradient_check.describe(report)
    return report


def _lr(run: Run, lr: float | None) -> float:
    return tracing.lr_for(run.trainer, run.hyper, lr)


def trace_sample(run: Run, cmd: TraceSample) -> TraceResult:
    result = tracing.trace(run.net, run.dataset, run.trainer, _lr(run, cmd.lr), cmd)
    run.owed.trace = result  # refused too: the trace panel says why
    if result.refused is not None:
        raise Refused(f"cannot trace: {result.refused}")
    return result


def apply_trace_step(run: Run, cmd: ApplyTraceStep) -> TraceResult:
    result = tracing.apply_step(run.net, run.dataset, run.trainer, _lr(run, cmd.lr), cmd)
    run.owed.trace = result
    if result.refused is not None:
        raise Refused(f"cannot trace: {result.refused}")
    run.weights_changed()
    run.message = tracing.describe_step(result, run.trainer.step_count)
    return result


def set_parameter(run: Run, cmd: SetParameter) -> ParameterSet:
    address, old, new = parameters.set_parameter(run.net, cmd)
    run.weights_changed()
    cost = run.now.train_loss
    run.message = f"{address.text()} = {new:.6g} (was {old:.6g}); training cost now {cost:.4f}"
    return ParameterSet(address=address.text(), old=old, new=new, cost=cost)


HANDLERS = {
    Start: start,
    Pause: pause,
    Step: step,
    Reset: reset,
    SetHyper: set_hyper,
    SetArchitecture: set_architecture,
    SetDataset: set_dataset,
    Save: save,
    Fork: fork,
    Inspect: inspect,
    SetView: set_view,
    SetSpeed: set_speed,
    InjectFault: inject_fault,
    CheckGradients: check_gradients,
    TraceSample: trace_sample,
    ApplyTraceStep: apply_trace_step,
    SetParameter: set_parameter,
    **plane_edits.HANDLERS,
    CellSamples: cell_samples,
}
"""Every command the runner applies (Stop ends the trainer instead; anything else is refused)."""
