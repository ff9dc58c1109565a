"""The trainer's answer to each command (docs/ARCHITECTURE.md: a command and its answer).

An app sends every command in an `Envelope` (messages.py) with an id of its own; the trainer
applies it between two steps and answers it exactly once, in `Snapshot.answers` of the next
snapshot (published at once): `accepted`, with the value now in force, or `refused`, with a
one-line reason and the run left as it was. The client answers what is still pending `lost`
(`LostAnswers`) when the trainer dies, is stopped elsewhere, the link is lost or the session
is closed. Code never reads `Snapshot.message` (or any text) to learn an outcome.

    accepted values: SetHyper -> HyperParams, SetArchitecture -> NetworkSpec,
    SetDataset -> DatasetSpec, Save and Fork -> the path written (str), SetParameter ->
    ParameterSet, CheckGradients -> GradientReport, TraceSample and ApplyTraceStep ->
    TraceResult, Inspect -> Inspection, the others (Start, Pause, Step, Reset, SetView,
    SetSpeed, ...) -> the State after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

CommandId = str  # "<client token>:<n>", unique across every app attached to a trainer
Outcome = Literal["accepted", "refused", "lost"]
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)


@dataclass(frozen=True)
class Answer:
    id: CommandId  # "" for a command sent without an envelope
    command: str  # the command's type name ("SetHyper"), for logs and tests
    outcome: Outcome
    reason: str = ""  # one line for people: why refused / why lost ("" when accepted)
    value: object = None  # what is in force now, typed per command (the table above)


@dataclass(frozen=True)
class ParameterSet:
    """The answer to SetParameter: the value stored (as the network's dtype holds it), the one
    it replaced, and the training cost with it (the current minibatch)."""

    address: str  # in the textbook's notation, e.g. "W1[2,1]" or "b2[1]"
    old: float
    new: float
    cost: float


@dataclass(frozen=True)
class GradientReport:
    """The answer to CheckGradients: backprop against central differences (float64 copy)."""

    worst: float  # the worst relative error over every parameter
    samples: int  # training samples the check used
    tolerance: float
    ok: bool  # worst is finite and at most the tolerance


@dataclass(frozen=True)
class LostAnswers:
    """From the client, not the trainer: the commands still pending when the link ended (the
    trainer died or was stopped, the link was lost, the session was closed), each answered
    `lost` with why. Reaches the sink before the TrainerDied that says what happened."""

    answers: tuple[Answer, ...]
