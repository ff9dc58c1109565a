"""The update step of the worked trace: what the run's optimizer does to the traced weights
(plain SGD, momentum's velocity, Nesterov's look-ahead, Adam's moments with their bias
correction, the L1/L2 terms), each line adding up from the numbers it shows, and the plain
SGD step beside it for reference (the textbook's `W ← W − α ∂C/∂W`).
"""

from __future__ import annotations

import math

from tui_nn.engine.trace import LayerTrace, Trace
from tui_nn.engine.trace_step import OptimizerInfo, ParamStep
from tui_nn.textbook.trace_lines import INDENT, num, shown


def rule_lines(info: OptimizerInfo | None, li: int, lr: float) -> list[str]:
    """The update rule of layer `li` with the run's settings."""
    a = num(lr)
    g = f"∂C/∂W{li}"
    lines = []
    if info is not None and (info.l1 or info.l2):
        terms = [g]
        if info.l2:
            terms.append(f"λ2 W{li}")
        if info.l1:
            terms.append(f"λ1 sign(W{li})")
        settings = ", ".join(
            f"{name} = {num(v)}" for name, v in (("λ2", info.l2), ("λ1", info.l1)) if v
        )
        lines.append(f"g = {' + '.join(terms)}   (L1/L2 on weights only; {settings})")
        g = "g"
    name = "sgd" if info is None else info.name
    if name == "sgd":
        lines.append(f"W{li} ← W{li} - α {g},  b{li} ← b{li} - α ∂C/∂b{li},  α = {a}")
    elif name == "momentum":
        lines.append(f"v ← μ v + {g},  W{li} ← W{li} - α v   (momentum; the same for b{li})")
        lines.append(f"μ = {num(info.momentum)}, α = {a}")
    elif name == "nesterov":
        lines.append(f"v ← μ v + {g},  W{li} ← W{li} - α ({g} + μ v)   (Nesterov's look-ahead)")
        lines.append(f"μ = {num(info.momentum)}, α = {a}")
    else:
        lines.append(f"m ← β1 m + (1 - β1) {g},  v ← β2 v + (1 - β2) {g}²   (Adam)")
        lines.append(f"m̂ = m / (1 - β1^t),  v̂ = v / (1 - β2^t),  W{li} ← W{li} - α m̂ / (√v̂ + ε)")
        lines.append(
            f"t = {info.t}, β1 = {num(info.beta1)}, β2 = {num(info.beta2)}, ε = {num(info.eps)}, "
            f"α = {a}"
        )
    if info is not None and info.fresh and name != "sgd":
        lines.append("(the optimizer's first step: its state starts at 0)")
    return lines


