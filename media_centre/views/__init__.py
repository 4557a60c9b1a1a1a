"""The media centre's public pages: lists, detail pages, files (one module each)."""

from .details import (
    event_detail,
    mou_detail,
    release_detail,
    release_draft,
    speaker_detail,
    study_detail,
)
from .files import accessible_version_request, download, download_version, image
from .lists import (
    EventList,
    FilteredList,
    MoUList,
    ReleaseList,
    ReleaseYearArchive,
    SpeakerList,
    StudyList,
    home,
)

__all__ = [
    "EventList",
    "FilteredList",
    "MoUList",
    "ReleaseList",
    "ReleaseYearArchive",
    "SpeakerList",
    "StudyList",
    "accessible_version_request",
    "download",
    "download_version",
    "event_detail",
    "home",
    "image",
    "mou_detail",
    "release_detail",
    "release_draft",
    "speaker_detail",
    "study_detail",
]
