"""Every document printed once, through one LibreOffice for the whole run: what each cell shows
(as LibreOffice formats it) and the PDF it prints to."""

from __future__ import annotations

import shutil
import pytest

from printing.documents import documents, print_all
from lo_office import started


@pytest.fixture(scope="session")
def printer(tmp_path_factory):
    """The one LibreOffice every printing test shares."""
    profile = tmp_path_factory.mktemp("print_office")
    office = started(profile)
    try:
        yield office
    finally:
        office.end()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def printed(tmp_path_factory, printer):
    root = tmp_path_factory.mktemp("printed")
    return print_all(printer, documents(root), root)
