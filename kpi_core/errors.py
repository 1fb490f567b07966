"""The errors kpi_core raises, one tree, so a caller can tell them apart.

    KpiError
    ├── NotFound (also a LookupError)
    │   ├── UnknownStrategy
    │   ├── UnknownRevision (also a KeyError: `diff` raised KeyError before)
    │   ├── UnknownIndicator
    │   └── UnknownArea
    ├── CatalogueError (also a ValueError): a catalogue file that cannot be loaded
    └── PeriodError (also a ValueError): a period that is not a year, quarter or month

The builtin bases keep older `except LookupError` / `except ValueError` callers working;
new code catches the class it means, so an internal `KeyError` is never read as "not
found".

>>> issubclass(UnknownArea, NotFound) and issubclass(NotFound, LookupError)
True
>>> str(UnknownArea("999"))
"There is no area '999'; use a municipality code such as 151, a region 1081–1085 or DK."
"""


class KpiError(Exception):
    """Base of every error kpi_core raises on purpose."""


class NotFound(KpiError, LookupError):
    """Something named by id does not exist; the message says what, and what does."""

    # KeyError's own str() would quote the message; the message is for people.
    __str__ = Exception.__str__


class UnknownStrategy(NotFound):
    pass


class UnknownRevision(NotFound, KeyError):
    pass


class UnknownIndicator(NotFound):
    pass


class UnknownArea(NotFound):
    """No area has this code. One message for every face (GraphQL, REST, pages)."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(
            f"There is no area {code!r}; use a municipality code such as 151, a region 1081–1085 or DK."
        )


class CatalogueError(KpiError, ValueError):
    """A catalogue file that cannot be loaded, with every problem found in it."""

    def __init__(self, file: str, problems: list[str]) -> None:
        self.file = file
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"catalogue file {file} is invalid:\n{lines}")


class PeriodError(KpiError, ValueError):
    """A period that is not a year, quarter or month."""
