"""Integrity lives in the database, with a plain-word message for the form."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from media_centre.models import Event, PressRelease, Status

from .conftest import make_event, make_organisation, make_person, make_quote, make_release

pytestmark = pytest.mark.django_db


def test_event_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_event(start_date=dt.date(2025, 6, 19), end_date=dt.date(2025, 6, 18))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_event(start_time=dt.time(15), end_time=dt.time(14))
    event = Event(title="x", start_date=dt.date(2025, 6, 19), end_date=dt.date(2025, 6, 18))
    with pytest.raises(ValidationError, match="must end after it starts"):
        event.full_clean()


def test_release_slug_is_unique_per_date_only():
    make_release(slug="same", release_date=dt.date(2025, 6, 19))
    make_release(slug="same", release_date=dt.date(2025, 6, 20))
    # The database refuses a clash; save() gives a new item a fresh one (test_chinese_only).
    clash = PressRelease(headline="Another", slug="same", release_date=dt.date(2025, 6, 19))
    with pytest.raises(IntegrityError), transaction.atomic():
        PressRelease.objects.bulk_create([clash])


def test_draft_needs_only_a_headline_and_gets_a_slug():
    release = PressRelease(headline="Council welcomes the budget")
    release.full_clean()
    release.save()
    assert release.slug == "council-welcomes-the-budget"
    assert release.status == Status.DRAFT


def test_long_headline_slug_is_cut_at_a_word_boundary():
    release = PressRelease.objects.create(headline="word " * 60)
    assert len(release.slug) <= 120 and release.slug.endswith("word")


def test_publishing_an_incomplete_release_says_what_is_missing():
    release = PressRelease(headline="Only a headline", status=Status.PUBLISHED)
    with pytest.raises(ValidationError) as error:
        release.full_clean()
    messages = error.value.message_dict
    assert messages["release_date"] == ["Fill in the release date before publishing."]
    assert messages["body"] == ["Fill in the body before publishing."]


def test_published_row_without_a_time_is_refused_by_the_database():
    release = make_release()
    with pytest.raises(IntegrityError), transaction.atomic():
        PressRelease.objects.filter(pk=release.pk).update(publish_at=None)


def test_withdrawal_needs_a_reason():
    release = make_release(status=Status.WITHDRAWN)
    with pytest.raises(ValidationError, match="Say why"):
        release.full_clean()


def test_a_quoted_person_cannot_be_deleted_from_under_a_release():
    person = make_person()
    make_quote(make_release(), person)
    with pytest.raises(ProtectedError):
        person.delete()


def test_an_organisation_with_positions_cannot_be_deleted():
    organisation = make_organisation()
    person = make_person(positions=0)
    person.positions.create(title="Chairman", organisation=organisation)
    with pytest.raises(ProtectedError):
        organisation.delete()


@pytest.mark.django_db
def test_a_required_field_of_only_spaces_does_not_let_an_item_be_published():
    release = make_release(status=Status.DRAFT)
    release.summary = "   "
    release.status = Status.PUBLISHED
    with pytest.raises(ValidationError) as refused:
        release.full_clean()
    assert "summary" in refused.value.message_dict
