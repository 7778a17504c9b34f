"""A later revision re-pointing a signed page's /Resources (signing/pdfdiffrules.py).

Each file is sealed on a PKI made here, then a document time-stamp is added
whose revision also rewrites page 1 (tests/signing/copymaker.py).  An
identical copy is harmless and passes; any difference in what the copy
resolves to fails the seal, and so do copies too large to compare.
"""

from __future__ import annotations

import time
from io import BytesIO

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import HistoricalResolver, PdfFileReader
from pyhanko.sign.diff_analysis import SuspiciousModification

from signing.pades import validate_pdf
from signing.pdfdiffrules import DIFF_POLICY
from signing.pdfidentity import compare_resolved
from signing.pki import Issued, make_intermediate, make_root, make_seal, make_tsa
from signing.policy import ValidationPolicy
from signing.result import Indication, SubIndication
from signing.trust import TrustStore
from signing.tsa import LocalTimestamper
from tests.signing.copymaker import (
    STAMP,
    Resources,
    copy_of,
    restamped,
    restamped_with_fields,
    shallow_copy,
    signed_with_resources,
)

PASSED = (Indication.TOTAL_PASSED, None)
FORMAT = (Indication.TOTAL_FAILED, SubIndication.FORMAT_FAILURE)


@pytest.fixture(scope="module")
def root() -> Issued:
    return make_root("Copies Test Root CA")


@pytest.fixture(scope="module")
def inter(root: Issued) -> Issued:
    return make_intermediate(root, "Copies Test CA")


@pytest.fixture(scope="module")
def policy(root: Issued, inter: Issued) -> ValidationPolicy:
    return ValidationPolicy(
        TrustStore.from_certificates([root.certificate]),
        intermediates=(inter.certificate,),
    )


@pytest.fixture(scope="module")
def seal(inter: Issued) -> Issued:
    return make_seal(inter, office_name="Urząd Gminy Testowo", nip="1234563218")


@pytest.fixture(scope="module")
def tsa(inter: Issued) -> LocalTimestamper:
    return LocalTimestamper.from_issued(make_tsa(inter))


@pytest.fixture(scope="module")
def signed(seal: Issued) -> bytes:
    return signed_with_resources(seal)


def _verdict(pdf: bytes, policy: ValidationPolicy):
    result = validate_pdf(pdf, policy)
    return result.indication, result.subindication


def _sealed_revision_diff(pdf: bytes) -> str:
    """What our diff policy says of the seal's later revisions."""
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    first = reader.embedded_signatures[0]
    outcome = DIFF_POLICY.review_file(reader, first.signed_revision)
    if isinstance(outcome, SuspiciousModification):
        return str(outcome)

    return outcome.modification_level.name


def test_time_stamp_without_page_change_passes(signed, tsa, policy):
    # The baseline the other tests change one thing of.
    assert _verdict(restamped(signed, tsa, None), policy) == PASSED


def test_resources_repointed_to_shallow_copy_passes_as_in_de_sci_4(signed, tsa, policy):
    pdf = restamped(signed, tsa, shallow_copy)

    assert _sealed_revision_diff(pdf) == "LTA_UPDATES"
    assert _verdict(pdf, policy) == PASSED


def test_resources_repointed_to_deep_identical_copy_passes(signed, tsa, policy):
    pdf = restamped(signed, tsa, copy_of(Resources()))

    assert _sealed_revision_diff(pdf) == "LTA_UPDATES"
    assert _verdict(pdf, policy) == PASSED


@pytest.mark.parametrize(
    ("parts", "reason"),
    [
        (Resources(font="/Courier"), "a value differs"),
        (Resources(stamp=STAMP.replace(b"50 20", b"60 20")), "a stream's bytes"),
        (Resources(extra_xobject=True), "a dictionary's keys differ"),
        (Resources(procset=("/PDF", "/Text", "/ImageB")), "an array differs"),
        # Resources -> /Font dictionary -> font -> encoding's /Differences.
        (Resources(differences=(39, "/quotesingle")), "a value differs"),
    ],
    ids=["other-font", "changed-stream", "extra-xobject", "procset", "nested"],
)
def test_resources_repointed_to_differing_copy_fails(
    signed, tsa, policy, parts, reason
):
    pdf = restamped(signed, tsa, copy_of(parts))

    assert f"Page entry /Resources changed: {reason}" in _sealed_revision_diff(pdf)
    assert _verdict(pdf, policy) == FORMAT


def test_identical_copy_without_a_new_signature_widget_still_fails(signed, policy):
    # The tolerance lives in the widget-binding rule: a page rewritten for
    # no new signature stays an unexplained change, as pyHanko has it.
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Resources"] = copy_of(Resources())(writer)
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)

    assert "unexplained" in _sealed_revision_diff(out.getvalue())
    assert _verdict(out.getvalue(), policy) == FORMAT


