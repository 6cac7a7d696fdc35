"""The house's shape: data flows one way (no import circles), analysis never imports output,
and the README's layout table names the packages that exist."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "onex_research"


def _modules():
    mods = {}
    for f in PKG.rglob("*.py"):
        parts = list(f.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = f
    return mods


def _graph():
    """module -> the project modules it imports (at any depth of the file, lazy imports too)."""
    mods = _modules()
    graph = {}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for alias in node.names:
                    full = f"{target}.{alias.name}"
                    deps.add(full if full in mods else target)
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names}
        # a package importing its own submodules (re-exports) is not a dependency between peers
        graph[name] = {d for d in deps if d in mods and d != name and not d.startswith(name + ".")}
    return graph


def _cycles(graph):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circles():
    assert _cycles(_graph()) == []


@pytest.mark.parametrize("analysis", ["text", "survey", "psychometrics", "regression", "mixed", "plotting"])
def test_analysis_never_imports_output(analysis):
    graph = _graph()
    bad = sorted((m, d) for m, deps in graph.items() if m.startswith(f"onex_research.{analysis}")
                 for d in deps if d.startswith(("onex_research.report", "onex_research.reproduce",
                                                "onex_research.cli", "onex_research.study")))
    assert not bad, f"{analysis} imports output or pipeline modules: {bad}"


def test_readme_layout_table_names_the_packages():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`onex_research/([a-z_]+)/`", section)) | set(re.findall(r"`([a-z_]+)`", section))
    packages = {p.name for p in PKG.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    missing = sorted(packages - named)
    assert not missing, f"README's layout table does not name the packages {missing}"
