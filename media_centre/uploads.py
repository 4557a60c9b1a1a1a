"""What may be uploaded: a file's kind is decided by its content, within size and pixel caps."""

from django.core.files import File


def validate_document_upload(file: File) -> None:
    """Refuse, with a plain-word ValidationError, anything that is not an accepted document."""


def validate_image_upload(file: File) -> None:
    """Refuse, with a plain-word ValidationError, anything that is not an accepted image."""
