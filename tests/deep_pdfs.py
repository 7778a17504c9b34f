"""PDFs whose objects nest thousands deep, and a time box to run checks in.

Each builder adds one incremental update with pyHanko's writer that hangs a
deep structure off the document catalog (``/Deep``): a chain of indirect
objects each referring to the next, or arrays or dictionaries nested inside
one another.  Sign the result to put the structure in the signed revision;
apply a builder to a signed PDF to put it in a later one.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from io import BytesIO
from typing import IO, TypeVar

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

DEPTH = 3000
"""Deeper than Python's default recursion limit of 1,000 frames."""

T = TypeVar("T")


class _Raw(generic.PdfObject):
    """An object written as given: nesting pyHanko's writer would recurse on."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def write_to_stream(
        self, stream: IO[bytes], handler: object = None, container_ref: object = None
    ) -> None:
        stream.write(self.raw)


def chain(pdf: bytes, depth: int = DEPTH) -> bytes:
    """Add ``depth`` new objects, each a dictionary whose ``/Next`` is the next."""

    def build(writer: IncrementalPdfFileWriter) -> generic.PdfObject:
        link: generic.PdfObject = generic.NullObject()
        for _ in range(depth):
            node = generic.DictionaryObject({generic.NameObject("/Next"): link})
            link = writer.add_object(node)

        return link

    return _update(pdf, build)


def nested_arrays(pdf: bytes, depth: int = DEPTH) -> bytes:
    """Add one new object: ``depth`` arrays, each inside the one before."""
    raw = b"[" * depth + b"]" * depth
    return _update(pdf, lambda writer: writer.add_object(_Raw(raw)))


def nested_dicts(pdf: bytes, depth: int = DEPTH) -> bytes:
    """Add one new object: ``depth`` dictionaries, each the ``/A`` of the last."""
    raw = b"<</A " * depth + b"1" + b">>" * depth
    return _update(pdf, lambda writer: writer.add_object(_Raw(raw)))


def nested_arrays_in_catalog(pdf: bytes, depth: int = DEPTH) -> bytes:
    """Put ``depth`` nested arrays straight into the document catalog."""
    raw = b"[" * depth + b"]" * depth
    return _update(pdf, lambda writer: _Raw(raw))


@contextmanager
def deep_recursion() -> Iterator[None]:
    """Let a signer that reads the catalog parse what the builders put there."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(max(before, 20 * DEPTH))
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


def within(seconds: float, work: Callable[[], T]) -> T:
    """Run ``work`` in a thread; fail when it takes longer than ``seconds``."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(work).result(timeout=seconds)
    finally:
        pool.shutdown(wait=False)


def _update(
    pdf: bytes, build: Callable[[IncrementalPdfFileWriter], generic.PdfObject]
) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    writer.root[generic.NameObject("/Deep")] = build(writer)
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
