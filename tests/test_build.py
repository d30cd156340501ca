"""Generated artefacts are committed; they must equal what build.py makes now."""

import importlib.util
import re

from conftest import ROOT


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
    block = re.search(r"## Quick start.*?```(?:bash)?\n(.*?)```", readme, re.S).group(1)
    commands = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
    assert len(commands) == 2, commands
    assert "examples/shiliqi.toml" in commands[0]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci
