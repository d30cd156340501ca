"""The standard as a workbook a province edits: its layout, the export, the import back into the
standard file, and the differences between two standards."""
