"""No import cycles among the service's modules.

Every module under service/ is read with `ast`; every import in it (module level and inside functions, since a
function-level import only postpones a cycle to the first call) that names a service module adds an edge.
`from package import name` adds an edge to `package.name` when that is a module, else to the package. A
package's own `__init__` importing its submodules is how packages work and counts like any other edge.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "service"

EXPECTED_CYCLES: dict[frozenset[str], str] = {}
"""Known cycles, each tolerated (as a strict xfail) until it is removed: frozenset of the modules → the reason."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def discover() -> dict[str, Path]:
    return {module_name(p): p for p in sorted((ROOT / PACKAGE).rglob("*.py"))}


def resolve(module: str, current: str, is_package: bool, level: int) -> str:
    if level == 0:
        return module
    base = current.split(".") if is_package else current.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def imports_of(name: str, path: Path, modules: set[str]) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"), str(path))
    found: set[str] = set()

    def owning_module(dotted: str) -> str | None:
        while dotted:
            if dotted in modules:
                return dotted
            dotted = dotted.rpartition(".")[0]
        return None

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if (target := owning_module(alias.name)) is not None:
                    found.add(target)
        elif isinstance(node, ast.ImportFrom):
            base = resolve(node.module or "", name, path.name == "__init__.py", node.level)
            for alias in node.names:
                target = owning_module(f"{base}.{alias.name}") if f"{base}.{alias.name}" in modules else None
                target = target or owning_module(base)
                if target is not None:
                    found.add(target)
    found.discard(name)
    return found


def graph() -> dict[str, set[str]]:
    mods = discover()
    names = set(mods)
    return {name: imports_of(name, path, names) for name, path in mods.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each as one cycle through them."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                components.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return [one_cycle(edges, comp) for comp in components]


def one_cycle(edges: dict[str, set[str]], component: list[str]) -> list[str]:
    """A concrete path a → … → a inside the component, for the failure message."""
    members = set(component)
    start = component[0]
    paths: dict[str, list[str]] = {start: [start]}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(edges[v] & members):
            if w == start:
                return [*paths[v], start]
            if w not in paths:
                paths[w] = [*paths[v], w]
                queue.append(w)
    return component


def test_the_graph_sees_known_edges() -> None:
    """The walker itself: module-level, function-level, relative and `from package import module` imports."""
    edges = graph()
    assert "service.batch.store" in edges["service.batch.runner"]
    assert "service.batch.jobs" in edges["service.batch.runner"]
    assert "service.rendering" in edges["service.batch.produce"]  # imported inside a method
    assert "service.output.zips" in edges["service.rendering.engine"]
    assert "service.output.pdf" in edges["service.packaging.attachments"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]


def reachable_from(start: str, edges: dict[str, set[str]]) -> set[str]:
    found, todo = set(), [start]
    while todo:
        for w in edges[todo.pop()] - found:
            found.add(w)
            todo.append(w)
    return found


def test_the_batch_runner_never_imports_the_pipeline() -> None:
    assert "service.batch.pipeline" not in reachable_from("service.batch.runner", graph())


def test_the_output_module_depends_on_nothing_else_in_the_service() -> None:
    """Every writer (batch, packaging, rendering, the template build) uses service.output: it must stand alone."""
    reachable = reachable_from("service.output", graph())
    assert "service.output.pdf" in reachable
    assert {m for m in reachable if not m.startswith("service.output.")} == set()


def _params() -> list[object]:
    found = cycles(graph())
    params: list[object] = []
    for cycle in found:
        key = frozenset(cycle)
        label = " → ".join(cycle)
        reason = EXPECTED_CYCLES.get(key)
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        params.append(pytest.param(cycle, id=label, marks=marks))
    return params or [pytest.param(None, id="no-cycles")]


@pytest.mark.parametrize("cycle", _params())
def test_no_import_cycle(cycle: list[str] | None) -> None:
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])
