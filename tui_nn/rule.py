"""A rule of an option: its type, range and allowed names, checked the same way everywhere.

A `Rule` checks a value from anywhere (a command-line string, a TOML value, text typed into
the app, a number in a HyperParams) and returns it, or raises `RuleError` with a one-line
reason that names the value and what is allowed; the caller adds which option it was
("--lr: ...", "learning rate: ..."). The tables of rules are `tui_nn.engine.rules` (network
and training) and `tui_nn.data.rules` (data); `tui_nn.config.RULES` joins them, and the
engine's validation, the CLI's options and TOML keys and the app's fields all read them.

Plain Python, below every other layer: both the engine and the data layer use it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

RuleKind = Literal["number", "whole", "name", "names", "text", "path", "sizes", "columns"]
Group = Literal["data", "network", "training", "files", "app"]
Target = Literal["hyper", "dataset", "run", "none"]  # where the value goes in a RunConfig


class RuleError(ValueError):
    """A value a rule refuses; str() is one line: the value and what is allowed."""


@dataclass(frozen=True)
class Rule:
    """One option: what it accepts, how it is shown in help, where its value goes."""

    name: str  # as the user types it: the flag without "--", the TOML key ("batch-size")
    kind: RuleKind
    help: str = ""
    metavar: str = "X"
    group: Group = "training"
    target: Target = "hyper"
    label: str = ""  # how messages in the app and the engine name it (default: the name)
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False  # lo itself is refused
    hi_open: bool = False
    names: Callable[[], tuple[str, ...]] | None = None  # kind "name": the allowed names
    aliases: Mapping[str, str] = field(default_factory=dict)  # other spellings -> a name
    noun: str = "value"  # "unknown <noun> 'x'"
    optional: bool = False  # None is a value (the default, no limit, the whole set)
    none_words: tuple[str, ...] = ()  # text that means None ("full", "none")
    editor: tuple[float, float] | None = None  # the app's field offers only this range
    item: Rule | None = None  # kind "sizes": the rule of each size
    max_items: int = 0  # kinds "sizes", "names": at most this many (0: no limit)
    per_layer: bool = False  # kind "name": or one name per hidden layer ("tanh,relu", a list)

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")

    @property
    def title(self) -> str:
        return self.label or self.name

    def allowed(self) -> tuple[str, ...]:
        return self.names() if self.names is not None else ()

    def describe(self) -> str:
        """What the rule allows, as in "must be <this>"."""
        if self.kind == "name" and self.per_layer:
            return "one of: " + ", ".join(self.allowed()) + " (or one per hidden layer: a,b)"
        if self.kind == "name":
            return "one of: " + names_text(self.allowed())
        if self.kind == "names":
            if self.names is None:
                return "comma-separated names"
            return "comma-separated names from: " + ", ".join(self.allowed())
        if self.kind in ("text", "path"):
            return "a path" if self.kind == "path" else "text"
        if self.kind == "columns":
            return "comma-separated column names or indices, e.g. id,name (empty for none)"
        if self.kind == "sizes":
            assert self.item is not None, "a sizes rule needs an item rule"
            return f"comma-separated layer sizes {self.item._bounds()}, e.g. 8,8 (empty for none)"
        what = "a whole number" if self.kind == "whole" else "a number"
        text = f"{what} {self._bounds()}".rstrip()
        if self.none_words:
            text += f" or {self.none_words[0]!r}"
        return text

    def _bounds(self) -> str:
        lo, hi = self.lo, self.hi
        if lo is not None and hi is not None:
            if self.kind == "whole":
                return f"in {_num(lo)}..{_num(hi)}"
            if not (self.lo_open or self.hi_open):
                return f"from {_num(lo)} to {_num(hi)}"
            if self.lo_open and self.hi_open:
                return f"strictly between {_num(lo)} and {_num(hi)}"
            left, right = "(" if self.lo_open else "[", ")" if self.hi_open else "]"
            return f"in {left}{_num(lo)}, {_num(hi)}{right}"
        if lo is not None:
            return f"{'>' if self.lo_open else '>='} {_num(lo)}"
        if hi is not None:
            return f"{'<' if self.hi_open else '<='} {_num(hi)}"
        return ""

    # ---- checking -----------------------------------------------------------------------

    def check(self, value: Any) -> Any:
        """The value as the option holds it (a float, an int, a name, a tuple of sizes, or
        None where that is allowed); RuleError otherwise."""
        if value is None and self.optional:
            return None
        if isinstance(value, str) and value.strip().lower() in self.none_words:
            return None
        if self.kind == "number":
            return self._in_range(_number(value, self), value)
        if self.kind == "whole":
            return self._in_range(_whole(value, self), value)
        if self.kind == "name" and self.per_layer:
            return self._per_layer(value)
        if self.kind == "name":
            return self._name(value)
        if self.kind == "names":
            return self._names(value)
        if self.kind == "sizes":
            return _sizes(value, self)
        if self.kind == "columns":
            return _columns(value)
        if self.kind == "path" and not isinstance(value, str):
            raise RuleError(f"must be a path (text), got {value!r}")
        text = as_text(value)
        if self.kind == "path" and not text:
            raise RuleError("must be a path, got an empty value")
        return text

    def check_editor(self, value: Any) -> Any:
        """`check`, then the narrower range the app's field offers (if it has one)."""
        checked = self.check(value)
        if self.editor is not None and checked is not None:
            lo, hi = self.editor
            if not lo <= checked <= hi:
                raise RuleError(
                    f"{_shown(value)} is out of range (the app takes {_num(lo)}..{_num(hi)})"
                )
        return checked

    def _in_range(self, x: float, value: Any) -> Any:
        ok = math.isfinite(x)
        if ok and self.lo is not None:
            ok = x > self.lo if self.lo_open else x >= self.lo
        if ok and self.hi is not None:
            ok = x < self.hi if self.hi_open else x <= self.hi
        if not ok:
            raise RuleError(f"{_shown(value)} is out of range (must be {self.describe()})")
        return x

    def _per_layer(self, value: Any) -> str | tuple[str, ...]:
        """One name (for every layer), or several ("tanh,relu" or a list), one per layer."""
        if isinstance(value, list | tuple):
            items = list(value)
        else:
            items = [p.strip() for p in as_text(value).split(",")]
        if not items or any(isinstance(i, str) and not i.strip() for i in items):
            raise RuleError(f"must be {self.describe()}, got {value!r}")
        names = tuple(self._name(item) for item in items)
        return names[0] if len(names) == 1 else names

    def _name(self, value: Any) -> str:
        text = as_text(value).lower()
        text = self.aliases.get(text, text)
        allowed = self.allowed()
        if text not in allowed:
            raise RuleError(f"unknown {self.noun} {value!r}; choose one of: {names_text(allowed)}")
        return text

    def _names(self, value: Any) -> tuple[str, ...]:
        """Kind "names": a list or comma-separated text of names, each at most once. With
        `names`, each must be allowed (spaces inside a name ignored) and they come back in the
        order `allowed()` lists them; without, any names, in the order given."""
        if isinstance(value, list | tuple):
            items = [as_text(v) for v in value]
        else:
            items = [p.strip() for p in as_text(value).split(",") if p.strip()]
        chosen: list[str] = []
        for item in items:
            name = self._name("".join(item.split())) if self.names is not None else item
            if name in chosen:
                raise RuleError(f"{name!r} is given twice")
            chosen.append(name)
        if not chosen:
            what = f"; choose from: {', '.join(self.allowed())}" if self.names else ""
            raise RuleError(f"must name at least one{what}")
        if self.max_items and len(chosen) > self.max_items:
            raise RuleError(f"at most {self.max_items} names, got {len(chosen)}")
        if self.names is None:
            return tuple(chosen)
        order = list(self.allowed())
        return tuple(sorted(chosen, key=order.index))


