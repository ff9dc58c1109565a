"""Stable numerics, dtype discipline, specs and parameters."""

import subprocess
import sys
import warnings

import numpy as np
import pytest

from tui_nn.engine import (
    ACTIVATIONS,
    INITIALIZERS,
    LOSSES,
    HyperParams,
    LayerSpec,
    Network,
    NetworkSpec,
    SpecError,
    TrainData,
    Trainer,
    accuracy,
)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations_have_no_overflow_for_large_z(name, dtype):
    z = np.array([[-1e4, -700.0, -88.0, -1.0, 0.0, 1.0, 88.0, 700.0, 1e4]], dtype=dtype)
    act = ACTIVATIONS[name]
    a, tmp = np.empty_like(z), np.empty_like(z)
    delta = np.ones_like(z)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        act.forward(z, a, tmp)
        act.backward(z, a, delta, tmp)
    assert np.isfinite(a).all() and np.isfinite(delta).all()
    assert a.dtype == delta.dtype == np.dtype(dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("loss,head", [("mse", "identity"), ("bce", "sigmoid"), ("cce", "softmax")])
def test_losses_stay_finite_for_confident_wrong_answers(loss, head, dtype):
    z = np.array([[1e4, -1e4], [-1e4, 1e4]], dtype=dtype)
    a, tmp = np.empty_like(z), np.empty_like(z)
    y = np.array([1, 0]) if loss == "cce" else np.array([[0.0, 1.0], [1.0, 0.0]], dtype=dtype)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        ACTIVATIONS[head].forward(z, a, tmp)
        value = LOSSES[loss].value(z, a, y, tmp)
        delta = np.empty_like(z)
        LOSSES[loss].delta(z, a, y, delta)
    assert np.isfinite(value) and value > 1e3  # large, honest, finite
    assert np.isfinite(delta).all()


def test_sigmoid_and_softplus_match_their_formulas():
    z = np.linspace(-30, 30, 61)
    a, tmp = np.empty_like(z), np.empty_like(z)
    ACTIVATIONS["sigmoid"].forward(z, a, tmp)
    np.testing.assert_allclose(a, 1 / (1 + np.exp(-z)), rtol=1e-12, atol=1e-15)
    ACTIVATIONS["softplus"].forward(z, a, tmp)
    np.testing.assert_allclose(a, np.log1p(np.exp(z)), rtol=1e-12)
    ACTIVATIONS["gelu"].forward(z, a, tmp)
    c = np.sqrt(2 / np.pi)
    np.testing.assert_allclose(a, 0.5 * z * (1 + np.tanh(c * (z + 0.044715 * z**3))), atol=1e-12)


def _classifier(dtype="float32", seed=0):
    spec = NetworkSpec(3, (LayerSpec(5, "relu"),), LayerSpec(3, "softmax"), "cce", dtype=dtype)
    net = Network.from_spec(spec)
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 256, size=(40, 3)).astype(np.uint8)
    y = rng.integers(0, 3, size=40)
    return net, TrainData(X[:30], y[:30], X[30:], y[30:], input_scale=1 / 255)


def test_float32_network_stays_float32():
    net, data = _classifier("float32")
    trainer = Trainer(
        net, data, HyperParams(lr=0.1, batch_size=7, optimizer="adam", l1=1e-4, l2=1e-3)
    )
    for _ in range(10):
        trainer.step()
    arrays = [a for layer in net.layers for a in (layer.W, layer.b, layer.dW, layer.db)]
    arrays += [a for layer in net.layers for a in (layer.x, layer.z, layer.a, layer.delta)]
    arrays += [v for st in trainer.optimizer.state for v in st.values()]
    arrays += [net.forward(data.X_test, 1 / 255), net.forward(np.zeros((2, 3)))]
    stats = trainer.neuron_stats()[0]
    arrays += [stats.mean_abs_delta, stats.mean_activation, stats.dead_fraction]
    assert {a.dtype for a in arrays} == {np.dtype(np.float32)}


def test_float64_network_is_float64_and_agrees_with_float32():
    net32, data = _classifier("float32")
    net64, _ = _classifier("float64")
    assert net64.layers[0].W.dtype == np.float64
    out32 = net32.forward(data.X_train, 1 / 255)
    out64 = net64.forward(data.X_train, 1 / 255)
    np.testing.assert_allclose(out32, out64, rtol=1e-4, atol=1e-6)


def test_uint8_inputs_are_scaled_like_floats():
    net, data = _classifier("float64")
    scaled = data.X_train.astype(np.float64) / 255
    np.testing.assert_allclose(net.forward(data.X_train, 1 / 255), net.forward(scaled), rtol=1e-12)


