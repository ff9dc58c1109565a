"""The worked text of a trace: a 2-2-1 network against numbers worked out by hand, widths,
the cost and output error of every loss."""

import math

import numpy as np

from tui_nn.engine import LayerSpec, Network, NetworkSpec
from tui_nn.engine.trace import trace_sample
from tui_nn.textbook.trace_text import num, trace_steps, trace_text

# ---- the worked example, by hand ------------------------------------------------------------


def _hand_network() -> Network:
    """x = (1, 2); hidden: 2 ReLU neurons; output: 1 sigmoid neuron with binary cross-entropy."""
    spec = NetworkSpec(2, (LayerSpec(2, "relu"),), LayerSpec(1, "sigmoid"), "bce", dtype="float64")
    return Network.from_params(
        spec,
        [
            (np.array([[0.5, -0.25], [0.25, 0.5]]), np.array([0.1, -0.5])),
            (np.array([[1.0, -2.0]]), np.array([0.5])),
        ],
    )


def test_worked_example_by_hand():
    # By hand: z1 = (0.5 - 0.5 + 0.1, 0.25 + 1 - 0.5) = (0.1, 0.75), both > 0 so a1 = z1.
    # z2 = 0.1 - 1.5 + 0.5 = -0.9, a2 = 1 / (1 + e^0.9) = 0.289050..., C = -ln a2 = 1.24115...
    # delta2 = a2 - 1 = -0.710950; W2^T delta2 = (-0.710950, 1.421899), relu' = 1: delta1 = that.
    # dW2 = delta2 a1 = (-0.0710950, -0.533212); dW1 = delta1 x^T.
    # lr 0.5: W2 = (1.035547, -1.733394), b2 = 0.855475,
    #         W1 = ((0.855475, 0.460950), (-0.460950, -0.921899)), b1 = (0.455475, -1.210950).
    a2 = 1 / (1 + math.exp(0.9))
    assert (round(a2, 6), round(-math.log(a2), 5)) == (0.289050, 1.24115)
    trace = trace_sample(_hand_network(), [1, 2], 1, 0.5)
    text = trace_text(trace)
    expected = [
        "  z1[1] = 0.5·1 + (-0.25)·2 + 0.1 = 0.1",
        "  a1[1] = relu(0.1) = 0.1",
        "  z1[2] = 0.25·1 + 0.5·2 + (-0.5) = 0.75",
        "  a1[2] = relu(0.75) = 0.75",
        "  z2[1] = 1·0.1 + (-2)·0.75 + 0.5 = -0.9",
        "  a2[1] = σ(-0.9) = 0.2891",
        "  = -[ln 0.2891] = 1.241",
        "prediction: class 0 (a = 0.2891 ≤ 0.5): wrong, the target is class 1",
        "  δ2[1] = 0.2891 - 1 = -0.7109",
        "  (W2ᵀδ2)[1] = 1·(-0.7109) = -0.7109",
        "  f′(z1[1]) = 1   (z > 0)",
        "  δ1[1] = (-0.7109)·1 = -0.7109",
        "  (W2ᵀδ2)[2] = (-2)·(-0.7109) = 1.422",
        "  δ1[2] = 1.422·1 = 1.422",
        "  ∂C/∂W2[1,1] = δ2[1]·a1[1] = (-0.7109)·0.1 = -0.07109",
        "  ∂C/∂W2[1,2] = δ2[1]·a1[2] = (-0.7109)·0.75 = -0.5332",
        "  ∂C/∂b2[1] = δ2[1] = -0.7109",
        "  ∂C/∂W1[1,2] = δ1[1]·a0[2] = (-0.7109)·2 = -1.422",
        "  ∂C/∂W1[2,2] = δ1[2]·a0[2] = 1.422·2 = 2.844",
        "  W1[1,1] = 0.5 - 0.5·(-0.7109) = 0.8555",
        "  W1[1,2] = -0.25 - 0.5·(-1.4219) = 0.4609",  # -0.25 + 0.711 would not be 0.4609
        "  b1[1] = 0.1 - 0.5·(-0.7109) = 0.4555",
        "  W1[2,1] = 0.25 - 0.5·1.4219 = -0.4609",
        "  W1[2,2] = 0.5 - 0.5·2.8438 = -0.9219",  # 0.5 - 1.422 would be -0.922
        "  b1[2] = -0.5 - 0.5·1.422 = -1.211",
        "  W2[1,1] = 1 - 0.5·(-0.07109) = 1.036",
        "  W2[1,2] = -2 - 0.5·(-0.5332) = -1.733",
        "  b2[1] = 0.5 - 0.5·(-0.7109) = 0.8555",
    ]
    lines = text.splitlines()
    for line in expected:
        assert line in lines, line
    # The cost after the step, by hand: z1 = (0.855475 + 2*0.460950 + 0.455475, < 0) -> relu.
    z1 = 0.855475 + 2 * 0.4609495 + 0.455475
    z2 = 1.0355475 * z1 + 0.8554748
    after = -math.log(1 / (1 + math.exp(-z2)))
    assert f"cost of this sample: 1.241 before the step, {num(after)} after" in lines
    # Section order: forward, cost, backward from the output down, gradients, update.
    titles = [s.title for s in trace_steps(trace)]
    assert titles == [
        "Forward, layer 1",
        "Forward, layer 2 (output)",
        "Cost of this sample",
        "Backward, layer 2 (output)",
        "Backward, layer 1",
        "Gradients, layer 2",
        "Gradients, layer 1",
        "Update, layer 1",
        "Update, layer 2",
    ]
    assert all(title in lines for title in titles)


def test_text_fits_80_columns_and_keeps_sums_honest():
    spec = NetworkSpec(64, (LayerSpec(32, "relu"),), LayerSpec(10, "softmax"), "cce", seed=4)
    net = Network.from_spec(spec)
    x = np.random.default_rng(0).uniform(0, 1, 64)
    trace = trace_sample(net, x, 3, lr=0.1)
    text = trace_text(trace)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "more: " in text and "… and 22 more neurons" in text
    # one selected neuron: only that one is detailed, and the listed terms plus the rest add up
    step = trace_steps(trace, width=60, neuron=4)[0]
    assert max(len(line) for line in step.lines) <= 60
    body = " ".join(
        line.strip() for line in step.lines if "z1[5]" in line or line.startswith("      ")
    )
    assert "z1[5] =" in body and "z1[1] =" not in body
    assert body.endswith(f"= {num(trace.layers[0].z[4])}")


def test_cost_and_output_delta_text_per_loss():
    rng = np.random.default_rng(3)
    mse = NetworkSpec(2, (), LayerSpec(2, "tanh"), "mse", dtype="float64")
    t = trace_sample(Network.from_spec(mse), rng.normal(size=2), np.array([0.5, -1.0]), 0.1)
    text = trace_text(t)
    assert "C = (1/2)Σ (a - y)²" in text and "∂C/∂a = 2(a - y)/2" in text
    y = (t.output - np.array([0.5, -1.0])) ** 2
    assert f"= {num(y.mean())}" in text
    bce = NetworkSpec(2, (), LayerSpec(3, "sigmoid"), "bce", dtype="float64")
    t = trace_sample(
        Network.from_spec(bce), rng.normal(size=2), np.array([1, 0, 1]), 0.1, classification=False
    )
    assert "δ1 = ∂C/∂z1 = (a1 - y) / 3" in trace_text(t)
