"""`kpi fetch`: the mapped tables pulled from the Statbank and Jobindsats APIs and imported
as `kpi import` imports a file (http.py: the bounded client; statbank.py, jobindsats.py:
what each API is asked; run.py: which tables, then fetch all, then import)."""
