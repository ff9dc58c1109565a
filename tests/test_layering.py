"""The layers of the package (docs/ARCHITECTURE.md): imports point down only, and no two
modules need each other.

Every import counts: at the top of a module and inside functions (a deferred import is still a
dependency). Only imports under `if TYPE_CHECKING:` are left out: they exist for annotations and
never run. `from package import submodule` counts as an import of the package too (it runs the
package's `__init__`), so a module that reaches a sibling through its own package makes a cycle
with that package's `__init__`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import tui_nn

ROOT = Path(tui_nn.__file__).parent

# What each package may import from tui_nn (besides itself and the base: the root package's
# version and `tui_nn.rule`, the plain Rule of an option that the engine and the data layer
# both use). The order: engine < data < config/files < textbook < session, sweep, lessons <
# ui, web < cli. The data layer knows NumPy and the standard library only (it needs nothing of the
# engine); the config layer is where data and engine meet (RunConfig.network_spec, train_data).
# `session` is three layers of its own: the protocol (what both sides say), then the client
# the app uses and the trainer process, which never import each other. The app reaches the
# trainer through the client and the protocol only.
_BELOW_SESSION = frozenset({"engine", "data", "config", "files"})
LOWER: dict[str, frozenset[str]] = {
    "engine": frozenset(),
    "data": frozenset(),
    "config": frozenset({"engine", "data"}),
    "files": frozenset({"engine", "data", "config"}),
    "textbook": frozenset({"engine"}),
    "session": frozenset(),  # the package itself: a docstring, no imports
    "session.protocol": _BELOW_SESSION,
    "session.client": _BELOW_SESSION | {"session", "session.protocol"},
    "session.trainer": _BELOW_SESSION | {"session", "session.protocol", "textbook"},
    "sweep": _BELOW_SESSION,
    "lessons": _BELOW_SESSION,
    "ui": _BELOW_SESSION
    | {"textbook", "session", "session.protocol", "session.client", "sweep", "lessons"},
    # the web server starts apps as processes (`python -m tui_nn ...`): beside ui, not above
    "web": _BELOW_SESSION | {"session", "session.protocol", "session.client"},
    "cli": _BELOW_SESSION
    | {
        "textbook",
        "session",
        "session.protocol",
        "session.client",
        "sweep",
        "lessons",
        "ui",
        "web",
    },
    "__main__": frozenset({"cli"}),
}
SUBLAYERS = ("session",)  # packages whose subpackages are layers of their own
BASE = "tui_nn"  # the root package and the plain modules below: anything may import them
BASE_MODULES = (
    "tui_nn",
    "tui_nn.atomic",
    "tui_nn.blas",
    "tui_nn.errors",
    "tui_nn.kinds",
    "tui_nn.rule",
    "tui_nn.model_meta",
    "tui_nn.outputs",
    "tui_nn.autosave",
    "tui_nn.run_names",
)


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def all_modules(root: Path = ROOT) -> dict[str, Path]:
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, wherever it is, except those under `if TYPE_CHECKING:`."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _type_checking_only(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The tui_nn modules that module `name` (at `path`) imports."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
            continue
        if node.level:
            base = name.split(".") if is_package else name.split(".")[:-1]
            base = base[: len(base) - node.level + 1]
            target = ".".join([*base, *([node.module] if node.module else [])])
        else:
            target = node.module or ""
        found.add(target)
        found.update(f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in modules)
    return {m for m in found if m in modules and m != name}


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    modules = all_modules(root)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def layer_of(module: str) -> str:
    if module in BASE_MODULES:
        return BASE
    parts = module.split(".")
    if parts[1] in SUBLAYERS and len(parts) > 2 and f"{parts[1]}.{parts[2]}" in LOWER:
        return f"{parts[1]}.{parts[2]}"
    return parts[1]


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    bad = []
    for module, targets in sorted(graph.items()):
        layer = layer_of(module)
        if layer == BASE:
            allowed: frozenset[str] = frozenset()
        elif layer not in LOWER:
            bad.append(f"{module}: package {layer!r} has no place in the layers (add it to LOWER)")
            continue
        else:
            allowed = LOWER[layer]
        for target in sorted(targets):
            other = layer_of(target)
            if other not in (layer, BASE) and other not in allowed:
                bad.append(f"{module} imports {target} ({layer} may import: {_names(allowed)})")
    return bad


def _names(layers: frozenset[str]) -> str:
    return ", ".join(sorted(layers)) or "nothing of tui_nn"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each as a path
    that closes on its first module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(_cycle_path(graph, set(component)))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _cycle_path(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """The shortest closed path from the component's first module back to it."""
    start = min(component)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph[v] & component):
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if w not in came_from:
                    came_from[w] = v
                    nxt.append(w)
        frontier = nxt
    raise AssertionError(f"no cycle through {start}")  # a component always has one


