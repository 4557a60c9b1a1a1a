"""The media centre's content: one module per kind of thing, re-exported here."""

from .alerts import (
    Alert,
    AlertKind,
    Delivery,
    DeliveryStatus,
    Frequency,
    Subscriber,
)
from .documents import AccessibilityRequest, Document, DocumentVersion, DownloadLogPosition
from .embargo import Basis, EmbargoAccess, EmbargoGrant, Journalist, MediaList
from .events import Event, EventSession, EventSpeaker
from .images import PendingImage, Rendition
from .mous import DatePrecision, MoU, MoUParty
from .notes import NoteKind, PublicNote
from .people import Organisation, Person, Position, Topic
from .publishing import PUBLISHING_FIELDS, Publishable, State, Status
from .releases import MediaContact, PressRelease, Quote
from .search import SearchEntry
from .studies import Study

__all__ = [
    "Alert",
    "AlertKind",
    "Delivery",
    "DeliveryStatus",
    "Frequency",
    "Subscriber",
    "Basis",
    "EmbargoAccess",
    "EmbargoGrant",
    "Journalist",
    "MediaList",
    "AccessibilityRequest",
    "DocumentVersion",
    "DownloadLogPosition",
    "PendingImage",
    "Rendition",
    "DatePrecision",
    "Document",
    "Event",
    "EventSession",
    "EventSpeaker",
    "MediaContact",
    "MoU",
    "MoUParty",
    "Organisation",
    "Person",
    "Position",
    "PressRelease",
    "PUBLISHING_FIELDS",
    "Publishable",
    "PublicNote",
    "NoteKind",
    "Quote",
    "SearchEntry",
    "State",
    "Status",
    "Study",
    "Topic",
]
