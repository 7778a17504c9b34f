"""Our difference policy: pyHanko's default with one rule more tolerant.

pyHanko's ``SigFieldCreationRule`` lets a revision add a signature field and
bind its widget to a page's ``/Annots``, but only when every other entry of
the rewritten page dictionary holds the very same reference as in the signed
revision.  Writers that copy the page's ``/Resources`` (or another entry) to a
fresh object with the same content are refused, such as the document
time-stamp revision of DSS's ``Signature-P-DE_SCI-4.pdf``.

:class:`SignatureWidgetRule` is pyHanko's rule with the page walk done here:
the same checks in the same order (page tree unchanged, no annotation
removed, every added annotation the widget of a new signature field), but an
entry whose reference changed is accepted when what it resolves to is an
identical copy (:mod:`signing.pdfidentity`), and the objects of that copy are
cleared with the page.  Everything else is left to pyHanko's rules, which
stay as they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.reader import HistoricalResolver, RawPdfPath
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    FieldComparisonContext,
    FormUpdate,
    FormUpdatingRule,
    ModificationLevel,
    SigFieldCreationRule,
    StandardDiffPolicy,
    SuspiciousModification,
)
from pyhanko.sign.diff_analysis.rules_api import RelativeContext

from signing.pdfidentity import DEFAULT_BUDGET, compare_resolved
from signing.pdfnewfields import widget_refs

_LEVEL = ModificationLevel.LTA_UPDATES
"""Binding a signature's widget to a page is an LTV-level update (pyHanko)."""


class SignatureWidgetRule(SigFieldCreationRule):
    """New signature fields, their widgets on pages, and identical copies."""

    def __init__(self) -> None:
        super().__init__(approve_widget_bindings=False)  # type: ignore[no-untyped-call]

    def apply(
        self, context: FieldComparisonContext
    ) -> Iterator[tuple[ModificationLevel, FormUpdate]]:
        """pyHanko's checks of new fields, then the page walk done here."""
        yield from super().apply(context)

        widgets = _new_signature_widgets(context)
        if not widgets:
            return

        walk = _PageWalk(context.old, context.new, widgets)
        old_root = context.old.root["/Pages"]
        new_root = context.new.root["/Pages"]
        for update in walk.node(old_root, new_root, frozenset()):
            yield _LEVEL, update


def make_diff_policy() -> StandardDiffPolicy:
    """pyHanko's default policy with :class:`SignatureWidgetRule` in place of
    its signature field creation rule; every other rule unchanged."""
    default_form_rule = DEFAULT_DIFF_POLICY.form_rule
    assert default_form_rule is not None  # pyHanko's default has one
    field_rules = [
        SignatureWidgetRule() if type(rule) is SigFieldCreationRule else rule
        for rule in default_form_rule.field_rules
    ]
    return StandardDiffPolicy(
        global_rules=list(DEFAULT_DIFF_POLICY.global_rules),
        form_rule=FormUpdatingRule(
            field_rules=field_rules,
            ignored_acroform_keys=default_form_rule.ignored_acroform_keys,
        ),
        reject_object_freeing=DEFAULT_DIFF_POLICY.reject_object_freeing,
        ignore_orphaned_objects=DEFAULT_DIFF_POLICY.ignore_orphaned_objects,
        ignore_identical_objects=DEFAULT_DIFF_POLICY.ignore_identical_objects,
    )


DIFF_POLICY = make_diff_policy()
"""The policy ``signing.pdfmodifications`` judges later revisions with."""


def _new_signature_widgets(
    context: FieldComparisonContext,
) -> dict[generic.Reference, str]:
    """The widget annotation of every new signature field, with its name."""
    widgets: dict[generic.Reference, str] = {}
    for name, spec in context.field_specs.items():
        if spec.field_type != "/Sig" or spec.old_field_ref:
            continue

        field_ref = spec.new_field_ref
        if field_ref is None:
            continue

        # pyHanko's rule has vetted /Kids: an array of references.
        for widget in widget_refs(field_ref.get_object(), field_ref):
            widgets[widget] = name

    return widgets


