"""Group commit: the threads of one process register in shared transactions.

A thread that registers puts its document in the process's queue and then
waits for the writer's lock. Whoever holds the lock takes everything queued
(up to ``max_batch`` documents) and registers it in one transaction
(:func:`app.registry.batch.write_batch`): one lock of the counter and the
journal, one commit, one fsync for all of them. Documents that arrive while
a batch is being written wait in the queue and form the next batch. With
one request at a time the batch is that one document; there is no thread
of its own and nothing to start or stop.

Each caller returns only when its own document is committed (or raises its
own error, or the batch's): nothing is acknowledged before the commit, and
a crash of the process mid-batch leaves the whole transaction rolled back.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Unpack

from sqlalchemy.orm import Session, sessionmaker

from app.registry.batch import Pending, write_batch
from app.registry.fields import DocumentFields, ReceiptBuilder, RegisteredHook
from app.registry.models import Document, Receipt

DEFAULT_MAX_BATCH = 32


class Registrar:
    """Registers documents for the threads of a process, several per commit."""

    def __init__(
        self, sessions: sessionmaker[Session], max_batch: int = DEFAULT_MAX_BATCH
    ) -> None:
        self._sessions = sessions
        self.max_batch = max(1, max_batch)
        self._queue: deque[Pending] = deque()
        self._queue_guard = threading.Lock()
        self._writer = threading.Lock()
        self.batches = 0
        self.registered = 0

    def register(
        self,
        *,
        receipt_builder: ReceiptBuilder,
        on_registered: RegisteredHook | None = None,
        **fields: Unpack[DocumentFields],
    ) -> tuple[Document, Receipt]:
        """Register one document; return once it is committed (as ``register``).

        The receipt builder and the hook may run in another request's thread,
        inside that thread's batch: they must use only what they are given.
        """
        item = Pending(fields, receipt_builder, on_registered)
        with self._queue_guard:
            self._queue.append(item)

        while not item.done:
            with self._writer:
                if not item.done:
                    self._write_next()

        if item.error is not None:
            raise item.error

        assert item.result is not None
        return item.result

    def _write_next(self) -> None:
        """Write the oldest queued documents as one batch (writer lock held)."""
        with self._queue_guard:
            count = min(len(self._queue), self.max_batch)
            batch = [self._queue.popleft() for _ in range(count)]

        try:
            with self._sessions() as session:
                write_batch(session, batch)
        except BaseException as exc:  # never leave a caller waiting for ever
            for item in batch:
                if not item.done:
                    item.error = exc
            raise

        self.batches += 1
        self.registered += sum(item.result is not None for item in batch)
