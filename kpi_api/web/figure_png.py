"""A figure as a PNG, for Word and PowerPoint: the figure's own SVG, rasterised by resvg.

resvg (the `resvg-py` wheel: self-contained, no system library) rather than cairosvg:
cairosvg ignores `paint-order`, so a label's halo painted over its own text and the
target line's label ("Mål: Mindst 80 %") vanished; resvg draws the SVG as browsers do.

Bounded: the picture is always the SVG's canvas (svg.WIDTH × svg.HEIGHT) times a whole
`scale` from 1 to MAX_SCALE, whatever the SVG holds, so no request can ask for more
than MAX_PIXELS. Pinned: resvg writes only IHDR, IDAT and IEND (no time, no software
name), so the same SVG gives the same bytes.

Text needs a font on the machine (resvg reads the system's fonts): the SVG asks for
system-ui … Arial, sans-serif, and Liberation Sans (Debian's fonts-liberation) has
Arial's widths, so labels fit as the SVG's layout expects (scripts/ensure-fonts.sh).
"""

import functools
import sys
from pathlib import Path

from kpi_api.web.svg import HEIGHT, WIDTH

DEFAULT_SCALE = 2  # 1440 × 800 for a 720 × 400 chart: sharp when printed at its width
MAX_SCALE = 4
MAX_PIXELS = WIDTH * HEIGHT * MAX_SCALE**2

# Where Linux keeps fonts (fontconfig's usual folders); other systems always have some.
_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
_FONT_SUFFIXES = frozenset({".ttf", ".otf", ".ttc"})


class NoFonts(RuntimeError):
    """The machine has no font, so a PNG would have no text: a setup error, not the caller's."""


def render_png(svg: str, scale: int = DEFAULT_SCALE) -> bytes:
    """The SVG as PNG bytes, `scale` device pixels per SVG unit (1 to MAX_SCALE)."""
    import resvg_py  # the service's dependency only: kpi_api.web loads without it

    if not (isinstance(scale, int) and 1 <= scale <= MAX_SCALE):
        raise ValueError(f"scale must be a whole number from 1 to {MAX_SCALE}, not {scale!r}")
    if not _has_fonts():
        raise NoFonts(
            "PNG figures need a font on the server and it has none: install one "
            "(on Debian: apt-get install fonts-liberation), then restart the service."
        )
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, width=WIDTH * scale, height=HEIGHT * scale))


@functools.cache
def _has_fonts() -> bool:
    if not sys.platform.startswith("linux"):
        return True
    for folder in _FONT_DIRS:
        root = Path(folder).expanduser()
        if root.is_dir() and any(p.suffix.lower() in _FONT_SUFFIXES for p in root.rglob("*")):
            return True
    return False
