"""The county workbook as every adapter sees it: the contract (sheets, defined names, the
评价标准 row), what each computed cell computes (functions), what an official types (inputs),
the readers, and the cached-value patching."""
