"""Answering a search: the query's tokens, the matching published items, highlighted snippets."""

import re
import unicodedata
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.chinese_script import to_simplified

from ..models import Quote, SearchEntry
from .index import MODELS, TITLES, field_text, languages, normalise

MAX_QUERY_CHARS = 200
MAX_TOKENS = 10
MAX_RESULTS = 1000
FTS_TABLE = "media_centre_searchentry_fts"
# The fields a snippet is taken from, in order of preference, besides the title.
SNIPPET_FIELDS = {
    "release": ("summary", "body", "dateline_place"),
    "event": ("summary", "occasion", "venue", "city"),
    "mou": ("summary", "signed_place"),
    "study": ("abstract",),
    "person": ("bio", "honorific"),
}
SNIPPET_BEFORE, SNIPPET_AFTER = 60, 180
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_query(query: str) -> str:
    """The visitor's query made safe to show and to search: no control characters, capped."""
    text = unicodedata.normalize("NFKC", (query or "")[: MAX_QUERY_CHARS * 4])
    return " ".join(_CONTROL.sub(" ", text).split())[:MAX_QUERY_CHARS]


def query_tokens(query: str) -> list[str]:
    """Words of the query in the index's form; Chinese runs stay whole (matched as substrings)."""
    return list(dict.fromkeys(normalise(clean_query(query)).split()))[:MAX_TOKENS]


def _fts_phrases(tokens: list[str]) -> str:
    """Each token a quoted phrase, so that nothing a visitor types is FTS5 syntax."""
    return " ".join('"{}"'.format(token.replace('"', '""')) for token in tokens)


def visible_q(now) -> Q:
    """Entries whose item the public may see at `now`: `published_q` on the times the entry
    holds, so that a search reads no table but the index."""
    return Q(public_from__lte=now) & (Q(public_until__isnull=True) | Q(public_until__gt=now))


def containing(token: str) -> Q:
    """Entries with `token` anywhere in their title, text or documents' text."""
    # `contains` escapes % and _ itself.
    return Q(title__contains=token) | Q(text__contains=token) | Q(document_text__contains=token)


def matching(tokens: list[str], now=None) -> QuerySet:
    """Visible entries containing every token, newest first (the index's own order)."""
    entries = SearchEntry.objects.filter(visible_q(now or timezone.now()))
    for token in tokens:
        entries = entries.filter(containing(token))
    return entries.order_by("-sort_key")


def _fts_matches(long: list[str], short: list[str], limit: int) -> list[tuple]:
    """SQLite: the matches read from FTS5 in its row id order (the entries' sort key, newest
    first), each joined to its entry only to check that it is visible, stopping at `limit`:
    a common word costs `limit` rows, not a sort of every entry that has it. The trigram
    tokenizer finds any substring of three characters or more; shorter ones (a two-character
    Chinese word such as 金融) are checked with LIKE on the entries read."""
    entries = matching(short).query
    where, params = entries.get_compiler(connection=connection).compile(entries.where)
    table = SearchEntry._meta.db_table
    query = (
        f'SELECT "{table}"."id", "{table}"."kind", "{table}"."object_id", "{table}"."year" '
        f'FROM {FTS_TABLE} JOIN "{table}" ON "{table}"."sort_key" = {FTS_TABLE}.rowid '
        f"WHERE {FTS_TABLE} MATCH %s AND {where} ORDER BY {FTS_TABLE}.rowid DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [_fts_phrases(long), *params, limit])
        return [tuple(row) for row in cursor.fetchall()]


@dataclass
class Hit:
    kind: str
    kind_label: str
    item: object
    title: SafeString
    snippet: SafeString
    found_in: str = ""
    date: object = None
    url: str = field(default="")

    @property
    def date_text(self) -> str:
        """The date as the item's own page shows it (an MoU may be known only to the month)."""
        if self.kind == "mou":
            return self.item.signed_on_display
        return date_format(self.date) if self.date else ""


def _comparable(text: str) -> str:
    """`text` in the index's form, character for character, so that positions carry over."""
    simplified = to_simplified(text.lower())
    if len(simplified) == len(text):
        return simplified
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text


def _spans(haystack: str, tokens: list[str]) -> list[tuple[int, int]]:
    spans = []
    for token in tokens:
        start = haystack.find(token)
        while start != -1:
            spans.append((start, start + len(token)))
            start = haystack.find(token, start + len(token))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, tokens: list[str], whole: bool = False) -> SafeString | None:
    """HTML-escaped `text` around its first match with every match in <mark>; None if no match."""
    haystack = _comparable(text)
    spans = _spans(haystack, tokens)
    if not spans and not whole:
        return None
    start, end = 0, len(text)
    if not whole and spans:
        start = max(0, spans[0][0] - SNIPPET_BEFORE)
        end = min(len(text), spans[0][0] + SNIPPET_AFTER)
        if start > 0:  # begin at a word boundary where there is one nearby
            space = text.find(" ", start, spans[0][0])
            start = space + 1 if space != -1 else start
    parts = ["…" if start > 0 else ""]
    position = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        parts.append(escape(text[position:span_start]))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    parts.append(escape(text[position:end]))
    parts.append("…" if end < len(text) else "")
    return mark_safe("".join(parts))  # every piece of the text above is escaped


