"""Reading the pages under test: every element with its attributes, and the snippets
shown as text in <pre><code> (what an editor copies)."""

import html.parser


class Elements(html.parser.HTMLParser):
    """Every element's tag and attributes; the text inside <pre><code>."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.snippets: list[str] = []
        self._in_code = False

    def handle_starttag(self, tag, attrs) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag == "code":
            self._in_code = True
            self.snippets.append("")

    def handle_endtag(self, tag) -> None:
        if tag == "code":
            self._in_code = False

    def handle_data(self, data) -> None:
        if self._in_code:
            self.snippets[-1] += data


def parsed(markup: str) -> Elements:
    parser = Elements()
    parser.feed(markup)
    parser.close()
    return parser
