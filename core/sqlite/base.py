"""Django's SQLite backend, which falls back to reading when the database's disk is read-only.

In WAL mode (settings), opening the database creates its `-shm` and `-wal` files beside it and
sets the journal mode, so on a disk remounted read-only (a failing disk, a full one the kernel
protects, a misconfigured volume) every connection fails and every page answers 500, even pages
that only read. Then this backend opens the file read-only and immutable instead, as SQLite
allows for a database nobody can write: pages that only read are served from what was last
written, writes fail (the site answers them 503, core.middleware.ReadOnlyDatabaseMiddleware),
and the fallback is logged once per process. Each new connection tries the normal way first, so
service returns by itself when the disk does.
"""

import logging
import os
from urllib.parse import quote

from django.db.backends.sqlite3 import base

logger = logging.getLogger(__name__)


class DatabaseWrapper(base.DatabaseWrapper):
    read_only_logged = False

    def get_new_connection(self, conn_params):
        try:
            return super().get_new_connection(conn_params)
        except base.Database.OperationalError:
            name = str(conn_params["database"])
            if not _on_read_only_disk(name):
                raise
        if not DatabaseWrapper.read_only_logged:
            DatabaseWrapper.read_only_logged = True
            logger.error("The database's disk is read-only: serving reads, refusing writes")
        # Django's own set-up of a connection, without the init commands (setting WAL needs a
        # disk that can be written to).
        params = {**conn_params, "database": f"file:{quote(name)}?mode=ro&immutable=1"}
        init_commands, self.init_commands = self.init_commands, []
        try:
            return super().get_new_connection(params)
        finally:
            self.init_commands = init_commands


def _on_read_only_disk(name: str) -> bool:
    """Whether `name` is a database file that exists where nothing can be written."""
    if name.startswith("file:") or not os.path.isfile(name):
        return False
    folder = os.path.dirname(os.path.abspath(name))
    try:
        read_only = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False
    return read_only or not (os.access(folder, os.W_OK) and os.access(name, os.W_OK))
