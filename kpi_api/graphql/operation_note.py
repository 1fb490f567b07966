"""Which kind of operation a request ran, for the answer cache (answer_cache.py), which
keys on the text as sent and so learns only from the schema's run whether it was a query."""

import contextlib
import contextvars
from collections.abc import Iterator

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType


class OperationNote:
    __slots__ = ("type",)

    def __init__(self) -> None:
        self.type: OperationType | None = None


_note: contextvars.ContextVar[OperationNote | None] = contextvars.ContextVar("kpi_operation", default=None)


@contextlib.contextmanager
def noting_the_operation() -> Iterator[OperationNote]:
    """Around running one request: the note says what it ran (None: nothing ran)."""
    note = OperationNote()
    token = _note.set(note)
    try:
        yield note
    finally:
        _note.reset(token)


class RecordOperationType(SchemaExtension):
    """Fills the note of the request being run (the schema runs in the task that called it)."""

    def on_execute(self) -> Iterator[None]:
        note = _note.get()
        if note is not None:
            note.type = self.execution_context.operation_type
        yield
