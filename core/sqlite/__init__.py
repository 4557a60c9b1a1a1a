"""Django's SQLite backend that still reads a database on a read-only disk (see `base`)."""
