"""PDFs nested thousands deep (issue #3): a clear verdict or refusal, in time.

pyHanko walks the objects of a later revision recursively; a long chain of
new objects made that walk raise RecursionError, which was reported as an
unreadable CMS.  The signature is intact: what failed is the analysis of the
changes after it, and the ``modifications`` check says so.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from signing.errors import NotPDFError
from signing.pades import validate_pdf
from signing.pades_seal import PdfSealer
from signing.pdfmodifications import TOO_DEEP
from signing.pki import Issued, make_intermediate, make_root, make_seal
from signing.policy import ValidationPolicy
from signing.result import Indication, SubIndication, ValidationResult
from signing.trust import TrustStore
from tests import deep_pdfs
from tests.pdftools import letter_pdf

SECONDS = 30.0
"""Each validation must end well within this (it takes under a second)."""


@pytest.fixture(scope="module")
def root() -> Issued:
    return make_root("Deep PDF Test Root CA")


@pytest.fixture(scope="module")
def inter(root: Issued) -> Issued:
    return make_intermediate(root, "Deep PDF Test CA")


@pytest.fixture(scope="module")
def sealer(inter: Issued) -> PdfSealer:
    seal = make_seal(inter, office_name="Urząd Gminy Testowo", nip="1234563218")
    return PdfSealer.from_issued(seal)


@pytest.fixture(scope="module")
def policy(root: Issued, inter: Issued) -> ValidationPolicy:
    return ValidationPolicy(
        TrustStore.from_certificates([root.certificate]),
        intermediates=(inter.certificate,),
    )


@pytest.fixture(scope="module")
def sealed(sealer: PdfSealer) -> bytes:
    return sealer.seal(letter_pdf())


def validate(data: bytes, policy: ValidationPolicy) -> ValidationResult:
    return deep_pdfs.within(SECONDS, lambda: validate_pdf(data, policy))


@pytest.mark.parametrize("deepen", deep_pdfs.DEEP_STRUCTURES)
def test_deep_later_revision_fails_modifications_as_not_analysed(
    deepen: Callable[[bytes], bytes], sealed: bytes, policy: ValidationPolicy
) -> None:
    result = validate(deepen(sealed), policy)

    assert result.indication is Indication.TOTAL_FAILED
    assert result.subindication is SubIndication.FORMAT_FAILURE
    checks = {check.name: check for check in result.primary.checks}
    assert "cms-structure" not in checks
    assert not checks["modifications"].passed
    assert checks["modifications"].detail == TOO_DEEP
    # The signature itself is intact and verifies.
    assert checks["message-digest"].passed and checks["signature-value"].passed


@pytest.mark.parametrize("deepen", deep_pdfs.DEEP_STRUCTURES)
def test_deep_structure_in_the_signed_revision_passes_in_time(
    deepen: Callable[[bytes], bytes], sealer: PdfSealer, policy: ValidationPolicy
) -> None:
    signed = sealer.seal(deepen(letter_pdf()))

    result = validate(signed, policy)

    assert result.indication is Indication.TOTAL_PASSED
    checks = {check.name: check for check in result.primary.checks}
    assert checks["modifications"].passed


def test_nested_arrays_in_the_signed_catalog_are_refused_as_not_pdf(
    sealer: PdfSealer, policy: ValidationPolicy
) -> None:
    with deep_pdfs.deep_recursion():
        signed = sealer.seal(deep_pdfs.nested_arrays_in_catalog(letter_pdf()))

    with pytest.raises(NotPDFError):
        validate(signed, policy)


def test_nested_arrays_in_a_later_catalog_are_refused_as_not_pdf(
    sealed: bytes, policy: ValidationPolicy
) -> None:
    with pytest.raises(NotPDFError):
        validate(deep_pdfs.nested_arrays_in_catalog(sealed), policy)


@pytest.mark.parametrize(
    "branch",
    [deep_pdfs.branching_fields, deep_pdfs.branching_pages],
    ids=["form-fields", "pages"],
)
def test_tree_naming_one_node_twice_per_level_is_refused_in_time(
    branch: Callable[[bytes], bytes], sealed: bytes, policy: ValidationPolicy
) -> None:
    with pytest.raises(NotPDFError, match="nest too deeply"):
        validate(branch(sealed), policy)


def test_field_tree_nested_three_thousand_deep_is_refused_in_time(
    sealer: PdfSealer, policy: ValidationPolicy
) -> None:
    pdf = deep_pdfs.nested_fields(sealer.seal(letter_pdf()))

    with pytest.raises(NotPDFError, match="nest too deeply"):
        validate(pdf, policy)
