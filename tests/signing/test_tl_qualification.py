"""Qualification of signing certificates under a synthetic national list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509

from signing.pki import QCP_N_QSCD
from signing.qualification import CertificateType, qc_facts
from signing.tl import TrustedList, load_trusted_list
from tests.signing.tlmaker import (
    CA_PKC,
    EXT,
    GRANTED,
    WITHDRAWN,
    ListSpec,
    Rule,
    Service,
    Status,
    World,
    make_world,
    plain_person,
    signed_list,
)

LONG_AGO = datetime(2016, 7, 1, tzinfo=UTC)
FOR_ESIG = EXT + "ForeSignatures"
FOR_ESEAL = EXT + "ForeSeals"


@pytest.fixture(scope="module")
def world() -> World:
    return make_world()


def national(
    world: World, *statuses: Status, certs: tuple[x509.Certificate, ...] = ()
) -> TrustedList:
    """Sign and load a PL list with one service of the QTSP's CA."""
    service = Service(
        "Test QTSP Qualified CA", certs or (world.qtsp_ca.certificate,), statuses
    )
    spec = ListSpec(
        territory="PL",
        sequence=7,
        issued=world.now - timedelta(hours=1),
        next_update=world.now + timedelta(days=180),
        services=(service,),
    )
    data = signed_list(spec, world.pl_signer, world.now - timedelta(minutes=30))
    return load_trusted_list(data, [world.pl_signer.certificate], world.now)


def chain(world: World, leaf: x509.Certificate) -> list[x509.Certificate]:
    return [leaf, world.qtsp_ca.certificate, world.qtsp_root.certificate]


def test_citizen_with_qc_compliance_under_a_granted_ca_qc_is_qualified_for_esig(
    world: World,
) -> None:
    tl = national(world, Status(GRANTED, LONG_AGO))

    result = tl.qualification(chain(world, world.citizen.certificate), world.now)

    assert result.for_esig and result.qscd
    assert result.service is not None and result.service.name.startswith("Test QTSP")


def test_office_seal_under_a_granted_ca_qc_is_qualified_for_eseal(
    world: World,
) -> None:
    tl = national(world, Status(GRANTED, LONG_AGO, asi=(FOR_ESIG, FOR_ESEAL)))

    result = tl.qualification(chain(world, world.seal.certificate), world.now)

    assert result.for_eseal and not result.for_esig


def test_certificate_without_qc_compliance_is_not_qualified(world: World) -> None:
    tl = national(world, Status(GRANTED, LONG_AGO))
    person = plain_person(world.qtsp_ca)

    result = tl.qualification(chain(world, person), world.now)

    assert not result.qualified
    assert "no QcCompliance" in result.reasons[0]


def test_signature_after_the_service_was_withdrawn_is_not_qualified(
    world: World,
) -> None:
    withdrawn_at = world.now + timedelta(days=10)
    tl = national(world, Status(GRANTED, LONG_AGO), Status(WITHDRAWN, withdrawn_at))
    leaf = chain(world, world.citizen.certificate)

    before = tl.qualification(leaf, withdrawn_at - timedelta(seconds=1))
    after = tl.qualification(leaf, withdrawn_at)

    assert before.for_esig
    assert not after.qualified and "signing time" in after.reasons[0]


def test_certificate_issued_before_the_service_was_granted_is_not_qualified(
    world: World,
) -> None:
    tl = national(world, Status(GRANTED, world.now + timedelta(days=1)))

    result = tl.qualification(
        chain(world, world.citizen.certificate), world.now + timedelta(days=2)
    )

    assert not result.qualified and "issuance time" in result.reasons[0]


def test_service_that_is_not_ca_qc_does_not_make_certificates_qualified(
    world: World,
) -> None:
    tl = national(world, Status(GRANTED, LONG_AGO, service_type=CA_PKC))

    result = tl.qualification(chain(world, world.citizen.certificate), world.now)

    assert not result.qualified


