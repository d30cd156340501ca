"""Build-time code: run by build.py, the tests and the benchmarks, never by the package at run
time (pyopenvba, the `build` extra, is imported only here). The xlwings shim, the VBA project
and add-in assembly, the docs renderer and the sample generator."""
