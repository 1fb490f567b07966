"""The one Jinja environment: every page renders with it, and its filters speak the
page's language through kpi_core.wording."""

import datetime
import re
from pathlib import Path

import kpi_api
from kpi_api.web import templating
from kpi_core import Lang, Status, Trend


def test_one_jinja_environment_for_every_page():
    package = Path(kpi_api.__file__).parent
    # `Environment(` alone, not inside a longer name such as HeaderTimeoutFromEnvironment(.
    builds = re.compile(r"(?<!\w)Environment\(")
    building = [p.resolve() for p in package.rglob("*.py") if builds.search(p.read_text(encoding="utf-8"))]
    assert building == [Path(templating.__file__).resolve()]


def test_filters_and_t_follow_the_pages_language():
    template = templating.environment().from_string(
        "{{ t('Kilde', 'Source') }}: {{ s | status_symbol }} {{ s | status_label }}, {{ s | status_phrase }};"
        " {{ trend | trend_label }} / {{ trend | trend_phrase }}; {{ day | long_date }}"
    )
    values = {"s": Status.ON_TRACK, "trend": Trend.STABLE, "day": datetime.date(2023, 3, 1)}
    assert template.render(lang=Lang.DA, **values) == (
        "Kilde: ↗\ufe0e På rette vej, ikke nået, på rette vej; Uændret fra året før / uændret; 1. marts 2023"
    )
    assert template.render(lang=Lang.EN, **values) == (
        "Source: ↗\ufe0e On track, not achieved, on track; Unchanged from a year earlier / unchanged; 1 March 2023"
    )
