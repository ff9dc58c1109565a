"""Fixtures for the app's tests (helpers live in ui_helpers.py)."""

from __future__ import annotations

import pytest
from ui_helpers import Harness

from tui_nn.config import RunConfig


@pytest.fixture
def harness(tmp_path) -> Harness:
    return Harness(RunConfig(), tmp_path)
