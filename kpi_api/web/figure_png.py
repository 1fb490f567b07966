"""A figure as a PNG, for Word and PowerPoint: the figure's own SVG, rasterised by resvg.

resvg (the `resvg-py` wheel: self-contained, no system library) rather than cairosvg:
cairosvg ignores `paint-order`, so a label's halo painted over its own text and the
target line's label ("Mål: Mindst 80 %") vanished; resvg draws the SVG as browsers do.

Bounded: the picture is always the SVG's canvas (svg.WIDTH × svg.HEIGHT) times a whole
`scale` from 1 to MAX_SCALE, whatever the SVG holds, so no request can ask for more
than 2880 × 1600 pixels. Pinned: resvg writes only IHDR, IDAT and IEND (no time, no software
name), so the same SVG gives the same bytes.

Text needs a font on the machine (resvg reads the system's fonts): the SVG asks for
system-ui … Arial, sans-serif, and Liberation Sans (Debian's fonts-liberation) has
Arial's widths, so labels fit as the SVG's layout expects (scripts/ensure-fonts.sh).

Off the event loop and off the GIL: resvg-py holds the GIL for the whole rendering
(~120 ms at 2×), so in the work pool's threads it stopped the event loop that long for
every PNG: /healthz p90 went from 21 ms to 309 ms under a stream of PNGs (measured).
The rendering runs in a child process instead (one, started on the first PNG); the
request's thread waits for it without the GIL and gives up at the request's deadline.
"""

import concurrent.futures
import functools
import multiprocessing
import sys
import threading
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from kpi_api.http import deadline
from kpi_api.web.png_child import rasterise
from kpi_api.web.svg import HEIGHT, WIDTH

DEFAULT_SCALE = 2  # 1440 × 800 for a 720 × 400 chart: sharp when printed at its width
MAX_SCALE = 4  # 2880 × 1600: a poster; 18 MB of pixels and about 0.5 s to draw (measured)

# Where Linux keeps fonts (fontconfig's usual folders); other systems always have some.
_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
_FONT_SUFFIXES = frozenset({".ttf", ".otf", ".ttc"})


class NoFonts(RuntimeError):
    """The machine has no font, so a PNG would have no text: a setup error, not the caller's."""


PROCESSES = 1  # PNGs wait for each other rather than take a core each from the other requests
_WAIT_SLICE = 0.05  # seconds between looks at the request's deadline (a client that left)
_NO_DEADLINE = 60.0  # seconds, where no request sets one (the schema or a test calling directly)


def render_png(svg: str, scale: int = DEFAULT_SCALE) -> bytes:
    """The SVG as PNG bytes, `scale` device pixels per SVG unit (1 to MAX_SCALE), drawn in
    the child process; DeadlineExceeded when the request's time runs out first."""
    if not (isinstance(scale, int) and 1 <= scale <= MAX_SCALE):
        raise ValueError(f"scale must be a whole number from 1 to {MAX_SCALE}, not {scale!r}")
    if not _has_fonts():
        raise NoFonts(
            "PNG figures need a font on the server and it has none: install one "
            "(on Debian: apt-get install fonts-liberation), then restart the service."
        )
    try:
        return _wait(_processes().submit(rasterise, svg, WIDTH * scale, HEIGHT * scale))
    except BrokenProcessPool:  # the child died (killed, out of memory): a new one, once
        _discard()
        return _wait(_processes().submit(rasterise, svg, WIDTH * scale, HEIGHT * scale))


def _wait(future: concurrent.futures.Future[bytes]) -> bytes:
    budget = deadline.current() or deadline.Budget(_NO_DEADLINE)
    while True:
        try:
            return future.result(timeout=_WAIT_SLICE)
        except concurrent.futures.TimeoutError:
            if budget.expired():  # the time limit, or the client has gone
                future.cancel()  # not started yet: never started; started: it ends by itself
                raise deadline.exceeded(budget) from None


_lock = threading.Lock()
_executor: concurrent.futures.ProcessPoolExecutor | None = None


def _processes() -> concurrent.futures.ProcessPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            # spawn, not fork: the server has threads (and maybe locks held) that a fork would copy.
            context = multiprocessing.get_context("spawn")
            _executor = concurrent.futures.ProcessPoolExecutor(PROCESSES, mp_context=context)
        return _executor


def _discard() -> None:
    global _executor
    with _lock:
        broken, _executor = _executor, None
    if broken is not None:
        broken.shutdown(wait=False, cancel_futures=True)


def close() -> None:
    """Stop the child process (the service's shutdown); a later PNG starts a new one."""
    _discard()


@functools.cache
def _has_fonts() -> bool:
    if not sys.platform.startswith("linux"):
        return True
    for folder in _FONT_DIRS:
        root = Path(folder).expanduser()
        if root.is_dir() and any(p.suffix.lower() in _FONT_SUFFIXES for p in root.rglob("*")):
            return True
    return False
