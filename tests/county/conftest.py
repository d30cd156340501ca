import pytest

from unit_forms import split_example


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    """The example county and its units' forms, split once per test module."""
    return split_example(tmp_path_factory.mktemp("split"))
