"""Public pages of the media centre (being written)."""

from django.http import Http404
from django.views.generic import ListView


def _todo(request, **kwargs):
    raise Http404


home = release_detail = release_draft = event_detail = mou_detail = study_detail = _todo
speaker_detail = download = _todo


class ReleaseList(ListView):
    pass


EventList = MoUList = StudyList = SpeakerList = ReleaseList
