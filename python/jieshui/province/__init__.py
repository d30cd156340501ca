"""The province's review: score a folder of county workbooks (collect), pick the counted file of
each county (duplicates), the tables, the summary workbook, the feedback to each county and the
history of runs. Never touches the county template's builder or the county's desk."""