class _PageWalk:
    """The page tree, walked in both revisions side by side."""

    def __init__(
        self,
        old: HistoricalResolver,
        new: HistoricalResolver,
        widgets: dict[generic.Reference, str],
    ) -> None:
        self.old = old
        self.new = new
        self.widgets = widgets
        # One budget for every page of the revision: a structure shared by
        # many re-pointed pages is not compared again and again for free.
        self.budget = DEFAULT_BUDGET

    def node(
        self, old_node: Any, new_node: Any, seen: frozenset[generic.Reference]
    ) -> Iterator[FormUpdate]:
        """Walk one /Pages node: its kids must be the same references."""
        old_kids = _kid_refs(old_node, misc.PdfReadError)
        if _kid_refs(new_node, SuspiciousModification) != old_kids:
            raise SuspiciousModification("Unexpected change to page tree structure.")

        for ref in old_kids:
            if ref in seen:
                raise misc.PdfReadError("Circular reference in the page tree")

            old_kid, new_kid = self.old(ref), self.new(ref)
            kind = old_kid.get("/Type") if isinstance(old_kid, dict) else None
            if kind == "/Pages":
                yield from self.node(old_kid, new_kid, seen | {ref})
            elif kind == "/Page":
                yield from self.page(ref, old_kid, new_kid)
            else:
                raise misc.PdfReadError("Invalid page tree node")

    def page(
        self, ref: generic.Reference, old_page: Any, new_page: Any
    ) -> Iterator[FormUpdate]:
        """Clear a page whose only changes are new widgets and identical copies."""
        if not isinstance(new_page, generic.DictionaryObject):
            raise SuspiciousModification("Page objects should be dictionaries")

        if "/Annots" not in new_page:
            return

        new_annots, new_annots_ref = _annots(new_page, SuspiciousModification)
        old_annots: set[generic.Reference] = set()
        old_annots_ref = None
        if "/Annots" in old_page:
            old_annots, old_annots_ref = _annots(old_page, misc.PdfReadError)

        if old_annots == new_annots:
            return

        added = self._added_widgets(old_annots, new_annots)
        name = self.widgets[next(iter(added))] if len(added) == 1 else None
        copies = self._copies(old_page, new_page)

        def update(
            target: generic.Reference, checked: RelativeContext | None = None
        ) -> FormUpdate:
            return FormUpdate(
                updated_ref=target,
                field_name=name,
                valid_when_locked=name is not None,
                context_checked=checked,
            )

        # Pages are reachable from many places: approved for all of them.
        yield update(ref)
        if new_annots_ref is not None and (
            new_annots_ref == old_annots_ref
            or self.old.is_ref_unassignable(new_annots_ref)
        ):
            yield update(new_annots_ref, RelativeContext(ref, RawPdfPath("/Annots")))

        for copy in sorted(copies, key=lambda r: (r.idnum, r.generation)):
            yield update(copy)

    def _added_widgets(
        self, old: set[generic.Reference], new: set[generic.Reference]
    ) -> set[generic.Reference]:
        if old - new:
            raise SuspiciousModification(f"Annotations {old - new} were deleted.")

        added = new - old
        unknown = added - self.widgets.keys()
        if unknown:
            raise SuspiciousModification(
                f"The newly added annotations {unknown} were not recognised."
            )

        return added

    def _copies(
        self, old_page: generic.DictionaryObject, new_page: generic.DictionaryObject
    ) -> set[generic.Reference]:
        """New objects behind page entries that are identical copies; raise
        when an entry other than /Annots changed in any other way."""
        if not isinstance(old_page, generic.DictionaryObject) or isinstance(
            old_page, generic.StreamObject
        ):
            raise misc.PdfReadError("Page objects should be dictionaries")

        if isinstance(new_page, generic.StreamObject):
            raise SuspiciousModification("A page became a stream")

        keys = set(new_page.keys()) - {"/Annots"}
        if keys != set(old_page.keys()) - {"/Annots"}:
            raise SuspiciousModification("Page dictionary keys differ.")

        copies: set[generic.Reference] = set()
        for key in keys:
            old_value, new_value = old_page.raw_get(key), new_page.raw_get(key)
            if old_value == new_value:
                continue

            identity = compare_resolved(
                self.old, self.new, old_value, new_value, self.budget
            )
            self.budget -= identity.cost
            if not identity.identical:
                raise SuspiciousModification(
                    f"Page entry {key} changed: {identity.reason}."
                )

            copies |= identity.new_refs

        return copies


def _kid_refs(node: Any, error: type[Exception]) -> list[generic.Reference]:
    if not isinstance(node, generic.DictionaryObject) or "/Kids" not in node:
        raise error("No /Kids in /Pages entry")

    return _refs(node.raw_get("/Kids"), error)


def _annots(
    page: generic.DictionaryObject, error: type[Exception]
) -> tuple[set[generic.Reference], generic.Reference | None]:
    raw = page.raw_get("/Annots")
    own_ref = raw.reference if isinstance(raw, generic.IndirectObject) else None
    return set(_refs(raw, error)), own_ref


def _refs(value: Any, error: type[Exception]) -> list[generic.Reference]:
    """The references of an array that must hold nothing but references."""
    array = value.get_object()
    if not isinstance(array, generic.ArrayObject):
        raise error("Not an array object")

    if not all(isinstance(item, generic.IndirectObject) for item in array):
        raise error("Array contains direct objects")

    return [item.reference for item in array]
