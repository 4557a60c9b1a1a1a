"""Rows that must be on disk before a request is answered, written together.

A database commit waits for the disk (SQLite's `synchronous=FULL`, PostgreSQL's default
`synchronous_commit`): one row per commit costs one flush each. Here the rows that requests of
one process hand in while a commit is under way wait for it, then go in the next commit all
together (group commit): each request still returns only once its own row is committed, but
many share one flush. The first request to arrive writes, in its own thread and database
connection; with one request at a time (a sync worker) every batch is that one row, so nothing
changes. Threads (gunicorn's gthread workers) are what makes batches.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(eq=False)
class _Waiting:
    item: object
    done: bool = False
    error: BaseException | None = field(default=None)


class GroupCommit:
    """`submit(item)` returns once `write(items)` has committed a batch holding `item`, or
    raises what that write raised (the whole batch failed: nothing of it was written)."""

    def __init__(self, write: Callable[[list], None], max_batch: int = 200):
        self._write = write
        self._max_batch = max_batch
        self._changed = threading.Condition()
        self._queue: list[_Waiting] = []
        self._writing = False

    def submit(self, item) -> None:
        waiting = _Waiting(item)
        with self._changed:
            self._queue.append(waiting)
            while not waiting.done and self._writing:
                self._changed.wait()
            if waiting.done:
                return self._result(waiting)
            # No write under way and ours not written: this thread writes the next batch.
            self._writing = True
            batch, self._queue = self._queue[: self._max_batch], self._queue[self._max_batch :]
            if waiting not in batch:  # a full queue ahead of it: it goes first
                self._queue.insert(0, batch.pop())
                batch.append(waiting)
        error = None
        try:
            self._write([w.item for w in batch])
        except BaseException as failure:  # noqa: BLE001 (handed to every waiting request)
            error = failure
        with self._changed:
            for member in batch:
                member.done, member.error = True, error
            self._writing = False
            self._changed.notify_all()
        return self._result(waiting)

    @staticmethod
    def _result(waiting: _Waiting) -> None:
        if waiting.error is not None:
            raise waiting.error