def _own_texts(item, kind: str):
    """The item's text in the reader's language first, then in the other languages, each made
    only when the ones before it did not match (rich text costs most to make plain)."""
    names = [*SNIPPET_FIELDS[kind], TITLES[kind]]
    seen = set()

    def texts():
        yield from (field_text(item, name) for name in names)
        for name in names:
            yield from (field_text(item, f"{name}_{suffix}") for suffix in languages())
        if kind == "release":  # a quoted person's name in any language, with what they said
            for quote in item.quotes.all():
                said = field_text(quote, "text")
                people = [field_text(quote.person, f"name_{suffix}") for suffix in languages()]
                yield from (f"{name}: “{said}”" for name in dict.fromkeys(people) if name)

    for text in texts():
        if text and text not in seen:
            seen.add(text)
            yield text


def make_hit(entry: SearchEntry, item, tokens: list[str]) -> Hit:
    kind = entry.kind
    own = f"{entry.title} {entry.text}"
    missing = [token for token in tokens if token not in own]
    snippet, found_in = None, ""
    if missing:
        for document in entry.documents:
            document_text = f"{document['title']} {document.get('text', '')}"
            if any(token in normalise(document_text) for token in missing):
                found_in = document["title"]
                snippet = highlight(document.get("text", ""), tokens)
                break
    if snippet is None:
        for text in _own_texts(item, kind):
            snippet = highlight(text, tokens)
            if snippet is not None:
                break
    if snippet is None:
        snippet = highlight(entry.text, tokens) or ""  # e.g. a quoted person's name
    title = str(item.full_name if kind == "person" else getattr(item, TITLES[kind]))
    date_field = MODELS[kind][1]
    return Hit(
        kind=kind,
        kind_label=SearchEntry.Kind(kind).label,
        item=item,
        title=highlight(title, tokens, whole=True),
        snippet=snippet,
        found_in=found_in,
        date=getattr(item, date_field) if date_field else None,
        url=item.get_absolute_url(),
    )


def _for_snippets(kind: str, queryset: QuerySet) -> QuerySet:
    if kind == "release":
        quotes = Quote.objects.select_related("person")
        return queryset.prefetch_related(Prefetch("quotes", queryset=quotes))
    return queryset


def hits(rows: list[tuple[int, str, int]], tokens: list[str]) -> list[Hit]:
    """The page's results: a query for the entries, one per kind, one for releases' quotes."""
    entries = SearchEntry.objects.defer("document_text").in_bulk([pk for pk, _kind, _id in rows])
    items: dict[str, dict] = {}
    for kind in dict.fromkeys(kind for _pk, kind, _id in rows):
        model = MODELS[kind][0]
        ids = [object_id for _pk, k, object_id in rows if k == kind]
        items[kind] = _for_snippets(kind, model.objects.published()).in_bulk(ids)
    results = []
    for pk, kind, object_id in rows:
        item = items[kind].get(object_id)
        if item is not None and pk in entries:  # withdrawn between the two queries
            results.append(make_hit(entries[pk], item, tokens))
    return results


def search(query: str, limit: int | None = None) -> list[tuple]:
    """(entry id, kind, item id, year) of the newest published matches, at most `limit`
    (MAX_RESULTS): one query on the index alone, read in its own order and stopped there."""
    tokens = query_tokens(query)
    limit = MAX_RESULTS if limit is None else limit
    if not tokens:
        return []
    long = [token for token in tokens if len(token) >= 3]
    if connection.vendor == "sqlite" and long:
        short = [token for token in tokens if len(token) < 3]
        return _fts_matches(long, short, limit)
    rows = matching(tokens).values_list("pk", "kind", "object_id", "year")
    return list(rows[:limit])
