"""Build every generated artefact from the standard file.

Today: docs/standard.md (the standard as a Markdown reference). The workbook templates and the
add-in join here as they are built (issues 3 and 5). Output is deterministic; the tests fail
when a committed artefact is stale.

    python build.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "python"))

from jieshui.standard import load_standard  # noqa: E402
from jieshui.standard_doc import render_markdown  # noqa: E402

STANDARD_DOC = ROOT / "docs" / "standard.md"


def artefacts() -> dict[Path, str]:
    """Every generated file and its content."""
    return {STANDARD_DOC: render_markdown(load_standard())}


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    tmp.replace(path)


def main() -> None:
    for path, text in artefacts().items():
        write_atomically(path, text)
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
