"""Whether a value of a later PDF revision is an identical copy of a signed one.

Some writers, when they rewrite a page in an incremental update (to add the
widget of a new signature or document time-stamp), also write fresh copies
of objects the page points to and re-point the page at them.  pyHanko's
difference analysis compares indirect references, not what they hold, so a
re-pointed ``/Resources`` looks like a change of what the page shows.

This module compares what two values resolve to: the old one in the signed
revision, the new one in the later revision.  Dictionaries, arrays and
streams are compared entry by entry, streams also by their raw (encoded)
bytes, strings by their bytes, names, numbers, booleans and null by value and
type; references are followed in each side's own revision.  Decoded stream
data is not compared: a copy that re-encodes a stream counts as changed,
which keeps decoding (and its cost) out of the comparison.

The walk is bounded.  A pair of references already met is taken as equal
(the two graphs unfold to the same tree, so cycles end), and after
``budget`` compared nodes the comparison gives up and reports the values
as different: an update too large to check is treated as a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import HistoricalResolver

DEFAULT_BUDGET = 10_000
"""Nodes compared at most before a value is treated as changed."""


@dataclass(frozen=True)
class Identity:
    """The outcome of comparing an old value with its new copy."""

    identical: bool
    """Whether the new value resolves to the same content as the old one."""
    new_refs: frozenset[generic.Reference]
    """References met on the new side that did not exist in the signed
    revision: objects written as part of the copy (empty unless identical)."""
    reason: str
    """A plain sentence: why the values differ, or that they do not."""
    cost: int
    """Nodes compared, so that a caller can share one budget between calls."""


def compare_resolved(
    old: HistoricalResolver,
    new: HistoricalResolver,
    old_value: Any,
    new_value: Any,
    budget: int = DEFAULT_BUDGET,
) -> Identity:
    """Compare ``old_value`` in revision ``old`` with ``new_value`` in ``new``."""
    walk = _Walk(old, new, budget)
    reason = walk.run(old_value, new_value)
    cost = budget - max(walk.left, 0)
    if reason is not None:
        return Identity(False, frozenset(), reason, cost)

    return Identity(True, frozenset(walk.new_refs), "identical content", cost)


class _Walk:
    """One comparison: the pairs still to compare, those met, the budget."""

    def __init__(
        self, old: HistoricalResolver, new: HistoricalResolver, budget: int
    ) -> None:
        self.old = old
        self.new = new
        self.left = budget
        self.met: set[tuple[generic.Reference, generic.Reference]] = set()
        self.new_refs: set[generic.Reference] = set()

    def run(self, old_value: Any, new_value: Any) -> str | None:
        """Compare every pair reachable from the first; None when all agree."""
        # An explicit stack, not recursion: deep nesting must not overflow.
        pending: list[tuple[Any, Any]] = [(old_value, new_value)]
        while pending:
            self.left -= 1
            if self.left < 0:
                return "too large to compare"

            a, b = pending.pop()
            if isinstance(a, generic.IndirectObject) or isinstance(
                b, generic.IndirectObject
            ):
                pair = self._resolve(a, b)
                if pair is not None:
                    pending.append(pair)
                continue

            reason = _compare_direct(a, b, pending)
            if reason is not None:
                return reason

        return None

    def _resolve(self, a: Any, b: Any) -> tuple[Any, Any] | None:
        """Follow references; None when nothing is left to compare."""
        if isinstance(a, generic.IndirectObject) and isinstance(
            b, generic.IndirectObject
        ):
            key = (a.reference, b.reference)
            if key in self.met or self._unchanged(a.reference, b.reference):
                return None

            self.met.add(key)

        if isinstance(b, generic.IndirectObject) and self.old.is_ref_unassignable(
            b.reference
        ):
            self.new_refs.add(b.reference)

        if isinstance(a, generic.IndirectObject):
            a = self.old(a.reference)
        if isinstance(b, generic.IndirectObject):
            b = self.new(b.reference)

        return a, b

    def _unchanged(self, a: generic.Reference, b: generic.Reference) -> bool:
        """The same reference, not rewritten between the two revisions."""
        if a != b:
            return False

        xrefs = self.old.reader.xrefs
        before = xrefs.get_historical_ref(a, self.old.revision)
        return before is not None and before == xrefs.get_historical_ref(
            b, self.new.revision
        )


def _compare_direct(a: Any, b: Any, pending: list[tuple[Any, Any]]) -> str | None:
    """Compare two direct objects; queue their children; a reason if unequal."""
    if isinstance(a, generic.DictionaryObject):
        return _compare_dicts(a, b, pending)

    if isinstance(a, generic.ArrayObject):
        if not isinstance(b, generic.ArrayObject) or len(a) != len(b):
            return "an array differs in length or kind"

        # raw_get, not iteration: it decrypts strings of encrypted files.
        pending.extend((a.raw_get(i), b.raw_get(i)) for i in range(len(a)))
        return None

    if _same_primitive(a, b):
        return None

    return "a value differs"


def _compare_dicts(
    a: generic.DictionaryObject, b: Any, pending: list[tuple[Any, Any]]
) -> str | None:
    if not isinstance(b, generic.DictionaryObject):
        return "a dictionary became another kind of object"

    a_stream, b_stream = _stream_or_none(a), _stream_or_none(b)
    if (a_stream is None) != (b_stream is None):
        return "a stream became a dictionary or the reverse"

    same_bytes = (
        a_stream is None
        or b_stream is None
        or a_stream.encoded_data == b_stream.encoded_data
    )
    if not same_bytes:
        return "a stream's bytes differ"

    if set(a.keys()) != set(b.keys()):
        return "a dictionary's keys differ"

    pending.extend((a.raw_get(k), b.raw_get(k)) for k in a)
    return None


def _stream_or_none(value: generic.DictionaryObject) -> generic.StreamObject | None:
    return value if isinstance(value, generic.StreamObject) else None


def _same_primitive(a: Any, b: Any) -> bool:
    """Strings by their bytes, everything else by type and value."""
    strings = (generic.TextStringObject, generic.ByteStringObject)
    if isinstance(a, strings):
        return isinstance(b, strings) and a.original_bytes == b.original_bytes

    if isinstance(a, generic.BooleanObject):
        return isinstance(b, generic.BooleanObject) and a.value == b.value

    primitives = (
        generic.NumberObject,
        generic.FloatObject,
        generic.NameObject,
        generic.NullObject,
    )
    return isinstance(a, primitives) and type(a) is type(b) and a == b
