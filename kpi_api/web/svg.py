"""A figure as a self-contained SVG line chart: no script, no external resources.

`render_svg(figure, theme)` draws every `Line` of a `FigureData` over its periods, with
axes, a legend and a text alternative (`<title>` and `<desc>`), so the same file works
inline in a page, as an `<img>` and as a download. Series differ by dash pattern as well
as colour, so the chart reads in greyscale and for colour-blind readers.

Every line, and the fixed target value, is named at its end in the right margin (as
Our World in Data's charts are), the names pushed apart so that none overlaps another
and none sits over the plot's lines; the legend below repeats them with their strokes.

Numbers and words come from `kpi_api.web.figure_words`, as on the HTML page and in the
text alternative, so they all say the same thing; `figure_words.summary` is the chart
in words.
"""

import itertools
import re
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from xml.sax.saxutils import escape

import attrs

from kpi_api.web.figure_words import axis_label, summary, title_text
from kpi_api.web.view_models import FigureData, Line
from kpi_core import Lang, Period, PeriodKind, Unit, parse_period
from kpi_core.wording import area_name, revision_tag

WIDTH, HEIGHT = 720, 400  # the wide layout's canvas (the default, and the PNG's)
NARROW_WIDTH, NARROW_HEIGHT = 360, 520  # the narrow layout's, for phones
# Room for y labels such as "100,0 %" on the left; on the right for the lines' names
# (END_LABEL_CHARS a line, three lines at most) beside a short sample of their stroke.
_LEFT, _RIGHT = 64, 164
END_LABEL_FONT = 12  # px: 12 CSS px where the page shows the canvas at full size
END_LABEL_CHAR = END_LABEL_FONT * 0.6  # a generous average width of one character
END_LABEL_LINE = 14  # px between the lines of one name
END_LABEL_GAP = 3  # px between two names
_SAMPLE = 18  # px of stroke before a name, so a name shows which line it is
# Characters a line of a name holds: the margin less the gap, the sample and its space.
END_LABEL_CHARS = int((_RIGHT - 6 - _SAMPLE - 4) / END_LABEL_CHAR)  # 17
# The margin's names may rise to the axis title's line and sink to just above the x labels.
_ABOVE, _BELOW = 24, 4

# Colours per theme. Line colours have contrast >= 3:1 and text colours ("text", "muted")
# >= 4.5:1 against "background" (WCAG 2.1 AA); tests/web recomputes every ratio.
PALETTES = {
    "light": {
        "background": "#ffffff",
        "text": "#1a1a1a",
        "muted": "#4d4d4d",
        "axis": "#6b6b6b",
        "grid": "#8c8c8c",
        "own": "#0b57a4",
        "reference": "#b04500",
        "reference2": "#00696b",
        "compare1": "#6a3d9a",
        "compare2": "#17723a",
        "compare3": "#8a5a00",
        "compare4": "#b0186d",
        "target": "#c0152f",
        "threshold": "#333333",
    },
    "dark": {
        "background": "#121212",
        "text": "#ececec",
        "muted": "#b8b8b8",
        "axis": "#9a9a9a",
        "grid": "#646464",
        "own": "#6fb6ff",
        "reference": "#ff9f43",
        "reference2": "#4dd0c8",
        "compare1": "#c9a7ff",
        "compare2": "#6fd28a",
        "compare3": "#e3c070",
        "compare4": "#ff8ccf",
        "target": "#ff7a85",
        "threshold": "#d6d6d6",
    },
}
TEXT_COLOURS = frozenset({"text", "muted"})

# Dash patterns (SVG stroke-dasharray; None = solid). "target" is a target per period
# (a Line), "threshold" the fixed `target_value`. Compared areas cycle through four
# patterns and four colours, so a fifth compared area repeats the first one's look.
DASHES = {
    "own": None,
    "reference": "8 4",
    "reference2": "6 3 1 3",  # a second benchmark (the region beside the country)
    "target": "16 4",
    "threshold": "22 4 3 4",
    "compare": ("2 3", "10 3 2 3", "10 3 2 3 2 3", "3 3 3 8"),
}
_WIDTHS = {"own": 3, "reference": 2, "reference2": 2, "target": 2, "threshold": 2, "compare": 2}

