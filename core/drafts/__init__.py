"""Drafts of live items: the next version of something public, kept until a publisher publishes it.

A public (or scheduled) item's row is what the public sees. An edit to it is saved the admin's
usual way inside a transaction, as a revision (core.revisions), and then rolled back: the
revision is kept, the row is not touched, and a `Draft` points at the revision. The desk's form,
the compare page and the staff preview put the draft back into the rows inside a transaction
they roll back, the way django-reversion's own admin shows an old revision; publishing writes it
for real. So every public query stays what it was, and the public cannot see a draft even
for a moment: the draft's rows are never committed.
"""
