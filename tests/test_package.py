import subprocess
import sys

from tui_nn.engine import LayerSpec, NetworkSpec, SpecError


def test_engine_imports_without_textual():
    code = (
        "import sys, tui_nn.engine; assert 'textual' not in sys.modules, 'engine pulled in textual'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_network_spec_round_trips_through_dict():
    spec = NetworkSpec(2, (LayerSpec(8, "tanh"), LayerSpec(4)), LayerSpec(1, "sigmoid"), "bce")
    assert NetworkSpec.from_dict(spec.to_dict()) == spec
    assert spec.sizes == (2, 8, 4, 1)


def test_spec_rejects_zero_units():
    try:
        NetworkSpec(2, (LayerSpec(0),)).validate()
    except SpecError as exc:
        assert "units" in str(exc)
    else:
        raise AssertionError("zero units accepted")
