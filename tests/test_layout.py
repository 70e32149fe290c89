"""The package reads top-down like the pipeline: no import cycles, lower stages never import higher
ones.

Every ``import`` counts, including those inside functions: a cycle hidden in a function body is
still a cycle (issue 12).
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "peergraph"

# Stages from the bottom up. A module may import from its own stage or any stage listed before it.
LAYERS = [
    {"errors", "paths", "progress", "iris", "workers"},
    {"text"},
    {"ingest"},
    {"mapping"},
    {"export"},
    {"sparql"},
    {"check"},
    {"analysis"},
    {"view"},
    {"curate"},
    {"pipeline"},
    {"cli", "_cli", "__init__"},
]


def _modules() -> dict[str, Path]:
    mods = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).with_suffix("")
        parts = ["peergraph", *rel.parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = path
    return mods


def import_graph() -> nx.DiGraph:
    """Module → module edges for every peergraph import anywhere in a module's body."""
    mods = _modules()
    g = nx.DiGraph()
    g.add_nodes_from(mods)
    for name, path in mods.items():
        is_pkg = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    pkg = name.split(".") if is_pkg else name.split(".")[:-1]
                    pkg = pkg[: len(pkg) - node.level + 1]
                    base = ".".join([*pkg, base] if base else pkg)
                targets = [f"{base}.{a.name}" for a in node.names] + [base]
            for target in targets:
                # the longest prefix that is one of our modules
                while target and target not in mods:
                    target = target.rpartition(".")[0]
                if target and target != name and target != "peergraph":
                    g.add_edge(name, target)
    return g


def _stage(module: str) -> int:
    head = module.split(".")[1] if "." in module else "__init__"
    for i, layer in enumerate(LAYERS):
        if head in layer:
            return i
    raise AssertionError(f"{module} is in no stage of LAYERS; add its subpackage there")


def test_every_module_belongs_to_a_stage():
    for module in _modules():
        _stage(module)


def test_the_import_graph_has_no_cycles():
    cycles = list(nx.simple_cycles(import_graph()))
    assert cycles == [], "import cycles: " + "; ".join(" → ".join([*c, c[0]]) for c in cycles)


def test_no_stage_imports_a_later_stage():
    upward = [
        f"{a} → {b}" for a, b in import_graph().edges if a != "peergraph" and _stage(b) > _stage(a)
    ]
    assert upward == []


def test_the_import_graph_sees_function_level_imports():
    # the pipeline imports its stages inside functions (lazily, for a fast CLI start)
    g = import_graph()
    assert g.has_edge("peergraph._cli.build", "peergraph.pipeline")
    assert g.out_degree("peergraph.pipeline") >= 3


def test_public_api_names_stay_functions_after_every_module_is_imported():
    # a subpackage named like an API function (peergraph.load, .build, .query) would replace the
    # function as soon as it is imported; stage packages are named so that this cannot happen
    import importlib

    import peergraph

    for module in _modules():
        importlib.import_module(module)
    for name in ("load", "build_graph", "build", "query", "analyze"):
        assert callable(getattr(peergraph, name)), name


def _sources_outside_iris() -> dict[Path, str]:
    return {
        path: path.read_text(encoding="utf-8")
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).as_posix() != "iris.py"
    }


def test_only_the_iri_module_spells_the_base_iri() -> None:
    from peergraph.iris import BASE

    offenders = [str(p.relative_to(PACKAGE)) for p, text in _sources_outside_iris().items()
                 if BASE in text or BASE.rstrip("/") in text]  # fmt: skip
    assert offenders == [], f"import the namespace from peergraph.iris instead: {offenders}"


def test_no_module_keeps_its_own_prefix_table() -> None:
    import re

    entry = re.compile(r"""["'][A-Za-z][\w-]*["']\s*:\s*["']https?://""")
    offenders = [str(p.relative_to(PACKAGE)) for p, text in _sources_outside_iris().items()
                 if entry.search(text)]  # fmt: skip
    assert offenders == [], f"derive prefixes from peergraph.iris.PREFIXES: {offenders}"


def test_sparql_prefixes_are_the_iri_module_prefixes() -> None:
    from peergraph.iris import PREFIXES
    from peergraph.sparql.engine import PREFIXES as SPARQL_PREFIXES

    assert SPARQL_PREFIXES == PREFIXES
    assert {"authorship", "pico", "oa", "obo"} <= set(SPARQL_PREFIXES)
