"""iCalendar: a feed of events and one .ics per event (to be written)."""

from django.http import Http404


def event_calendar(request):
    raise Http404


def event_ics(request, slug):
    raise Http404
