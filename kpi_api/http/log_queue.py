"""Log records leave the event loop through a queue; a thread of the logging module writes them.

uvicorn logs every request (`uvicorn.access`) from the event loop. Written there, each
record is a blocking write to stderr: a slow terminal or a full journald pipe stalls every
request, and under load each write gave the GIL away, the loop then waiting its turn to get
it back behind the threads doing work. With a queue the loop only appends.
"""

import contextlib
import logging
import logging.handlers
import queue
from collections.abc import Iterator

LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access")


class _Enqueue(logging.handlers.QueueHandler):
    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        # The record as it is: the handlers behind the queue format it themselves (uvicorn's
        # access formatter reads the record's args, which the default prepare() drops).
        return record


@contextlib.contextmanager
def logging_off_the_loop(names: tuple[str, ...] = LOGGERS) -> Iterator[None]:
    """For as long as the service runs: each named logger's handlers are served from a
    queue of its own (loggers keep their own handlers and formats); restored after."""
    moved: list[tuple[logging.Logger, list[logging.Handler], logging.handlers.QueueListener]] = []
    for name in names:
        logger = logging.getLogger(name)
        if not logger.handlers:
            continue
        handlers = list(logger.handlers)
        records: queue.SimpleQueue = queue.SimpleQueue()
        listener = logging.handlers.QueueListener(records, *handlers, respect_handler_level=True)
        for handler in handlers:
            logger.removeHandler(handler)
        logger.addHandler(_Enqueue(records))
        listener.start()
        moved.append((logger, handlers, listener))
    try:
        yield
    finally:
        for logger, handlers, listener in moved:
            listener.stop()  # writes what is still queued
            for handler in list(logger.handlers):
                if isinstance(handler, _Enqueue):
                    logger.removeHandler(handler)
            for handler in handlers:
                logger.addHandler(handler)
