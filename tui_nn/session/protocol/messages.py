"""The message protocol between the app and the trainer process (docs/ARCHITECTURE.md).

Commands go in (UI -> trainer) and are applied only between steps. Snapshots come out
(trainer -> UI), at most `fps` per second, newest wins, but every EpochRecord reaches the
consumer exactly once and in order. Every command an app sends goes in an `Envelope` with an
id, and is answered exactly once in `Snapshot.answers` (answers.py). Everything here is a plain
picklable frozen dataclass, so the transport (a Unix socket today) can change without touching
either side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

from tui_nn.data.images import IMAGE_SETS
from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.spec import NetworkSpec
from tui_nn.engine.trace import Trace
from tui_nn.engine.types import EpochRecord, HyperParams, LayerStats
from tui_nn.kinds import Task
from tui_nn.session.protocol.answers import Answer, CommandId

State = Literal["idle", "running", "paused", "finished", "diverged", "error"]
STATES: tuple[State, ...] = get_args(State)


# ---- commands (UI -> trainer) -------------------------------------------------------------


@dataclass(frozen=True)
class Start:
    """Train continuously until paused, the epoch budget is reached, or divergence."""


@dataclass(frozen=True)
class Pause:
    pass


@dataclass(frozen=True)
class Step:
    """Run exactly `steps` minibatch steps, or one whole epoch if `epoch` is true, then pause.
    A Step sent while a Step of the same kind is in progress adds to it."""

    steps: int = 1
    epoch: bool = False


@dataclass(frozen=True)
class Reset:
    """Re-initialise the weights (and history) with the spec's seed, or with `seed` if given."""

    seed: int | None = None


@dataclass(frozen=True)
class SetHyper:
    """Replace the hyper-parameters; optimizer state is kept when the optimizer is unchanged."""

    hyper: HyperParams


@dataclass(frozen=True)
class SetArchitecture:
    """Change the network; weights that survive are kept (engine surgery)."""

    spec: NetworkSpec


@dataclass(frozen=True)
class SetDataset:
    """Load/regenerate data; weights are kept when the input/output shapes still fit.
    `network`: the architecture to use if the shapes do not fit (else the session derives one
    with the same hidden layers and the dataset's default head)."""

    spec: DatasetSpec
    network: NetworkSpec | None = None


@dataclass(frozen=True)
class Save:
    """Save model + config + metrics to `path` (.npz, written atomically)."""

    path: str


@dataclass(frozen=True)
class Fork:
    """Write the run and its whole training state (optimizer, shuffling) to `path`, for a
    second trainer to continue from exactly here (see forking.py); answered like Save."""

    path: str


@dataclass(frozen=True)
class Inspect:
    """Ask for the forward pass of one sample (answered in Snapshot.inspection)."""

    index: int
    split: str = "test"


@dataclass(frozen=True)
class TraceSample:
    """Trace one sample through the network: forward, backward and the plain gradient step on
    it, computed by the engine (answered in Snapshot.trace; nothing changes). The sample: `index`
    in `split`, or the training sample nearest to `point` (2-D data), or, with neither, the next
    sample training would take. `lr` None: the run's learning rate."""

    index: int | None = None
    split: str = "train"
    point: tuple[float, float] | None = None
    lr: float | None = None


@dataclass(frozen=True)
class ApplyTraceStep:
    """Take that one plain gradient step on the real network (`W <- W - lr dW` for sample
    `index` of `split`, whatever the optimizer; its state and the counters are untouched), and
    answer with the trace of the same sample on the new weights."""

    index: int
    split: str = "train"
    lr: float | None = None


@dataclass(frozen=True)
class SetView:
    """What the UI wants computed: weights in snapshots, the decision grid and its size.
    The snapshot answering a SetView carries the weights and a grid (if asked) right away."""

    weights: bool = False
    grid: bool = True
    grid_size: tuple[int, int] = (48, 24)  # (columns, rows) of samples over the data's box
    grid_interval: float = 0.5  # seconds between decision grids at most
    weights_interval: float = 0.5  # while training: seconds between weight copies at most
    sample: int = 0  # the sample whose forward pass comes with the weights (test set; train if none)
    maps: int | None = None  # the layer (0-based, hidden first) whose neuron maps come with grids
    replay: int | None = None  # draw the grid and maps of this epoch (a replay frame); None: live


