"""The offline installer for PCs without internet: built for real from PyPI's Windows wheels, and
complete for 64-bit Windows on every supported Python, Windows-only dependencies included; the
guides in it are Word documents a county PC opens (not Markdown), named as the user guide names
them, and so is the plain-text guide the 使用说明 button opens in Notepad."""

import email.parser
import re
import zipfile

import docx
import pytest
from packaging.requirements import Requirement
from packaging.tags import compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename

from glossary import report
from helpers import ADDIN, BLANK_WORKBOOK, EXAMPLE_WORKBOOK, ROOT, convert
from jieshui import __version__
from jieshui.buildtime.guide import CODE_FONT, render_text
from jieshui.buildtime.offline import (DONE, FAILED, FILES, GUIDES, NO_PYTHON, PYTHONS, build_offline,
                                       install_script, render_guides)

USER_GUIDE = ROOT / "docs" / "user-guide.md"
TEXT_GUIDE = ROOT / "docs" / "user-guide.txt"
# What Markdown source looks like when shown raw: a heading's #, bold's **, a code span's
# backtick, a table's leading pipe, a link's ](.
RAW_MARKDOWN = re.compile(r"^\s*#|\*\*|`|^\s*\||\]\(")


def headings(markdown):
    """Every heading's text, in order, read straight from the Markdown (code blocks left out)."""
    text = re.sub(r"^\s*```.*?^\s*```", "", markdown, flags=re.S | re.M)
    return re.findall(r"^#{1,6} +(.+?)\s*$", text, re.M)


@pytest.fixture(scope="module")
def guides(tmp_path_factory):
    return render_guides(ROOT, tmp_path_factory.mktemp("guides"))


def document_texts(path):
    document = docx.Document(str(path))
    return [p.text for p in document.paragraphs] + [
        cell.text for table in document.tables for row in table.rows for cell in row.cells]


@pytest.mark.parametrize("source, name", GUIDES)
def test_each_guide_is_a_word_document_with_its_headings_and_tables_and_no_markdown(guides, source, name):
    markdown = (ROOT / source).read_text(encoding="utf-8")
    document = docx.Document(str(guides[name]))
    shown = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert shown == headings(markdown) and len(shown) >= 8
    # Every pipe table of the source is a Word table with the same header cells.
    tables = re.findall(r"^\|(.+)\|\n\|[-| :]+\|$", markdown, re.M)
    assert len(document.tables) == len(tables) >= 1
    for table, header in zip(document.tables, tables):
        assert [c.text for c in table.rows[0].cells] == [h.strip().strip("`") for h in header.split("|")]
    raw = [t for t in document_texts(guides[name]) if RAW_MARKDOWN.search(t)]
    assert not raw, raw[:5]


def test_the_word_user_guide_keeps_to_the_glossary(guides):
    # What is set in the code font (commands, file names) is what one types, not prose: left
    # out, as the checker leaves out code in the Markdown.
    document = docx.Document(str(guides["使用说明.docx"]))
    paragraphs = list(document.paragraphs) + [p for table in document.tables for row in table.rows
                                              for cell in row.cells for p in cell.paragraphs]
    prose = ["".join(r.text if r.font.name != CODE_FONT else " " for r in p.runs) for p in paragraphs]
    assert sum(1 for p in paragraphs for r in p.runs if r.font.name == CODE_FONT) >= 20
    found = report((f"使用说明.docx 第{n}段", text) for n, text in enumerate(prose, 1))
    assert not found, found[:10]
    assert report([("planted", "自评结论：资料复核合格")])  # the check is live


@pytest.mark.office  # LibreOffice reads the document as Word or WPS would
def test_the_word_user_guide_opens_in_libreoffice_with_every_heading(guides, tmp_path):
    convert(guides["使用说明.docx"], tmp_path, "txt:Text (encoded):UTF8")
    text = (tmp_path / "使用说明.txt").read_text(encoding="utf-8-sig")
    lines = [line.strip() for line in text.splitlines()]
    expected = headings(USER_GUIDE.read_text(encoding="utf-8"))
    assert [line for line in lines if line in expected] == expected
    assert not [line for line in lines if RAW_MARKDOWN.search(line)]


def test_the_text_guide_the_button_opens_is_current_and_plain():
    regenerate = "python3 build.py"
    data = TEXT_GUIDE.read_bytes()
    assert data.decode("utf-8") == render_text(USER_GUIDE.read_text(encoding="utf-8")), f"stale: run {regenerate}"
    assert data.count(b"\r\n") == data.count(b"\n")  # CRLF throughout: any Notepad shows the lines
    lines = data.decode("utf-8").split("\r\n")
    for heading in headings(USER_GUIDE.read_text(encoding="utf-8")):
        at = lines.index(heading.replace("**", ""))
        assert set(lines[at + 1]) <= {"═", "─"} or lines[at + 1] == "", heading  # set apart, not ##
    raw = [line for line in lines if RAW_MARKDOWN.search(line)]
    assert not raw, raw[:5]
    # No line wider than Notepad's 80 columns at a Chinese character's two, but a command.
    wide = [line for line in lines if sum(2 if ord(c) > 0x2e80 else 1 for c in line) > 80
            and not line.startswith("    jieshui")]
    assert not wide, wide[:3]