def test_certificate_of_a_ca_the_list_does_not_name_is_not_qualified(
    world: World,
) -> None:
    tl = national(world, Status(GRANTED, LONG_AGO), certs=(world.pl_ca.certificate,))

    result = tl.qualification(chain(world, world.citizen.certificate), world.now)

    assert not result.qualified and result.service is None


def test_chain_whose_leaf_was_not_issued_by_the_listed_ca_is_not_qualified(
    world: World,
) -> None:
    tl = national(world, Status(GRANTED, LONG_AGO))
    # A leaf issued by the PL operator's root, presented over the listed CA.
    stranger = plain_person(world.pl_ca, policies=(QCP_N_QSCD,))

    result = tl.qualification(chain(world, stranger), world.now)

    assert not result.qualified and result.service is None


def test_esig_certificate_under_a_seals_only_service_is_not_qualified(
    world: World,
) -> None:
    tl = national(world, Status(GRANTED, LONG_AGO, asi=(FOR_ESEAL,)))

    result = tl.qualification(chain(world, world.citizen.certificate), world.now)

    assert not result.qualified and "esig" in result.reasons[0]


def test_qcstatement_qualifier_makes_a_matching_plain_certificate_qualified(
    world: World,
) -> None:
    rule = Rule((EXT + "QCStatement", EXT + "QCForESig"), policies=(QCP_N_QSCD,))
    tl = national(world, Status(GRANTED, LONG_AGO, rules=(rule,)))
    person = plain_person(world.qtsp_ca, policies=(QCP_N_QSCD,))

    result = tl.qualification(chain(world, person), world.now)

    assert result.for_esig and not result.qscd


def test_qualifier_with_unmatched_criteria_has_no_effect(world: World) -> None:
    rule = Rule((EXT + "QCStatement",), policies=("1.2.3.4.5",))
    tl = national(world, Status(GRANTED, LONG_AGO, rules=(rule,)))
    person = plain_person(world.qtsp_ca, policies=(QCP_N_QSCD,))

    result = tl.qualification(chain(world, person), world.now)

    assert not result.qualified


def test_not_qualified_qualifier_overrides_qc_compliance(world: World) -> None:
    rule = Rule((EXT + "NotQualified",), policies=(QCP_N_QSCD,))
    tl = national(world, Status(GRANTED, LONG_AGO, rules=(rule,)))

    result = tl.qualification(chain(world, world.citizen.certificate), world.now)

    assert not result.qualified and "not qualified" in result.reasons[0]


def test_qscd_and_type_qualifiers_override_the_certificate(world: World) -> None:
    rule = Rule((EXT + "QCNoQSCD", EXT + "QCForESeal"), policies=(QCP_N_QSCD,))
    tl = national(world, Status(GRANTED, LONG_AGO, rules=(rule,)))

    result = tl.qualification(chain(world, world.citizen.certificate), world.now)

    assert result.kind is CertificateType.ESEAL and not result.qscd


def test_contradicting_qualifiers_make_the_certificate_not_qualified(
    world: World,
) -> None:
    rules = (
        Rule((EXT + "QCStatement",), policies=(QCP_N_QSCD,)),
        Rule((EXT + "NotQualified",), policies=(QCP_N_QSCD,)),
    )
    tl = national(world, Status(GRANTED, LONG_AGO, rules=rules))

    result = tl.qualification(chain(world, world.citizen.certificate), world.now)

    assert not result.qualified and "contradict" in result.reasons[0]


def test_qc_statements_are_read_from_the_citizen_and_seal_certificates(
    world: World,
) -> None:
    citizen = qc_facts(world.citizen.certificate)
    seal = qc_facts(world.seal.certificate)

    assert citizen.compliance and citizen.sscd
    assert citizen.types == {CertificateType.ESIG}
    assert seal.types == {CertificateType.ESEAL}
    assert not qc_facts(world.qtsp_ca.certificate).compliance
