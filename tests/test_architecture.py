"""The package's shape: no import cycles, no private name used across modules, every module described."""

from __future__ import annotations

import ast
import re

import networkx as nx

from conftest import ROOT

PACKAGE = ROOT / "orgkit"


def _module_name(path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(path):
    """(imported module, names) for every import in a file, function-level ones included, TYPE_CHECKING out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            skip.update(id(n) for n in ast.walk(node))
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield target, [a.name for a in node.names]


def _modules():
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def test_no_import_cycles():
    modules = _modules()
    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        for target, names in _imports(path):
            if not target.startswith("orgkit"):
                continue
            # "from orgkit.plots import structure" imports the submodule orgkit.plots.structure
            for candidate in [f"{target}.{n}" for n in names] + [target]:
                if candidate in modules and candidate != name:
                    # a package's __init__ re-exporting its submodules is not a cycle of logic
                    if name == candidate.rpartition(".")[0] or candidate == name.rpartition(".")[0]:
                        break
                    graph.add_edge(name, candidate)
                    break
    cycles = list(nx.simple_cycles(graph))
    assert cycles == [], f"import cycles: {cycles[:5]}"


def test_no_private_name_imported_across_modules():
    used = []
    for name, path in _modules().items():
        for target, names in _imports(path):
            if target.startswith("orgkit"):
                used += [f"{path.relative_to(ROOT)}: {n} from {target}" for n in names
                         if n.startswith("_") and not n.startswith("__")]
    assert used == []


def test_readme_tree_names_every_module():
    """The README's annotated tree explains every module of the package in one line."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tree = readme[readme.index("## Layout"):]
    tree = tree[:tree.index("```", tree.index("```") + 3)]
    missing = []
    for path in PACKAGE.rglob("*.py"):
        if path.name in ("__init__.py", "__main__.py", "_version.py"):
            continue
        if not re.search(rf"{re.escape(path.name)}\s+<- ", tree):
            missing.append(path.relative_to(ROOT).as_posix())
    for path in PACKAGE.iterdir():
        if path.is_dir() and not path.name.startswith(("_", ".")) and (path / "__init__.py").exists():
            if not re.search(rf"{re.escape(path.name)}/\s+<- ", tree):
                missing.append(path.relative_to(ROOT).as_posix() + "/")
    assert missing == [], f"not in the README's layout tree: {missing}"
