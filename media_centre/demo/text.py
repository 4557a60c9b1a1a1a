"""Text in three languages for the demo archive, and its search-index form, without per-row OpenCC.

Each phrase of the banks is converted to Simplified Chinese once (`tri`); a row's text is
assembled from converted phrases. The index form (`fold`) is what `search.normalise` makes of
the same text: NFKC, one line, lowercase, Simplified script (Simplified text is already so).
"""

import unicodedata
from functools import cache
from typing import NamedTuple

from core.chinese_script import to_simplified

from ..search.index import plain


class Tri(NamedTuple):
    """One text in English, Traditional and Simplified Chinese (the fields' suffix order)."""

    en: str
    zh_hant: str
    zh_hans: str


@cache
def tri(en: str, zh_hant: str) -> Tri:
    return Tri(en, zh_hant, to_simplified(zh_hant))


def fill(template: tuple[str, str], **slots: "Tri | str | int") -> Tri:
    """The template in each language with each slot's text in that language."""
    phrase = tri(*template)
    return Tri(
        *(
            phrase[i].format(**{k: v[i] if isinstance(v, Tri) else v for k, v in slots.items()})
            for i in range(3)
        )
    )


def join(parts: list[Tri], separator: tuple[str, str] = (" ", "")) -> Tri:
    """Sentences into a paragraph: spaced in English, run together in Chinese."""
    return Tri(
        separator[0].join(p.en for p in parts),
        separator[1].join(p.zh_hant for p in parts),
        separator[1].join(p.zh_hans for p in parts),
    )


def fold(text: str) -> str:
    """`search.normalise` for English or Simplified text: no OpenCC call needed."""
    return plain(unicodedata.normalize("NFKC", text or "")).lower()


def html_paragraphs(paragraphs: list[Tri]) -> Tri:
    """Rich text of plain paragraphs (the banks hold no character that needs escaping)."""
    return Tri(*("".join(f"<p>{p[i]}</p>" for p in paragraphs) for i in range(3)))


def html_text(value: str) -> str:
    """`search.html_to_text` for `html_paragraphs`' markup."""
    return value.replace("<p>", "").replace("</p>", "")
