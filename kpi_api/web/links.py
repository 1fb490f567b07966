"""The links pages hand out: download links, embed snippets and switch links.

Built from configuration (KPI_PUBLIC_URL) and the parsed, validated parameters only,
never from the request's Host header or its raw query: the response cache keys an answer
by data version, path and query, so anything else a request put into an answer would be
served to every later reader (one `Host: evil.example` made every reader's links point
there), and a raw value such as `x%26asOf%3D2015-01-01` would add a parameter.
"""

from html import escape
from urllib.parse import quote, urlencode


def with_query(path: str, params: dict[str, str | None]) -> str:
    """`path?a=1&b=2` with the given parameters (None left out), sorted and encoded."""
    present = sorted((k, v) for k, v in params.items() if v is not None)
    return f"{path}?{urlencode(present)}" if present else path


def figure_base(public_url: str, indicator_id: str, area_code: str) -> str:
    """`/figures/2.1/151` (relative), or on KPI_PUBLIC_URL's base when it is set."""
    return f"{public_url}/figures/{quote(indicator_id, safe='')}/{quote(area_code, safe='')}"


def status_path(area_code: str) -> str:
    return f"/status/{quote(area_code, safe='')}"


def embed_snippets(page_url: str, svg_url: str, title: str, alt: str) -> tuple[str, str]:
    """(iframe, img): HTML for other sites to paste. Every value is escaped as the
    attribute it goes into, so a name like `"><img src=x onerror=…>` stays text in the
    pasting page; the figure page's template escapes each snippet once more, as the text
    it is there."""
    iframe = f'<iframe src="{escape(page_url)}" title="{escape(title)}" width="100%" height="560" style="border:0"></iframe>'
    img = f'<img src="{escape(svg_url)}" alt="{escape(alt)}" width="720">'
    return iframe, img
