"""RSS 2.0 and Atom feeds of press releases: all, per topic, per language (to be written)."""

from django.http import Http404


def release_feed(request, **kwargs):
    raise Http404
