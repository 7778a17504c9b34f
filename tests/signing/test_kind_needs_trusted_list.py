""" "Qualified" is claimed only when a trusted list confirms it (review F3).

The certificate's own QCStatements say what its issuer declares; without an
EU trusted list nothing confirms the issuer is a qualified provider.
"""

from __future__ import annotations

import pytest

from signing.kinds import KindRules
from signing.policy import ValidationPolicy
from signing.seal import XadesSigner
from signing.trust import TrustStore
from signing.validate import validate_xml
from tests.signing.test_tl_qualification import LONG_AGO, national
from tests.signing.tlmaker import GRANTED, Status, World, make_world

FORM = b'<Pismo xmlns="urn:example:pismo"><Tresc>Wniosek testowy</Tresc></Pismo>'


@pytest.fixture(scope="module")
def world() -> World:
    return make_world()


def _policy(world: World, rules: KindRules) -> ValidationPolicy:
    return ValidationPolicy(
        TrustStore.from_certificates([world.qtsp_root.certificate]),
        intermediates=(world.qtsp_ca.certificate,),
        kinds=rules,
    )


def test_qc_statements_without_a_trusted_list_are_not_called_qualified(
    world: World,
) -> None:
    signed = XadesSigner.from_issued(world.citizen).sign_enveloped(FORM)

    sig = validate_xml(signed, _policy(world, KindRules())).primary

    assert sig.kind == "qc-unconfirmed"
    assert "QC statements present, not confirmed by a trusted list" in sig.kind_detail
    assert sig.to_json()["kind"] == "qc-unconfirmed"


def test_the_same_signature_is_qualified_when_a_trusted_list_grants_its_ca(
    world: World,
) -> None:
    signed = XadesSigner.from_issued(world.citizen).sign_enveloped(FORM)
    tl = national(world, Status(GRANTED, LONG_AGO))

    sig = validate_xml(signed, _policy(world, KindRules(trusted_lists=(tl,)))).primary

    assert sig.kind == "qualified"
    assert "trusted list" in sig.kind_detail
