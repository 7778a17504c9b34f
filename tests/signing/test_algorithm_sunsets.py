"""Algorithm policy as data: SHA-1 and small RSA keys only before their sunset.

The sunset applies to the signature's proof of existence (a time-stamp),
never to the claimed SigningTime: without a time-stamp, the validation time
counts, which is after every sunset.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from signing.pki import make_citizen, make_intermediate, make_root, make_tsa
from signing.policy import AlgorithmPolicy, ValidationPolicy
from signing.result import Indication, SubIndication
from signing.seal import XadesSigner
from signing.trust import TrustStore
from signing.tsa import LocalTimestamper
from signing.validate import validate_xml
from tests.signing import maker

NOW = datetime.now(UTC)
Y2010 = datetime(2010, 1, 1, tzinfo=UTC)


def at(year: int, month: int = 6) -> datetime:
    return datetime(year, month, 1, tzinfo=UTC)


def test_sha1_is_accepted_only_before_its_sunset():
    rules = AlgorithmPolicy()
    assert not rules.digest_refused("sha1", at(2012))
    assert rules.digest_refused("sha1", at(2013, 1))
    assert rules.digest_refused("sha1", None)
    assert rules.digest_refused("sha224", at(2001))
    assert not rules.digest_refused("sha256", None)


def test_small_rsa_keys_are_accepted_only_before_their_sunset():
    rules = AlgorithmPolicy()
    assert not rules.key_refused("rsa", 1024, at(2010))
    assert rules.key_refused("rsa", 1024, at(2012))
    assert not rules.key_refused("rsa", 1536, at(2015))
    assert rules.key_refused("rsa", 1536, at(2016, 1))
    assert rules.key_refused("rsa", 512, at(2000))
    assert rules.key_refused("rsa", 1024, None)
    assert not rules.key_refused("rsa", 2048, None)


def test_an_operator_may_change_the_dates():
    stricter = AlgorithmPolicy(digest_sunsets=(), rsa_sunsets=())
    assert stricter.digest_refused("sha1", at(2005))
    assert stricter.key_refused("rsa", 1024, at(2005))


@pytest.fixture(scope="module")
def old_pki():
    root = make_root("Fake Old Root", now=Y2010, years=30)
    inter = make_intermediate(root, "Fake Old CA", now=Y2010, years=25)
    tsa = make_tsa(root, not_before=Y2010, not_after=NOW + timedelta(days=365))
    return root, inter, tsa


def signed(old_pki, stamped: datetime | None, *, bits: int = 2048, digest="sha1"):
    root, inter, tsa = old_pki
    key = maker.make_key(bits=bits)
    citizen = make_citizen(
        inter,
        given_name="Jan",
        surname="Testowy",
        pesel="44051401458",
        not_before=Y2010,
        not_after=NOW + timedelta(days=365),
        key=key,
    )
    options = maker.Options(digest=digest, signature_digest=digest)
    data = maker.sign_enveloped(
        maker.FORM, maker.Issued(citizen.key, citizen.certificate), options
    )
    if stamped is not None:
        stamper = LocalTimestamper(tsa.key, tsa.certificate, clock=lambda: stamped)
        data = XadesSigner.from_issued(citizen).add_signature_timestamp(data, stamper)

    policy = ValidationPolicy(
        TrustStore.from_certificates([root.certificate]),
        intermediates=(inter.certificate,),
    )
    return validate_xml(data, policy)


def test_sha1_signature_time_stamped_before_the_sunset_passes(old_pki):
    result = signed(old_pki, at(2012))
    assert (result.indication, result.subindication) == (Indication.TOTAL_PASSED, None)


@pytest.mark.parametrize("stamped", [None, at(2014)])
def test_sha1_signature_without_early_proof_is_crypto_constraints_failure(
    old_pki, stamped
):
    result = signed(old_pki, stamped)
    assert (result.indication, result.subindication) == (
        Indication.INDETERMINATE,
        SubIndication.CRYPTO_CONSTRAINTS_FAILURE,
    )
    failed = {c.name for c in result.primary.checks if not c.passed}
    assert {"digest-algorithm", "algorithm-policy"} <= failed


def test_rsa_1024_signer_time_stamped_before_its_sunset_passes(old_pki):
    early = signed(old_pki, at(2010, 6), bits=1024, digest="sha256")
    late = signed(old_pki, None, bits=1024, digest="sha256")

    assert early.indication is Indication.TOTAL_PASSED
    assert late.subindication is SubIndication.CRYPTO_CONSTRAINTS_FAILURE