def test_the_user_guide_names_every_file_as_the_zip_names_it():
    guide = USER_GUIDE.read_text(encoding="utf-8")
    names = [name for _, name in FILES] + [name for _, name in GUIDES] + ["安装.bat"]
    # As Windows Explorer shows a path in the zip: with a backslash, in a code span.
    missing = [name for name in names if f"`{name.replace('/', chr(92))}`" not in guide]
    assert not missing, missing
    setup = (ROOT / "docs" / "windows-setup.md").read_text(encoding="utf-8")
    assert "安装说明.docx" in setup and "使用说明.docx" in setup


def test_the_installer_script_says_each_message_in_chinese_and_keeps_its_blocks_whole():
    script = install_script().decode("utf-8")
    assert "\r\n" in script and "\n" not in script.replace("\r\n", "")
    for message in (NO_PYTHON, FAILED, DONE):
        assert f"echo {message}\r\n" in script
        # An ASCII ) in an echo inside `if (...)` would end the block early.
        assert "(" not in message and ")" not in message
    assert not report(("安装.bat", m) for m in (NO_PYTHON, FAILED, DONE))


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    path = build_offline(ROOT, tmp_path_factory.mktemp("offline"), __version__)
    assert path.name == f"jieshui-offline-{__version__}-win64.zip"
    return zipfile.ZipFile(path)


def wheels(archive):
    """{file name: (canonical name, version, tags, Requires-Dist)} of every wheel in the zip."""
    found = {}
    for name in archive.namelist():
        if name.startswith("wheels/") and name.endswith(".whl"):
            project, version, _, tags = parse_wheel_filename(name.split("/", 1)[1])
            with zipfile.ZipFile(archive.open(name)) as wheel:
                meta = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
                message = email.parser.Parser().parsestr(wheel.read(meta).decode("utf-8"))
            found[name] = (project, version, tags, message.get_all("Requires-Dist") or [])
    return found


def windows_environment(python):
    # Written out here rather than taken from the builder: what 64-bit CPython on Windows 10 says.
    return {"implementation_name": "cpython", "implementation_version": python + ".0",
            "os_name": "nt", "platform_machine": "AMD64", "platform_python_implementation": "CPython",
            "platform_release": "10", "platform_system": "Windows", "platform_version": "10.0",
            "python_full_version": python + ".0", "python_version": python,
            "sys_platform": "win32", "extra": ""}


@pytest.mark.network  # pip downloads every wheel from the package index
@pytest.mark.parametrize("python", PYTHONS)
def test_every_requirement_has_a_wheel_for_64_bit_windows(offline, python):
    major, minor = map(int, python.split("."))
    accepted = set(cpython_tags((major, minor), platforms=["win_amd64"])) | set(
        compatible_tags((major, minor), f"cp{major}{minor}", ["win_amd64"]))
    usable = {n: w for n, w in wheels(offline).items() if w[2] & accepted}
    environment = windows_environment(python)
    queue = [Requirement("jieshui")]
    seen, missing = set(), []
    while queue:
        requirement = queue.pop()
        if requirement.marker is not None and not requirement.marker.evaluate(environment):
            continue
        key = canonicalize_name(requirement.name)
        if key in seen:
            continue
        seen.add(key)
        match = [w for w in usable.values() if w[0] == key and requirement.specifier.contains(w[1])]
        if not match:
            missing.append(str(requirement))
            continue
        queue += [Requirement(text) for text in match[0][3]]
    assert not missing
    assert {"pywin32", "colorama", "xlwings"} <= seen  # the ones a Linux download leaves out


@pytest.mark.network
def test_the_zip_carries_the_workbooks_addin_guides_and_installer(offline, tmp_path):
    names = set(offline.namelist())
    assert offline.read("工作簿/县域复核工作簿（空白模板）.xlsm") == BLANK_WORKBOOK.read_bytes()
    assert offline.read("工作簿/示例旗_县域复核工作簿.xlsm") == EXAMPLE_WORKBOOK.read_bytes()
    assert offline.read("加载项/jieshui.xlam") == ADDIN.read_bytes()
    for source, name in GUIDES:  # named as the user guide names them, and Word documents
        (tmp_path / name).write_bytes(offline.read(name))
        shown = [p.text for p in docx.Document(str(tmp_path / name)).paragraphs if p.style.name.startswith("Heading")]
        assert shown == headings((ROOT / source).read_text(encoding="utf-8"))
    assert not [n for n in names if n.endswith(".md")]
    assert "安装.bat" in names and any(n.startswith("wheels/jieshui-") for n in names)


@pytest.mark.network
def test_the_installer_script_installs_from_the_folder_only(offline):
    script = offline.read("安装.bat").decode("utf-8")
    assert "\r\n" in script and script.startswith("@echo off\r\nchcp 65001")
    assert '--no-index --find-links "%~dp0wheels" jieshui' in script
    assert "-m jieshui excel install" in script
