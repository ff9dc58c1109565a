"""Architecture as data: frozen specs that the editor edits, the engine builds from and files store."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

MAX_UNITS = 4096
MAX_HIDDEN_LAYERS = 16
DTYPES = ("float32", "float64")


class SpecError(ValueError):
    """A spec that cannot be built: the message names the field and the allowed values."""


@dataclass(frozen=True)
class LayerSpec:
    """One dense layer: `units` neurons, each `a = activation(w . x + b)`."""

    units: int
    activation: str = "relu"

    def to_dict(self) -> dict[str, Any]:
        return {"units": self.units, "activation": self.activation}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LayerSpec:
        """From a file's JSON: `units` a whole number, `activation` a name (checked against the
        registry by `validate_spec`)."""
        if not isinstance(d, dict) or "units" not in d:
            raise SpecError(f"bad layer spec {d!r}: needs 'units' (integer) and 'activation'")
        units, activation = d["units"], d.get("activation", "relu")
        if not _whole(units):
            raise SpecError(f"units must be a whole number, got {units!r}")
        if not isinstance(activation, str):
            raise SpecError(f"activation must be a name, got {activation!r}")
        return cls(units=int(units), activation=activation)


@dataclass(frozen=True)
class NetworkSpec:
    """A whole network: inputs, hidden layers, the output layer, the loss and how to initialise.

    `init="auto"` picks He for the ReLU family and Xavier/Glorot otherwise.
    """

    n_inputs: int
    hidden: tuple[LayerSpec, ...] = field(default_factory=tuple)
    output: LayerSpec = field(default_factory=lambda: LayerSpec(1, "sigmoid"))
    loss: str = "bce"
    init: str = "auto"
    seed: int = 0
    dtype: str = "float32"

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", tuple(self.hidden))

    @property
    def layers(self) -> tuple[LayerSpec, ...]:
        """Hidden layers then the output layer (the layers that have weights)."""
        return (*self.hidden, self.output)

    @property
    def sizes(self) -> tuple[int, ...]:
        """Neuron counts from input to output, e.g. (2, 8, 8, 1)."""
        return (self.n_inputs, *(layer.units for layer in self.layers))

    def validate(self) -> NetworkSpec:
        """Check sizes and dtype (names are checked against the registries by the engine)."""
        if not isinstance(self.n_inputs, int) or self.n_inputs < 1:
            raise SpecError(f"n_inputs must be a positive integer, got {self.n_inputs!r}")
        if len(self.hidden) > MAX_HIDDEN_LAYERS:
            raise SpecError(f"at most {MAX_HIDDEN_LAYERS} hidden layers, got {len(self.hidden)}")
        for i, layer in enumerate(self.layers):
            if not isinstance(layer.units, int) or not 1 <= layer.units <= MAX_UNITS:
                raise SpecError(
                    f"layer {i + 1}: units must be an integer in 1..{MAX_UNITS}, got {layer.units!r}"
                )
        if self.dtype not in DTYPES:
            raise SpecError(f"dtype must be one of {', '.join(DTYPES)}, got {self.dtype!r}")
        return self

    def with_hidden(self, hidden: tuple[LayerSpec, ...] | list[LayerSpec]) -> NetworkSpec:
        return replace(self, hidden=tuple(hidden))

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_inputs": self.n_inputs,
            "hidden": [layer.to_dict() for layer in self.hidden],
            "output": self.output.to_dict(),
            "loss": self.loss,
            "init": self.init,
            "seed": self.seed,
            "dtype": self.dtype,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> NetworkSpec:
        """From a file's JSON, every field of its type (names are checked against the
        registries by `validate_spec`); SpecError names the field."""
        if not isinstance(d, dict) or "n_inputs" not in d or "output" not in d:
            raise SpecError("bad network spec: needs 'n_inputs' and 'output'")
        hidden = d.get("hidden", [])
        if not isinstance(hidden, list):
            raise SpecError(f"hidden must be a list of layers, got {hidden!r}")
        for key in ("n_inputs", "seed"):
            if key in d and not (_whole(d[key]) and d[key] >= 0):
                raise SpecError(f"{key} must be a whole number >= 0, got {d[key]!r}")
        for key in ("loss", "init", "dtype"):
            if key in d and not isinstance(d[key], str):
                raise SpecError(f"{key} must be a name, got {d[key]!r}")
        layers = []
        for i, h in enumerate(hidden):
            try:
                layers.append(LayerSpec.from_dict(h))
            except SpecError as exc:
                raise SpecError(f"hidden layer {i + 1}: {exc}") from None
        try:
            output = LayerSpec.from_dict(d["output"])
        except SpecError as exc:
            raise SpecError(f"output layer: {exc}") from None
        return cls(
            n_inputs=int(d["n_inputs"]),
            hidden=tuple(layers),
            output=output,
            loss=d.get("loss", "bce"),
            init=d.get("init", "auto"),
            seed=int(d.get("seed", 0)),
            dtype=d.get("dtype", "float32"),
        ).validate()


def _whole(value: Any) -> bool:
    """A whole number as JSON stores one (not a bool, not text; 8.0 is 8)."""
    return (
        isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer()
    )
