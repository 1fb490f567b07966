"""Every status has a badge style on the status page, and its text colour keeps WCAG AA
contrast (4.5:1) on the badge's own fill and on both surfaces a badge sits on, in the
light and the dark scheme (read from kpi_api/web/static/site.css itself)."""

import re
from pathlib import Path

import pytest

from kpi_core import Status
from tests.web.test_figure_render import contrast

CSS = (Path(__file__).parents[2] / "kpi_api" / "web" / "static" / "site.css").read_text()


def _variables(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6}|transparent)", block))


LIGHT = _variables(CSS[CSS.index(":root {") : CSS.index("@media (prefers-color-scheme: dark)")])
DARK = {
    **LIGHT,
    **_variables(CSS[CSS.index("@media (prefers-color-scheme: dark)") : CSS.index("*, *::before")]),
}


@pytest.mark.parametrize("status", list(Status), ids=lambda s: s.value)
@pytest.mark.parametrize("scheme", [LIGHT, DARK], ids=["light", "dark"])
def test_every_status_badge_is_styled_and_readable(status, scheme):
    name = status.value.replace("_", "-")
    assert f".badge--{name} {{ color: var(--{name});" in CSS
    text = scheme[name]
    grounds = [scheme["bg"], scheme["surface"]]
    if scheme.get(f"{name}-bg", "transparent") != "transparent":
        grounds.append(scheme[f"{name}-bg"])
    for ground in grounds:
        assert contrast(text, ground) >= 4.5, (name, text, ground)
