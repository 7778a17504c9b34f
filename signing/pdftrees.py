"""Bound the PDF trees pyHanko walks recursively: form fields and pages.

pyHanko walks the form field tree (``/AcroForm /Fields``, then ``/Kids``)
to find signatures and to compare revisions, and the page tree (``/Pages``,
then ``/Kids``) to place widgets.  It guards against a node that contains
itself, but not against a node reached twice: ``/Kids [X X]`` at every
level makes a file of a few kilobytes that is walked 2**n times (18 levels
took over 40 seconds), and a chain of a thousand nested fields costs
seconds, since every level looks its ancestors up again.

:func:`check_trees` walks both trees of every revision the way pyHanko
would, counting every visit, before pyHanko does; a tree that needs more
than :data:`MAX_VISITS` visits or nests deeper than :data:`MAX_DEPTH` is
refused as a PDF that cannot be read.
"""

from __future__ import annotations

from collections.abc import Callable

from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.reader import PdfFileReader

from signing.errors import NotPDFError

MAX_VISITS = 200_000
"""The most field and page nodes the walks of all revisions may visit."""

MAX_DEPTH = 64
"""The deepest a field or page tree may nest (real forms nest a few levels)."""

_READ_ERRORS = (misc.PdfError, ValueError, KeyError, TypeError, AssertionError)
_TREES = (("/AcroForm", "/Fields"), (None, "/Pages"))


def check_trees(reader: PdfFileReader) -> None:
    """Raise :class:`NotPDFError` when a revision's field or page tree
    would take too many visits or nest too deeply to walk."""
    budget = [MAX_VISITS]
    for revision in range(reader.xrefs.total_revisions):
        for holder, key in _TREES:
            start = _unless_unreadable(_start, reader, revision, holder, key)
            if isinstance(start, generic.ArrayObject):
                _walk(start, budget)


def _unless_unreadable(read: Callable[..., object], *args: object) -> object:
    """What ``read`` returns; ``None`` when the objects it reads are broken.

    Only the cost of the walk is judged here: broken objects are for the
    parser and the signature checks to report, as they would without us.
    """
    try:
        return read(*args)
    except (*_READ_ERRORS, RecursionError):
        return None


def _start(
    reader: PdfFileReader, revision: int, holder: str | None, key: str
) -> generic.ArrayObject | None:
    """The top of one tree: the ``/Fields`` array, or the ``/Pages`` node."""
    catalog = reader.get_historical_root(revision)
    container = catalog if holder is None else _resolved(catalog.get(holder))
    if not isinstance(container, generic.DictionaryObject):
        return None

    top = _resolved(container.get(key))
    if isinstance(top, generic.DictionaryObject):
        return generic.ArrayObject([container.raw_get(key)])

    return top if isinstance(top, generic.ArrayObject) else None


def _walk(top: generic.ArrayObject, budget: list[int]) -> None:
    """Visit every node below ``top`` as often as a recursive walk would,
    taking each visit off ``budget``; each node is read only once."""
    known: dict[object, list[generic.PdfObject]] = {}
    pending: list[tuple[generic.PdfObject, int]] = [(kid, 1) for kid in top]
    while pending:
        node, depth = pending.pop()
        budget[0] -= 1
        if budget[0] < 0 or depth > MAX_DEPTH:
            raise NotPDFError("the PDF's form fields or pages nest too deeply")

        key = node.reference if isinstance(node, generic.IndirectObject) else id(node)
        if key not in known:
            kids = _unless_unreadable(_kids, node)
            known[key] = kids if isinstance(kids, list) else []

        pending.extend((kid, depth + 1) for kid in known[key])


def _kids(node: generic.PdfObject) -> list[generic.PdfObject]:
    """The ``/Kids`` of a node; none when it is not a dictionary."""
    value = _resolved(node)
    if not isinstance(value, generic.DictionaryObject):
        return []

    kids = _resolved(value.get("/Kids"))
    return list(kids) if isinstance(kids, generic.ArrayObject) else []


def _resolved(value: object) -> object:
    """The object an indirect reference points at; anything else as is."""
    if isinstance(value, generic.IndirectObject):
        return value.get_object()  # type: ignore[no-untyped-call]

    return value