@dataclass(frozen=True)
class SetSpeed:
    """Limit training to `epochs_per_second` (None: as fast as possible). The trainer spaces
    its steps evenly and waits for commands in between, so a slow pace costs no CPU."""

    epochs_per_second: float | None = None


@dataclass(frozen=True)
class CheckGradients:
    """Run the engine's gradient check on the current network (float64 copy, the first
    `samples` training samples); the answer is the snapshot's message."""

    samples: int = 8


GRADIENT_CHECK_PREFIX = "gradient check:"  # how the trainer's message of the check begins


@dataclass(frozen=True)
class SetParameter:
    """Set one weight `W[row, col]` (or the bias `b[row]` when `col` is None) of `layer` to
    `value`, between steps. Indices are 0-based like the arrays (layer 0 = first hidden layer;
    `W1[2,1]` in the textbook's notation is layer 0, row 1, col 0). A bad address or a
    non-finite value is refused with a message naming it; nothing changes then."""

    layer: int
    row: int
    col: int | None
    value: float


@dataclass(frozen=True)
class AddPoint:
    """Your own point: a training sample at (x, y) of the plane (its units), of class `value`
    (or with that target, in the target's units, for regression). Answered with the
    DatasetSpec now in force (its `edits` hold the point)."""

    x: float
    y: float
    value: float


@dataclass(frozen=True)
class RemovePoint:
    """The training sample nearest to (x, y) of the plane goes (answered like AddPoint)."""

    x: float
    y: float


@dataclass(frozen=True)
class SetFeatures:
    """The network's inputs of 2-D data (x1, x2, x1^2, ...; None: x1 and x2). The other
    weights are kept, and the run goes on (answered with the DatasetSpec now in force)."""

    features: tuple[str, ...] | None


@dataclass(frozen=True)
class CellSamples:
    """The test samples of one cell of the confusion matrix (true class `true`, predicted
    `predicted`), at most `limit` of them; answered in `Snapshot.cell`."""

    true: int
    predicted: int
    limit: int = 48


@dataclass(frozen=True)
class SetPlane:
    """The picture's plane: two columns of a wider CSV (by name or index; the others at their
    training mean), or None for the data's own (its first two inputs, or none). Only the
    pictures change (answered with the DatasetSpec now in force)."""

    columns: tuple[str, str] | None


@dataclass(frozen=True)
class Stop:
    """End the trainer process."""


@dataclass(frozen=True)
class InjectFault:
    """TEST-ONLY: make the trainer raise RuntimeError(message) at its next step, to check that
    an exception inside the trainer surfaces as an `error` snapshot. Not part of `Command`."""

    message: str = "injected fault"


Command = (
    Start
    | Pause
    | Step
    | Reset
    | SetHyper
    | SetArchitecture
    | SetDataset
    | Save
    | Fork
    | Inspect
    | TraceSample
    | ApplyTraceStep
    | SetView
    | SetSpeed
    | CheckGradients
    | SetParameter
    | AddPoint
    | RemovePoint
    | SetFeatures
    | SetPlane
    | CellSamples
    | Stop
)


@dataclass(frozen=True)
class Envelope:
    """What an app puts on the wire: a command and the id its answer will carry (answers.py).
    A bare command (no envelope) is applied too, and answered with the id ""."""

    id: CommandId
    command: Command


# ---- snapshots (trainer -> UI) ------------------------------------------------------------


@dataclass(frozen=True)
class DataSummary:
    """Sent when the dataset changes (not on every snapshot)."""

    name: str
    task: Task
    n_inputs: int
    n_outputs: int
    n_classes: int | None
    n_train: int
    n_test: int
    class_names: tuple[str, ...] | None
    # (m, 2) float32 for 2-D data (at most a few thousand); for 1-D regression (x, target)
    points_train: np.ndarray | None
    labels_train: np.ndarray | None  # (m,) class index or target value
    points_test: np.ndarray | None
    labels_test: np.ndarray | None
    bounds: tuple[float, float, float, float] | None  # x_min, x_max, y_min, y_max of the grid
    notes: tuple[str, ...] = ()  # warnings about the data (a CSV of 2 rows), shown once
    plane: tuple[str, str] | None = None  # the picture's axes (x1, x2; two columns of a CSV)
    held: int = 0  # inputs held at their training mean on the plane (a wider CSV)
    features: tuple[str, ...] | None = None  # feature inputs (canonical names), None: raw
    input_names: tuple[str, ...] | None = None  # the network's inputs by name (x1², ...)


