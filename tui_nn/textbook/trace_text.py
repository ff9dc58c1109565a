"""A Trace as the worked calculation of the textbooks, step by step (plain text, no numbers of
its own: every value shown is one the trace holds, except the sums it prints term by term).

Notation (1-based, as in `W1[2,1]` = row 2, column 1 of layer 1's weights): `a0 = x`; layer l
computes `z{l} = W{l} a{l-1} + b{l}` and `a{l} = f(z{l})`; its error is `δ{l} = ∂C/∂z{l}`.

Steps: forward layer by layer, the cost, backward from the output layer down, the gradients of
each layer, the update of each layer. `trace_steps` gives them as (title, lines) for the app to
page through; `trace_text` joins them for the command line. Lines fit `width` columns; wide
layers show their largest terms and "[n more: Σ]", so every equation still adds up; and every
equation re-adds from the numbers it shows (`trace_lines.shown`: more digits where four would
not add up, `≈` where even nine would not). The update step is the run's optimizer's
(`trace_update.py`). A regression's output and target are also given in the target's units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tui_nn.engine.activations import ACTIVATIONS
from tui_nn.engine.trace import LayerTrace, Trace
from tui_nn.textbook.trace_lines import INDENT, fit, fitted_sum, num, shown, vector, wrap
from tui_nn.textbook.trace_update import rule_lines, update_lines

__all__ = ["TraceStep", "num", "step_plan", "trace_step", "trace_steps", "trace_text"]

MAX_NEURONS = 10  # neurons detailed per layer when no neuron is selected
MAX_WEIGHTS = 4  # gradient/update lines per neuron when no neuron is selected
MAX_WEIGHTS_ONE = 12  # ... when one neuron is selected

F_NAMES = {
    "identity": "id",
    "sigmoid": "σ",
    "tanh": "tanh",
    "relu": "relu",
    "leaky_relu": "lrelu",
    "elu": "elu",
    "gelu": "gelu",
    "softplus": "softplus",
    "swish": "swish",
    "softmax": "softmax",
}
F_PRIME = {
    "identity": "f′(z) = 1",
    "sigmoid": "σ′(z) = a(1 - a)",
    "tanh": "tanh′(z) = 1 - a²",
    "relu": "relu′(z) = 1 if z > 0, else 0",
    "leaky_relu": "lrelu′(z) = 1 if z > 0, else 0.01",
    "elu": "elu′(z) = 1 if z > 0, else a + 1",
    "gelu": "gelu′(z) from its tanh approximation",
    "softplus": "softplus′(z) = σ(z)",
    "swish": "swish′(z) = σ(z) + a(1 - σ(z))",
}


@dataclass(frozen=True)
class TraceStep:
    kind: str  # "forward" | "cost" | "backward" | "gradients" | "update"
    layer: int | None  # 1-based layer number (None for the cost)
    title: str
    lines: tuple[str, ...]


def _activation(name: str):  # noqa: ANN202
    """f(z) in float64 by the engine's own activation (to re-add a shown a = f(z))."""
    act = ACTIVATIONS[name]

    def f(z: float) -> float:
        arr, out, tmp = np.array([[z]]), np.empty((1, 1)), np.empty((1, 1))
        act.forward(arr, out, tmp)
        return float(out[0, 0])

    return f


def _sum_lines(neuron: int | None) -> int:
    """Lines a weighted sum may take: more when only one neuron is shown."""
    return 2 if neuron is None else 4


def _neurons(n: int, neuron: int | None) -> list[int]:
    if neuron is not None:
        return [min(max(neuron, 0), n - 1)]
    return list(range(min(n, MAX_NEURONS)))


def _more_neurons(n: int, shown: list[int], neuron: int | None) -> list[str]:
    """A note on the neurons left out (none when one was selected: the app says which)."""
    if neuron is not None or len(shown) >= n:
        return []
    return [f"{INDENT}… and {n - len(shown)} more neurons"]


def _weights(t: LayerTrace, j: int, neuron: int | None) -> tuple[list[int], int]:
    """The columns of row j to show (largest |dW| when there are too many) and how many not."""
    limit = MAX_WEIGHTS_ONE if neuron is not None else MAX_WEIGHTS
    if t.n_in <= limit:
        return list(range(t.n_in)), 0
    order = np.argsort(-np.abs(t.dW[j]), kind="stable")[:limit]
    return sorted(int(k) for k in order), t.n_in - limit


