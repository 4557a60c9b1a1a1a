"""Site search across releases, events, MoUs, publications and speakers, in three languages."""

from .index import index_item, normalise, rebuild, remove_item
from .query import search
from .views import search_view

__all__ = ["index_item", "normalise", "rebuild", "remove_item", "search", "search_view"]
