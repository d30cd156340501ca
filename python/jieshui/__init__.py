"""jieshui: scoring engine and Excel workbook for county water-saving society compliance review."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jieshui")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