# ---- the steps ------------------------------------------------------------------------------


def forward_step(
    trace: Trace, li: int, width: int, neuron: int | None, names: tuple[str, ...] | None = None
) -> TraceStep:
    t = trace.layers[li - 1]
    f = F_NAMES.get(t.activation, t.activation)
    units = f"{t.n_out} {t.activation} neuron{'s' if t.n_out > 1 else ''}"
    lines = [f"z{li} = W{li} a{li - 1} + b{li},  a{li} = {f}(z{li})   ({units})"]
    if li == 1:
        if names and tuple(names) != tuple(f"x{i + 1}" for i in range(len(names))):
            lines.append(f"x = ({', '.join(names)})")  # feature inputs, a CSV's columns
        lines.append(vector("a0 = x", t.a_in, width))
    if t.activation == "softmax":
        lines.append("softmax: a[i] = e^z[i] / Σ_j e^z[j]")
    neurons = _neurons(t.n_out, neuron)
    for j in neurons:
        pairs = [(float(t.W[j, k]), float(t.a_in[k])) for k in range(t.n_in)]
        lines += fitted_sum(
            f"{INDENT}z{li}[{j + 1}] = ",
            pairs,
            [float(t.b[j])],
            float(t.z[j]),
            width,
            _sum_lines(neuron),
        )
        if t.activation == "softmax":
            lines.append(f"{INDENT}a{li}[{j + 1}] = softmax(z{li})[{j + 1}] = {num(t.a[j])}")
        else:
            s = shown(_activation(t.activation), [float(t.z[j])], float(t.a[j]))
            lines.append(f"{INDENT}a{li}[{j + 1}] = {f}({s.operands[0]}) {s.eq} {s.result}")
    lines += _more_neurons(t.n_out, neurons, neuron)
    lines.append(vector(f"a{li}", t.a, width))
    last = li == len(trace.layers)
    title = f"Forward, layer {li}{' (output)' if last else ''}"
    return TraceStep("forward", li, title, tuple(lines))


def cost_step(trace: Trace, width: int, target: dict | None = None) -> TraceStep:
    L = len(trace.layers)
    a, y = [float(v) for v in trace.output], [float(v) for v in trace.y]
    k = len(a)
    mean = f"(1/{k})" if k > 1 else ""
    loss = float(trace.loss)
    lines = []
    if trace.loss_name == "bce":
        total = f"-{mean}Σ " if k > 1 else "-"
        lines.append(f"C = {total}[y ln a + (1 - y) ln(1 - a)]   (binary cross-entropy)")
        s = shown(lambda *v: _bce(v[:k], v[k:]), a + y, loss)
        pieces = [_bce_piece(s, i, k) for i in range(k)]
        lines += wrap(f"{INDENT}= -{mean}[", pieces, f"] {s.eq} {s.result}", width)
    elif trace.loss_name == "cce" and trace.label is not None:
        lines.append("C = -Σ y[i] ln a[i]   (cross-entropy, y one-hot)")
        c = trace.label
        s = shown(lambda p: -math.log(p), [a[c]], loss)
        lines.append(
            f"{INDENT}y is class {c}: C = -ln a{L}[{c + 1}] = -ln {s.operands[0]} {s.eq} {s.result}"
        )
    elif trace.loss_name == "cce":
        lines.append("C = -Σ y[i] ln a[i]   (cross-entropy, y one-hot)")
        used = [i for i in range(k) if y[i] != 0]
        s = shown(lambda *v: -sum(v[2 * n] * math.log(v[2 * n + 1]) for n in range(len(used))),
                  [x for i in used for x in (y[i], a[i])], loss)  # fmt: skip
        pieces = [f"{s.par(2 * n)}·ln {s.operands[2 * n + 1]}" for n in range(len(used))]
        lines += wrap(f"{INDENT}= -[", pieces, f"] {s.eq} {s.result}", width)
    else:
        total = f"{mean}Σ " if k > 1 else ""
        lines.append(f"C = {total}(a - y)²   (mean squared error)")
        s = shown(lambda *v: sum((v[i] - v[k + i]) ** 2 for i in range(k)) / k, a + y, loss)
        pieces = [f"({s.operands[i]} - {s.par(k + i)})²" for i in range(k)]
        open_, close = ("[", "]") if k > 1 else ("", "")
        lines += wrap(f"{INDENT}= {mean}{open_}", pieces, f"{close} {s.eq} {s.result}", width)
        lines += _in_units(a, y, target)
    lines += _prediction(trace)
    return TraceStep("cost", None, "Cost of this sample", tuple(lines))


