"""The installed entry points, in a real subprocess: `tui-nn` and `python -m tui_nn`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow  # real processes or the app: `-m "not slow"` leaves them out


def test_console_script_and_module_entry_points(tmp_path):
    script = shutil.which("tui-nn", path=str(Path(sys.executable).parent))
    assert script is not None, "the tui-nn console script is not installed next to python"
    model = tmp_path / "xor.npz"
    args = ["train", "--dataset", "xor", "--samples", "40", "--epochs", "1", "--save", model]
    done = subprocess.run([script, *map(str, args)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "epoch 1/1" in done.stdout
    with np.load(model, allow_pickle=False) as npz:
        assert npz["layer0.weight"].shape == (8, 2)

    bad = subprocess.run(
        [sys.executable, "-m", "tui_nn", "eval", str(tmp_path / "absent.npz")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        f"tui-nn: error: {tmp_path / 'absent.npz'}: no such file"
    ]

    # The headless paths never import Textual (start-up stays fast).
    code = (
        "import sys; from tui_nn.cli import main; "
        "assert main(['train', '--help']) == 0; "
        "assert main(['datasets']) == 0; "
        "assert main(['--help']) == 0; "
        "assert 'textual' not in sys.modules, 'textual was imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
