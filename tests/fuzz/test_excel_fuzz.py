"""The Excel reader, fuzzed directly: a workbook whose sheet XML has cells replaced by
odd values and types, or whose archive has bytes flipped, is imported or refused with
problems that name their place; never an exception."""

import io
import random
import traceback
import zipfile
from collections import Counter

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from kpi_api.importing.service import import_bytes
from kpi_core import shipped_areas, shipped_strategies
from kpi_core.memory import InMemoryRepository
from tests.fuzz._support import EXAMPLES, fuzz_settings


def _workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Tal"
    for row in (
        ["indicator", "area", "period", "value"],
        ["2.2", 151, 2022, 29.5],
        ["O1", "DK", "2022-09", "3,1"],
    ):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


BASE = _workbook()
SHEET = "xl/worksheets/sheet1.xml"
CELL = st.sampled_from(
    [
        '<c r="{ref}" t="n"><v>1e400</v></c>',
        '<c r="{ref}" t="n"><v>abc</v></c>',
        '<c r="{ref}" t="s"><v>99</v></c>',  # a shared string that is not there
        '<c r="{ref}" t="b"><v>1</v></c>',
        '<c r="{ref}" t="e"><v>#DIV/0!</v></c>',
        '<c r="{ref}" t="d"><v>2022-13-45</v></c>',
        '<c r="{ref}" s="99"><v>44927</v></c>',  # a style that is not there
        '<c r="{ref}" t="inlineStr"><is><t>[/x] status[value]</t></is></c>',
        '<c r="XFD{row}"><v>1</v></c>',
        '<c r="{ref}"><v>-0</v></c>',
        "<c/>",
        "<row/>",
        '<row r="99999999"><c r="A99999999"><v>1</v></c></row>',
    ]
)


def _repack(mutate) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(BASE))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            body = source.read(entry.filename)
            archive.writestr(entry.filename, mutate(body) if entry.filename == SHEET else body)
    return out.getvalue()


@st.composite
def mutated_workbooks(draw) -> bytes:
    if draw(st.booleans()):  # flipped bytes anywhere in the archive
        data = bytearray(BASE)
        rng = random.Random(draw(st.integers(0, 2**32)))
        for _ in range(draw(st.integers(1, 20))):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    row = draw(st.integers(1, 3))
    column = draw(st.sampled_from("ABCDE"))
    cell = draw(CELL).format(ref=f"{column}{row}", row=row)
    if cell.startswith("<row"):
        return _repack(lambda xml: xml.replace(b"</sheetData>", cell.encode() + b"</sheetData>", 1))
    opening = f'<row r="{row}">'.encode()
    return _repack(lambda xml: xml.replace(opening, opening + cell.encode(), 1))


def test_mutated_workbooks_are_imported_or_refused_with_located_problems():
    strategies, areas = shipped_strategies(), shipped_areas()
    outcomes: Counter = Counter()
    defects: dict[str, int] = {}

    @fuzz_settings(EXAMPLES)
    @given(mutated_workbooks())
    def run(data):
        try:
            report = import_bytes(data, "tal.xlsx", InMemoryRepository(), strategies, areas, dry_run=True)
        except Exception as exc:
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            defects[f"{type(exc).__name__} at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}: {exc}"] = (
                len(data)
            )
            return
        assert all(p.location and p.message for p in report.problems)
        outcomes["refused" if report.problems else "imported"] += 1

    run()
    print(
        f"\nexcel fuzz: {sum(outcomes.values())} workbooks: {dict(sorted(outcomes.items()))}; {len(defects)} defect(s)"
    )
    assert not defects, "\n".join(defects)
