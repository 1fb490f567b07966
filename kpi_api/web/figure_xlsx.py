"""A figure's data as an Excel workbook (openpyxl), in the figure's language.

Two sheets:
- "Tal" / "Figures": one row per point of every line in the figure's order, as the CSV
  (`figure_formats.figure_csv`): the series and its role in words, the area code, the
  period as text (so Excel never turns `2022-09` into a date), the value as a number
  (empty when suppressed or missing, never 0) with a number format that carries the
  indicator's unit (`30,5 %`, `4 måneder`; Excel shows it with the reader's decimal
  comma or point), and the unit in words.
- "Kilder og noter" / "Sources and notes": what the numbers are and where they come
  from: the indicator, the area, the target, the status in words and why, the source,
  the data's date (vintage), the strategy and its revision, which figures the revision
  is judged on, and "Syntetiske data" / "Synthetic data" first where they are made up.

Pinned: the same figure gives the same bytes. openpyxl's `save` stamps the workbook's
modified date and every zip entry with the time of saving; here both are the data's
vintage (the newest publication date among the shown figures), so a download changes
when the data do, not when it is asked for.
"""

import datetime
import io
import os
import zipfile
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from kpi_api.web.rest import judged_on
from kpi_api.web.svg import summary, title_text
from kpi_api.web.view_models import FigureData
from kpi_core import Lang, Text, Unit
from kpi_core.wording import area_name, direction_assumption, status_label, unit_suffix

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

DATA_SHEET = Text("Tal", "Figures")
NOTES_SHEET = Text("Kilder og noter", "Sources and notes")
HEADER = (
    Text("Serie", "Series"),
    Text("Rolle", "Role"),
    Text("Områdekode", "Area code"),
    Text("Periode", "Period"),
    Text("Værdi", "Value"),
    Text("Enhed", "Unit"),
)
ROLES = {
    "own": Text("egen", "own"),
    "reference": Text("reference", "reference"),
    "compare": Text("sammenligning", "comparison"),
    "target": Text("mål", "target"),
}
SYNTHETIC = Text(
    "Syntetiske data: tallene er opdigtede og må ikke bruges som faktiske tal.",
    "Synthetic data: the figures are made up and must not be used as real figures.",
)
_UNIT_WORDS = {
    Unit.PERCENT: Text("procent", "per cent"),
    Unit.PERCENT_CHANGE: Text("ændring i procent", "change in per cent"),
    Unit.COUNT: Text("antal", "count"),
    Unit.NUMBER: Text("værdi", "value"),
    Unit.MONTHS: Text("måneder", "months"),
    Unit.WEEKS: Text("uger", "weeks"),
}
# A zip entry cannot be dated before 1980; a figure without a vintage (no figures) gets that day.
_NO_VINTAGE = datetime.date(1980, 1, 1)
MAX_DECIMALS = 2  # as the pages show a value (kpi_core.wording.rounded); the cell keeps every digit


def figure_xlsx(figure: FigureData) -> bytes:
    lang = figure.lang
    book = Workbook()
    data = book.active
    assert data is not None  # a new workbook has its one sheet
    data.title = DATA_SHEET(lang)
    _data_sheet(data, figure)
    _notes_sheet(book.create_sheet(NOTES_SHEET(lang)), figure)
    stamp = datetime.datetime.combine(max(figure.vintage or _NO_VINTAGE, _NO_VINTAGE), datetime.time())
    book.properties.created = book.properties.modified = stamp
    book.properties.creator = book.properties.lastModifiedBy = "kommune-kpi"
    book.properties.title = title_text(figure)
    book.properties.language = lang.value
    out = io.BytesIO()
    # ExcelWriter, not Workbook.save: save would date the workbook now.
    ExcelWriter(book, _DatedZip(out, stamp)).save()
    return out.getvalue()


