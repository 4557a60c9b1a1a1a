"""The one canonical form of a published text, which a manifest's hashes are taken over.

`newsroom-text/1`, as README "Verifying a release" documents it:
- each piece of the item (headline, dateline, summary, body, each quote…) in the page's order;
- rich text as plain text: tags dropped, entities decoded, each paragraph, heading, list item,
  quotation or line break ending a line;
- Unicode NFC; in each line every run of white space one space, none at either end; empty lines
  dropped;
- the lines joined by a line feed (U+000A), with none at the end, encoded as UTF-8.
"""

import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable
from html.parser import HTMLParser

FORM = "newsroom-text/1"

# Elements that end a line of text where they end (and where they start).
_BLOCKS = {
    "address", "article", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol",
    "p", "pre", "section", "table", "td", "th", "tr", "ul",
}  # fmt: skip
_SPACE = re.compile(r"\s+")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def plain(text: str, *, rich: bool = False) -> list[str]:
    """The lines of one piece, `rich` when it is HTML."""
    if rich:
        parser = _Text()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
    lines = (
        _SPACE.sub(" ", line).strip()
        for line in unicodedata.normalize("NFC", text).replace("\r", "\n").split("\n")
    )
    return [line for line in lines if line]


def canonical(pieces: Iterable[tuple[str, bool]]) -> str:
    """The canonical text of (text, is_rich) pieces."""
    return "\n".join(line for text, rich in pieces if text for line in plain(text, rich=rich))


def sha256(text: str | bytes) -> str:
    data = text.encode() if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


_LOOSE = str.maketrans(
    {
        "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "「": '"', "」": '"', "『": '"',
        "』": '"', "‘": "'", "’": "'", "‚": "'", "′": "'", "–": "-", "—": "-", "―": "-",
        "‐": "-", "‑": "-", "…": "...",
    }
)  # fmt: skip


def loose(text: str) -> str:
    """A text as compared with what a reader pasted: quotation marks, dashes, width, case and
    white space (line breaks of a PDF or an email, spaces around Chinese) do not count."""
    text = unicodedata.normalize("NFKC", html.unescape(text)).translate(_LOOSE).casefold()
    return _SPACE.sub("", text)