_AXIS_TITLE = {  # above the y axis, so that tick labels can stay short
    Unit.PERCENT: ("Procent", "Per cent"),
    Unit.PERCENT_CHANGE: ("Ændring i procent", "Change in per cent"),
    Unit.COUNT: ("Antal", "Count"),
    Unit.NUMBER: ("Værdi", "Value"),
    Unit.MONTHS: ("Måneder", "Months"),
    Unit.WEEKS: ("Uger", "Weeks"),
}
_CHAR = 7.0  # generous width of one character at 11–12 px, to keep labels apart
_LEGEND_ROW = 18


@attrs.frozen
class Layout:
    """A canvas and the sizes drawn on it. The narrow layout is not the wide one scaled
    down: at 360 CSS px its canvas is shown at about 0.9 of its size, so its text is drawn
    at 14 px (>= 12 CSS px on the phone), with fewer x labels and a narrower margin."""

    name: str
    width: int
    height: int
    left: int
    right: int
    font: int  # axis labels
    end_font: int  # the lines' names at their ends
    end_line: int
    legend_font: int
    legend_row: int
    title_font: int
    title_line: int
    title_chars: int  # characters a line of the title holds (~0.6 em a bold character)
    legend_chars: int  # characters a legend entry holds in one column

    @property
    def char(self) -> float:  # a generous average width of one character of the axis labels
        return self.font * 7 / 11

    @property
    def end_char(self) -> float:
        return self.end_font * 0.6

    @property
    def end_chars(self) -> int:  # characters a line of a name holds in the right margin
        return int((self.right - 6 - _SAMPLE - 4) / self.end_char)


WIDE = Layout(
    "wide", WIDTH, HEIGHT, _LEFT, _RIGHT, 12, END_LABEL_FONT, END_LABEL_LINE, 12, _LEGEND_ROW, 14, 18, 76, 92
)
NARROW = Layout("narrow", NARROW_WIDTH, NARROW_HEIGHT, 56, 132, 14, 14, 16, 14, 20, 16, 20, 33, 34)
LAYOUTS = {"wide": WIDE, "narrow": NARROW}


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[1] if lang is Lang.EN else pair[0]


# --- geometry -------------------------------------------------------------------------


def _month(period: Period) -> int:
    """A period's place on a month scale, so years, quarters and months share an x axis
    and a missing period leaves a visible gap in time."""
    step = {PeriodKind.YEAR: 0, PeriodKind.QUARTER: 3, PeriodKind.MONTH: 1}[period.kind]
    return period.year * 12 + max(period.index - 1, 0) * step


def _length(period: Period) -> int:
    return {PeriodKind.YEAR: 12, PeriodKind.QUARTER: 3, PeriodKind.MONTH: 1}[period.kind]


def _nice_step(span: Decimal, ticks: int = 5) -> Decimal:
    raw = span / ticks
    base = Decimal(1).scaleb(raw.adjusted())
    for m in (1, 2, Decimal("2.5"), 5, 10):
        if base * m >= raw:
            return base * m
    return base * 10


def _y_domain(values: list[Decimal], unit: Unit) -> tuple[Decimal, Decimal, Decimal]:
    """(low, high, step): the data with a little padding, snapped to whole ticks. Shares,
    counts and durations never go below zero; the axis only starts at zero if the data
    come close, so a change from 30 to 31 % stays visible."""
    if not values:
        return Decimal(0), Decimal(1), Decimal("0.2")
    lo, hi = min(values), max(values)
    pad = (hi - lo) * Decimal("0.08") if hi > lo else max(abs(lo) * Decimal("0.1"), Decimal(1))
    lo, hi = lo - pad, hi + pad
    if unit not in (Unit.PERCENT_CHANGE, Unit.NUMBER) and lo < 0 <= min(values):
        lo = Decimal(0)
    step = _nice_step(hi - lo)
    return (
        (lo / step).to_integral(rounding=ROUND_FLOOR) * step,
        (hi / step).to_integral(rounding=ROUND_CEILING) * step,
        step,
    )


