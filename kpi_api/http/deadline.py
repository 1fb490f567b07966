"""A request's time limit that the work itself honours.

Threads cannot be killed, so a request past its limit stops by cooperation: the limit
lives in a context variable (the work pool copies the request's context into the thread
it runs in), the long loops of the service layer call `check()`, and the database
aborts a statement that runs past it (see storage/statement_deadline.py). The budget object is
shared by the request and its threads, so `cancel()` (its client has gone) reaches work
already under way. Outside a request (the CLI, tests of the services) there is no
budget and `check()` costs one lookup.
"""

import contextlib
import contextvars
import time
from collections.abc import Iterator


class DeadlineExceeded(Exception):
    """The request's time is up, or its client has gone: the work stops here."""


class Budget:
    __slots__ = ("cancelled", "deadline", "seconds")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.cancelled = False

    def expired(self) -> bool:
        return self.cancelled or time.monotonic() >= self.deadline

    def remaining(self) -> float:
        return 0.0 if self.cancelled else max(0.0, self.deadline - time.monotonic())

    def cancel(self) -> None:
        self.cancelled = True


_current: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("kpi_request_budget", default=None)


@contextlib.contextmanager
def limited_to(seconds: float) -> Iterator[Budget]:
    """Everything run in this context (and in contexts copied from it) has `seconds`."""
    budget = Budget(seconds)
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)


def current() -> Budget | None:
    return _current.get()


def expired() -> bool:
    budget = _current.get()
    return budget is not None and budget.expired()


def check() -> None:
    """A cancellation point: raise DeadlineExceeded when the request's time is up."""
    budget = _current.get()
    if budget is not None and budget.expired():
        raise exceeded(budget)


def exceeded(budget: Budget) -> DeadlineExceeded:
    if budget.cancelled and time.monotonic() < budget.deadline:
        return DeadlineExceeded("The client has gone; its work was stopped.")
    return DeadlineExceeded(too_long(budget.seconds))


def too_long(seconds: float) -> str:
    """The message of a request stopped at its time limit (503 TIMEOUT), wherever it stopped."""
    return f"The request took longer than {seconds:g} s and was stopped (KPI_REQUEST_TIMEOUT)."