@pytest.mark.parametrize(
    "spec,words",
    [
        (NetworkSpec(2, (LayerSpec(4, "relux"),)), ["relux", "relu", "tanh", "swish"]),
        (NetworkSpec(2, (LayerSpec(4, "softmax"),)), ["output layer only"]),
        (NetworkSpec(2, (), LayerSpec(2, "softmax"), "bce"), ["bce", "sigmoid"]),
        (NetworkSpec(2, (), LayerSpec(2, "sigmoid"), "hinge"), ["hinge", "mse", "cce"]),
        (NetworkSpec(2, (), LayerSpec(1, "sigmoid"), "bce", init="lecun"), ["lecun", "he_normal"]),
        (NetworkSpec(2, (), LayerSpec(1, "softmax"), "cce"), ["at least 2"]),
        (NetworkSpec(2, (LayerSpec(0),)), ["units"]),
    ],
)
def test_bad_specs_raise_one_line_spec_errors(spec, words):
    with pytest.raises(SpecError) as err:
        Network.from_spec(spec)
    message = str(err.value)
    assert "\n" not in message
    for word in words:
        assert word in message


def test_aliases_and_every_initializer_build():
    for init in INITIALIZERS:
        spec = NetworkSpec(4, (LayerSpec(3, "linear"), LayerSpec(3, "silu")), init=init, seed=3)
        net = Network.from_spec(spec)
        assert net.spec == spec
        if init == "zeros":
            assert not net.layers[0].W.any()
        else:
            assert net.layers[0].W.std() > 0


def test_he_init_has_the_textbook_scale():
    spec = NetworkSpec(400, (LayerSpec(300, "relu"),), LayerSpec(1, "sigmoid"))
    W = Network.from_spec(spec).layers[0].W
    assert W.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert not Network.from_spec(spec).layers[0].b.any()


def test_params_round_trip_and_are_shape_checked():
    net, _ = _classifier()
    params = net.get_params()
    params[0][0][0, 0] += 1.0  # a copy: the network must not change
    assert net.layers[0].W[0, 0] != params[0][0][0, 0]
    clone = Network.from_params(net.spec, params)
    assert clone.layers[0].W[0, 0] == params[0][0][0, 0]
    with pytest.raises(SpecError, match="layer 1"):
        net.set_params([(np.zeros((2, 2)), np.zeros(2)), params[1]])
    with pytest.raises(SpecError, match="2 layers"):
        net.set_params(params[:1])


def test_forward_checks_input_width():
    net, _ = _classifier()
    with pytest.raises(SpecError, match=r"\(n, 3\)"):
        net.forward(np.zeros((2, 4)))


def test_accuracy_argmax_and_threshold():
    assert accuracy(np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]), np.array([1, 0, 0])) == 2 / 3
    assert accuracy(np.array([[0.6], [0.4], [0.51]]), np.array([1, 1, 1])) == 2 / 3


def test_engine_imports_no_ui_or_other_packages():
    code = (
        "import sys, tui_nn.engine\n"
        "bad = [m for m in ('textual', 'plotext', 'tui_nn.data', 'tui_nn.session', 'tui_nn.ui')"
        " if m in sys.modules]\n"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_targets_are_encoded_for_each_loss():
    from tui_nn.engine import encode_targets

    y = np.array([2, 0, 1], dtype=np.uint8)
    assert encode_targets(y, 3, "cce", np.float32).tolist() == [2, 0, 1]
    assert encode_targets(y.astype(float), 3, "cce", np.float32).dtype == np.int64
    one_hot = encode_targets(y, 3, "mse", np.float32)
    assert one_hot.dtype == np.float32 and one_hot.tolist() == [[0, 0, 1], [1, 0, 0], [0, 1, 0]]
    assert encode_targets(np.array([1, 0]), 1, "bce", np.float64).tolist() == [[1.0], [0.0]]
    assert encode_targets(np.array([3, 7]), 1, "mse", np.float32, False).tolist() == [[3], [7]]
    with pytest.raises(SpecError, match="0..1"):
        encode_targets(np.array([0, 2]), 1, "bce", np.float32)
    with pytest.raises(SpecError, match=r"\(n, 2\)"):
        encode_targets(np.zeros((4, 3)), 2, "mse", np.float32)


def test_forward_in_chunks_equals_row_by_row():
    spec = NetworkSpec(3, (LayerSpec(4, "gelu"),), LayerSpec(2, "softmax"), "cce", dtype="float64")
    net = Network.from_spec(spec)
    X = np.random.default_rng(0).normal(size=(2500, 3))  # three chunks of <= 1024 rows
    out = net.forward(X)
    assert out.shape == (2500, 2) and np.allclose(out.sum(axis=1), 1.0)
    for i in (0, 1023, 1024, 2499):
        np.testing.assert_allclose(out[i], net.forward(X[i])[0], rtol=1e-12)