def _bce(a: tuple[float, ...], y: tuple[float, ...]) -> float:
    total = 0.0
    for ai, yi in zip(a, y):
        if yi:
            total += yi * math.log(ai)
        if yi != 1:
            total += (1 - yi) * math.log(1 - ai)
    return -total / len(a)


def _bce_piece(s, i: int, k: int) -> str:  # noqa: ANN001 - a Shown of a + y
    a, y = s.operands[i], float(s.operands[k + i])
    if y == 1:
        return f"ln {a}"
    if y == 0:
        return f"ln(1 - {a})"
    return f"{s.operands[k + i]}·ln {a} + (1 - {s.operands[k + i]})·ln(1 - {a})"


def _in_units(a: list[float], y: list[float], target: dict | None) -> list[str]:
    """A regression trained in standard units, read in the target's: y = shift + scale·y_std."""
    if target is None:
        return []
    lines = ["in the target's units (trained in standard ones: value = mean + sd·standard):"]
    name = target.get("name") or "target"
    for i, (ai, yi) in enumerate(zip(a, y)):
        shift, scale = float(target["shift"][i]), float(target["scale"][i])
        for label, v in (("output", ai), (name, yi)):
            s = shown(lambda m, d, x: m + d * x, [shift, scale, v], shift + scale * v)
            lines.append(f"{INDENT}{label} = {s.operands[0]} + {s.operands[1]}·{s.par(2)} "
                         f"{s.eq} {s.result}")  # fmt: skip
    return lines


def _prediction(trace: Trace) -> list[str]:
    if trace.label is None:
        return []
    a = trace.output
    if len(a) == 1:
        guess = int(a[0] > 0.5)
        how = f"a = {num(a[0])} {'>' if guess else '≤'} 0.5"
    else:
        guess = int(np.argmax(a))
        how = f"the largest output is a{len(trace.layers)}[{guess + 1}]"
    verdict = "right" if guess == trace.label else f"wrong, the target is class {trace.label}"
    return [f"prediction: class {guess} ({how}): {verdict}"]


def backward_step(trace: Trace, li: int, width: int, neuron: int | None) -> TraceStep:
    t = trace.layers[li - 1]
    L = len(trace.layers)
    neurons = _neurons(t.n_out, neuron)
    lines: list[str] = []
    if li == L and trace.fused:
        k = t.n_out if trace.loss_name == "bce" else 1
        pair = "sigmoid + cross-entropy" if trace.loss_name == "bce" else "softmax + cross-entropy"
        formula = f"(a{li} - y) / {k}" if k > 1 else f"a{li} - y"
        lines.append(f"δ{li} = ∂C/∂z{li} = {formula}   ({pair}: f′ cancels)")
        for j in neurons:
            s = shown(lambda a, y: (a - y) / k, [float(t.a[j]), float(trace.y[j])],
                      float(t.delta[j]))  # fmt: skip
            diff = f"{s.operands[0]} - {s.par(1)}"
            expr = f"({diff}) / {k}" if k > 1 else diff
            lines.append(f"{INDENT}δ{li}[{j + 1}] = {expr} {s.eq} {s.result}")
    elif li == L:
        k = t.n_out
        over = f"/{k}" if k > 1 else ""
        lines.append(f"δ{li} = ∂C/∂a{li} ⊙ f′(z{li}),  ∂C/∂a = 2(a - y){over}")
        sm = None
        if t.fprime is None:
            sm = float(np.dot(t.upstream, t.a))
            lines.append(f"softmax: δ[i] = a[i]·(g[i] - s), g = ∂C/∂a{li}, s = Σ g·a = {num(sm)}")
        else:
            lines.append(F_PRIME.get(t.activation, f"{t.activation}′(z)"))
        for j in neurons:
            s = shown(lambda a, y: 2 * (a - y) / k, [float(t.a[j]), float(trace.y[j])],
                      float(t.upstream[j]))  # fmt: skip
            lines.append(
                f"{INDENT}∂C/∂a{li}[{j + 1}] = 2·({s.operands[0]} - {s.par(1)}){over}"
                f" {s.eq} {s.result}"
            )
            lines += _delta_lines(t, li, j, sm)
    else:
        nxt = trace.layers[li]
        lines.append(
            f"δ{li} = (W{li + 1}ᵀ δ{li + 1}) ⊙ f′(z{li}),  {F_PRIME.get(t.activation, '')}"
        )
        for j in neurons:
            pairs = [(float(nxt.W[i, j]), float(nxt.delta[i])) for i in range(nxt.n_out)]
            lhs = f"{INDENT}(W{li + 1}ᵀδ{li + 1})[{j + 1}] = "
            lines += fitted_sum(lhs, pairs, [], float(t.upstream[j]), width, _sum_lines(neuron))
            lines += _delta_lines(t, li, j, None)
    lines += _more_neurons(t.n_out, neurons, neuron)
    lines.append(vector(f"δ{li}", t.delta, width))
    title = f"Backward, layer {li}{' (output)' if li == L else ''}"
    return TraceStep("backward", li, title, tuple(lines))


