"""sitemap.xml with language alternates, and robots.txt (to be written)."""

from django.http import Http404


def sitemap(request, **kwargs):
    raise Http404


def robots_txt(request):
    raise Http404
