"""What a revision of each thing the desk edits holds: the item and its inline rows."""

import reversion

from .models import (
    Document,
    Event,
    EventSession,
    EventSpeaker,
    MoU,
    MoUParty,
    Person,
    Position,
    PressRelease,
    Quote,
    Study,
)


def register() -> None:
    """Called once from the app's ready(). A study's files are its own many-to-many field."""
    for row in (Quote, EventSession, EventSpeaker, MoUParty, Position):
        reversion.register(row)
    reversion.register(PressRelease, follow=["quotes"])
    reversion.register(Event, follow=["sessions", "speakers"])
    reversion.register(MoU, follow=["parties"])
    reversion.register(Person, follow=["positions"])
    reversion.register(Study)
    # The download count changes with every download, not with an editor's save.
    reversion.register(Document, exclude=["download_count"])
