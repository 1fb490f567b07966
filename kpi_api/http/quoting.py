"""Quoting user input in error messages: enough to recognise it, never the whole of it.

An error that echoed its input in full let a 1 MB argument come back as a 1 MB answer
(and a 1 MB log line); a short prefix and the length say the same to the reader."""

QUOTE_LIMIT = 40  # characters of the input an error message shows


def quoted(value: str, limit: int = QUOTE_LIMIT) -> str:
    """`'151'` for short input, `'aaaa…' (1,048,576 characters)` for long."""
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit] + '…'!r} ({len(value):,} characters)"


def shortened(message: str, value: str, limit: int = QUOTE_LIMIT) -> str:
    """`message` (from code that quotes `value` in full with repr) with the value quoted
    short: for messages made elsewhere, such as kpi_core's period errors."""
    return message.replace(repr(value), quoted(value, limit)) if len(value) > limit else message
