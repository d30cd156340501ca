import pytest

from helpers import example_raw
from jieshui.engine import load_standard


@pytest.fixture(scope="session")
def std():
    return load_standard()


@pytest.fixture
def example():
    """A fresh, mutable copy of the example county's raw figures."""
    return example_raw()
