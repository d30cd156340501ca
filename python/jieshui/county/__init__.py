"""The county's own desk: check and recalc a workbook, export the submission sheet, the
self-assessment report (with its picture), the evidence index, the member units' files (split, returns,
merge) and next year's workbook (carry)."""
