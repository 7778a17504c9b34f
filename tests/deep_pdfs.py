"""PDFs whose objects nest thousands deep, and a time box to run checks in.

Each builder adds one incremental update with pyHanko's writer that hangs a
deep structure off the document catalog (``/Deep``): a chain of indirect
objects each referring to the next, or arrays or dictionaries nested inside
one another.  Sign the result to put the structure in the signed revision;
apply a builder to a signed PDF to put it in a later one.
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from io import BytesIO
from typing import IO, Any, TypeVar

import pytest
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


def branching_fields(pdf: bytes, levels: int = 30) -> bytes:
    """Make the form's one top field a node whose ``/Kids`` names the same
    field twice, ``levels`` times over: a few kilobytes, 2**levels paths."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    field = {"/T": generic.TextStringObject("f"), "/FT": generic.NameObject("/Tx")}
    node = writer.add_object(_dictionary(field))
    for _ in range(levels):
        kids = generic.ArrayObject([node, node])
        branch = {"/T": generic.TextStringObject("b"), "/Kids": kids}
        node = writer.add_object(_dictionary(branch))

    fields = {"/Fields": generic.ArrayObject([node])}
    writer.root[generic.NameObject("/AcroForm")] = _dictionary(fields)
    return _written(writer)


def nested_fields(pdf: bytes, depth: int = DEPTH) -> bytes:
    """Make the form's one top field the head of ``depth`` nested fields."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    field = {"/T": generic.TextStringObject("f"), "/FT": generic.NameObject("/Tx")}
    node = writer.add_object(_dictionary(field))
    for _ in range(depth):
        kids = generic.ArrayObject([node])
        parent = {"/T": generic.TextStringObject("p"), "/Kids": kids}
        node = writer.add_object(_dictionary(parent))

    fields = {"/Fields": generic.ArrayObject([node])}
    writer.root[generic.NameObject("/AcroForm")] = _dictionary(fields)
    return _written(writer)


def branching_pages(pdf: bytes, levels: int = 30) -> bytes:
    """Make the page tree a node whose ``/Kids`` names the same node twice,
    ``levels`` times over, ending at the document's first page."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    node = writer.root["/Pages"].raw_get("/Kids")[0]
    for _ in range(levels):
        kids = generic.ArrayObject([node, node])
        branch = {"/Type": generic.NameObject("/Pages"), "/Kids": kids}
        node = writer.add_object(_dictionary(branch))

    writer.root[generic.NameObject("/Pages")] = node
    return _written(writer)


DEEP_STRUCTURES = (
    pytest.param(chain, id="chain-of-objects"),
    pytest.param(nested_arrays, id="nested-arrays"),
    pytest.param(nested_dicts, id="nested-dictionaries"),
)
"""The builders of one deep structure, for ``pytest.mark.parametrize``."""


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
    """Run ``work`` in a daemon thread; fail when it takes over ``seconds``
    (the thread is left behind, and does not keep the test run alive)."""
    outcome: queue.Queue[tuple[bool, object]] = queue.Queue()

    def run() -> None:
        try:
            outcome.put((True, work()))
        except BaseException as exc:  # handed to the caller below
            outcome.put((False, exc))

    threading.Thread(target=run, daemon=True).start()
    try:
        done, value = outcome.get(timeout=seconds)
    except queue.Empty:
        pytest.fail(f"no answer within {seconds:.0f} seconds")

    if not done:
        raise value  # type: ignore[misc]

    return value  # type: ignore[return-value]


def _update(
    pdf: bytes, build: Callable[[IncrementalPdfFileWriter], generic.PdfObject]
) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    writer.root[generic.NameObject("/Deep")] = build(writer)
    return _written(writer)


def _written(writer: IncrementalPdfFileWriter) -> bytes:
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _dictionary(entries: Mapping[str, Any]) -> generic.DictionaryObject:
    return generic.DictionaryObject(
        {generic.NameObject(key): value for key, value in entries.items()}
    )
