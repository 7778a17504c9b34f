"""The real Danish trusted list (sequence 21) from DSS's test resources."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509

from signing.pki import make_root
from signing.tl import (
    TrustedListError,
    TrustedListErrorCode,
    TrustedListPolicy,
    load_trusted_list,
)
from tests.signing.conftest import shared_path

INSIDE = datetime(2019, 8, 5, 12, 0, tzinfo=UTC)
PAST_NEXT_UPDATE = datetime(2020, 2, 20, tzinfo=UTC)
CA_PKC = "http://uri.etsi.org/TrstSvc/Svctype/CA/PKC"
SVC = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/"


@pytest.fixture(scope="module")
def dk_list() -> bytes:
    return shared_path("corpus", "dss", "xades", "dk_tl-sn21.xml").read_bytes()


@pytest.fixture(scope="module")
def dk_signer() -> x509.Certificate:
    path = shared_path("corpus", "dss", "xades", "dk_tl-sn21.trust-anchor.cer")
    return x509.load_der_x509_certificate(path.read_bytes())


def test_dk_list_with_its_pinned_signer_loads_with_its_facts(
    dk_list: bytes, dk_signer: x509.Certificate
) -> None:
    tl = load_trusted_list(dk_list, [dk_signer], INSIDE)

    assert (tl.territory, tl.sequence_number) == ("DK", 21)
    assert tl.content.version == 5
    assert tl.content.next_update == datetime(2020, 2, 5, tzinfo=UTC)
    assert tl.signer.organization == "Digitaliseringsstyrelsen // CVR:34051178"
    assert not tl.is_lotl
    assert len(tl.services) == 1
    service = tl.services[0]
    assert service.provider == "Nets DanID A/S"
    assert service.current.service_type == CA_PKC
    assert service.current.status == SVC + "recognisedatnationallevel"


def test_dk_list_status_history_is_read_oldest_first(
    dk_list: bytes, dk_signer: x509.Certificate
) -> None:
    service = load_trusted_list(dk_list, [dk_signer], INSIDE).services[0]

    old, new = service.periods
    assert old.status == SVC + "accredited"
    assert old.start == datetime(2010, 3, 2, 23, 0, tzinfo=UTC)
    assert old.end == new.start == datetime(2016, 6, 30, 22, 0, tzinfo=UTC)
    assert service.period_at(datetime(2012, 1, 1, tzinfo=UTC)) is old
    assert service.identity.subject_names == (
        "CN=TRUST2408 OCES Primary CA, O=TRUST2408, C=DK",
    )


def test_dk_list_points_to_the_lotl_with_eight_signing_certificates(
    dk_list: bytes, dk_signer: x509.Certificate
) -> None:
    tl = load_trusted_list(dk_list, [dk_signer], INSIDE)

    pointer = tl.pointer_to("EU")
    assert pointer.location.endswith("/tl-mp.xml")
    assert len(pointer.certificates) == 8


def test_dk_list_has_no_qualified_ca_so_its_qc_trust_store_is_empty(
    dk_list: bytes, dk_signer: x509.Certificate
) -> None:
    tl = load_trusted_list(dk_list, [dk_signer], INSIDE)

    assert tl.trust_store(INSIDE).certificates == ()


def test_dk_list_pinned_to_another_certificate_is_refused(dk_list: bytes) -> None:
    other = make_root("Not the Danish operator").certificate

    with pytest.raises(TrustedListError) as caught:
        load_trusted_list(dk_list, [other], INSIDE)

    assert caught.value.code is TrustedListErrorCode.SIGNER_NOT_PINNED


def test_dk_list_with_one_byte_of_a_service_name_changed_is_refused(
    dk_list: bytes, dk_signer: x509.Certificate
) -> None:
    name = b"Root Certification Authority of TRUST2408"
    assert name in dk_list
    tampered = dk_list.replace(name, b"Rook" + name[4:], 1)

    with pytest.raises(TrustedListError) as caught:
        load_trusted_list(tampered, [dk_signer], INSIDE)

    assert caught.value.code is TrustedListErrorCode.SIGNATURE_INVALID


def test_dk_list_past_next_update_is_refused(
    dk_list: bytes, dk_signer: x509.Certificate
) -> None:
    with pytest.raises(TrustedListError) as caught:
        load_trusted_list(dk_list, [dk_signer], PAST_NEXT_UPDATE)

    assert caught.value.code is TrustedListErrorCode.EXPIRED


def test_dk_list_past_next_update_loads_within_a_lenient_grace(
    dk_list: bytes, dk_signer: x509.Certificate
) -> None:
    lenient = TrustedListPolicy(next_update_grace=timedelta(days=30))

    tl = load_trusted_list(dk_list, [dk_signer], PAST_NEXT_UPDATE, lenient)

    assert tl.sequence_number == 21


def test_dk_list_used_before_it_was_issued_is_refused(
    dk_list: bytes, dk_signer: x509.Certificate
) -> None:
    with pytest.raises(TrustedListError) as caught:
        load_trusted_list(dk_list, [dk_signer], datetime(2019, 8, 4, tzinfo=UTC))

    assert caught.value.code is TrustedListErrorCode.NOT_YET_ISSUED
