"""The Excel import pipeline (STYLE.md "Imports are a pipeline").

filecheck (is it a real, safe xlsx?) → reader (calamine rows) → headers (map and check the
columns) → rows (validate every row, collecting every error) → load (one transaction, the
fastest bulk path of the database). `pipeline.run_import` strings them together.
"""
