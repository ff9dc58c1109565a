"""Live surgery keeps what the network learned."""

import numpy as np
import pytest

from tui_nn.engine import (
    HyperParams,
    LayerSpec,
    Network,
    NetworkSpec,
    SpecError,
    TrainData,
    Trainer,
)


def _trained(hidden=(("relu", 5), ("relu", 4)), optimizer="adam", dtype="float64", steps=20):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = (X[:, 0] + X[:, 1] * X[:, 2] > 0).astype(int) + (X[:, 2] > 1)
    spec = NetworkSpec(
        3,
        tuple(LayerSpec(units, act) for act, units in hidden),
        LayerSpec(3, "softmax"),
        "cce",
        dtype=dtype,
    )
    trainer = Trainer(
        Network.from_spec(spec),
        TrainData(X, y, X[:10], y[:10]),
        HyperParams(lr=0.05, batch_size=8, optimizer=optimizer),
    )
    for _ in range(steps):
        trainer.step()
    return trainer, X


@pytest.mark.parametrize("layer,index", [(0, 0), (0, 2), (0, None), (1, 1), (1, None)])
def test_inserting_a_neuron_leaves_the_output_unchanged(layer, index):
    trainer, X = _trained()
    before = trainer.net.forward(X)
    old = trainer.net.get_params()
    trainer.insert_neuron(layer, index)
    assert trainer.net.spec.hidden[layer].units == old[layer][0].shape[0] + 1
    np.testing.assert_allclose(trainer.net.forward(X), before, rtol=1e-12, atol=1e-14)
    at = old[layer][0].shape[0] if index is None else index
    new_row = trainer.net.layers[layer].W[at]
    assert np.abs(new_row).sum() > 0, "new neuron needs non-zero incoming weights to learn"
    assert not trainer.net.layers[layer + 1].W[:, at].any(), "outgoing weights must start at 0"
    result = trainer.step()  # and it trains on
    assert np.isfinite(result.batch_loss)
    assert trainer.net.layers[layer + 1].W[:, at].any()


def test_removing_a_neuron_keeps_every_other_weight():
    trainer, _ = _trained()
    old = trainer.net.get_params()
    trainer.remove_neuron(0, 2)
    new = trainer.net.get_params()
    np.testing.assert_array_equal(new[0][0], np.delete(old[0][0], 2, axis=0))
    np.testing.assert_array_equal(new[0][1], np.delete(old[0][1], 2))
    np.testing.assert_array_equal(new[1][0], np.delete(old[1][0], 2, axis=1))
    np.testing.assert_array_equal(new[1][1], old[1][1])
    np.testing.assert_array_equal(new[2][0], old[2][0])
    assert trainer.net.spec.hidden[0].units == 4
    with pytest.raises(SpecError, match="0..3"):
        trainer.remove_neuron(0, 4)


def test_optimizer_state_follows_the_surviving_weights():
    trainer, _ = _trained(optimizer="adam")
    m_before = [m.copy() for m in trainer.net.split(trainer.optimizer.state[0]["m"])]
    trainer.remove_neuron(0, 1)
    trainer.insert_neuron(1, 0)
    m = trainer.net.split(trainer.optimizer.state[0]["m"])  # [W1, b1, W2, b2, W3, b3]
    np.testing.assert_array_equal(m[0], np.delete(m_before[0], 1, axis=0))
    np.testing.assert_array_equal(m[1], np.delete(m_before[1], 1))
    expected = np.insert(np.delete(m_before[2], 1, axis=1), 0, 0.0, axis=0)
    np.testing.assert_array_equal(m[2], expected)
    np.testing.assert_array_equal(m[4][:, 0], 0.0)
    np.testing.assert_array_equal(m[4][:, 1:], m_before[4])
    np.testing.assert_array_equal(m[5], m_before[5])
    assert trainer.optimizer.t == 20


def test_set_architecture_with_more_units_keeps_output_and_weights():
    trainer, X = _trained()
    before = trainer.net.forward(X)
    old = trainer.net.get_params()
    spec = trainer.net.spec
    trainer.set_architecture(spec.with_hidden([LayerSpec(7, "relu"), LayerSpec(4, "relu")]))
    np.testing.assert_allclose(trainer.net.forward(X), before, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(trainer.net.layers[0].W[:5], old[0][0])
    np.testing.assert_array_equal(trainer.net.layers[1].W[:, :5], old[1][0])
    trainer.set_architecture(spec.with_hidden([LayerSpec(3, "relu"), LayerSpec(4, "relu")]))
    np.testing.assert_array_equal(trainer.net.layers[0].W, old[0][0][:3])
    np.testing.assert_array_equal(trainer.net.layers[2].W, old[2][0])


def test_inserting_a_relu_layer_after_a_relu_layer_is_exact():
    trainer, X = _trained()
    before = trainer.net.forward(X)
    old = trainer.net.get_params()
    hidden = list(trainer.net.spec.hidden)
    trainer.set_architecture(
        trainer.net.spec.with_hidden([hidden[0], LayerSpec(5, "relu"), hidden[1]])
    )
    assert [layer.n_out for layer in trainer.net.layers] == [5, 5, 4, 3]
    np.testing.assert_array_equal(trainer.net.layers[1].W, np.eye(5))
    np.testing.assert_array_equal(trainer.net.layers[2].W, old[1][0])
    np.testing.assert_allclose(trainer.net.forward(X), before, rtol=1e-12, atol=1e-14)
    moments = trainer.net.split(trainer.optimizer.state[0]["m"])
    assert not moments[2].any() and moments[4].any()  # new layer from zero, the next kept
    trainer.step()


def test_removing_a_linear_layer_folds_it_into_the_next():
    trainer, X = _trained(hidden=(("tanh", 5), ("identity", 4)))
    before = trainer.net.forward(X)
    spec = trainer.net.spec
    trainer.set_architecture(spec.with_hidden(spec.hidden[:1]))
    assert trainer.net.spec.sizes == (3, 5, 3)
    np.testing.assert_allclose(trainer.net.forward(X), before, rtol=1e-10, atol=1e-12)
    trainer.step()


def test_changing_an_activation_keeps_the_weights():
    trainer, X = _trained()
    old = trainer.net.get_params()
    spec = trainer.net.spec
    trainer.set_architecture(spec.with_hidden([LayerSpec(5, "tanh"), spec.hidden[1]]))
    assert trainer.net.layers[0].activation == "tanh"
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(old, trainer.net.get_params()))


