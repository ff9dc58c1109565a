"""A Trace as the worked calculation of the textbooks, step by step (plain text, no numbers of
its own: every value shown is one the trace holds, except the sums it prints term by term).

Notation (1-based, as in `W1[2,1]` = row 2, column 1 of layer 1's weights): `a0 = x`; layer l
computes `z{l} = W{l} a{l-1} + b{l}` and `a{l} = f(z{l})`; its error is `δ{l} = ∂C/∂z{l}`.

Steps: forward layer by layer, the cost, backward from the output layer down, the gradients of
each layer, the update of each layer. `trace_steps` gives them as (title, lines) for the app to
page through; `trace_text` joins them for the command line. Lines fit `width` columns; wide
layers show their largest terms and "[n more: Σ]", so every equation still adds up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tui_nn.engine.trace import LayerTrace, Trace
from tui_nn.textbook.trace_lines import INDENT, fit, fitted_sum, num, par, vector, wrap

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


def forward_step(trace: Trace, li: int, width: int, neuron: int | None) -> TraceStep:
    t = trace.layers[li - 1]
    f = F_NAMES.get(t.activation, t.activation)
    units = f"{t.n_out} {t.activation} neuron{'s' if t.n_out > 1 else ''}"
    lines = [f"z{li} = W{li} a{li - 1} + b{li},  a{li} = {f}(z{li})   ({units})"]
    if li == 1:
        lines.append(vector("a0 = x", t.a_in, width))
    if t.activation == "softmax":
        lines.append("softmax: a[i] = e^z[i] / Σ_j e^z[j]")
    shown = _neurons(t.n_out, neuron)
    for j in shown:
        terms = [
            (f"{par(t.W[j, k])}·{par(t.a_in[k])}", float(t.W[j, k] * t.a_in[k]))
            for k in range(t.n_in)
        ]
        lines += fitted_sum(
            f"{INDENT}z{li}[{j + 1}] = ",
            terms,
            [par(t.b[j])],
            f" = {num(t.z[j])}",
            width,
            _sum_lines(neuron),
        )
        if t.activation == "softmax":
            lines.append(f"{INDENT}a{li}[{j + 1}] = softmax(z{li})[{j + 1}] = {num(t.a[j])}")
        else:
            lines.append(f"{INDENT}a{li}[{j + 1}] = {f}({num(t.z[j])}) = {num(t.a[j])}")
    lines += _more_neurons(t.n_out, shown, neuron)
    lines.append(vector(f"a{li}", t.a, width))
    last = li == len(trace.layers)
    title = f"Forward, layer {li}{' (output)' if last else ''}"
    return TraceStep("forward", li, title, tuple(lines))


def cost_step(trace: Trace, width: int) -> TraceStep:
    L = len(trace.layers)
    a, y = trace.output, trace.y
    k = len(a)
    mean = f"(1/{k})" if k > 1 else ""
    lines = []
    if trace.loss_name == "bce":
        total = f"-{mean}Σ " if k > 1 else "-"
        lines.append(f"C = {total}[y ln a + (1 - y) ln(1 - a)]   (binary cross-entropy)")
        pieces = [_bce_piece(float(yi), float(ai)) for yi, ai in zip(y, a)]
        lines += wrap(f"{INDENT}= -{mean}[", pieces, f"] = {num(trace.loss)}", width)
    elif trace.loss_name == "cce":
        lines.append("C = -Σ y[i] ln a[i]   (cross-entropy, y one-hot)")
        if trace.label is not None:
            c = trace.label
            lines.append(
                f"{INDENT}y is class {c}: C = -ln a{L}[{c + 1}] = -ln {num(a[c])} = {num(trace.loss)}"
            )
        else:
            pieces = [f"{par(yi)}·ln {num(ai)}" for yi, ai in zip(y, a) if yi != 0]
            lines += wrap(f"{INDENT}= -[", pieces, f"] = {num(trace.loss)}", width)
    else:
        total = f"{mean}Σ " if k > 1 else ""
        lines.append(f"C = {total}(a - y)²   (mean squared error)")
        pieces = [f"({num(ai)} - {par(yi)})²" for yi, ai in zip(y, a)]
        open_, close = ("[", "]") if k > 1 else ("", "")
        lines += wrap(f"{INDENT}= {mean}{open_}", pieces, f"{close} = {num(trace.loss)}", width)
    lines += _prediction(trace)
    return TraceStep("cost", None, "Cost of this sample", tuple(lines))


def _bce_piece(y: float, a: float) -> str:
    if y == 1:
        return f"ln {num(a)}"
    if y == 0:
        return f"ln(1 - {num(a)})"
    return f"{num(y)}·ln {num(a)} + {num(1 - y)}·ln(1 - {num(a)})"


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
    shown = _neurons(t.n_out, neuron)
    lines: list[str] = []
    if li == L and trace.fused:
        k = t.n_out if trace.loss_name == "bce" else 1
        pair = "sigmoid + cross-entropy" if trace.loss_name == "bce" else "softmax + cross-entropy"
        formula = f"(a{li} - y) / {k}" if k > 1 else f"a{li} - y"
        lines.append(f"δ{li} = ∂C/∂z{li} = {formula}   ({pair}: f′ cancels)")
        for j in shown:
            diff = f"{num(t.a[j])} - {par(trace.y[j])}"
            expr = f"({diff}) / {k}" if k > 1 else diff
            lines.append(f"{INDENT}δ{li}[{j + 1}] = {expr} = {num(t.delta[j])}")
    elif li == L:
        k = t.n_out
        over = f"/{k}" if k > 1 else ""
        lines.append(f"δ{li} = ∂C/∂a{li} ⊙ f′(z{li}),  ∂C/∂a = 2(a - y){over}")
        if t.fprime is None:
            s = float(np.dot(t.upstream, t.a))
            lines.append(f"softmax: δ[i] = a[i]·(g[i] - s), g = ∂C/∂a{li}, s = Σ g·a = {num(s)}")
        else:
            lines.append(F_PRIME.get(t.activation, f"{t.activation}′(z)"))
        for j in shown:
            lines.append(
                f"{INDENT}∂C/∂a{li}[{j + 1}] = 2·({num(t.a[j])} - {par(trace.y[j])}){over}"
                f" = {num(t.upstream[j])}"
            )
            lines += _delta_lines(t, li, j, s if t.fprime is None else None)
    else:
        nxt = trace.layers[li]
        lines.append(
            f"δ{li} = (W{li + 1}ᵀ δ{li + 1}) ⊙ f′(z{li}),  {F_PRIME.get(t.activation, '')}"
        )
        for j in shown:
            terms = [
                (f"{par(nxt.W[i, j])}·{par(nxt.delta[i])}", float(nxt.W[i, j] * nxt.delta[i]))
                for i in range(nxt.n_out)
            ]
            lhs = f"{INDENT}(W{li + 1}ᵀδ{li + 1})[{j + 1}] = "
            lines += fitted_sum(
                lhs, terms, [], f" = {num(t.upstream[j])}", width, _sum_lines(neuron)
            )
            lines += _delta_lines(t, li, j, None)
    lines += _more_neurons(t.n_out, shown, neuron)
    lines.append(vector(f"δ{li}", t.delta, width))
    title = f"Backward, layer {li}{' (output)' if li == L else ''}"
    return TraceStep("backward", li, title, tuple(lines))


def _fprime_expr(t: LayerTrace, j: int) -> tuple[str, str]:
    """What f'(z) is made of for neuron j: (text before the value, text after it)."""
    a, z = t.a[j], t.z[j]
    if t.activation == "sigmoid":
        return f"{num(a)}·(1 - {num(a)}) = ", ""
    if t.activation == "tanh":
        return f"1 - {par(a)}² = ", ""
    if t.activation in ("relu", "leaky_relu", "elu"):
        return "", f"   (z {'>' if z > 0 else '≤'} 0)"
    if t.activation == "softplus":
        return f"σ({num(z)}) = ", ""
    return "", ""


