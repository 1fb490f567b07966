"""The workbook (kpi_api/web/figure_xlsx.py) on the fixed datasets of the renderers' tests:
what over HTTP the seeded data do not show — a missing value, every role, no vintage."""

import datetime
import io
import zipfile

import attrs
import openpyxl

from kpi_api.web.figure_formats import figure_csv
from kpi_api.web.figure_xlsx import figure_xlsx
from kpi_core import Lang
from tests.web.test_figure_render import figure_21_en, figure_22


def _book(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def test_a_missing_value_is_an_empty_cell_never_zero():
    figure = figure_22()
    sheet = _book(figure_xlsx(figure))["Tal"]
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == sum(len(line.periods) for line in figure.lines)
    (gap,) = [r for r in rows if r[0].value == "Ballerup" and r[3].value == "2022-03"]
    assert gap[4].value is None  # suppressed in the data: the CSV has it empty too
    assert ";2022-03;;" in figure_csv(figure)
    assert all(r[3].data_type == "s" and r[3].number_format == "@" for r in rows)  # periods stay text
    assert {r[4].number_format for r in rows} == {'#,##0.0" %"'}  # one decimal, as the data have


def test_every_role_is_named_in_words_in_english():
    figure = figure_21_en()
    rows = list(_book(figure_xlsx(figure))["Figures"].iter_rows(min_row=2, values_only=True))
    roles = {line.role for line in figure.lines}
    assert "target" in roles and "reference" in roles
    words = {"own": "own", "reference": "reference", "compare": "comparison", "target": "target"}
    assert {r[1] for r in rows} == {words[role] for role in roles}
    assert {r[0] for r in rows} == {line.label(Lang.EN) for line in figure.lines}


def test_real_data_carry_no_synthetic_note():
    notes = dict(
        _book(figure_xlsx(figure_22(synthetic=False)))["Kilder og noter"].iter_rows(values_only=True)
    )
    assert "Syntetiske data" not in notes and next(iter(notes)) == "Indikator"
    assert notes["Kilde"] == "Jobindsats.dk (syntetisk testudtræk)"
    assert notes["Offentliggjort"] == datetime.datetime(2022, 10, 14)


def test_without_a_vintage_the_workbook_still_has_one_fixed_date():
    content = figure_xlsx(attrs.evolve(figure_22(), vintage=None))
    assert content == figure_xlsx(attrs.evolve(figure_22(), vintage=None))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert {entry.date_time for entry in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    notes = dict(_book(content)["Kilder og noter"].iter_rows(values_only=True))
    assert notes["Offentliggjort"] == "ikke angivet"