def names_text(names: tuple[str, ...]) -> str:
    """Names for a message, a name of punctuation quoted: `auto, yes, no`; `',', '.'`."""
    return ", ".join(n if any(c.isalnum() for c in n) else repr(n) for n in names)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else f"{x:g}"


def _shown(value: Any) -> str:
    return repr(value.strip()) if isinstance(value, str) else repr(value)


def as_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RuleError(f"expected text, got {value!r}")
    return str(value).strip()


def _number(value: Any, rule: Rule) -> float:
    if isinstance(value, bool):
        raise RuleError(f"{value!r} is not a number (must be {rule.describe()})")
    try:
        return float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise RuleError(f"{_shown(value)} is not a number (must be {rule.describe()})") from None


def _whole(value: Any, rule: Rule) -> int:
    if isinstance(value, bool):
        raise RuleError(f"{value!r} is not a whole number (must be {rule.describe()})")
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip().replace("_", "").replace(",", ""))
    except ValueError:
        raise RuleError(
            f"{_shown(value)} is not a whole number (must be {rule.describe()})"
        ) from None


def _sizes(value: Any, rule: Rule) -> tuple[int, ...]:
    """ "8,8" (or a list [8, 8]); empty for no hidden layer."""
    if isinstance(value, list | tuple):
        items = list(value)
    else:
        text = as_text(value)
        items = [p.strip() for p in text.split(",")] if "," in text else text.split()
        if "" in items:
            raise RuleError(
                f"{_shown(value)} has an empty layer size (a comma too many?); must be "
                f"{rule.describe()}"
            )
    sizes = []
    assert rule.item is not None, "a sizes rule needs an item rule"
    for item in items:
        try:
            n = rule.item.check(item)
        except RuleError:
            raise RuleError(f"must be {rule.describe()}, got {value!r}") from None
        sizes.append(n)
    if rule.max_items and len(sizes) > rule.max_items:
        raise RuleError(f"at most {rule.max_items} hidden layers, got {len(sizes)}")
    return tuple(sizes)


def _columns(value: Any) -> tuple[str, ...]:
    """ "id,name" (or a list ["id", "name"]): column names or indices; empty for none."""
    if isinstance(value, list | tuple):
        items = [as_text(item) for item in value]
        if any(not item for item in items):
            raise RuleError(f"an empty column name in {list(value)!r}")
    else:
        text = as_text(value)
        items = [p.strip() for p in text.split(",")] if text else []
        if any(not item for item in items):
            raise RuleError(f"an empty column name in {text!r} (names are separated by commas)")
    return tuple(dict.fromkeys(items))
