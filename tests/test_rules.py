"""One table of rules: the engine's validation, the CLI (flags and TOML keys) and the app's
fields read the same rule for each option, so they accept and refuse the same values."""

from __future__ import annotations

import dataclasses

import pytest

import tui_nn.ui.panels.fields as fields
from tui_nn.cli.options import BY_DEST, UsageError, checked
from tui_nn.cli.train import parser as train_parser
from tui_nn.config import RULES, UNITS, check_speed
from tui_nn.engine import HyperParams, SpecError, check_hyper
from tui_nn.engine.activations import HIDDEN_ACTIVATIONS
from tui_nn.engine.losses import LOSSES
from tui_nn.engine.optimizers import OPTIMIZERS
from tui_nn.rule import Rule, RuleError


def test_every_rule_is_a_cli_option_and_a_toml_key():
    for dest, rule in RULES.items():
        assert BY_DEST[dest] is rule
        assert rule.name.replace("-", "_") == dest
        assert rule.help and rule.group in ("data", "network", "training")
    text = train_parser().format_help()
    for rule in RULES.values():
        assert f"--{rule.name} " in text, rule.name


def test_names_come_from_the_registries():
    assert RULES["activation"].allowed() == HIDDEN_ACTIVATIONS
    assert set(RULES["loss"].allowed()) == {*LOSSES, "auto"}
    assert RULES["optimizer"].allowed() == tuple(OPTIMIZERS)
    assert RULES["activation"].check("SiLU") == "swish"  # an alias, as the engine spells it


# value, then whether the rule takes it
CASES = [
    ("lr", 0.5, True),
    ("lr", 1e30, True),  # the CLI may ask for a diverging rate; the app's field offers <= 10
    ("lr", 0.0, False),
    ("lr", float("nan"), False),
    ("momentum", 0.99, True),
    ("momentum", 1.0, False),
    ("l2", 1.0, True),
    ("l2", 2.0, False),
    ("l1", -0.1, False),
    ("batch_size", None, True),
    ("batch_size", 0, False),
    ("epochs", 3, True),
    ("epochs", 0, True),  # train --epochs 0 saves the initial weights (the app's field: 1+)
    ("epochs", -1, False),
]


@pytest.mark.parametrize("dest, value, ok", CASES)
def test_the_engine_and_the_cli_agree(dest, value, ok):
    hyper = dataclasses.replace(HyperParams(), **{dest: value})
    cli_value = "full" if value is None else repr(value)
    if ok:
        check_hyper(hyper)
        checked(RULES[dest], cli_value)
    else:
        with pytest.raises(SpecError, match=RULES[dest].title):
            check_hyper(hyper)
        with pytest.raises(UsageError, match=f"^--{RULES[dest].name}: "):
            checked(RULES[dest], cli_value)


@pytest.mark.parametrize(
    "dest, text, ok",
    [
        ("test_fraction", "0.99", True),  # the one rule: [0, 1) in the app as on the CLI
        ("test_fraction", "0", True),  # 0: train on everything
        ("test_fraction", "1", False),
        ("samples", "10", True),
        ("samples", "9", False),
        ("l2", "1", True),
        ("l2", "1.5", False),
        ("lr", "10", True),
        ("lr", "10.5", False),  # the app's narrower range for the learning rate
        ("epochs", "1", True),
        ("epochs", "0", False),  # the app trains until paused: a budget of 0 would end at once
    ],
)
def test_the_app_reads_the_same_rules(dest, text, ok):
    if ok:
        fields.parse(RULES[dest], text)
    else:
        with pytest.raises(fields.Refused, match=f"^{RULES[dest].title}: "):
            fields.parse(RULES[dest], text)


def test_messages_name_the_value_and_what_is_allowed():
    with pytest.raises(RuleError) as info:
        RULES["test_fraction"].check("1")
    assert str(info.value) == "'1' is out of range (must be a number in [0, 1))"
    with pytest.raises(RuleError, match=r"^'x' is not a whole number \(must be a whole number in"):
        UNITS.check("x")
    with pytest.raises(RuleError, match="unknown dataset 'banana'; choose one of: circle"):
        RULES["dataset"].check("banana")
    with pytest.raises(RuleError, match="speed must be a positive number"):
        check_speed(0)
    assert check_speed("max") is None and check_speed(3) == 3.0


def test_a_new_option_is_one_entry():
    """What another option would be: its rule alone gives the check, the help and the words."""
    rule = Rule("warmup", "whole", "warm-up epochs", "N", lo=0, optional=True, none_words=("off",))
    assert rule.dest == "warmup" and rule.describe() == "a whole number >= 0 or 'off'"
    assert rule.check("off") is None and rule.check("3") == 3
    with pytest.raises(RuleError, match="out of range"):
        rule.check("-1")
