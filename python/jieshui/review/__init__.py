"""Reviewing county workbooks without Excel: check, export (the submission sheet), recalc,
collect (a province's folder) and the summary workbook. Never imports xlwings or pyopenvba."""
