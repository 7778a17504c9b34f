"""What a simple type asks of a field: input kind, browser hints, server check.

The browser hints (``required``, ``pattern``, ``maxlength``, ``min``/``max``,
``type=date``) only help the person typing; the server check runs the same
facets through xmlschema, so the schema decides and the message says which
facet failed in plain words.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import xmlschema
from xmlschema.validators import facets

from app.formfill.words import _

XS = "{http://www.w3.org/2001/XMLSchema}"
DATE_TYPES = {"date"}
INTEGER_TYPES = {
    "integer",
    "int",
    "long",
    "short",
    "byte",
    "nonNegativeInteger",
    "positiveInteger",
    "nonPositiveInteger",
    "negativeInteger",
    "unsignedInt",
    "unsignedLong",
    "unsignedShort",
    "unsignedByte",
}
RADIO_LIMIT = 4
LONG_TEXT = 512
# XSD regex features a browser's pattern attribute does not read the same way.
_UNSAFE_PATTERN = re.compile(r"\\[pPiIcC]|-\[|/")


@dataclass(frozen=True)
class Hints:
    """How one value is typed in: the input kind and its browser hints."""

    kind: str
    """``text``, ``textarea``, ``date``, ``number``, ``select``, ``radio``,
    ``checkbox`` or ``boolean``."""

    options: tuple[tuple[str, str], ...] = ()
    pattern: str | None = None
    minlength: int | None = None
    maxlength: int | None = None
    minimum: str | None = None
    maximum: str | None = None
    step: str | None = None


@functools.lru_cache(maxsize=65536)
def hints_for(stype: Any) -> Hints:
    """Describe how to type a value of the simple type ``stype`` (cached)."""
    primitive = _primitive_name(stype)
    options = enumeration_options(stype)
    if options:
        kind = "checkbox" if len(options) == 1 else "select"
        if 1 < len(options) <= RADIO_LIMIT:
            kind = "radio"

        return Hints(kind=kind, options=options)

    if primitive == "boolean":
        return Hints(kind="boolean", options=(("true", ""), ("false", "")))

    lengths = _lengths(stype)
    if primitive in DATE_TYPES:
        return Hints(
            kind="date", minimum=_bound(stype, "min"), maximum=_bound(stype, "max")
        )

    if primitive == "decimal":
        step = "1" if _builtin_name(stype) in INTEGER_TYPES else "any"
        fraction = _fraction_digits(stype)
        if fraction is not None and step == "any":
            step = "1" if fraction == 0 else f"0.{'0' * (fraction - 1)}1"

        return Hints(
            kind="number",
            minimum=_bound(stype, "min"),
            maximum=_bound(stype, "max"),
            step=step,
        )

    pattern = _browser_pattern(stype)
    long = lengths[1] is None or lengths[1] > LONG_TEXT
    plain = primitive == "string" and not getattr(stype, "patterns", None)
    return Hints(
        kind="textarea" if long and plain else "text",
        pattern=pattern,
        minlength=lengths[0],
        maxlength=lengths[1],
    )


def check_value(stype: Any, value: str) -> str | None:
    """Return a plain sentence when ``value`` breaks the type; None when valid."""
    try:
        stype.validate(value)
    except xmlschema.XMLSchemaValidationError as exc:
        return _explain(stype, exc.validator)
    except (ValueError, TypeError, ArithmeticError):
        return _explain(stype, None)

    return None


def enumeration_options(stype: Any) -> tuple[tuple[str, str], ...]:
    """The allowed values with their documentation as labels, schema order."""
    values = getattr(stype, "enumeration", None)
    if not values:
        return ()

    docs = _enumeration_docs(stype)
    labels = [(str(v), docs.get(str(v), "").rstrip(".").strip()) for v in values]
    return tuple((value, label or value) for value, label in labels)


def _explain(stype: Any, validator: Any) -> str:
    """Say in one sentence which rule of the type the value broke."""
    if isinstance(validator, facets.XsdPatternFacets):
        return _("The value does not have the required form; see the hint.")

    if isinstance(validator, facets.XsdEnumerationFacets):
        return _("Choose one of the offered values.")

    lengths = _lengths(stype)
    if isinstance(validator, (facets.XsdMinLengthFacet, facets.XsdLengthFacet)):
        return _("Type at least %(n)s characters.", n=lengths[0] or 1)

    if isinstance(validator, facets.XsdMaxLengthFacet):
        return _("Type at most %(n)s characters.", n=lengths[1])

    if isinstance(
        validator, (facets.XsdMinInclusiveFacet, facets.XsdMinExclusiveFacet)
    ):
        return _(
            "The value is too small: the least allowed is %(v)s.",
            v=_bound(stype, "min"),
        )

    if isinstance(
        validator, (facets.XsdMaxInclusiveFacet, facets.XsdMaxExclusiveFacet)
    ):
        return _(
            "The value is too large: the most allowed is %(v)s.", v=_bound(stype, "max")
        )

    if isinstance(
        validator, (facets.XsdTotalDigitsFacet, facets.XsdFractionDigitsFacet)
    ):
        return _("The number has too many digits.")

    return _type_sentence(_primitive_name(stype))


def _type_sentence(primitive: str) -> str:
    """The sentence for a value that is not of the type at all."""
    if primitive == "date":
        return _("Enter a date as YYYY-MM-DD.")

    if primitive == "dateTime":
        return _("Enter a date and time as YYYY-MM-DDThh:mm:ss.")

    if primitive == "decimal":
        return _("Enter a number, with a dot before the decimals.")

    if primitive == "boolean":
        return _("Choose yes or no.")

    return _("This value is not accepted here.")


def _primitive_name(stype: Any) -> str:
    primitive = getattr(stype, "primitive_type", None)
    name = getattr(primitive, "local_name", None)
    return str(name) if name else "string"


def _builtin_name(stype: Any) -> str:
    """Local name of the nearest built-in (XSD namespace) type ``stype`` restricts."""
    current = stype
    while current is not None and not str(current.name or "").startswith(XS):
        current = getattr(current, "base_type", None)

    return str(getattr(current, "local_name", "") or "")


def _lengths(stype: Any) -> tuple[int | None, int | None]:
    minimum = getattr(stype, "min_length", None)
    maximum = getattr(stype, "max_length", None)
    return (minimum or None, maximum)


def _bound(stype: Any, side: str) -> str | None:
    """The inclusive or exclusive bound of ``side`` ("min"/"max") as text."""
    names = (
        ("minInclusive", "minExclusive")
        if side == "min"
        else ("maxInclusive", "maxExclusive")
    )
    current = stype
    while current is not None:
        for name in names:
            facet = getattr(current, "facets", {}).get(XS + name)
            if facet is not None:
                return str(facet.value)

        current = getattr(current, "base_type", None)

    return None


def _fraction_digits(stype: Any) -> int | None:
    current = stype
    while current is not None:
        facet = getattr(current, "facets", {}).get(XS + "fractionDigits")
        if facet is not None:
            return int(facet.value)

        current = getattr(current, "base_type", None)

    return None


def _browser_pattern(stype: Any) -> str | None:
    """One XSD pattern a browser reads the same way, or None."""
    patterns = getattr(stype, "patterns", None)
    regexps = list(getattr(patterns, "regexps", []) or [])
    if len(regexps) != 1 or _UNSAFE_PATTERN.search(regexps[0]):
        return None

    return str(regexps[0])


def _enumeration_docs(stype: Any) -> dict[str, str]:
    """Documentation of each xs:enumeration value, from the type and its bases."""
    docs: dict[str, str] = {}
    current = stype
    while current is not None and getattr(current, "elem", None) is not None:
        for item in current.elem.iter(XS + "enumeration"):
            text = " ".join("".join(item.itertext()).split())
            docs.setdefault(item.get("value", ""), text)

        current = getattr(current, "base_type", None)
        if current is not None and str(current.name or "").startswith(XS):
            break

    return docs
