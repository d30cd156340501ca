"""The offline installer for 政务内网 PCs: one zip with the jieshui wheel, a 64-bit Windows wheel of
every dependency for each supported CPython, the workbooks, the add-in, the two guides as Word
documents and 安装.bat.

pip evaluates environment markers against the machine it runs on, not against --platform, so a
download made on Linux silently leaves out Windows-only requirements (pywin32 for xlwings,
colorama for click). Here every requirement is resolved with its markers evaluated for 64-bit
Windows, one wheel at a time (pip download --no-deps), until the set is closed.
"""

from __future__ import annotations

import email.parser
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

from ..workbook import assets
from .guide import render_docx

PYTHONS = ("3.11", "3.12", "3.13")
# Where each built file goes in the zip: the user guide names them so (its 离线安装包中的文件).
FILES = ((assets.TEMPLATE, "工作簿/县域复核工作簿（空白模板）.xlsm"),
         (assets.EXAMPLE_WORKBOOK, "工作簿/示例旗_县域复核工作簿.xlsm"),
         (assets.ADDIN, "加载项/jieshui.xlam"))
# The guides as Word documents, which every county PC opens (Office or WPS); Markdown has no
# program there and reads as #, ** and table pipes in Notepad.
GUIDES = (("docs/user-guide.md", "使用说明.docx"), ("docs/windows-setup.md", "安装说明.docx"))
INSTALL_BAT = "安装.bat"
# What 安装.bat says, apart from the script so that each reads as the sentence a user sees. No
# ASCII parentheses: inside an `if (...)` block of a .bat file one would close the block.
NO_PYTHON = "没有找到 Python。请先安装64位的 Python 3.11、3.12或3.13，再运行本文件。"
FAILED = "安装失败：请把上面的提示截图发给信息中心。"
DONE = "安装完成：重新启动 Excel 后可看到“节水复核”选项卡。工作簿在本文件夹的“工作簿”文件夹中。"
# .bat files are read in the console's code page: switch it to UTF-8 first. `py` is the
# launcher python.org's installer puts on PATH; it picks the newest installed Python.
INSTALL_SCRIPT = """@echo off
chcp 65001 > nul
cd /d "%~dp0"
where py > nul 2> nul
if errorlevel 1 (
    echo {no_python}
    pause
    exit /b 1
)
py -3 -m pip install --no-index --find-links "%~dp0wheels" jieshui
if errorlevel 1 (
    echo {failed}
    pause
    exit /b 1
)
py -3 -m jieshui excel install
echo {done}
pause
"""


def install_script() -> bytes:
    """安装.bat as written into the zip: CRLF line ends, UTF-8 (the script switches to it)."""
    script = INSTALL_SCRIPT.format(no_python=NO_PYTHON, failed=FAILED, done=DONE)
    return script.replace("\n", "\r\n").encode("utf-8")


def windows(python: str) -> dict[str, str]:
    """The marker environment of 64-bit CPython `python` on Windows."""
    return {"implementation_name": "cpython", "implementation_version": f"{python}.0",
            "os_name": "nt", "platform_machine": "AMD64", "platform_python_implementation": "CPython",
            "platform_release": "10", "platform_system": "Windows", "platform_version": "10.0",
            "python_full_version": f"{python}.0", "python_version": python, "sys_platform": "win32",
            "extra": ""}


def requirements(wheel: Path, environment: dict[str, str]) -> list[Requirement]:
    """The wheel's Requires-Dist that apply in `environment` (no extras asked for)."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = email.parser.Parser().parsestr(archive.read(name).decode("utf-8"))
    found = [Requirement(text) for text in metadata.get_all("Requires-Dist") or []]
    return [r for r in found if r.marker is None or Marker(str(r.marker)).evaluate(environment)]


def _download(requirement: Requirement, python: str, folder: Path) -> Path:
    # Without its marker, which has been evaluated for Windows already: pip would evaluate it
    # for this machine and skip the download.
    wanted = f"{requirement.name}{requirement.specifier}"
    before = set(folder.iterdir())
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--only-binary=:all:", "--platform", "win_amd64", "--python-version", python,
                    "--implementation", "cp", "-d", str(folder), wanted],
                   check=True, capture_output=True, timeout=600)
    new = set(folder.iterdir()) - before
    name = canonicalize_name(requirement.name)
    return next(iter(new)) if new else next(p for p in folder.glob("*.whl")
                                            if parse_wheel_filename(p.name)[0] == name)


def download_closure(root: Path, python: str, folder: Path) -> None:
    """Every wheel `root` needs on 64-bit Windows with CPython `python`, into `folder`."""
    environment, seen = windows(python), set()
    queue = list(requirements(root, environment))
    while queue:
        requirement = queue.pop()
        key = canonicalize_name(requirement.name)
        if key in seen:
            continue
        seen.add(key)
        queue += requirements(_download(requirement, python, folder), environment)


def render_guides(root: Path, folder: Path) -> dict[str, Path]:
    """{name in the zip: Word document} of each guide of the checkout `root`, built in `folder`."""
    built = {}
    for source, name in GUIDES:
        markdown = (root / source).read_text(encoding="utf-8")
        built[name] = render_docx(markdown, folder / name, (root / source).parent)
    return built


def build_offline(root: Path, out_dir: Path, version: str) -> Path:
    """DIR/jieshui-offline-<version>-win64.zip."""
    with tempfile.TemporaryDirectory() as tmp:
        wheels = Path(tmp) / "wheels"
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w",
                        str(wheels), str(root)], check=True, capture_output=True, timeout=600)
        jieshui = next(wheels.glob("jieshui-*.whl"))
        for python in PYTHONS:
            download_closure(jieshui, python, wheels)
        target = out_dir / f"jieshui-offline-{version}-win64.zip"
        out_dir.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for wheel in sorted(wheels.iterdir()):
                archive.write(wheel, f"wheels/{wheel.name}")
            for relative, name in FILES:
                archive.writestr(name, assets.asset(relative).read_bytes())
            for name, document in render_guides(root, Path(tmp)).items():
                archive.write(document, name)
            archive.writestr(INSTALL_BAT, install_script())
        return target