def _x_ticks(periods: list[Period], x_of, char: float = _CHAR) -> list[tuple[float, str]]:
    """Labels on the x axis, thinned to a regular step (every month, quarter, half year,
    year, 2, 5, 10 years …) so that none overlap; a year step labels January or Q1 with
    the year alone."""
    if not periods:
        return []
    min_step = min(_length(p) for p in periods)
    for step in (1, 2, 3, 6, 12, 24, 60, 120, 240, 600):
        if step < min_step or step % min_step:
            continue
        if step >= 12:
            chosen = [(p, str(p.year)) for p in periods if _month(p) % 12 == 0 and p.year % (step // 12) == 0]
        else:
            chosen = [(p, str(p)) for p in periods if _month(p) % step == 0]
        chosen = chosen or [(periods[0], str(periods[0]))]
        labels = [(x_of(p), text) for p, text in chosen]
        if _apart(labels, char):
            return labels
    return _greedy(labels, char)


def _apart(labels: list[tuple[float, str]], char: float = _CHAR) -> bool:
    return all(b[0] - a[0] >= (len(a[1]) + len(b[1])) / 2 * char + 8 for a, b in itertools.pairwise(labels))


def _greedy(labels: list[tuple[float, str]], char: float) -> list[tuple[float, str]]:
    kept = labels[:1]
    for label in labels[1:]:
        if _apart([kept[-1], label], char):
            kept.append(label)
    return kept


def _segments(line: Line) -> list[list[tuple[Period, Decimal]]]:
    """Runs of consecutive known values: a None or a skipped period breaks the line, so a
    missing figure is a gap, never a drop to zero or a bridge across unknown periods."""
    runs: list[list[tuple[Period, Decimal]]] = []
    previous = None
    for text, value in sorted(
        zip(line.periods, line.values, strict=False), key=lambda pv: parse_period(pv[0])
    ):
        period = parse_period(text)
        if value is None:
            previous = None
            continue
        if previous is None or _month(period) - _month(previous) > _length(previous):
            runs.append([])
        runs[-1].append((period, value))
        previous = period
    return runs


# --- drawing --------------------------------------------------------------------------


def _x(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _n(v: float) -> str:
    return f"{v:.1f}"


def _wrap(text: str, width: int, lines: int) -> list[str]:
    out, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    out.append(current)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return out


def _shorten(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def _styles(figure: FigureData) -> dict[str, tuple[str, str | None, int]]:
    """Per line key: (palette colour name, dash pattern, stroke width)."""
    styles, compared, references = {}, 0, 0
    for line in figure.lines:
        if line.role == "compare":
            n = compared % len(DASHES["compare"])
            styles[line.key] = (f"compare{n + 1}", DASHES["compare"][n], _WIDTHS["compare"])
            compared += 1
        else:
            role = line.role if line.role in ("own", "reference", "target") else "reference"
            if role == "reference":
                role = "reference" if references == 0 else "reference2"
                references += 1
            styles[line.key] = (role, DASHES[role], _WIDTHS[role])
    return styles


def _css(root: str, theme: str) -> str:
    """Colours by class, scoped to this chart's id: inline in a page, the rules must not
    reach the page or another chart."""

    def rules(palette: dict[str, str]) -> str:
        lines = [
            f"#{root} .bg{{fill:{palette['background']}}}",
        ]
        for name, colour in palette.items():
            if name in TEXT_COLOURS:
                lines.append(f"#{root} .t-{name}{{fill:{colour}}}")
            elif name in ("axis", "grid"):
                lines.append(f"#{root} .s-{name}{{stroke:{colour}}}")
            elif name != "background":  # a series: its line, and the dot for a lone value
                lines.append(f"#{root} .s-{name}{{stroke:{colour}}} #{root} .f-{name}{{fill:{colour}}}")
        return "\n".join(lines)

    base = (
        f"#{root} text{{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif}}\n"
        f"#{root} .series{{fill:none;stroke-linejoin:round;stroke-linecap:butt}}"
    )
    if theme in ("light", "dark"):
        return f"{base}\n{rules(PALETTES[theme])}"
    dark = rules(PALETTES["dark"])
    return f"{base}\n{rules(PALETTES['light'])}\n@media (prefers-color-scheme: dark){{\n{dark}\n}}"


@attrs.frozen
class _Frame:
    """The plot area and its scales: x by month (periods' place in time), y by value."""

    left: float
    right: float
    top: float
    bottom: float
    first: int
    last: int
    lo: Decimal
    hi: Decimal
    layout: Layout = WIDE

    def x(self, period: Period) -> float:
        if self.last == self.first:
            return (self.left + self.right) / 2
        return self.left + (_month(period) - self.first) / (self.last - self.first) * (self.right - self.left)

    def y(self, value: Decimal) -> float:
        return self.bottom - float((value - self.lo) / (self.hi - self.lo)) * (self.bottom - self.top)


def _title_lines(figure: FigureData, layout: Layout = WIDE) -> list[str]:
    """The title in at most two lines (three in the narrow layout); a long name is
    shortened, never the area."""
    chars = layout.title_chars
    lines = _wrap(title_text(figure), chars, 3 if layout is NARROW else 2)
    if lines[-1].endswith("…"):  # shortened: make room for the area again
        suffix = f" – {area_name(figure.area, figure.lang)}"
        lines[-1] = lines[-1][: chars - 1 - len(suffix)].rstrip() + "…" + suffix
    return lines


def _y_axis(figure: FigureData, frame: _Frame, step: Decimal) -> list[str]:
    out = [f'<g class="y-axis" font-size="{frame.layout.font}">']
    tick = frame.lo
    while tick <= frame.hi:
        y, label = _n(frame.y(tick)), axis_label(figure, tick, step)
        out.append(
            f'<line class="s-grid" x1="{frame.left}" x2="{frame.right}" y1="{y}" y2="{y}" stroke-width="1"/>'
        )
        out.append(
            f'<text class="t-muted" x="{frame.left - 8}" y="{y}" dy="0.35em" text-anchor="end">{_x(label)}</text>'
        )
        tick += step
    return [*out, "</g>"]


def _x_axis(frame: _Frame, periods: list[Period]) -> list[str]:
    base = _n(frame.bottom)
    out = [
        f'<g class="x-axis" font-size="{frame.layout.font}">',
        f'<line class="s-axis" x1="{frame.left}" x2="{frame.right}" y1="{base}" y2="{base}" stroke-width="1"/>',
    ]
    for x, text in _x_ticks(periods, frame.x, frame.layout.char):
        out.append(
            f'<line class="s-axis" x1="{_n(x)}" x2="{_n(x)}" y1="{base}" y2="{_n(frame.bottom + 5)}" stroke-width="1"/>'
        )
        out.append(
            f'<text class="t-muted" x="{_n(x)}" y="{_n(frame.bottom + 7 + frame.layout.font)}" text-anchor="middle">{_x(text)}</text>'
        )
    return [*out, "</g>"]


def _threshold_label(figure: FigureData) -> str:
    return f"{_pick(('Mål', 'Target'), figure.lang)}: {figure.target(figure.lang)}"


def _threshold(figure: FigureData, frame: _Frame) -> list[str]:
    """The fixed target value as a line across the plot (named in the right margin)."""
    assert figure.target_value is not None
    y = frame.y(figure.target_value)
    return [
        '<g class="target-value" data-role="threshold">',
        (
            f'<line class="series s-threshold" x1="{frame.left}" x2="{frame.right}" y1="{_n(y)}" y2="{_n(y)}" '
            f'stroke-width="{_WIDTHS["threshold"]}" stroke-dasharray="{DASHES["threshold"]}"/>'
        ),
        "</g>",
    ]


@attrs.frozen
class _EndLabel:
    """A line's name in the right margin: where its line ends (`anchor`), and the text."""

    key: str
    anchor: float
    lines: tuple[str, ...]
    style: tuple[str, str | None, int]
    line_height: int = END_LABEL_LINE

    @property
    def height(self) -> float:
        return len(self.lines) * self.line_height


def _end_labels(figure: FigureData, styles, frame: _Frame) -> list[_EndLabel]:
    """Every drawn line's name at the height of its last value, and the fixed target's."""
    lang, found = figure.lang, []
    for line in figure.lines:
        runs = _segments(line)
        if runs:
            last = runs[-1][-1][1]
            found.append(
                _EndLabel(
                    line.key, frame.y(last), (line.label(lang),), styles[line.key], frame.layout.end_line
                )
            )
    if figure.target_value is not None:
        threshold = ("threshold", DASHES["threshold"], _WIDTHS["threshold"])
        found.append(
            _EndLabel(
                "target_value",
                frame.y(figure.target_value),
                (_threshold_label(figure),),
                threshold,
                frame.layout.end_line,
            )
        )
    return found


def place_labels(wanted: list[float], heights: list[float], top: float, bottom: float) -> list[float]:
    """Tops for blocks of `heights` wanted at the tops `wanted`, in the same order, none
    overlapping another (END_LABEL_GAP apart) and all within top…bottom as far as they
    fit: in order of the wanted tops, each pushed down past the one above, then each
    pushed up from the bottom; the order never changes, so names stay in their lines'
    order."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    tops = [0.0] * len(wanted)
    below = top
    for i in order:
        tops[i] = max(wanted[i], below)
        below = tops[i] + heights[i] + END_LABEL_GAP
    above = bottom
    for i in reversed(order):
        tops[i] = max(min(tops[i], above - heights[i]), top)
        above = tops[i] - END_LABEL_GAP
    return tops


def _fit(labels: list[_EndLabel], frame: _Frame) -> list[_EndLabel]:
    """Names wrapped to END_LABEL_CHARS in up to three lines where the margin has room for
    them all, else in two or one (shortened); if even one line each does not fit, the
    compared areas' names are left to the legend."""
    room = frame.bottom - frame.top + _ABOVE + _BELOW

    def shaped(lines: int) -> list[_EndLabel]:
        chars = frame.layout.end_chars
        return [attrs.evolve(lb, lines=tuple(_wrap(lb.lines[0], chars, lines))) for lb in labels]

    def total(found: list[_EndLabel]) -> float:
        return sum(lb.height + END_LABEL_GAP for lb in found)

    for candidate in (shaped(3), shaped(2), shaped(1)):
        if total(candidate) <= room:
            return candidate
    return [lb for lb in shaped(1) if not lb.key.startswith("compare:")]


def _end_label_marks(labels: list[_EndLabel], frame: _Frame) -> list[str]:
    """The names in the right margin, each after a sample of its line's stroke, with a
    thin leader from the plot's edge where a name had to move away from its line."""
    labels = _fit(labels, frame)
    step = frame.layout.end_line
    # A name's first line is wanted level with its line's end.
    wanted = [lb.anchor - step / 2 for lb in labels]
    tops = place_labels(wanted, [lb.height for lb in labels], frame.top - _ABOVE, frame.bottom + _BELOW)
    x0 = frame.right + 6
    out = [f'<g class="end-labels" font-size="{frame.layout.end_font}">']
    for label, top in zip(labels, tops, strict=True):
        colour, dash, width = label.style
        first = top + step / 2  # the middle of the first line
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<g class="end-label" data-key="{_x(label.key)}">')
        if abs(first - label.anchor) > 2:
            out.append(
                f'<polyline class="s-axis" fill="none" stroke-width="1" points="{_n(frame.right + 1)},'
                f'{_n(label.anchor)} {_n(x0)},{_n(first)}"/>'
            )
        out.append(
            f'<line class="series s-{colour}" x1="{_n(x0)}" x2="{_n(x0 + _SAMPLE)}" y1="{_n(first)}" '
            f'y2="{_n(first)}" stroke-width="{width}"{dash_attr}/>'
        )
        for n, text in enumerate(label.lines):
            y = first + n * step
            out.append(
                f'<text class="t-text" x="{_n(x0 + _SAMPLE + 4)}" y="{_n(y)}" dy="0.35em">{_x(text)}</text>'
            )
        out.append("</g>")
    return [*out, "</g>"]


def _series(line: Line, style: tuple[str, str | None, int], frame: _Frame) -> list[str]:
    colour, dash, width = style
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    out = [f'<g class="line" data-key="{_x(line.key)}" data-role="{_x(line.role)}">']
    for run in _segments(line):
        points = [(frame.x(p), frame.y(v)) for p, v in run]
        if line.key == "target":  # an external target holds for its whole period: draw steps
            steps = [pt for (x0, y0), (x1, _) in itertools.pairwise(points) for pt in ((x0, y0), (x1, y0))]
            points = steps + points[-1:]
        if len(points) == 1:  # a lone value has no line to show it: mark it
            x, y = points[0]
            out.append(f'<circle class="f-{colour}" cx="{_n(x)}" cy="{_n(y)}" r="{width + 1}"/>')
        else:
            pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
            out.append(
                f'<polyline class="series s-{colour}" points="{pts}" stroke-width="{width}"{dash_attr}/>'
            )
    return [*out, "</g>"]


def _legend(entries: list, columns: int, frame: _Frame) -> list[str]:
    """A sample of each line's stroke and its name in words, in one or two columns."""
    layout = frame.layout
    out = [f'<g class="legend" font-size="{layout.legend_font}">']
    column_width = (layout.width - 32) / columns
    for i, ((colour, dash, width), label) in enumerate(entries):
        x = 16 + (i % columns) * column_width
        y = frame.bottom + 18 + 2 * layout.font + (i // columns) * layout.legend_row
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line class="series s-{colour}" x1="{_n(x)}" x2="{_n(x + 34)}" y1="{_n(y - 4)}" y2="{_n(y - 4)}" '
            f'stroke-width="{width}"{dash_attr}/>'
        )
        text = _shorten(label, layout.legend_chars // columns - (2 if columns == 2 else 0))
        out.append(f'<text class="t-text" x="{_n(x + 42)}" y="{_n(y)}">{_x(text)}</text>')
    return [*out, "</g>"]


def render_svg(figure: FigureData, theme: str = "light", layout: str = "wide") -> str:
    """The figure as an SVG document (a string), theme "light" (the default: an `<img>` on
    a white intranet page stays white whatever the reader's system is set to), "dark" or
    "auto" (light, switching to dark with the reader's `prefers-color-scheme`); layout
    "wide" (720 × 400) or "narrow" (360 × 520, for phones: see `Layout`)."""
    if theme not in ("light", "dark", "auto"):
        raise ValueError(f"theme must be light, dark or auto, not {theme!r}")
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be wide or narrow, not {layout!r}")
    shape = LAYOUTS[layout]
    width, height = shape.width, shape.height
    lang, unit = figure.lang, figure.indicator.unit
    # Ids from the indicator and area, so the same figure always gives the same file; the
    # narrow layout's differ, so that a page can hold both.
    root = "kpi-" + re.sub(r"[^A-Za-z0-9]+", "-", f"{figure.indicator.id}-{figure.area.code}").strip("-")
    if shape is NARROW:
        root += "-narrow"
    styles = _styles(figure)

    # Legend entries first: their number decides how tall the plot can be.
    entries = [(styles[line.key], line.label(lang)) for line in figure.lines]
    if figure.target_value is not None:
        threshold = ("threshold", DASHES["threshold"], _WIDTHS["threshold"])
        entries.append((threshold, _threshold_label(figure)))
    two = shape.legend_chars // 2 - 2
    columns = 2 if shape is WIDE and all(len(label) <= two for _, label in entries) else 1
    rows = -(-len(entries) // columns)

    title_lines = _title_lines(figure, shape)
    top = 8 + shape.title_font
    caption_y = top + shape.title_line * (len(title_lines) - 1) + 12 + shape.legend_font
    periods = sorted({parse_period(p) for line in figure.lines for p in line.periods})
    values = [v for line in figure.lines for v in line.values if v is not None]
    if figure.target_value is not None:
        values.append(figure.target_value)
    lo, hi, step = _y_domain(values, unit)
    frame = _Frame(
        left=shape.left,
        right=width - shape.right,
        top=caption_y + 10,
        bottom=height - 12 - rows * shape.legend_row - 8 - 2 * shape.font,
        first=_month(periods[0]) if periods else 0,
        last=_month(periods[-1]) if periods else 0,
        lo=lo,
        hi=hi,
        layout=shape,
    )

    out = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" id="{root}" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-labelledby="{root}-title {root}-desc" lang="{lang.value}">'
        ),
        f'<title id="{root}-title">{_x(title_text(figure))}</title>',
        f'<desc id="{root}-desc">{_x(summary(figure))}</desc>',
        f"<style>\n{_css(root, theme)}\n</style>",
        f'<rect class="bg" x="0" y="0" width="{width}" height="{height}"/>',
    ]
    for i, text in enumerate(title_lines):
        out.append(
            f'<text class="t-text" x="16" y="{top + shape.title_line * i}" font-size="{shape.title_font}" '
            f'font-weight="600">{_x(text)}</text>'
        )
    axis_title = _x(_pick(_AXIS_TITLE[unit], lang))
    out.append(
        f'<text class="t-muted" x="{frame.left}" y="{caption_y}" font-size="{shape.legend_font}">{axis_title}</text>'
    )
    # Also on the picture, which travels without the page around it.
    tags = [_pick(("SYNTETISKE DATA", "SYNTHETIC DATA"), lang)] if figure.synthetic else []
    tag = revision_tag(figure.basis) if figure.basis is not None else None
    if tag is not None:  # a superseded or reconstructed revision says so on every figure
        tags.append(tag(lang).upper())
    if tags:
        notice = _x(" · ".join(tags))
        out.append(
            f'<text class="t-text" x="{frame.right}" y="{caption_y}" font-size="{shape.legend_font}" font-weight="700" '
            f'text-anchor="end">{notice}</text>'
        )
    out += _y_axis(figure, frame, step)
    out += _x_axis(frame, periods)
    if not values:
        out.append(
            f'<text class="t-muted" x="{_n((frame.left + frame.right) / 2)}" y="{_n((frame.top + frame.bottom) / 2)}" '
            f'font-size="{shape.title_font}" text-anchor="middle">{_x(_pick(("Ingen data", "No data"), lang))}</text>'
        )
    if figure.target_value is not None:
        out += _threshold(figure, frame)
    for line in sorted(figure.lines, key=lambda ln: ln.role == "own"):  # own last: on top
        out += _series(line, styles[line.key], frame)
    out += _end_label_marks(_end_labels(figure, styles, frame), frame)
    out += _legend(entries, columns, frame)
    out.append("</svg>")
    return "\n".join(out) + "\n"