def _delta_lines(t: LayerTrace, li: int, j: int, s: float | None) -> list[str]:
    if t.fprime is None:  # softmax after mse: the Jacobian-vector product
        g = t.upstream[j]
        return [f"{INDENT}δ{li}[{j + 1}] = {num(t.a[j])}·({num(g)} - {par(s)}) = {num(t.delta[j])}"]
    fp = t.fprime[j]
    before, after = _fprime_expr(t, j)
    return [
        f"{INDENT}f′(z{li}[{j + 1}]) = {before}{num(fp)}{after}",
        f"{INDENT}δ{li}[{j + 1}] = {par(t.upstream[j])}·{par(fp)} = {num(t.delta[j])}",
    ]


def gradient_step(trace: Trace, li: int, width: int, neuron: int | None) -> TraceStep:
    t = trace.layers[li - 1]
    lines = [f"∂C/∂W{li} = δ{li} a{li - 1}ᵀ,  ∂C/∂b{li} = δ{li}"]
    shown = _neurons(t.n_out, neuron)
    for j in shown:
        if t.delta[j] == 0:
            lines.append(
                f"{INDENT}δ{li}[{j + 1}] = 0: ∂C/∂W{li}[{j + 1},:] = 0 and ∂C/∂b{li}[{j + 1}] = 0"
            )
            continue
        cols, hidden = _weights(t, j, neuron)
        for k in cols:
            lines.append(
                f"{INDENT}∂C/∂W{li}[{j + 1},{k + 1}] = δ{li}[{j + 1}]·a{li - 1}[{k + 1}] = "
                f"{par(t.delta[j])}·{par(t.a_in[k])} = {num(t.dW[j, k])}"
            )
        if hidden:
            lines.append(f"{INDENT}… and {hidden} smaller weight gradients of neuron {j + 1}")
        lines.append(f"{INDENT}∂C/∂b{li}[{j + 1}] = δ{li}[{j + 1}] = {num(t.db[j])}")
    lines += _more_neurons(t.n_out, shown, neuron)
    return TraceStep("gradients", li, f"Gradients, layer {li}", tuple(lines))