def test_identical_copy_with_another_page_entry_changed_fails(signed, tsa, policy):
    def copy_and_rotate(writer: IncrementalPdfFileWriter) -> generic.PdfObject:
        page = writer.root["/Pages"]["/Kids"][0].get_object()
        page["/Rotate"] = generic.NumberObject(90)
        return copy_of(Resources())(writer)

    pdf = restamped(signed, tsa, copy_and_rotate)

    assert "Page entry /Rotate changed: a value differs" in _sealed_revision_diff(pdf)
    assert _verdict(pdf, policy) == FORMAT


def test_resources_that_loop_back_compare_equal_and_finish(seal, tsa, policy):
    # The form XObject's /Resources point back at the page's: a cycle in
    # the signed revision and in the copy.  Pairs already met end the walk.
    looping = Resources(loops_back=True)
    pdf = restamped(signed_with_resources(seal, looping), tsa, copy_of(looping))

    started = time.monotonic()
    assert _verdict(pdf, policy) == PASSED
    assert time.monotonic() - started < 10.0


def test_copy_that_adds_a_loop_fails(signed, tsa, policy):
    pdf = restamped(signed, tsa, copy_of(Resources(loops_back=True)))

    assert "a dictionary's keys differ" in _sealed_revision_diff(pdf)
    assert _verdict(pdf, policy) == FORMAT


def test_copy_too_large_to_compare_is_treated_as_changed(seal, tsa, policy):
    # Identical, but 30,000 numbers are more than the budget of 10,000 nodes.
    large = Resources(padding=30_000)
    pdf = restamped(signed_with_resources(seal, large), tsa, copy_of(large))

    started = time.monotonic()
    reason = _sealed_revision_diff(pdf)
    elapsed = time.monotonic() - started

    assert "Page entry /Resources changed: too large to compare" in reason
    assert elapsed < 10.0
    assert _verdict(pdf, policy) == FORMAT


def test_new_fields_with_kid_widgets_on_other_pages_and_identical_copy_pass(
    seal, tsa, policy
):
    # Pages 2 and 3 gain the widget of a new, empty signature field (a kid
    # of its field); all three pages are pointed at one fresh copy.
    pdf = restamped_with_fields(signed_with_resources(seal, pages=3), tsa, Resources())

    assert _sealed_revision_diff(pdf) == "LTA_UPDATES"
    assert _verdict(pdf, policy) == PASSED


def test_new_fields_on_other_pages_with_differing_copy_fail(seal, tsa, policy):
    signed = signed_with_resources(seal, pages=3)
    pdf = restamped_with_fields(signed, tsa, Resources(font="/Courier"))

    assert "Page entry /Resources changed" in _sealed_revision_diff(pdf)
    assert _verdict(pdf, policy) == FORMAT


def test_copies_on_several_pages_share_one_budget(seal, tsa, policy):
    # 4,000 numbers fit the budget once; compared for three pages they do
    # not: a copy shared by many pages cannot multiply the work for free.
    large = Resources(padding=4_000)
    one = restamped_with_fields(signed_with_resources(seal, large), tsa, large)
    three = restamped_with_fields(
        signed_with_resources(seal, large, pages=3), tsa, large
    )

    assert _verdict(one, policy) == PASSED
    assert "too large to compare" in _sealed_revision_diff(three)
    assert _verdict(three, policy) == FORMAT


def test_comparison_names_exactly_the_objects_the_copy_wrote(signed, tsa):
    old, new = _sealed_and_last(restamped(signed, tsa, copy_of(Resources())))

    identity = compare_resolved(old, new, _resources(old), _resources(new))

    # Resources, fonts, font, encoding, XObjects, form XObject.
    assert identity.identical and len(identity.new_refs) == 6
    assert identity.new_refs <= new.explicit_refs_in_revision()
    assert all(old.is_ref_unassignable(r) for r in identity.new_refs)


def test_comparison_over_budget_reports_changed(signed, tsa):
    old, new = _sealed_and_last(restamped(signed, tsa, copy_of(Resources())))

    identity = compare_resolved(old, new, _resources(old), _resources(new), budget=5)

    assert not identity.identical and identity.new_refs == frozenset()
    assert identity.reason == "too large to compare"


def _sealed_and_last(pdf: bytes) -> tuple[HistoricalResolver, HistoricalResolver]:
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    sealed = reader.embedded_signatures[0].signed_revision
    last = reader.xrefs.total_revisions - 1
    return reader.get_historical_resolver(sealed), reader.get_historical_resolver(last)


def _resources(revision: HistoricalResolver) -> generic.PdfObject:
    return revision.root["/Pages"]["/Kids"][0].raw_get("/Resources")