# ---- the tests ----------------------------------------------------------------------------


def test_the_graph_sees_every_kind_of_import(tmp_path):
    """The parser itself: top-level, deferred, relative, through a package; not TYPE_CHECKING."""
    pkg = tmp_path / "tui_nn"
    (pkg / "engine").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "engine" / "__init__.py").write_text("from tui_nn.engine.a import A\n")
    (pkg / "engine" / "a.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from tui_nn.engine.c import C\n"
        "def f():\n    from . import b\n"
    )
    (pkg / "engine" / "b.py").write_text("import tui_nn.engine.c\n")
    (pkg / "engine" / "c.py").write_text("from tui_nn.engine import a\n")
    graph = import_graph(pkg)
    assert graph["tui_nn.engine.a"] == {"tui_nn.engine", "tui_nn.engine.b"}
    assert graph["tui_nn.engine.b"] == {"tui_nn.engine.c"}
    assert graph["tui_nn.engine.c"] == {"tui_nn.engine", "tui_nn.engine.a"}
    assert cycles(graph) == [["tui_nn.engine", "tui_nn.engine.a", "tui_nn.engine"]]
    graph["tui_nn.engine.a"] = {"tui_nn.engine.b"}  # deferred `from . import b` only
    assert cycles(graph) == [
        ["tui_nn.engine", "tui_nn.engine.a", "tui_nn.engine.b", "tui_nn.engine.c", "tui_nn.engine"]
    ]


def test_an_upward_import_is_named():
    graph = {"tui_nn.data.spec": {"tui_nn.engine.types"}, "tui_nn.engine.types": set()}
    assert upward_imports(graph) == [
        "tui_nn.data.spec imports tui_nn.engine.types (data may import: nothing of tui_nn)"
    ]


def test_the_client_and_the_trainer_do_not_import_each_other():
    graph = {
        "tui_nn.session.client.proxy": {"tui_nn.session.trainer.daemon"},
        "tui_nn.session.trainer.daemon": {"tui_nn.session.protocol.hello"},
        "tui_nn.session.protocol.hello": set(),
        "tui_nn.ui.app": {"tui_nn.session.trainer.runner", "tui_nn.session.client.proxy"},
        "tui_nn.session.trainer.runner": set(),
    }
    bad = upward_imports(graph)
    assert [b.split(" (")[0] for b in bad] == [
        "tui_nn.session.client.proxy imports tui_nn.session.trainer.daemon",
        "tui_nn.ui.app imports tui_nn.session.trainer.runner",
    ]


def test_every_package_has_a_layer():
    packages = {layer_of(m) for m in import_graph()}
    assert packages - {BASE} <= set(LOWER), sorted(packages - set(LOWER) - {BASE})


def test_nothing_imports_a_higher_layer():
    bad = upward_imports(import_graph())
    assert not bad, "imports that point up the layers:\n  " + "\n  ".join(bad)


def test_no_import_cycles():
    found = cycles(import_graph())
    assert not found, "import cycles:\n  " + "\n  ".join(" -> ".join(c) for c in found)
