"""Writing without losing anything: names claimed atomically by processes running at once, and
the permissions colleagues on a shared folder need."""

import concurrent.futures as futures
import os
import re
import shutil
import stat

from helpers import EXAMPLE_WORKBOOK, run
from jieshui.files import claim, write_atomically


def _claim_many(folder):
    return [str(claim(folder / "报送表.xlsx")) for _ in range(5)]


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def umask_mode():
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def test_processes_claiming_one_name_at_once_get_different_files(tmp_path):
    with futures.ProcessPoolExecutor(8) as pool:
        claimed = [p for batch in pool.map(_claim_many, [tmp_path] * 8) for p in batch]
    assert len(claimed) == len(set(claimed)) == 40
    assert len(list(tmp_path.iterdir())) == 40


def test_exports_run_at_once_write_one_file_each(tmp_path):
    with futures.ThreadPoolExecutor(4) as pool:
        outs = list(pool.map(lambda _: run("export", EXAMPLE_WORKBOOK, "-o", tmp_path), range(4)))
    assert all(out.returncode == 0 for out in outs), [o.stderr for o in outs]
    printed = [re.search(r"已导出：(\S+\.xlsx)", out.stdout).group(1) for out in outs]
    assert len(set(printed)) == 4
    assert len(list(tmp_path.glob("*.xlsx"))) == 4 and len(list(tmp_path.glob("*.pdf"))) == 4


def test_new_files_get_the_umask_mode_and_old_ones_keep_theirs(tmp_path):
    new = tmp_path / "new.xlsx"
    write_atomically(new, b"x")
    assert mode(new) == umask_mode()  # not mkstemp's 0600
    shared = tmp_path / "shared.xlsm"
    shared.write_bytes(b"old")
    os.chmod(shared, 0o664)
    write_atomically(shared, b"new")
    assert mode(shared) == 0o664 and shared.read_bytes() == b"new"


def test_exports_and_in_place_recalc_keep_permissions(tmp_path):
    out = run("export", EXAMPLE_WORKBOOK, "-o", tmp_path / "out")
    assert out.returncode == 0, out.stderr
    assert {mode(p) for p in (tmp_path / "out").iterdir()} == {umask_mode()}
    county = tmp_path / "县.xlsm"
    shutil.copy(EXAMPLE_WORKBOOK, county)
    os.chmod(county, 0o660)
    assert run("recalc", county, "--in-place").returncode == 0
    (backup,) = tmp_path.glob("县_备份_*.xlsm")
    assert mode(county) == 0o660 and mode(backup) == 0o660
