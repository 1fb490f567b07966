"""Importing observations: readers turn a file into `SourceRow`s (each knowing where in
the file it came from); one validator turns rows into observations or a row-by-row
report; nothing is written unless every row is valid."""
