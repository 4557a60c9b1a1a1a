"""The desk for cookie consent: its texts, and the proof of every choice."""

from . import records, texts

__all__ = ["records", "texts"]
