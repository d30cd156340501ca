"""The architecture, checked: the layers import one way (standard data → engine → adapters),
only jieshui.excel imports xlwings at run time, modules stay small, nothing is committed twice,
and pyproject.toml lists every package."""

import ast
import hashlib
import json
import re
import subprocess
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest

from helpers import ROOT

PACKAGE = ROOT / "python" / "jieshui"
# Which of jieshui's layers each layer may import (besides the package root and jieshui.files).
ALLOWED = {
    "": {"cli"},  # __main__: python -m jieshui
    "engine": set(),
    "workbook": {"engine"},
    "builder": {"engine", "workbook"},
    # The standard as a workbook a province edits: below the county's desk and the province.
    "standard": {"engine", "workbook"},
    # The county's desk writes workbooks (builder); the province's review only reads them, and
    # never touches the county template's builder or the county's desk.
    "county": {"engine", "workbook", "builder", "standard"},
    "province": {"engine", "workbook", "standard"},
    # The buttons are the county's desk in Excel: never the province's batch.
    "excel": {"engine", "workbook", "county"},
    "cli": {"engine", "workbook", "builder", "standard", "county", "province"},
    # Build time makes the shipped files, and the docs' pictures of every printed document.
    "buildtime": {"engine", "workbook", "builder", "standard", "county", "province"},
}
SHARED = {"", "files", "errors"}


def modules():
    return sorted(p for p in PACKAGE.rglob("*.py"))


def layer(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else ""


def imports(path: Path) -> list[tuple[str, int]]:
    """(absolute module name, line) of every import in a module of the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ["jieshui", *path.relative_to(PACKAGE).parent.parts]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            name = ".".join(base + ([node.module] if node.module else []))
            found.append((name, node.lineno))
            if not node.module:  # from . import gaps, words
                found += [(f"{name}.{alias.name}", node.lineno) for alias in node.names]
    return found


# What the package root itself defines (from .. import __version__).
ROOT_NAMES = {target.id for node in ast.walk(ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8")))
              if isinstance(node, ast.Assign) for target in node.targets if isinstance(target, ast.Name)}


def test_layers_import_one_way():
    wrong = []
    for path in modules():
        own = layer(path)
        for name, line in imports(path):
            parts = name.split(".")
            if parts[0] != "jieshui" or len(parts) < 2:
                continue
            if not (PACKAGE / parts[1]).is_dir() and not (PACKAGE / f"{parts[1]}.py").is_file() \
                    and parts[1] not in ROOT_NAMES:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {name}, which does not exist")
                continue
            target = parts[1] if (PACKAGE / parts[1]).is_dir() else ""
            target = parts[1] if parts[1] in SHARED else target
            if target not in SHARED and target != own and target not in ALLOWED.get(own, set()):
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert not wrong, wrong


def test_the_rooms_form_no_cycle():
    # ALLOWED itself points down: some order of the rooms has every room after all it may import.
    placed: list[str] = []
    while len(placed) < len(ALLOWED):
        ready = [room for room, below in ALLOWED.items() if room not in placed and below <= set(placed)]
        assert ready, f"the rooms {sorted(set(ALLOWED) - set(placed))} import each other in a circle"
        placed += ready


def module_name(path: Path) -> str:
    return ".".join(("jieshui", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")


def run_time_imports(path: Path, known: set[str]) -> set[str]:
    """The package's modules `path` imports when it runs (not under `if TYPE_CHECKING:`, which
    only a type checker reads); `from . import gaps` is the module gaps, not the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
                   for stmt in node.body for n in ast.walk(stmt)}
    package = ["jieshui", *path.relative_to(PACKAGE).parent.parts]
    names = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join((package[:len(package) - node.level + 1] if node.level else [])
                            + ([node.module] if node.module else []))
            modules_named = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known]
            names += modules_named or [base]
    found = set()
    for name in names:
        while name and name not in known:
            name = name.rpartition(".")[0]
        found.add(name)
    return found - {module_name(path), "jieshui", ""}


