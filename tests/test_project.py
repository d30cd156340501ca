"""The project as a whole: committed artefacts are current, the README's quick start is what CI
runs, and an installed wheel carries the files the package hands out."""

import importlib.util
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from helpers import ROOT


def load_build():
    spec = importlib.util.spec_from_file_location("build", ROOT / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_artefacts_are_current():
    stale = [str(path.relative_to(ROOT)) for path, data in load_build().artefacts().items()
             if not path.exists() or path.read_bytes() != data]
    assert not stale, f"run `python build.py` and commit: {stale}"


def test_standard_doc_lists_every_content_and_input(std):
    text = (ROOT / "docs" / "standard.md").read_text(encoding="utf-8")
    for content in std.contents:
        assert f"| {content.id} | {content.indicator} |" in text
    for key in std.inputs:
        assert f"`{key}`" in text


def test_readme_quick_start_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## 快速开始.*?```(?:bash)?\n(.*?)```", readme, re.S).group(1)
    commands = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
    assert len(commands) == 2, commands
    assert "examples/shiliqi.toml" in commands[0]
    assert commands[1] == "bash .ci/run"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 -m pip install -e '.[build,test]' && python3 -m pytest" in ci


def test_an_installed_wheel_carries_the_files_the_package_hands_out(tmp_path):
    # The files are committed once (workbook_templates/, xlwings_addin/, examples/, docs/); the
    # wheel maps them into jieshui/_assets/, where jieshui.workbook.assets looks first.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path),
                    str(ROOT)], check=True, capture_output=True, timeout=600)
    wheel, = tmp_path.glob("jieshui-*.whl")
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = ("import json, jieshui.workbook.assets as a; print(json.dumps({n: str(a.asset(n)) for n in "
             "(a.TEMPLATE, a.EXAMPLE_WORKBOOK, a.ADDIN, a.EXAMPLE_COUNTY, a.GUIDE)}))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(site)}, cwd=tmp_path)
    for relative, found in json.loads(out.stdout).items():
        assert Path(found).is_relative_to(site / "jieshui" / "_assets"), found
        assert Path(found).read_bytes() == (ROOT / relative).read_bytes(), relative
    names = zipfile.ZipFile(wheel).namelist()
    assert not [n for n in names if n.startswith("jieshui/_assets/") and n.endswith((".py", ".bas"))]