def test_big_changes_fall_back_to_matching_by_position():
    trainer, X = _trained()
    spec = trainer.net.spec
    new = spec.with_hidden([LayerSpec(6, "elu"), LayerSpec(2, "relu"), LayerSpec(3, "gelu")])
    trainer.set_architecture(new)
    assert trainer.net.spec == new
    trainer.set_architecture(spec.with_hidden([]))
    assert trainer.net.spec.sizes == (3, 3)
    for _ in range(5):
        assert np.isfinite(trainer.step().batch_loss)


def test_dtype_and_output_changes():
    trainer, X = _trained(dtype="float64")
    spec = trainer.net.spec
    trainer.set_architecture(NetworkSpec(3, spec.hidden, spec.output, "cce", dtype="float32"))
    assert {layer.W.dtype for layer in trainer.net.layers} == {np.dtype(np.float32)}
    trainer.step()
    assert {v.dtype for st in trainer.optimizer.state for v in st.values()} == {np.dtype("f4")}
    with pytest.raises(SpecError, match="inputs"):
        trainer.set_architecture(NetworkSpec(4, spec.hidden, spec.output, "cce"))
    with pytest.raises(SpecError, match="0..1"):  # 3 classes in the data, 2 outputs
        trainer.set_architecture(NetworkSpec(3, spec.hidden, LayerSpec(2, "softmax"), "cce"))
    assert trainer.net.spec.output.units == 3  # a refused change leaves the network alone


def test_parameters_stay_views_of_one_flat_array_after_surgery():
    trainer, _ = _trained()
    trainer.insert_neuron(0)
    trainer.set_architecture(trainer.net.spec.with_hidden([LayerSpec(3, "tanh")]))
    net = trainer.net
    assert net.flat_params.size == net.n_params == 3 * 3 + 3 + 3 * 3 + 3
    for layer in net.layers:
        assert np.shares_memory(layer.W, net.flat_params)
        assert np.shares_memory(layer.dW, net.flat_grads)
    before = net.layers[1].W.copy()
    trainer.step()
    assert not np.array_equal(before, net.layers[1].W)  # the optimizer updated the views


def test_the_same_spec_changes_nothing():
    trainer, X = _trained(optimizer="momentum")
    before = trainer.net.forward(X)
    velocity = trainer.optimizer.state[0]["v"].copy()
    trainer.set_architecture(trainer.net.spec)
    np.testing.assert_array_equal(trainer.net.forward(X), before)
    np.testing.assert_array_equal(trainer.optimizer.state[0]["v"], velocity)


def test_inputs_switched_on_and_off_keep_the_other_weights():
    from tui_nn.engine import surgery
    from tui_nn.engine.optimizers import OPTIMIZERS

    net = Network.from_spec(NetworkSpec(3, (LayerSpec(4, "tanh"),), seed=2))
    opt = OPTIMIZERS["adam"]()
    opt.step([net.flat_params], [np.ones_like(net.flat_params)], 0.01)
    W, W2 = net.layers[0].W.copy(), net.layers[1].W.copy()
    m = net.split(opt.state[0]["m"])[0].copy()
    surgery.remap_inputs(net, opt, [2, -1, 0])  # input 1 goes, a new one between
    assert net.n_inputs == 3 and net.spec.n_inputs == 3
    np.testing.assert_array_equal(net.layers[0].W[:, 0], W[:, 2])
    np.testing.assert_array_equal(net.layers[0].W[:, 2], W[:, 0])
    assert not net.layers[0].W[:, 1].any()  # the new input: zero weights
    np.testing.assert_array_equal(net.layers[1].W, W2)
    m_new = net.split(opt.state[0]["m"])[0]
    np.testing.assert_array_equal(m_new[:, 0], m[:, 2])
    assert not m_new[:, 1].any()
    x = np.array([[0.5, 9.0, -1.0]], dtype=np.float32)  # the new input changes nothing yet
    old = Network.from_params(NetworkSpec(3, (LayerSpec(4, "tanh"),)), [(W, net.layers[0].b),
                              (W2, net.layers[1].b)])  # fmt: skip
    np.testing.assert_allclose(net.forward(x), old.forward(np.array([[-1.0, 0.0, 0.5]])), rtol=1e-6)
    surgery.remap_inputs(net, opt, [0])
    assert net.n_inputs == 1
    with pytest.raises(SpecError):
        surgery.remap_inputs(net, opt, [3])