@dataclass(frozen=True)
class DecisionGrid:
    """The network's output over a grid covering the data: values[row, col], row 0 at y_max."""

    values: np.ndarray  # (rows, cols) float32: P(class 1) for binary, class index for k>2, value
    bounds: tuple[float, float, float, float]
    kind: str  # "probability" | "class" | "value"
    epoch: int | None = None  # a replayed epoch's grid (None: the live network's)
    probabilities: np.ndarray | None = None  # k classes: (rows, cols) the winner's probability


@dataclass(frozen=True)
class NeuronMaps:
    """What every neuron of one layer computes over the plane (or against x, for 1-D data):
    `values[j]` is neuron j's activation at each grid point (row 0 at the top)."""

    layer: int  # 0-based, hidden layers first, the output layer last
    activation: str
    values: np.ndarray  # (units, rows, cols) float32 on the plane; (units, n) against x
    bounds: tuple[float, float, float, float] | None  # the plane's box (None: against x)
    x: np.ndarray | None = None  # against x: (n,) the x of each value
    lo: float = 0.0  # the range the colour scale spans (the activation's, else the values')
    hi: float = 1.0
    epoch: int | None = None  # a replayed epoch's maps (None: the live network's)


@dataclass(frozen=True)
class Inspection:
    index: int
    split: str
    x: np.ndarray
    y: object
    activations: tuple[np.ndarray, ...]  # per layer (units,)
    output: np.ndarray


@dataclass(frozen=True)
class TraceResult:
    """The answer to TraceSample / ApplyTraceStep: the engine's trace (copies of every array),
    which sample it is, and after ApplyTraceStep the cost the sample had before the step. A
    request that cannot be answered (no such sample) has `refused` (one line) and no trace."""

    index: int | None
    split: str
    n_samples: int  # in that split
    trace: Trace | None
    class_name: str | None = None  # the sample's class, by name, when the data has names
    chosen: str = "index"  # how the sample was picked: "index", "next" or "point"
    applied: bool = False  # the answer to ApplyTraceStep (the weights changed)
    loss_before: float | None = None  # the sample's cost before that step
    refused: str | None = None  # why there is no trace (the weights did not change)
    target: dict | None = None  # regression: {"shift", "scale", "name"} of the target's units
    point: tuple[float, float] | None = None  # where the sample is on the plane (if any)
    input_names: tuple[str, ...] | None = None  # the network's inputs by name (x1², a column)


IMAGE_NAMES = ("digits", *IMAGE_SETS)  # the data whose panel has a strip of test images


@dataclass(frozen=True)
class PanelData:
    """What the lower-right panel draws when there is no plane (trainer/panel_data.py)."""

    fit_x: np.ndarray | None = None  # (n,) float32, the curve's x (input units as drawn)
    fit_y: np.ndarray | None = None  # (n,) float32, the network's output there
    confusion: np.ndarray | None = None  # (k, k) int64: [true, predicted] over the test set
    images: np.ndarray | None = None  # (m, side, side) uint8 0..255, test images
    image_true: np.ndarray | None = None  # (m,) int64
    image_predicted: np.ndarray | None = None  # (m,) int64


@dataclass(frozen=True)
class CellContents:
    """A confusion-matrix cell's test samples: their indices in the test set, and what to draw
    of them: small images (image sets) or the first input values (other data)."""

    true: int
    predicted: int
    count: int  # samples in the cell (the indices are the first `limit` of them)
    indices: np.ndarray  # (m,) int64, test-set indices
    images: np.ndarray | None = None  # (m, side, side) uint8, as the sample strip's
    rows: np.ndarray | None = None  # (m, d) float32: the first inputs as the network sees them
    input_names: tuple[str, ...] | None = None


