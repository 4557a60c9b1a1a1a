"""A name for the code that renders pages, part of every key the page cache writes."""

import hashlib
from functools import cache as memoise
from pathlib import Path

from django.apps import apps
from django.conf import settings

# What a deploy may change that changes a page: code, templates, compiled catalogues.
FINGERPRINTED = {".py", ".html", ".txt", ".xml", ".mo"}


def _sources() -> list[Path]:
    """The project's own folders: templates, catalogues, the project package (its URLconf's)
    and every installed app that lives in the project (not those in site-packages, which are
    pinned by version)."""
    base = Path(settings.BASE_DIR).resolve()
    roots = {base / "templates", *(Path(p).resolve() for p in settings.LOCALE_PATHS)}
    project = settings.ROOT_URLCONF.rpartition(".")[0]
    if project:
        roots.add(base / project.replace(".", "/"))
    roots.update(
        Path(config.path).resolve()
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base)
    )
    return sorted(root for root in roots if root.is_dir())


@memoise
def build_id() -> str:
    """Changes when the code that renders pages changes (a deploy), so a shared cache that
    outlives a deploy never serves pages or parts made by the old code, templates or catalogues.
    The files' contents are hashed, not their times, so that every server of one deploy agrees.
    """
    digest = hashlib.sha256(settings.NEWSROOM_BUILD.encode())
    for root in _sources():
        for path in sorted(root.rglob("*")):
            if path.suffix in FINGERPRINTED and path.is_file():
                digest.update(str(path.relative_to(root.parent)).encode() + b"\x00")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    manifest = Path(settings.STATIC_ROOT or "") / "staticfiles.json"
    if settings.STATIC_ROOT and manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:8]