def number_format(unit: Unit, decimals: int, lang: Lang) -> str:
    """An Excel number format showing `decimals` places and the unit: `#,##0.0" %"`; a
    change carries its sign, as the pages print it.

    >>> number_format(Unit.MONTHS, 1, Lang.DA), number_format(Unit.COUNT, 0, Lang.EN)
    ('#,##0.0" måneder"', '#,##0')
    >>> number_format(Unit.PERCENT_CHANGE, 1, Lang.DA)
    '+#,##0.0" %";-#,##0.0" %";#,##0.0" %"'
    """
    digits = "#,##0" + ("." + "0" * decimals if decimals else "")
    suffix = unit_suffix(unit, lang)
    shown = f'{digits}"{suffix}"' if suffix else digits
    return f"+{shown};-{shown};{shown}" if unit is Unit.PERCENT_CHANGE else shown


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return min(max(-exponent, 0), MAX_DECIMALS) if isinstance(exponent, int) else 0


def _data_sheet(sheet: Worksheet, figure: FigureData) -> None:
    lang, unit = figure.lang, figure.indicator.unit
    values = [v for line in figure.lines for v in line.values if v is not None]
    shown = number_format(unit, max((_places(v) for v in values), default=0), lang)
    unit_words = _UNIT_WORDS[unit](lang)
    sheet.append([h(lang) for h in HEADER])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in figure.lines:
        role = ROLES[line.role](lang) if line.role in ROLES else line.role
        for period, value in zip(line.periods, line.values, strict=False):
            sheet.append([line.label(lang), role, line.area or "", period, value, unit_words])
            row = sheet.max_row
            sheet.cell(row, 4).number_format = "@"  # text: Excel would read 2022-09 as a date
            sheet.cell(row, 5).number_format = shown
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:F{sheet.max_row}"
    for column, width in zip("ABCDEF", (34, 16, 12, 10, 14, 18), strict=True):
        sheet.column_dimensions[column].width = width


def _notes_sheet(sheet: Worksheet, figure: FigureData) -> None:
    lang, e = figure.lang, figure.evaluation

    def t(da: str, en: str) -> str:
        return Text(da, en)(lang)

    rows: list[tuple[str, str | datetime.date]] = []
    if figure.synthetic:
        rows.append((t("Syntetiske data", "Synthetic data"), SYNTHETIC(lang)))
    rows += [(t("Note", "Note"), note(lang)) for note in figure.revision_notes]
    rows += [
        (t("Indikator", "Indicator"), f"{figure.indicator.id} {figure.indicator.name(lang)}"),
        (t("Område", "Area"), f"{area_name(figure.area, lang)} ({figure.area.code})"),
        (t("Målsætning", "Target"), figure.target(lang)),
        (t("Status", "Status"), status_label(e.status, lang) + (f" ({e.period})" if e.period else "")),
        (t("Sammenfatning", "Summary"), summary(figure)),
        (t("Forklaring", "Explanation"), e.explanation(lang)),
    ]
    if assumed := direction_assumption(figure.indicator):
        rows.append((t("Retning", "Direction"), assumed(lang)))
    rows += [
        (t("Kilde", "Source"), "; ".join(figure.sources) or t("ikke angivet", "not given")),
        (t("Offentliggjort", "Published"), figure.vintage or t("ikke angivet", "not given")),
        (t("Strategi", "Strategy"), figure.strategy_id),
        (t("Revision", "Revision"), figure.revision),
    ]
    if (basis := judged_on(figure.basis, lang)) is not None:
        rows.append((t("Bedømt på", "Judged on"), basis["explanation"]))
    rows.append((t("Enhed", "Unit"), _UNIT_WORDS[figure.indicator.unit](lang)))
    for label, text in rows:
        sheet.append([label, text])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        value = sheet.cell(sheet.max_row, 2)
        value.alignment = Alignment(wrap_text=True, vertical="top")
        if isinstance(text, datetime.date):
            value.number_format = "yyyy-mm-dd"
    if figure.synthetic:
        sheet.cell(1, 2).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 100


class _DatedZip(zipfile.ZipFile):
    """A zip whose every entry carries one fixed date, not the time it was written (openpyxl
    adds most parts as strings, and each worksheet from a temporary file by its name)."""

    def __init__(self, file: io.BytesIO, stamp: datetime.datetime) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED)
        self._date_time = stamp.timetuple()[:6]

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: Any,  # str or any buffer, as ZipFile takes it
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=self._date_time)
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(
        self,
        filename: "str | os.PathLike[str]",
        arcname: "str | os.PathLike[str] | None" = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        with open(filename, "rb") as part:
            self.writestr(str(arcname or filename), part.read(), compress_type, compresslevel)
