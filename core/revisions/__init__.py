"""Revisions of what the desk edits (django-reversion): who, when, a note; diffs; restore.

An app registers its models with `reversion.register(model, follow=[...inline relations])` in
its `ready()`; its admin classes mix in `admin.RevisionAdmin`.
"""
