"""The engine's options: network and training, one `Rule` each (see `tui_nn.rule`).

The names come from the engine's registries. `check_hyper` validates a HyperParams with
these rules; the CLI builds its flags and TOML keys from them and the app its fields
(through `tui_nn.config.RULES`, which adds the data layer's table).

Adding an option is one entry in `_RULES` (plus the field it fills, in `HyperParams` or
`RunConfig`, and the code that uses it): the CLI flag, the TOML key, the help text and the
checks follow from the entry.
"""

from __future__ import annotations

from tui_nn.engine.activations import ACTIVATIONS, ALIASES, HIDDEN_ACTIVATIONS
from tui_nn.engine.initializers import INITIALIZERS
from tui_nn.engine.losses import LOSSES
from tui_nn.engine.optimizers import OPTIMIZERS
from tui_nn.engine.schedules import SCHEDULES
from tui_nn.engine.spec import DTYPES, MAX_HIDDEN_LAYERS, MAX_UNITS
from tui_nn.rule import Rule

# ---- the engine's options -----------------------------------------------------------------

UNITS = Rule("units", "whole", label="neurons", lo=1, hi=MAX_UNITS, target="none")
"""Neurons in one hidden layer (the app's neuron field; `hidden` checks each size with it)."""


_ALL_ACTIVATIONS = tuple(dict.fromkeys(a.name for a in ACTIVATIONS.values()))  # no aliases
_OUTPUT = (*_ALL_ACTIVATIONS, "auto")
_INIT = (*(name for name in INITIALIZERS if name != "auto"), "auto")

_RULES = (
    # network
    Rule("hidden", "sizes", "hidden layer sizes, e.g. 8,8 (empty for none)", "N,N", "network",
         "run", item=UNITS, max_items=MAX_HIDDEN_LAYERS),
    Rule("activation", "name", "hidden activation: one for all layers, or one per layer (tanh,relu)",
         "NAME[,NAME]", "network", "run", names=lambda: HIDDEN_ACTIVATIONS, aliases=ALIASES,
         per_layer=True),
    Rule("output", "name", "output activation (auto: follows the task)", "NAME", "network",
         "run", names=lambda: _OUTPUT, aliases=ALIASES),
    Rule("loss", "name", "loss (auto: follows the task)", "NAME", "network", "run",
         names=lambda: (*LOSSES, "auto")),
    Rule("init", "name", "weight initialiser (auto: He for ReLU-like, else Xavier)", "NAME",
         "network", "run", names=lambda: _INIT),
    Rule("dtype", "name", "floating-point type", "DTYPE", "network", "run",
         names=lambda: DTYPES),
    Rule("seed", "whole", "seed of the weights and the shuffling (--data-seed: the data)", "N",
         "network", "run", lo=0),
    # training
    Rule("optimizer", "name", "optimizer", "NAME", names=lambda: tuple(OPTIMIZERS)),
    Rule("lr", "number", "learning rate", label="learning rate", lo=0, lo_open=True,
         editor=(1e-7, 10.0)),
    Rule("momentum", "number", "momentum of momentum/nesterov optimizers", lo=0, hi=1,
         hi_open=True),
    Rule("batch-size", "whole", "samples per step, or 'full'", "N|full", label="batch size",
         lo=1, optional=True, none_words=("full", "all")),
    Rule("epochs", "whole",
         "epochs to train (train's default: 100 on toy sets, 20 on digits, 10 on MNIST; 0 saves "
         "the initial weights)", "N",
         lo=0, optional=True, none_words=("none", "off", "inf", "\u221e", "-", ""),
         editor=(1, 10**9)),  # the app trains until paused: a budget of 0 would end at once
    Rule("l1", "number", "L1 penalty", lo=0, hi=1),
    Rule("l2", "number", "L2 penalty (weight decay)", lo=0, hi=1),
    Rule("early-stopping", "whole",
         "stop after N epochs without a better validation loss (training loss without a "
         "validation set) and keep the best epoch's weights", "N", label="early stopping",
         lo=1, optional=True),
    # learning-rate schedule (engine/schedules.py)
    Rule("lr-schedule", "name", "learning-rate schedule (cosine on MNIST)", "NAME",
         label="lr schedule", names=lambda: tuple(SCHEDULES), noun="schedule"),
    Rule("lr-step", "whole", "step: epochs between decays; cosine: its period without --epochs",
         "N", label="lr step", lo=1),
    Rule("lr-gamma", "number", "step: the factor at each decay (0.1)", label="lr gamma", lo=0,
         hi=1, lo_open=True),
    Rule("lr-min", "number", "cosine: the final learning rate (0)", label="lr min", lo=0),
)  # fmt: skip
RULES: dict[str, Rule] = {rule.dest: rule for rule in _RULES}
"""The engine's options by `dest` ("batch_size"), in the order the help lists them."""

LOSS_NEEDS: dict[str, str] = {name: loss.fused for name, loss in LOSSES.items() if loss.fused}
"""Which output activation a loss needs (bce: sigmoid, cce: softmax); mse takes any output."""