def _fprime_line(t: LayerTrace, li: int, j: int) -> str:
    """f'(z) of neuron j, from what it is made of where that is a formula of a or z."""
    a, z, fp = float(t.a[j]), float(t.z[j]), float(t.fprime[j])
    head = f"{INDENT}f′(z{li}[{j + 1}]) = "
    if t.activation == "sigmoid":
        s = shown(lambda x: x * (1 - x), [a], fp)
        return f"{head}{s.operands[0]}·(1 - {s.operands[0]}) {s.eq} {s.result}"
    if t.activation == "tanh":
        s = shown(lambda x: 1 - x * x, [a], fp)
        return f"{head}1 - {s.par(0)}² {s.eq} {s.result}"
    if t.activation == "softplus":
        s = shown(lambda x: 1 / (1 + math.exp(-x)), [z], fp)
        return f"{head}σ({s.operands[0]}) {s.eq} {s.result}"
    if t.activation in ("relu", "leaky_relu", "elu"):
        return f"{head}{num(fp)}   (z {'>' if z > 0 else '≤'} 0)"
    return f"{head}{num(fp)}"


def _delta_lines(t: LayerTrace, li: int, j: int, sm: float | None) -> list[str]:
    if t.fprime is None:  # softmax after mse: the Jacobian-vector product
        s = shown(lambda a, g, m: a * (g - m), [float(t.a[j]), float(t.upstream[j]), sm],
                  float(t.delta[j]))  # fmt: skip
        return [f"{INDENT}δ{li}[{j + 1}] = {s.operands[0]}·({s.operands[1]} - {s.par(2)}) "
                f"{s.eq} {s.result}"]  # fmt: skip
    s = shown(lambda u, f: u * f, [float(t.upstream[j]), float(t.fprime[j])], float(t.delta[j]))
    return [
        _fprime_line(t, li, j),
        f"{INDENT}δ{li}[{j + 1}] = {s.par(0)}·{s.par(1)} {s.eq} {s.result}",
    ]


def gradient_step(trace: Trace, li: int, width: int, neuron: int | None) -> TraceStep:
    t = trace.layers[li - 1]
    lines = [f"∂C/∂W{li} = δ{li} a{li - 1}ᵀ,  ∂C/∂b{li} = δ{li}"]
    neurons = _neurons(t.n_out, neuron)
    for j in neurons:
        if t.delta[j] == 0:
            lines.append(
                f"{INDENT}δ{li}[{j + 1}] = 0: ∂C/∂W{li}[{j + 1},:] = 0 and ∂C/∂b{li}[{j + 1}] = 0"
            )
            continue
        cols, hidden = _weights(t, j, neuron)
        for k in cols:
            s = shown(lambda d, a: d * a, [float(t.delta[j]), float(t.a_in[k])],
                      float(t.dW[j, k]))  # fmt: skip
            lines.append(
                f"{INDENT}∂C/∂W{li}[{j + 1},{k + 1}] = δ{li}[{j + 1}]·a{li - 1}[{k + 1}] = "
                f"{s.par(0)}·{s.par(1)} {s.eq} {s.result}"
            )
        if hidden:
            lines.append(f"{INDENT}… and {hidden} smaller weight gradients of neuron {j + 1}")
        lines.append(f"{INDENT}∂C/∂b{li}[{j + 1}] = δ{li}[{j + 1}] = {num(t.db[j])}")
    lines += _more_neurons(t.n_out, neurons, neuron)
    return TraceStep("gradients", li, f"Gradients, layer {li}", tuple(lines))


