"""Email alerts: raised when an item becomes public, sent by the worker at most once per address.

`raising` decides who follows what and records every delivery before anything is sent;
`sending` claims deliveries in small batches and sends them (immediate or as a daily digest);
`messages` writes each message in its subscriber's language.
"""
