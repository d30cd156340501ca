"""The documents: the command reference is current and is what `jieshui … --help` really prints,
every link between the documents leads to a file (and heading) that exists, and the README stays
a front page."""

import os
import re
from pathlib import Path

import pytest

from helpers import ROOT, run

COMMANDS_DOC = ROOT / "docs" / "commands.md"
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "benchmarks" / "README.md"]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
REGENERATE = ("python3 -c \"from jieshui.cli.app import app; from jieshui.buildtime.commands_doc import "
              "render_commands; open('docs/commands.md', 'w', encoding='utf-8').write(render_commands(app))\" "
              "(or python3 build.py)")


def sections(text: str) -> dict[str, str]:
    """{"jieshui score": the help text shown under its heading} from docs/commands.md."""
    found = re.findall(r"^## (.+?)\n\n```text\n\$ \1 --help\n(.*?)^```$", text, re.S | re.M)
    return dict(found)


def test_command_reference_is_current():
    from jieshui.buildtime.commands_doc import render_commands
    from jieshui.cli.app import app

    fresh = render_commands(app)
    assert COMMANDS_DOC.read_text(encoding="utf-8") == fresh, f"docs/commands.md is stale: run {REGENERATE}"


def listed_commands(help_text: str) -> list[str]:
    """The names under "命令：" in a group's --help (a wrapped description's lines are indented further)."""
    block = help_text.split("\n命令：\n", 1)[1] if "\n命令：\n" in help_text else ""
    return [line.split()[0] for line in block.splitlines() if re.match(r"  \S", line)]


@pytest.mark.parametrize("path", ["jieshui", "jieshui standard", "jieshui excel", "jieshui score",
                                  "jieshui standard export"])
def test_command_reference_is_what_the_command_prints(path):
    # The real command in a wide terminal: the reference must not depend on the terminal's width
    # (click caps the help at 80 columns, which the generator's fixed width matches).
    doc = sections(COMMANDS_DOC.read_text(encoding="utf-8"))
    printed = run(*path.split()[1:], "--help", env={**os.environ, "COLUMNS": "200"})
    assert printed.returncode == 0, printed.stderr
    assert doc[path] == printed.stdout
    # Every command a group lists has its own section, so no command is left out.
    missing = [f"{path} {name}" for name in listed_commands(printed.stdout) if f"{path} {name}" not in doc]
    assert not missing, missing


def test_the_reference_has_a_section_for_each_command_in_its_list():
    text = COMMANDS_DOC.read_text(encoding="utf-8")
    listed = re.findall(r"^\s*- \[`(jieshui[^`]*)`\]\(#([^)]+)\)$", text, re.M)
    assert len(listed) >= 21, listed  # 15 commands, 2 groups of 3 and 2, and jieshui itself
    assert [path for path, _ in listed] == list(sections(text))


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.S | re.M)
    return {slug(h) for h in re.findall(r"^#+ (.+)$", text, re.M)}


def test_every_link_between_the_documents_resolves():
    assert len(DOCUMENTS) >= 8, DOCUMENTS
    broken, checked = [], 0
    for document in DOCUMENTS:
        text = re.sub(r"^```.*?^```", "", document.read_text(encoding="utf-8"), flags=re.S | re.M)
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:", target):  # a web address: not ours to check offline
                continue
            checked += 1
            file, _, anchor = target.partition("#")
            resolved = (document.parent / file).resolve() if file else document
            if not resolved.is_file():
                broken.append(f"{document.relative_to(ROOT)}: {target} (no such file)")
            elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
                broken.append(f"{document.relative_to(ROOT)}: {target} (no such heading)")
    assert checked >= 40, checked  # the README's table, the guides' cross-references, the reference's list
    assert not broken, broken


def test_the_readme_is_a_front_page_from_which_every_document_is_reached():
    readme = ROOT / "README.md"
    assert len(readme.read_text(encoding="utf-8").splitlines()) <= 200
    reached, todo = set(), [readme]
    while todo:  # follow the links, document to document
        document = todo.pop()
        if document in reached or document.suffix != ".md" or not document.is_file():
            continue
        reached.add(document)
        for target in LINK.findall(document.read_text(encoding="utf-8")):
            if not re.match(r"[a-z]+:", target) and target.partition("#")[0]:
                todo.append((document.parent / target.partition("#")[0]).resolve())
    unreached = [str(d.relative_to(ROOT)) for d in DOCUMENTS if d.resolve() not in reached]
    assert not unreached, f"link these from the README or a document it links: {unreached}"


def test_the_developer_guide_names_every_room_of_the_package():
    guide = (ROOT / "docs" / "developer-guide.md").read_text(encoding="utf-8")
    layout = guide.split("## Layout", 1)[1].split("\n## ", 1)[0]
    rooms = sorted(p.name for p in (ROOT / "python" / "jieshui").iterdir()
                   if p.is_dir() and (p / "__init__.py").is_file())
    assert len(rooms) >= 9, rooms
    assert not [room for room in rooms if f"  {room}/ " not in layout], rooms


USER_DOCUMENTS = ["README.md", "docs/user-guide.md", "docs/acceptance-checklist.md", "docs/windows-setup.md"]


def test_the_user_documents_keep_to_the_glossary():
    # The words a county official reads: one term per concept, no English, keys or straight
    # quotes, the county's own verdict (tests/glossary.py; commands in code spans are not prose).
    from glossary import markdown_texts, report

    found = [p for document in USER_DOCUMENTS for p in report(markdown_texts(ROOT / document))]
    assert not found, found[:20]
    # The check reads the prose of a guide as it stands: a planted review verdict, English word
    # and spaced figure are caught, a link's target is not read as a word.
    guide = ROOT / "docs" / "user-guide.md"
    planted = guide.read_text(encoding="utf-8") + "\n结论为资料复核合格，见 guide [使用说明](user-guide.md)，得 4 分。\n"
    caught = report(markdown_texts(guide, planted))
    assert len(caught) == 3 and all(guide.name in p for p in caught), caught
