"""Staff commentary as the pages show it beside a status: who wrote it, when, for which
period, and the text in the page's language where it was written in it (else the other,
marked with its own `lang`). The text stays plain: the templates escape it."""

import attrs

from kpi_api.commentary_service import DAYS_IN
from kpi_core import Lang
from kpi_core.commentary import Commentary
from kpi_core.wording import long_date


@attrs.frozen
class CommentaryNote:
    label: str  # "Kommentar om 2022 · Anna Jensen, 2. december 2026"
    text: str
    lang: str  # the text's language, for its `lang` attribute


def commentary_note(found: Commentary | None, lang: Lang) -> CommentaryNote | None:
    if found is None:
        return None
    latest = found.latest
    day = long_date(latest.written_at.astimezone(DAYS_IN).date(), lang)
    about = f"Comment on {latest.period}" if lang is Lang.EN else f"Kommentar om {latest.period}"
    edited = ""
    if latest.number > 1:
        edited = (
            f" (edited, version {latest.number})"
            if lang is Lang.EN
            else f" (rettet, version {latest.number})"
        )
    return CommentaryNote(
        label=f"{about} · {latest.author}, {day}{edited}",
        text=latest.text(lang),
        lang=latest.text_lang(lang).value,
    )
