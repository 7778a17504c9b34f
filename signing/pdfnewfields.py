"""Signature fields added after a signature: signed later, or drawing nothing.

pyHanko's difference analysis lets a later revision add a signature field
(and bind its widget to a page) at the level of form filling, which an
approval signature allows, without looking at what the widget draws.  An
empty field whose appearance paints a white box and other text over the
page then leaves the earlier signature "passed" although nobody signed the
new look: the "sneaky signature" attack of Mladenov, Mainka, Rohlmann et al.

A signature field that is not in the signed revision is accepted only when

- it is signed in the revision that added it or a later one: its ``/V`` is
  a signature (not a document time-stamp, which anyone can obtain and
  which vouches for no appearance) whose revision holds the field and whose
  ``/ByteRange`` covers that revision; whether that signature verifies is
  its own verdict, and the document's is the worst of all; or
- none of its widgets can show: no appearance stream (or only empty ones,
  as pyHanko writes for an empty field), a zero-area ``/Rect``, or the
  Hidden or NoView flag (NoView without ToggleNoView,
  which shows the widget under the pointer).
"""

from __future__ import annotations

from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields

_HIDDEN = 1 << 1
_NO_VIEW = 1 << 5
_TOGGLE_NO_VIEW = 1 << 8
_STATES = ("/N", "/R", "/D")
"""Normal, rollover and down appearances: each can show on screen."""


def unsigned_boxes(reader: PdfFileReader, signed_revision: int) -> list[str]:
    """Names of the signature fields added after ``signed_revision`` that
    draw on a page and that no signature covering them fills."""
    before = _fields_at(reader, signed_revision)
    found = []
    for name, _, field_ref in enumerate_sig_fields(reader):
        if field_ref.reference in before:
            continue

        field = field_ref.get_object()
        if _signed_after_added(reader, field, field_ref.reference):
            continue

        widgets = widget_refs(field, field_ref.reference)
        if any(_can_show(widget.get_object()) for widget in widgets):
            found.append(name)

    return found


def widget_refs(field: Any, own: generic.Reference) -> list[generic.Reference]:
    """A field's widget annotations: its kids without a name, or itself."""
    kids = field.get("/Kids")
    if kids is None:
        return [own]

    widgets = []
    for kid in kids.get_object():
        if not isinstance(kid, generic.IndirectObject):
            raise TypeError("a field's kid is not a reference")

        widget: Any = kid.reference.get_object()
        if "/T" not in widget:
            widgets.append(kid.reference)

    return widgets


def _fields_at(reader: PdfFileReader, revision: int) -> set[generic.Reference]:
    """The signature fields of a revision (this reads their values too)."""
    fields = enumerate_sig_fields(reader.get_historical_resolver(revision))
    return {ref.reference for _, _, ref in fields}


def _signed_after_added(
    reader: PdfFileReader, field: Any, field_ref: generic.Reference
) -> bool:
    """Whether a signature made once the field existed fills it.

    pyHanko's rules give a new field a fresh object number, so the revision
    that introduced the field's object is the one that added the field."""
    value = field.raw_get("/V") if "/V" in field else None
    if not isinstance(value, generic.IndirectObject):
        return False

    signature = value.reference.get_object()
    if not isinstance(signature, generic.DictionaryObject):
        return False

    if signature.get("/Type") == "/DocTimeStamp":
        return False

    revision = reader.xrefs.get_last_change(value.reference)
    if reader.xrefs.get_introducing_revision(field_ref) > revision:
        return False

    covered_until = _byte_range_end(signature)
    end = reader.xrefs.get_xref_container_info(revision).end_location
    return covered_until is not None and end <= covered_until


def _byte_range_end(signature: generic.DictionaryObject) -> int | None:
    try:
        numbers = [int(v) for v in signature["/ByteRange"]]
    except (KeyError, TypeError, ValueError):
        return None

    if len(numbers) != 4:
        return None

    return numbers[2] + numbers[3]


def _can_show(widget: Any) -> bool:
    """Whether a widget annotation may draw anything on screen."""
    if not isinstance(widget, generic.DictionaryObject):
        return True  # unreadable: assume the worst

    return _has_appearance(widget) and _has_area(widget) and not _hidden(widget)


def _has_appearance(widget: generic.DictionaryObject) -> bool:
    if "/AP" not in widget:
        return False

    appearances = widget["/AP"]
    if not isinstance(appearances, generic.DictionaryObject):
        return True

    return any(_draws(appearances[s]) for s in _STATES if s in appearances)


def _draws(appearance: Any) -> bool:
    """Whether an appearance (a stream, or a dictionary of states) has
    content.  pyHanko gives an empty field an empty stream; a stream with
    any bytes, even compressed nothing, counts as drawing (not decoded)."""
    if isinstance(appearance, generic.StreamObject):
        return bool(appearance.encoded_data.strip())

    if isinstance(appearance, generic.DictionaryObject):
        return any(_draws(appearance[state]) for state in appearance)

    return True


def _has_area(widget: generic.DictionaryObject) -> bool:
    try:
        x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    except (KeyError, TypeError, ValueError):
        return True  # a box we cannot read may still be drawn somewhere

    return abs(x2 - x1) * abs(y2 - y1) > 0


def _hidden(widget: generic.DictionaryObject) -> bool:
    flags = widget.get("/F", 0)
    if not isinstance(flags, int):
        return False

    no_view = bool(flags & _NO_VIEW) and not flags & _TOGGLE_NO_VIEW
    return bool(flags & _HIDDEN) or no_view
