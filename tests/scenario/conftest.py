"""One LibreOffice for the whole scenario (tests/lo_office.py), started once per module with a
private profile."""

from __future__ import annotations

import shutil

import pytest

from lo_office import started


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    profile = tmp_path_factory.mktemp("lo_profile")
    session = started(profile)
    try:
        yield session
    finally:
        session.end()
        shutil.rmtree(profile, ignore_errors=True)