def test_no_module_imports_itself_through_others():
    paths = {module_name(p): p for p in modules()}
    graph = {name: run_time_imports(path, set(paths)) for name, path in paths.items()}
    cycles = []
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                cycles.append(" → ".join(trail[trail.index(target):] + [name, target]) if target in trail
                              else f"{name} → {target}")
            elif target not in state:
                visit(target, trail + [name])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
    assert cycles == []


@pytest.mark.parametrize("library, allowed", [("xlwings", {"excel", "buildtime"}),
                                              ("pyopenvba", {"buildtime"}),
                                              ("xlsxwriter", {"workbook", "builder", "county", "province", "standard", "buildtime"})])
def test_heavy_libraries_are_imported_only_at_their_edge(library, allowed):
    wrong = [f"{path.relative_to(ROOT)}:{line}" for path in modules() for name, line in imports(path)
             if name.split(".")[0] == library and layer(path) not in allowed]
    assert not wrong, wrong


def test_engine_and_the_desks_run_without_xlwings_or_pyopenvba():
    # A fresh interpreter: this test process has imported xlwings for other tests.
    probe = """
import importlib, json, pkgutil, sys
def loaded(*names):
    return sorted({m.split(".")[0] for m in sys.modules} & set(names))
before = set(sys.modules)
import jieshui.engine
engine = sorted({m.split(".")[0] for m in set(sys.modules) - before}
                - set(sys.stdlib_module_names) - {"jieshui"})
import jieshui.province.collect  # what a collect worker and jieshui check load
worker = loaded("xlwings", "pyopenvba", "xlsxwriter", "pandas")
for room in ("standard", "county", "province"):
    package = importlib.import_module(f"jieshui.{room}")
    for module in pkgutil.iter_modules(package.__path__, f"jieshui.{room}."):
        importlib.import_module(module.name)
print(json.dumps({"engine": engine, "worker": worker, "desks": loaded("xlwings", "pyopenvba")}))
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == {"engine": [], "worker": [], "desks": []}


def test_size_limits():
    too_big = []
    for path in modules():
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > 500:
            too_big.append(f"{path.name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            limit = {ast.ClassDef: 300, ast.FunctionDef: 80}.get(type(node))
            if limit and node.end_lineno - node.lineno + 1 > limit:
                too_big.append(f"{path.name}: {node.name} {node.end_lineno - node.lineno + 1} lines")
    assert not too_big, too_big


def test_no_tracked_file_is_a_copy_of_another():
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    by_content = defaultdict(list)
    for name in tracked.stdout.decode("utf-8").split("\0"):
        path = ROOT / name
        if name and path.is_file() and path.stat().st_size:
            by_content[hashlib.sha256(path.read_bytes()).hexdigest()].append(name)
    assert [names for names in by_content.values() if len(names) > 1] == []


def test_pyproject_lists_every_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    declared = {p for p in config["packages"] if not p.startswith("jieshui._assets")}
    found = {".".join(("jieshui", *p.parent.relative_to(PACKAGE).parts))
             for p in PACKAGE.rglob("__init__.py")}
    assert declared == found
    for package, folder in config["package-dir"].items():
        if package:
            assert (ROOT / folder).is_dir() and package in config["packages"]


# Import name → the distribution that provides it, where they differ.
DISTRIBUTIONS = {"xlsxwriter": "xlsxwriter", "python_calamine": "python-calamine", "tomli_w": "tomli-w", "PIL": "pillow", "docx": "python-docx"}


def test_every_library_the_package_imports_is_a_declared_dependency():
    # A library that happens to be installed with something else (click came with the test
    # tools; typer 0.29 no longer depends on it) breaks the README's first command on a fresh
    # machine. Build-time modules may use the `build` extra as well.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    def names(requirements):
        return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}

    runtime = names(project["dependencies"])
    build = runtime | names(project["optional-dependencies"]["build"])
    missing = []
    for path in modules():
        allowed = build if layer(path) == "buildtime" else runtime
        for name, line in imports(path):
            top = name.split(".")[0]
            if top == "jieshui" or top in sys.stdlib_module_names or top == "__future__":
                continue
            if DISTRIBUTIONS.get(top, top).lower().replace("_", "-") not in allowed:
                missing.append(f"{path.relative_to(ROOT)}:{line} imports {top}")
    assert not missing, missing
