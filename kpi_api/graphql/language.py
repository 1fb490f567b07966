"""The request's language: what every text field answers in unless given its own `lang:`.

Read from `Accept-Language` (RFC 9110 §12.5.4) once per request by over_http.py, which
puts it in `scope["state"]` for the answer cache's key and the resolvers' context. Only
Danish and English exist; a header naming neither (or none at all) gives Danish, the
language of the sources, as a text field always did."""

import kpi_core as core

LANGUAGE = "graphql_language"  # the key in scope["state"] and in the GraphQL context
MAX_HEADER = 512  # longer headers are read up to here: no browser sends more than a few entries
_TAGS = {"da": core.Lang.DA, "en": core.Lang.EN}


def from_accept_language(header: str) -> core.Lang:
    """The best-quality language we have among those the header names (ties: the first).

    >>> from_accept_language("en-GB,en;q=0.9,da;q=0.8").name, from_accept_language("").name
    ('EN', 'DA')
    >>> from_accept_language("de, en;q=0.5, da;q=0.7").name, from_accept_language("*").name
    ('DA', 'DA')
    """
    best, best_q = core.Lang.DA, 0.0
    for item in header[:MAX_HEADER].split(","):
        tag, *params = (p.strip() for p in item.split(";"))
        lang = _TAGS.get(tag.lower().partition("-")[0])
        if lang is None:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > best_q:
            best, best_q = lang, q
    return best


def text_lang(info, lang: core.Lang | None) -> core.Lang:
    """A field's own `lang:` when given, else the request's."""
    if lang is not None:
        return lang
    return info.context.get(LANGUAGE) or core.Lang.DA
