"""Live Excel: the only runtime code that imports xlwings (the UDFs and the button macros)."""
