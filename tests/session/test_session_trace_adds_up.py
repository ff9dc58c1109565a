"""Numbers that add up: every equation of the worked trace re-adds from the operands it shows
(a calculator given the shown numbers gets the shown result), with more digits where four would
not, `≈` where even nine would not; the update is the run's optimizer's; a regression is also
given in the target's units."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from tui_nn.engine import LayerSpec, Network, NetworkSpec
from tui_nn.engine.optimizers import OPTIMIZERS
from tui_nn.engine.trace import trace_sample
from tui_nn.engine.trainer import Trainer
from tui_nn.engine.types import HyperParams, TrainData
from tui_nn.textbook.trace_lines import fitted_sum, shown
from tui_nn.textbook.trace_text import trace_text

NUMBER = r"-?\d+(?:\.\d+)?(?:e-?\d+)?"
SAFE = {"sqrt": math.sqrt, "log": math.log, "exp": math.exp, "tanh": math.tanh,
        "relu": lambda z: max(z, 0.0), "sig": lambda z: 1 / (1 + math.exp(-z))}  # fmt: skip


def _expression(text: str) -> str | None:
    """A shown right-hand side as Python, or None when it names symbols (δ2[1]·a1[1])."""
    text = text.strip()
    if "[" in text and "more:" in text:  # "[3 more: 0.25]" is a number the line shows
        text = re.sub(r"\[\d+ more: (" + NUMBER + r")\]", r"(\1)", text)
    words = re.sub(NUMBER, "", text)
    for name in ("ln", "sign", "σ", "tanh", "relu"):
        words = words.replace(name, "")
    if re.search(r"[A-Za-zαβμλεδ∂]", words):
        return None
    text = re.sub("√(" + NUMBER + ")", r"sqrt(\1)", text)
    text = text.replace("·", "*").replace("²", "**2")
    text = text.replace("ln(", "log(").replace("σ(", "sig(").replace("sign(", "copysign(1,")
    text = re.sub(r"ln (" + NUMBER + ")", r"log(\1)", text)
    text = re.sub(r"\)\s*\[", ")*[", text)
    text = text.replace("[", "(").replace("]", ")")
    return text


def _half_unit(result: str) -> float:
    """Half a unit in the last shown digit of a result."""
    mantissa, _, exp = result.lstrip("-").partition("e")
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return 0.5 * 10 ** (-decimals + (int(exp) if exp else 0))


def check_adds_up(text: str) -> int:
    """Assert every `... = expression = number` line re-adds; the number of lines checked."""
    checked = 0
    lines = text.splitlines()
    joined = []  # long sums continue on the next lines
    for line in lines:
        if joined and line.startswith("      "):
            joined[-1] += " " + line.strip()
        else:
            joined.append(line)
    for line in joined:
        if "≈" in line or " = " not in line or "→" in line:
            continue
        parts = line.split(" = ")
        if len(parts) < 3 and not line.strip().startswith(("=", "g =")):
            parts = [""] + parts if line.strip().startswith("=") else parts
        if len(parts) < 2:
            continue
        expr, result = parts[-2], parts[-1].split()[0] if parts[-1].split() else ""
        if not re.fullmatch(NUMBER, result):
            continue
        expr = expr.split(":")[-1].strip().lstrip("-[").rstrip("]") if expr.strip().startswith(("-[", "[")) else expr
        python = _expression(expr.split("= ")[-1])
        if python is None or not re.search(r"[-+*/(]", python.strip().lstrip("-")):
            continue
        try:
            got = eval(python, {"__builtins__": {}, "copysign": math.copysign, **SAFE})  # noqa: S307
        except (SyntaxError, NameError, TypeError):
            continue
        if line.strip().startswith("= -["):
            got = -got
        assert abs(got - float(result)) <= _half_unit(result) * 1.0001 + 1e-300, line
        checked += 1
    return checked


def _trainer(optimizer, act, out, loss, units, dtype, l1=0.0, l2=0.0, steps=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(0, 2, (40, 3))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    if loss == "mse":
        y = np.stack([X[:, 0] ** 2, X[:, 1]], axis=1)[:, :units]
    spec = NetworkSpec(3, (LayerSpec(5, act), LayerSpec(4, act)), LayerSpec(units, out), loss,
                       seed=seed, dtype=dtype)  # fmt: skip
    hyper = HyperParams(lr=0.05, optimizer=optimizer, l1=l1, l2=l2, batch_size=5)
    data = TrainData(X.astype(dtype), y if loss != "mse" else y.astype(dtype), X[:0], y[:0],
                     task="classification" if loss != "mse" else "regression")  # fmt: skip
    trainer = Trainer(Network.from_spec(spec), data, hyper)
    for _ in range(steps):
        trainer.step()
    return trainer, X.astype(dtype), y


CASES = [
    ("sgd", "tanh", "sigmoid", "bce", 1),
    ("momentum", "relu", "softmax", "cce", 3),
    ("nesterov", "sigmoid", "identity", "mse", 2),
    ("adam", "softplus", "sigmoid", "bce", 1),
    ("adam", "tanh", "tanh", "mse", 1),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("optimizer, act, out, loss, units", CASES)
def test_every_equation_re_adds_from_what_it_shows(dtype, optimizer, act, out, loss, units):
    trainer, X, y = _trainer(optimizer, act, out, loss, units, dtype, l1=0.001, l2=0.01)
    total = 0
    for i in (0, 7, 21):
        target = y[i] if loss != "mse" else y[i].astype(dtype)
        trace = trace_sample(trainer.net, X[i], target, 0.05, optimizer=trainer.optimizer,
                             l1=0.001, l2=0.01)  # fmt: skip
        total += check_adds_up(trace_text(trace, width=200))
    assert total > 60


def test_the_checker_catches_a_line_that_does_not_add_up():
    assert check_adds_up("  W1[1,2] = -0.25 - 0.5·(-1.4219) = 0.46095") == 1
    with pytest.raises(AssertionError):
        check_adds_up("  W1[1,2] = -0.25 - 0.5·(-1.422) = 0.4609")


def test_the_issues_examples():
    # 1 - 0.9998² shown as 0.0003757: a calculator says 0.0004; the trace shows more digits
    a = 0.99981213
    s = shown(lambda x: 1 - x * x, [a], 1 - a * a)
    assert s.eq == "=" and s.result == "0.0003757" and len(s.operands[0]) > len("0.9998")
    assert abs((1 - float(s.operands[0]) ** 2) - float(s.result)) <= _half_unit(s.result)
    # δ = 1 - 1 = -4.172e-7 (a float32 a of 0.9999996): more digits, else ≈
    a32 = float(np.float32(0.99999958))
    s = shown(lambda x, y: x - y, [a32, 1.0], a32 - 1.0)
    assert s.operands[0] == "0.9999995828" and s.eq == "=" and s.result == "-4.172e-7"
    # C = -[ln 1] = 4.367e-7: the cost from z is exact where ln of the rounded a is not
    s = shown(lambda x: -math.log(x), [a32], 4.367e-7)
    assert s.eq == "≈" and s.operands[0] == "0.9999995828"  # the cost from z is more exact


def test_long_sums_add_up_with_their_rest():
    rng = np.random.default_rng(3)
    pairs = [(float(w), float(a)) for w, a in rng.normal(0, 1, (60, 2))]
    result = sum(w * a for w, a in pairs) + 0.3
    lines = fitted_sum("  z = ", pairs, [0.3], result, 80)
    assert len(lines) <= 2 and "more:" in " ".join(lines)
    assert check_adds_up(" ".join(lines)) == 1


def test_the_update_shows_the_runs_optimizer():
    trainer, X, y = _trainer("adam", "tanh", "sigmoid", "bce", 1, "float64", l2=0.01)
    trace = trace_sample(trainer.net, X[0], y[0], 0.05, optimizer=trainer.optimizer, l2=0.01)
    text = trace_text(trace)
    assert "Update, layer 1 (adam)" in text
    assert "m̂ = m / (1 - β1^t),  v̂ = v / (1 - β2^t)" in text
    assert f"t = {trainer.optimizer.t + 1}, β1 = 0.9, β2 = 0.999, ε = 1e-8, α = 0.05" in text
    assert "g = ∂C/∂W1 + λ2 W1   (L1/L2 on weights only; λ2 = 0.01)" in text
    assert "plain SGD would give" in text
    for name in ("momentum", "nesterov"):
        trainer, X, y = _trainer(name, "tanh", "sigmoid", "bce", 1, "float64")
        text = trace_text(trace_sample(trainer.net, X[0], y[0], 0.05, optimizer=trainer.optimizer))
        assert f"Update, layer 2 ({name})" in text and "μ = 0.9, α = 0.05" in text
        assert ("look-ahead" in text) == (name == "nesterov")
    fresh = trace_sample(trainer.net, X[0], y[0], 0.05, optimizer=OPTIMIZERS["adam"]())
    assert "the optimizer's first step: its state starts at 0" in trace_text(fresh)


def test_regression_is_traced_in_the_targets_units_too():
    trainer, X, y = _trainer("sgd", "tanh", "identity", "mse", 1, "float64")
    trace = trace_sample(trainer.net, X[0], y[0], 0.05)
    target = {"shift": [250000.0], "scale": [50000.0], "name": "price"}
    text = trace_text(trace, target=target)
    assert "in the target's units" in text
    out = 250000 + 50000 * float(trace.output[0])
    line = next(x for x in text.splitlines() if x.strip().startswith("output = "))
    assert float(line.split(" = ")[-1]) == pytest.approx(out, rel=1e-3)
    assert any(x.strip().startswith("price = ") for x in text.splitlines())
    assert check_adds_up(text) > 0
    assert "in the target's units" not in trace_text(trace)


def test_the_trace_names_feature_inputs():
    trainer, X, y = _trainer("sgd", "tanh", "sigmoid", "bce", 1, "float64")
    trace = trace_sample(trainer.net, X[0], y[0], 0.05)
    named = trace_text(trace, names=("x1", "x1²", "sin(x2)"))
    assert "x = (x1, x1², sin(x2))" in named.splitlines()
    assert "x = (" not in trace_text(trace, names=("x1", "x2", "x3"))  # plain names: no line