def param_lines(name: str, info: OptimizerInfo | None, old: float, step: ParamStep,
                where: tuple[int, ...], lr: float) -> list[str]:  # fmt: skip
    """The lines of one parameter (`name` like `W1[2,1]`, `where` its index in the arrays)."""
    i = INDENT
    grad, g, new = float(step.grad[where]), float(step.g[where]), float(step.new[where])
    lines = []
    if step.penalty is not None:
        l1, l2 = (info.l1, info.l2) if info is not None else (0.0, 0.0)
        lines.append(_penalty(name, grad, old, g, l1, l2))
    opt = "sgd" if info is None else info.name
    if opt == "sgd":
        s = shown(lambda p, a, d: p - a * d, [old, lr, g], new)
        lines.append(f"{i}{name} = {s.operands[0]} - {s.operands[1]}·{s.par(2)} {s.eq} {s.result}")
        return lines
    before = {k: float(v[where]) for k, v in step.before.items()}
    after = {k: float(v[where]) for k, v in step.after.items()}
    if opt in ("momentum", "nesterov"):
        mu = float(info.momentum)
        s = shown(lambda m, v, d: m * v + d, [mu, before["v"], g], after["v"])
        lines.append(f"{i}v = {s.operands[0]}·{s.par(1)} + {s.par(2)} {s.eq} {s.result}")
        if opt == "momentum":
            s = shown(lambda p, a, v: p - a * v, [old, lr, after["v"]], new)
            lines.append(f"{i}{name} = {s.operands[0]} - {s.operands[1]}·{s.par(2)} {s.eq} "
                         f"{s.result}")  # fmt: skip
        else:
            s = shown(lambda p, a, d, m, v: p - a * (d + m * v), [old, lr, g, mu, after["v"]], new)
            lines.append(f"{i}{name} = {s.operands[0]} - {s.operands[1]}·({s.operands[2]} + "
                         f"{s.operands[3]}·{s.par(4)}) {s.eq} {s.result}")  # fmt: skip
    else:
        assert info is not None and step.m_hat is not None and step.v_hat is not None
        b1, b2, t = float(info.beta1), float(info.beta2), info.t
        m_hat, v_hat = float(step.m_hat[where]), float(step.v_hat[where])
        s = shown(lambda b, m, c, d: b * m + c * d, [b1, before["m"], 1 - b1, g], after["m"])
        lines.append(f"{i}m = {s.operands[0]}·{s.par(1)} + {s.operands[2]}·{s.par(3)} {s.eq} "
                     f"{s.result}")  # fmt: skip
        s = shown(lambda b, v, c, d: b * v + c * d * d, [b2, before["v"], 1 - b2, g], after["v"])
        lines.append(f"{i}v = {s.operands[0]}·{s.par(1)} + {s.operands[2]}·{s.par(3)}² {s.eq} "
                     f"{s.result}")  # fmt: skip
        s = shown(lambda m, c: m / c, [after["m"], 1 - b1**t], m_hat)
        lines.append(f"{i}m̂ = {s.par(0)} / {s.operands[1]} {s.eq} {s.result}")
        s = shown(lambda v, c: v / c, [after["v"], 1 - b2**t], v_hat)
        lines.append(f"{i}v̂ = {s.operands[0]} / {s.operands[1]} {s.eq} {s.result}")
        eps = float(info.eps)
        s = shown(lambda p, a, m, v, e: p - a * m / (math.sqrt(v) + e),
                  [old, lr, m_hat, v_hat, eps], new)  # fmt: skip
        lines.append(f"{i}{name} = {s.operands[0]} - {s.operands[1]}·{s.par(2)} / "
                     f"(√{s.operands[3]} + {s.operands[4]}) {s.eq} {s.result}")  # fmt: skip
    sgd = float(step.sgd[where])
    s = shown(lambda p, a, d: p - a * d, [old, lr, grad], sgd)
    lines.append(f"{i}  plain SGD would give {s.operands[0]} - {s.operands[1]}·{s.par(2)} "
                 f"{s.eq} {s.result}")  # fmt: skip
    return lines


def _penalty(name: str, grad: float, w: float, g: float, l1: float, l2: float) -> str:
    operands = [grad]

    def form(*xs: float) -> float:
        total, k = xs[0], 1
        if l2:
            total, k = total + xs[k] * xs[k + 1], k + 2
        if l1:
            total += xs[k] * math.copysign(1.0, xs[k + 1]) if xs[k + 1] else 0.0
        return total

    if l2:
        operands += [l2, w]
    if l1:
        operands += [l1, w]
    s = shown(form, operands, g)
    body = [s.par(0)]
    k = 1
    if l2:
        body.append(f"{s.operands[k]}·{s.par(k + 1)}")
        k += 2
    if l1:
        body.append(f"{s.operands[k]}·sign({s.operands[k + 1]})")
    body = " + ".join(body)
    symbols = " + ".join(
        [f"∂C/∂{name}"] + (["λ2·" + name] if l2 else []) + ([f"λ1·sign({name})"] if l1 else [])
    )
    return f"{INDENT}g = {symbols} = {body} {s.eq} {s.result}"


def update_lines(trace: Trace, t: LayerTrace, li: int, j: int, cols: list[int]) -> list[str]:
    """The lines of neuron j of layer li: its weights `cols`, then its bias."""
    info, lr = trace.optimizer, trace.lr
    out: list[str] = []
    for k in cols:
        if t.step_W is None:
            continue
        out += param_lines(f"W{li}[{j + 1},{k + 1}]", info, float(t.W[j, k]), t.step_W, (j, k), lr)
    if t.step_b is not None:
        out += param_lines(f"b{li}[{j + 1}]", info, float(t.b[j]), t.step_b, (j,), lr)
    return out
