"""Adding a dated public note (correction, clarification, update) to a published item."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.utils import timezone

from core import languages

from .models import Event, MoU, NoteKind, PressRelease, PublicNote, Study

# For the publish page's form: what kind of change is made public.
NOTE_KINDS = NoteKind.choices

NOTED_MODELS = {PressRelease: "release", Event: "event", MoU: "mou", Study: "study"}


def add_public_note(
    obj: models.Model,
    kind: str,
    texts: dict[str, str],
    user: AbstractBaseUser | None,
    at: dt.datetime | None = None,
) -> PublicNote:
    """A note on `obj`'s page from `at` (now by default), in the languages of `texts`
    ("en", "zh-hant", "zh-hans"; a missing Chinese script is converted from the other)."""
    if type(obj) not in NOTED_MODELS:
        raise TypeError(f"{type(obj).__name__} carries no public notes")
    kind = NoteKind(kind)  # ValueError for anything else
    unknown = set(texts) - set(languages.CODES)
    if unknown:
        raise ValueError(f"unknown languages: {', '.join(sorted(unknown))}")
    cleaned = {code: (text or "").strip() for code, text in texts.items()}
    if not any(cleaned.values()):
        raise ValueError("a public note needs its text in at least one language")
    note = PublicNote(
        kind=kind,
        published_at=at or timezone.now(),
        created_by=user if user is not None and user.is_authenticated else None,
        **{NOTED_MODELS[type(obj)]: obj},
        **{
            f"text_{languages.field_suffix(code)}": cleaned.get(code) or ""
            for code in languages.CODES
        },
    )
    note.save()
    return note
