"""The offline installer for PCs without internet: built for real from PyPI's Windows wheels, and
complete for 64-bit Windows on every supported Python, Windows-only dependencies included."""

import email.parser
import zipfile

import pytest
from packaging.requirements import Requirement
from packaging.tags import compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename

from helpers import ADDIN, BLANK_WORKBOOK, EXAMPLE_WORKBOOK, ROOT
from jieshui import __version__
from jieshui.buildtime.offline import PYTHONS, build_offline

pytestmark = pytest.mark.network  # pip downloads every wheel from the package index


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


def test_the_zip_carries_the_workbooks_addin_guide_and_installer(offline):
    names = set(offline.namelist())
    assert offline.read("workbooks/县域复核工作簿（空白模板）.xlsm") == BLANK_WORKBOOK.read_bytes()
    assert offline.read("workbooks/示例旗_县域复核工作簿.xlsm") == EXAMPLE_WORKBOOK.read_bytes()
    assert offline.read("addin/jieshui.xlam") == ADDIN.read_bytes()
    assert offline.read("使用说明.txt")[3:] == (ROOT / "docs" / "windows-setup.md").read_bytes()
    assert "安装.bat" in names and any(n.startswith("wheels/jieshui-") for n in names)


def test_the_installer_script_installs_from_the_folder_only(offline):
    script = offline.read("安装.bat").decode("utf-8")
    assert "\r\n" in script and script.startswith("@echo off\r\nchcp 65001")
    assert '--no-index --find-links "%~dp0wheels" jieshui' in script
    assert "-m jieshui excel install" in script