def update_step(trace: Trace, li: int, width: int, neuron: int | None) -> TraceStep:
    t = trace.layers[li - 1]
    lr = num(trace.lr)
    lines = [f"W{li} ← W{li} - α ∂C/∂W{li},  b{li} ← b{li} - α ∂C/∂b{li},  α = {lr}"]
    shown = _neurons(t.n_out, neuron)
    for j in shown:
        if t.delta[j] == 0:
            lines.append(
                f"{INDENT}δ{li}[{j + 1}] = 0: W{li}[{j + 1},:] and b{li}[{j + 1}] stay as they are"
            )
            continue
        cols, hidden = _weights(t, j, neuron)
        for k in cols:
            lines.append(
                f"{INDENT}W{li}[{j + 1},{k + 1}] = {num(t.W[j, k])} - {lr}·{par(t.dW[j, k])}"
                f" = {num(t.W_new[j, k])}"
            )
        if hidden:
            lines.append(f"{INDENT}… and {hidden} weights of neuron {j + 1} that move less")
        lines.append(
            f"{INDENT}b{li}[{j + 1}] = {num(t.b[j])} - {lr}·{par(t.db[j])} = {num(t.b_new[j])}"
        )
    lines += _more_neurons(t.n_out, shown, neuron)
    if li == len(trace.layers):
        lines.append(
            f"cost of this sample: {num(trace.loss)} before the step, {num(trace.loss_after)} after"
        )
    return TraceStep("update", li, f"Update, layer {li}", tuple(lines))


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


def trace_step(trace: Trace, index: int, width: int = 80, neuron: int | None = None) -> TraceStep:
    """Step `index` of `step_plan(trace)`, its lines at most `width` columns. With `neuron`
    (0-based, clamped to the layer) only that neuron is detailed; otherwise up to MAX_NEURONS."""
    kind, layer = step_plan(trace)[index]
    if kind == "cost":
        step = cost_step(trace, width)
    else:
        step = BUILDERS[kind](trace, layer, width, neuron)
    lines = tuple(part for line in step.lines for part in fit(line, width))
    return TraceStep(step.kind, step.layer, step.title, lines)


def trace_steps(trace: Trace, width: int = 80, neuron: int | None = None) -> list[TraceStep]:
    """Every step in order (see `trace_step`)."""
    return [trace_step(trace, i, width, neuron) for i in range(len(step_plan(trace)))]


def trace_text(trace: Trace, heading: list[str] | None = None, width: int = 80) -> str:
    """The whole worked calculation, one section per step."""
    out = list(heading or [])
    for step in trace_steps(trace, width):
        if out:
            out.append("")
        out.append(step.title)
        out.extend(step.lines)
    return "\n".join(out) + "\n"
