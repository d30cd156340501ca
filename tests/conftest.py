import copy
from pathlib import Path

import pytest

from jieshui.county import read_county_file
from jieshui.standard import load_standard

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "shiliqi.toml"
_EXAMPLE_RAW = read_county_file(EXAMPLE)


@pytest.fixture(scope="session")
def std():
    return load_standard()


@pytest.fixture
def example():
    """A fresh, mutable copy of the example county's raw figures."""
    return copy.deepcopy(_EXAMPLE_RAW)
