"""Placeholder until the linked-items helper lands (replaced by the notes branch)."""


def unpublished_links(obj):
    return []
