"""The search page: a GET form, filters by kind and year, paginated highlighted results."""

import re
from collections import Counter

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from ..models import SearchEntry
from . import query as query_module
from .query import clean_query, hits, query_tokens, search

PAGE_SIZE = 12
_YEAR = re.compile(r"[0-9]{4}")


def _filters(request: HttpRequest) -> tuple[str, int | None]:
    """The kind and year asked for; anything else is not a page of ours."""
    kind = request.GET.get("kind", "")
    if kind and kind not in SearchEntry.Kind.values:
        raise Http404
    year = request.GET.get("year", "")
    if year and not _YEAR.fullmatch(year):
        raise Http404
    return kind, int(year) if year else None


@require_safe
def search_view(request: HttpRequest) -> HttpResponse:
    query = clean_query(request.GET.get("q", ""))
    kind, year = _filters(request)
    tokens = query_tokens(query)
    # One more than the cap tells whether there are more matches than the page counts.
    rows = search(query, query_module.MAX_RESULTS + 1) if tokens else []
    more = len(rows) > query_module.MAX_RESULTS
    rows = rows[: query_module.MAX_RESULTS]
    kinds = Counter(row[1] for row in rows)
    years = Counter(row[3] for row in rows if row[3])
    selected = [
        row for row in rows if (not kind or row[1] == kind) and (year is None or row[3] == year)
    ]
    paginator = Paginator(selected, PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404 from None
    params = {"q": query, "kind": kind, "year": year or ""}
    return render(
        request,
        "media_centre/search.html",
        {
            "query": query,
            "has_query": bool(tokens),
            "kind": kind,
            "year": year,
            "kind_options": [
                (value, label, kinds[value]) for value, label in SearchEntry.Kind.choices
            ],
            "year_options": sorted(years.items(), reverse=True),
            "results": hits([row[:3] for row in page.object_list], tokens),
            "result_count": len(selected),
            "more_results": more and not (kind or year),
            "page_obj": page,
            "paginator": paginator,
            "is_paginated": paginator.num_pages > 1,
            "filter_query": urlencode({key: value for key, value in params.items() if value}),
            "filtered": bool(kind or year),
            "query_only": urlencode({"q": query}),
        },
    )
