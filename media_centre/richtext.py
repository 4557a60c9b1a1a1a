"""Rich text for editors: the editor's extensions and the allow-list that sanitises its HTML."""

import nh3
from django.utils.safestring import SafeString, mark_safe

# What editors may use in a body; django-prose-editor derives its nh3 allow-list from this too.
PROSE_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "HardBreak": True,
    "NoSpellCheck": False,  # editors want the browser's spelling check in the body too
}

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "h2",
    "h3",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def sanitise(html: str) -> SafeString:
    """Clean editor HTML by the allow-list, at render time as well as on save."""
    return mark_safe(
        nh3.clean(
            html or "",
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer",
        )
    )
