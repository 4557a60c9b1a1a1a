"""Telling the desk about what visitors ask for, by email; the request itself is already saved."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from .models import AccessibilityRequest, PressRelease

logger = logging.getLogger(__name__)


def notify_accessibility_request(request: AccessibilityRequest) -> None:
    """Email the media contacts of the releases that carry the document, or the desk's address."""
    document = request.document
    releases = PressRelease.objects.filter(pdf=document) | PressRelease.objects.filter(
        attachments=document
    )
    recipients = sorted(
        {
            email
            for email in releases.exclude(media_contact__email="").values_list(
                "media_contact__email", flat=True
            )
            if email
        }
    ) or [settings.MEDIA_CENTRE_CONTACT_EMAIL]
    admin_path = reverse("admin:media_centre_accessibilityrequest_change", args=[request.pk])
    try:
        send_mail(
            subject=f"Accessible version requested: {document.title}",
            message=(
                f"{request.name} <{request.email}> asks for an accessible version of "
                f"“{document.title}” ({document.file_name}).\n\n{request.message}\n\n"
                f"The request is kept in the desk: {admin_path}"
            ),
            from_email=None,
            recipient_list=recipients,
        )
    except OSError:
        # The request is stored; a mail server being down must not lose it or fail the visitor.
        logger.exception("Could not email accessibility request %s", request.pk)
