"""The links pages hand out: download links, embed snippets and switch links.

Built from configuration (KPI_PUBLIC_URL) and the parsed, validated parameters only,
never from the request's Host header or its raw query: the response cache keys an answer
by data version, path and query, so anything else a request put into an answer would be
served to every later reader (one `Host: evil.example` made every reader's links point
there), and a raw value such as `x%26asOf%3D2015-01-01` would add a parameter.
"""

from html import escape
from urllib.parse import quote, urlencode

# The iframe's height before (or without) the host's listener: a little more than the embed
# page of 2.1 needs at 1280 px with its table closed (820 px); narrower, it scrolls until told.
EMBED_HEIGHT = 840

# For the host page, once, beside its iframes: each embed page posts its height
# (static/embed-height.js) and the iframe it came from takes it. The iframe is found by
# the message's source window, so no id is needed and no other frame can resize it; the
# height is a number within bounds or ignored.
HEIGHT_LISTENER = """<script>
addEventListener("message", function (event) {
  var height = event.data && event.data["kommune-kpi-height"];
  if (typeof height !== "number" || !(height > 0 && height <= 20000)) return;
  document.querySelectorAll("iframe").forEach(function (frame) {
    if (frame.contentWindow === event.source) frame.style.height = Math.ceil(height) + "px";
  });
});
</script>"""


def with_query(path: str, params: dict[str, str | None]) -> str:
    """`path?a=1&b=2` with the given parameters (None left out), sorted and encoded."""
    present = sorted((k, v) for k, v in params.items() if v is not None)
    return f"{path}?{urlencode(present)}" if present else path


def figure_base(public_url: str, indicator_id: str, area_code: str) -> str:
    """`/figures/2.1/151` (relative), or on KPI_PUBLIC_URL's base when it is set."""
    return f"{public_url}/figures/{quote(indicator_id, safe='')}/{quote(area_code, safe='')}"


def share_path(base: str) -> str:
    """The editors' page with the embed snippets: `/figures/2.1/151/share`."""
    return f"{base}/share"


def embed_script(public_url: str) -> str:
    return f"{public_url}/static/embed-height.js"


def status_path(area_code: str) -> str:
    return f"/status/{quote(area_code, safe='')}"


def embed_snippets(embed_url: str, svg_url: str, title: str, alt: str) -> tuple[str, str]:
    """(iframe, img): HTML for other sites to paste. Every value is escaped as the
    attribute it goes into, so a name like `"><img src=x onerror=…>` stays text in the
    pasting page; the share page's template escapes each snippet once more, as the text
    it is there."""
    iframe = (
        f'<iframe src="{escape(embed_url)}" title="{escape(title)}" width="100%" '
        f'height="{EMBED_HEIGHT}" style="border:0"></iframe>'
    )
    img = f'<img src="{escape(svg_url)}" alt="{escape(alt)}" width="720">'
    return iframe, img
