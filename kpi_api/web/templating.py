"""The one Jinja environment every HTML page renders with, and the filters that put
`kpi_core.wording` into the templates.

A filter reads the page's language from the template's `lang`, so a template writes
`{{ status | status_label }}` and `{{ t("Kilde", "Source") }}` without passing it on.
"""

import functools
from collections.abc import Callable
from typing import Any

import jinja2

from kpi_core import Lang, wording


def _in_page_language(word: Callable[[Any, Lang], str]) -> Callable[..., str]:
    @jinja2.pass_context
    def in_lang(context: jinja2.runtime.Context, value: Any) -> str:
        return word(value, context["lang"])

    return in_lang


def direction_assumption(indicator: Any, lang: Lang) -> str:
    """Beside a trend: the catalogue's chosen direction and why, or "" where a target states it."""
    words = wording.direction_assumption(indicator)
    return words(lang) if words else ""


@jinja2.pass_context
def t(context: jinja2.runtime.Context, da: str, en: str) -> str:
    """The template's own words, in the page's language."""
    return en if context["lang"] is Lang.EN else da


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kpi_api", "web/templates"),
        autoescape=True,  # every template here is HTML
        undefined=jinja2.StrictUndefined,  # a missing variable is a bug, not an empty string
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,  # a template's file ends as the page does
    )
    env.globals["t"] = t
    env.filters["status_symbol"] = wording.status_symbol
    in_page_language = (
        wording.status_label,
        wording.status_phrase,
        wording.status_meaning,
        wording.trend_label,
        wording.trend_phrase,
        wording.long_date,
        direction_assumption,
    )
    for word in in_page_language:
        env.filters[word.__name__] = _in_page_language(word)
    return env
