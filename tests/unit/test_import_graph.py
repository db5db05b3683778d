"""The import graph of hotline_tui, backends and screens has no cycle, and the click commands
stay an outer ring (docs/architecture.md, "Layers and contracts").

The graph is grimp's (the library import-linter runs on). Every import counts: module level,
inside functions (lazy imports are still an arrow) and under ``if TYPE_CHECKING:`` — a
type-only import is a dependency a reader has to follow too, and the screens' circle runs
exactly through one (``screens.base`` -> ``screens.app``). ``scripts/test`` runs import-linter
with the same setting (``exclude_type_checking_imports = false`` in pyproject.toml).
"""

from __future__ import annotations

import tomllib
import warnings
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("hotline_tui", "backends", "screens")

# Cycles tolerated for now: each entry is the set of modules of one strongly connected component;
# a cycle found in the graph passes only if all its modules are inside one entry. Empty since the
# screens stopped reaching up into the App (issue 13); keep it that way.
ALLOWED_CYCLES: list[frozenset[str]] = []


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    # External packages are single nodes (click, rich …): they never import ours, so they add no
    # cycle, and they let the outer-ring test follow chains that end in them.
    return grimp.build_graph(*PACKAGES, include_external_packages=True, exclude_type_checking_imports=False)


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module, each sorted (Tarjan's
    algorithm, iterative: the graph is a few hundred modules but recursion depth is not free)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        m = stack.pop()
                        on_stack.discard(m)
                        component.append(m)
                        if m == node:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
    return sorted(out)


def _describe(graph: grimp.ImportGraph, component: list[str]) -> str:
    members = set(component)
    arrows = []
    for m in component:
        for w in sorted(graph.find_modules_directly_imported_by(m) & members):
            lines = [d["line_number"] for d in graph.get_import_details(importer=m, imported=w)]
            arrows.append(f"    {m} -> {w} (line {', '.join(map(str, lines))})")
    return "cycle among " + ", ".join(component) + ":\n" + "\n".join(arrows)


def test_the_cycle_finder_finds_a_cycle_and_only_the_cycle():
    # The check must be able to fail: a small graph with one circle (a -> b -> c -> a) and a tail.
    g = grimp.ImportGraph()
    for m in ("p", "p.a", "p.b", "p.c", "p.d"):
        g.add_module(m)
    for importer, imported in (("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.d", "p.a")):
        g.add_import(importer=importer, imported=imported)
    assert cycles(g) == [["p.a", "p.b", "p.c"]]
    g.remove_import(importer="p.c", imported="p.a")
    assert cycles(g) == []


def test_no_module_imports_another_in_a_cycle(graph):
    unexpected = [c for c in cycles(graph) if not any(set(c) <= allowed for allowed in ALLOWED_CYCLES)]
    assert not unexpected, "\n".join(_describe(graph, c) for c in unexpected)


def test_allowed_cycles_are_still_real(graph):
    # Not a failure (the allow-list is the coordinator's to empty), but said out loud.
    found = cycles(graph)
    stale = [sorted(a) for a in ALLOWED_CYCLES if not any(set(c) & a for c in found)]
    if stale:
        warnings.warn(f"ALLOWED_CYCLES lists cycles that are gone; empty it: {stale}", stacklevel=1)


def _contract(name_start: str) -> dict:
    doc = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    found = [c for c in doc["tool"]["importlinter"]["contracts"] if c["name"].startswith(name_start)]
    assert len(found) == 1, name_start
    return found[0]


def _children(graph: grimp.ImportGraph, package: str) -> set[str]:
    return set(graph.find_children(package))


def test_the_cli_ring_contract_lists_every_core_module_but_the_cli(graph):
    # import-linter's forbidden contract needs its sources named; a module added to hotline_tui
    # and not listed would be free to import click. This keeps the list whole.
    listed = set(_contract("Outside hotline_tui.cli")["source_modules"])
    expected = _children(graph, "hotline_tui") - {"hotline_tui.cli"}
    assert (sorted(expected - listed), sorted(listed - expected)) == ([], []), \
        "(to add, to remove) in the contract's source_modules in pyproject.toml"


def test_the_backend_cli_ring_contract_lists_every_backend_module_but_the_clis(graph):
    listed = set(_contract("The CLIs under backends")["source_modules"])
    clis = {"backends.freeswitch.cli", "backends.sim.cli", "backends.notify_cli"}
    expected = set()
    for child in _children(graph, "backends"):
        if child in ("backends.freeswitch", "backends.sim"):
            expected |= _children(graph, child) - clis
        elif child not in clis:
            expected.add(child)
    assert (sorted(expected - listed), sorted(listed - expected)) == ([], []), \
        "(to add, to remove) in the contract's source_modules in pyproject.toml"


@pytest.mark.parametrize("outer", ["hotline_tui.cli", "backends.freeswitch.cli", "backends.sim.cli", "backends.notify_cli",
                                   "click", "rich"])
def test_nothing_in_the_core_reaches_the_outer_ring(graph, outer):
    # The same rule as the contract, computed from the graph (indirect chains included), so a new
    # module is covered even before someone lists it.
    core = {m for m in graph.find_descendants("hotline_tui") if not m.startswith("hotline_tui.cli")}
    reaching = sorted(m for m in core if graph.find_shortest_chain(importer=m, imported=outer))
    assert reaching == []