@dataclass(frozen=True)
class NetworkView:
    """What a network diagram reads besides the weights (sent with them, copied): the last
    step's gradients and one sample's forward pass, `z = W @ a_prev + b`, `a = f(z)`."""

    grads: tuple[tuple[np.ndarray, np.ndarray], ...]  # (dW, db) per layer of the last step
    stepped: bool  # False before the first step of a run (grads are zeros then)
    sample: int  # index of the sample in `split`
    split: str  # "test" or "train"
    x: np.ndarray  # (n_inputs,) the sample as the network sees it (scaled)
    z: tuple[np.ndarray, ...]  # per layer (units,)
    a: tuple[np.ndarray, ...]  # per layer (units,)
    image_shape: tuple[int, int] | None = None  # (rows, cols) when the inputs are an image
    label: str = ""  # the sample's target, as text


@dataclass(frozen=True)
class Snapshot:
    run_id: int  # changes on reset, architecture change and dataset change
    seq: int  # increases with every snapshot of the process
    state: State
    message: str  # human-readable: why paused, diverged reason, error text, "saved to ..."
    epoch: int  # completed epochs
    step: int
    samples_seen: int
    batch_loss: float | None
    # The network's scores now: those of the newest epoch record, or, after the weights were
    # changed by hand, a trace step or a new architecture, computed anew on the whole sets
    # (the record describes the network before that). None before the first.
    train_loss: float | None
    test_loss: float | None
    train_acc: float | None
    test_acc: float | None
    # New since the previous snapshot delivered; the first snapshot of a run carries the run's
    # whole history so far (so a UI that clears its plots on a new run_id stays complete).
    # A RecordBlock (one compact float64 array) from the trainer; any sequence of EpochRecord.
    records: Sequence[EpochRecord]
    layers: tuple[LayerStats, ...]  # hidden layers then output
    samples_per_sec: float
    eta_seconds: float | None  # to the epoch budget
    elapsed: float  # wall-clock seconds this run has spent running (paced waits included)
    network: NetworkSpec
    hyper: HyperParams
    dataset: DatasetSpec
    data: DataSummary | None = None  # only when the dataset changed (and on the first snapshot)
    grid: DecisionGrid | None = None  # only when a new one was computed
    weights: tuple[tuple[np.ndarray, np.ndarray], ...] | None = None  # only when asked
    inspection: Inspection | None = None
    saved_path: str | None = None  # set on the snapshot answering Save
    save_failed: str | None = None  # or this: why the Save could not be written (one line)
    error_detail: str | None = None  # the traceback, on `error` snapshots (message is one line)
    speed: float | None = None  # the speed limit in epochs per second (None: as fast as possible)
    panel: PanelData | None = None  # fit curve / confusion matrix / image strip, when computed
    trace: TraceResult | None = None  # set on the snapshot answering TraceSample/ApplyTraceStep
    network_view: NetworkView | None = None  # with `weights`, when the view asks for weights
    # The answers to the commands applied since the previous snapshot, in the order applied
    # (to every app: each keeps the ids it sent). Never coalesced away: concatenated.
    answers: tuple[Answer, ...] = ()
    # The run's weights were trained or set (by hand, a trace step) since they began (a start,
    # a Reset, a new network): there is something to save. A fresh run has nothing to save.
    changed: bool = False
    maps: NeuronMaps | None = None  # with a grid (or fit curve), when the view asks for maps
    frames: tuple[int, ...] | None = None  # the epochs replay can show, when they changed
    cell: CellContents | None = None  # the answer to CellSamples


ONCE = (
    "data",
    "grid",
    "panel",
    "weights",
    "network_view",
    "inspection",
    "saved_path",
    "save_failed",
    "trace",
    "maps",
    "frames",
    "cell",
)
"""The Snapshot fields sent only when there is something new (None otherwise): where snapshots
are coalesced (the client's mailbox, the app's bridge), a newer snapshot without one keeps the
older one's."""
ADDED = ("records", "answers")
"""The Snapshot fields that hold what is new since the previous snapshot: where snapshots are
coalesced, they are concatenated in order, never dropped."""


@dataclass(frozen=True)
class TrainerDied:
    """Published by the proxy (not the trainer) when the trainer ended without this app asking:
    it died, or was stopped by something else (`stopped_by`: "another app", "tui-nn attach
    --stop", "SIGTERM"; not a crash), or only this app's connection ended and the trainer
    still runs (`alive`)."""

    exitcode: int | None
    message: str
    alive: bool = False
    stopped_by: str | None = None