def update_step(trace: Trace, li: int, width: int, neuron: int | None) -> TraceStep:
    t = trace.layers[li - 1]
    info = trace.optimizer
    lines = rule_lines(info, li, trace.lr)
    plain = info is None or (info.name == "sgd" and not (info.l1 or info.l2))
    neurons = _neurons(t.n_out, neuron)
    for j in neurons:
        if plain and t.delta[j] == 0:
            lines.append(
                f"{INDENT}δ{li}[{j + 1}] = 0: W{li}[{j + 1},:] and b{li}[{j + 1}] stay as they are"
            )
            continue
        cols, hidden = _weights(t, j, neuron)
        if not plain and neuron is None:
            cols, hidden = cols[:2], hidden + len(cols[2:])
        lines += update_lines(trace, t, li, j, cols)
        if hidden:
            lines.append(f"{INDENT}… and {hidden} weights of neuron {j + 1} that move less")
    lines += _more_neurons(t.n_out, neurons, neuron)
    if li == len(trace.layers):
        before, after = num(trace.loss), num(trace.loss_after)
        lines.append(f"cost of this sample: {before} before the step, {after} after")
    name = "" if info is None or info.name == "sgd" else f" ({info.name})"
    return TraceStep("update", li, f"Update, layer {li}{name}", tuple(lines))


def step_plan(trace: Trace) -> list[tuple[str, int | None]]:
    """(kind, layer) of every step in order: forward 1..L, the cost, backward L..1, gradients
    L..1 (as backpropagation produces them), update 1..L."""
    n = len(trace.layers)
    up, down = list(range(1, n + 1)), list(range(n, 0, -1))
    return [
        *(("forward", li) for li in up),
        ("cost", None),
        *(("backward", li) for li in down),
        *(("gradients", li) for li in down),
        *(("update", li) for li in up),
    ]


BUILDERS = {
    "forward": forward_step,
    "backward": backward_step,
    "gradients": gradient_step,
    "update": update_step,
}


def trace_step(
    trace: Trace,
    index: int,
    width: int = 80,
    neuron: int | None = None,
    target: dict | None = None,
    names: tuple[str, ...] | None = None,
) -> TraceStep:
    """Step `index` of `step_plan(trace)`, its lines at most `width` columns. With `neuron`
    (0-based, clamped to the layer) only that neuron is detailed; otherwise up to MAX_NEURONS.
    `target`: a regression's target scaling ({"shift", "scale", "name"}): the cost step also
    gives the output and the target in the target's units. `names`: the inputs by name (the
    first forward step says them)."""
    kind, layer = step_plan(trace)[index]
    if kind == "cost":
        step = cost_step(trace, width, target)
    elif kind == "forward":
        step = forward_step(trace, layer, width, neuron, names)
    else:
        step = BUILDERS[kind](trace, layer, width, neuron)
    lines = tuple(part for line in step.lines for part in fit(line, width))
    return TraceStep(step.kind, step.layer, step.title, lines)


def trace_steps(
    trace: Trace,
    width: int = 80,
    neuron: int | None = None,
    target: dict | None = None,
    names: tuple[str, ...] | None = None,
) -> list[TraceStep]:
    """Every step in order (see `trace_step`)."""
    n = len(step_plan(trace))
    return [trace_step(trace, i, width, neuron, target, names) for i in range(n)]


def trace_text(
    trace: Trace,
    heading: list[str] | None = None,
    width: int = 80,
    target: dict | None = None,
    names: tuple[str, ...] | None = None,
) -> str:
    """The whole worked calculation, one section per step."""
    out = list(heading or [])
    for step in trace_steps(trace, width, target=target, names=names):
        if out:
            out.append("")
        out.append(step.title)
        out.extend(step.lines)
    return "\n".join(out) + "\n"
