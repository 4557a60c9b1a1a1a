"""Site search across releases, events, MoUs, publications and speakers (to be written)."""

from django.http import Http404


def search_view(request):
    raise Http404
