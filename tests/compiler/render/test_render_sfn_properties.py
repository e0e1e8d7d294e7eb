"""Property tests: the execution order the ASL layout allows versus the depends_on DAG."""

from __future__ import annotations

import random

from contractforge.render.step_functions import Parallel, Series, Task, decompose
from contractforge.render.step_functions.layout import MAX_LISTED_ORDERINGS, lay_out
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.compiler.render.sfn_order import closure, waits_for


@st.composite
def dags(draw: st.DrawFn) -> tuple[list[str], dict[str, tuple[str, ...]]]:
    """Random DAGs: each node depends on some earlier ones (shuffled project order)."""
    count = draw(st.integers(min_value=1, max_value=14))
    deps = {}
    for i in range(count):
        earlier = list(range(i))
        chosen = draw(st.lists(st.sampled_from(earlier), max_size=3, unique=True)) if earlier else []
        deps[f"n{i}"] = tuple(f"n{j}" for j in chosen)
    names = draw(st.permutations([f"n{i}" for i in range(count)]))
    return list(names), deps


@st.composite
def series_parallel_dags(draw: st.DrawFn) -> tuple[list[str], dict[str, tuple[str, ...]]]:
    """DAGs built by series and parallel composition (plus redundant transitive edges)."""
    counter = iter(range(1000))
    # a graph = (nodes, deps, sources, sinks); compose bottom-up from single nodes
    graphs = []
    for _ in range(draw(st.integers(min_value=1, max_value=10))):
        name = f"n{next(counter)}"
        graphs.append(([name], {name: ()}, [name], [name]))
    while len(graphs) > 1:
        a = graphs.pop(draw(st.integers(0, len(graphs) - 1)))
        b = graphs.pop(draw(st.integers(0, len(graphs) - 1)))
        nodes, deps = a[0] + b[0], {**a[1], **b[1]}
        if draw(st.booleans()):  # series: every source of b depends on every sink of a
            for source in b[2]:
                deps[source] = deps[source] + tuple(a[3])
            if draw(st.booleans()) and a[0] and b[0]:  # a redundant (transitive) dependency
                deps[b[3][0]] = deps[b[3][0]] + (a[0][0],)
            graphs.append((nodes, deps, a[2], b[3]))
        else:
            graphs.append((nodes, deps, a[2] + b[2], a[3] + b[3]))
    nodes, deps, _, _ = graphs[0]
    return list(draw(st.permutations(nodes))), deps


def _no_nesting_of_the_same_kind(tree) -> None:
    stack = [tree]
    while stack:
        block = stack.pop()
        if isinstance(block, Series):
            assert len(block.parts) > 1 and not any(isinstance(p, Series) for p in block.parts)
            stack.extend(block.parts)
        elif isinstance(block, Parallel):
            assert len(block.branches) > 1 and not any(isinstance(b, Parallel) for b in block.branches)
            stack.extend(block.branches)


@settings(max_examples=150, deadline=None)
@given(dags())
def test_layout_never_drops_a_dependency_and_reports_every_added_ordering(dag) -> None:
    names, deps = dag
    layout = lay_out(names, deps)
    waits, required = waits_for(layout.tree), closure(names, deps)
    assert set(waits) == set(names)
    for name in names:
        assert required[name] <= waits[name], f"{name} may start before {required[name] - waits[name]}"
    extra = {(before, after) for after in names for before in waits[after] - required[after]}
    assert len(extra) == layout.added_count
    assert set(layout.added_orderings) <= extra
    assert len(layout.added_orderings) == min(len(extra), MAX_LISTED_ORDERINGS)
    _no_nesting_of_the_same_kind(layout.tree)


@settings(max_examples=150, deadline=None)
@given(series_parallel_dags())
def test_series_parallel_dags_are_laid_out_exactly(dag) -> None:
    """No needless barrier: a unit waits for exactly its (transitive) dependencies."""
    names, deps = dag
    tree, added = decompose(names, deps)
    assert added == ()
    assert waits_for(tree) == closure(names, deps)


def test_parallel_branches_follow_project_order() -> None:
    tree, _ = decompose(["c", "a", "b"], {"b": ("a",)})
    assert tree == Parallel((Task("c"), Series((Task("a"), Task("b")))))


def test_big_shapes_compile_without_recursion() -> None:
    n = 5000
    chain = [f"s{i}" for i in range(n)]
    tree, _ = decompose(chain, {f"s{i}": (f"s{i - 1}",) for i in range(1, n)})
    assert isinstance(tree, Series) and len(tree.parts) == n
    fan = ["root"] + [f"leaf{i}" for i in range(n)] + ["sink"]
    deps = {f"leaf{i}": ("root",) for i in range(n)} | {"sink": tuple(f"leaf{i}" for i in range(n))}
    tree, added = decompose(fan, deps)
    assert added == () and tree.parts[0] == Task("root") and len(tree.parts[1].branches) == n
    # silver i depends on bronze i and silver i-1: a series-parallel DAG nested n deep
    bronze, silver = [f"b{i}" for i in range(n)], [f"s{i}" for i in range(n)]
    deps = {f"s{i}": (f"b{i}",) + ((f"s{i - 1}",) if i else ()) for i in range(n)}
    layout = lay_out(bronze + silver, deps)
    assert layout.added_count == 0
    depth, block = 0, layout.tree
    while isinstance(block, Series):
        depth += 1
        block = block.parts[0].branches[0] if isinstance(block.parts[0], Parallel) else block.parts[0]
    assert depth == n  # Series(Parallel(Series(…), b_i), s_i) … Series(b0, s0)


def test_random_dag_of_thousands_lays_out() -> None:
    rng = random.Random(7)
    names = [f"n{i}" for i in range(2000)]
    deps = {f"n{i}": tuple(f"n{rng.randrange(i)}" for _ in range(rng.randrange(3))) for i in range(1, 2000)}
    layout = lay_out(names, deps)
    waits = waits_for(layout.tree)
    required = closure(names, deps)
    assert all(required[n] <= waits[n] for n in names)
