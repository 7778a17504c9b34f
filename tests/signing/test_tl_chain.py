"""A synthetic LOTL pointing to a national list: authentication and trust."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509

from signing.policy import ValidationPolicy
from signing.result import Indication
from signing.seal import XadesSigner
from signing.tl import (
    TrustedList,
    TrustedListError,
    TrustedListErrorCode,
    TrustedListPolicy,
    load_trusted_list,
)
from signing.validate import validate_xml
from tests.signing.tlmaker import (
    CA_PKC,
    CA_QC,
    GRANTED,
    LOTL_TYPE,
    WITHDRAWN,
    ListSpec,
    Pointer,
    Service,
    Status,
    World,
    make_world,
    signed_list,
)

LONG_AGO = datetime(2016, 7, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def world() -> World:
    return make_world()


def lotl_spec(world: World, pl_certs: tuple[x509.Certificate, ...] = ()) -> ListSpec:
    pointer = Pointer(
        "http://127.0.0.1/PL.xml",
        "PL",
        pl_certs or (world.pl_signer.certificate,),
    )
    return ListSpec(
        territory="EU",
        sequence=300,
        issued=world.now - timedelta(hours=1),
        next_update=world.now + timedelta(days=180),
        tsl_type=LOTL_TYPE,
        pointers=(pointer,),
    )


def pl_spec(world: World) -> ListSpec:
    """PL: a qualified CA granted since 2016 and withdrawn in 30 days."""
    qualified = Service(
        "Test QTSP Qualified CA",
        (world.qtsp_ca.certificate,),
        (
            Status(GRANTED, LONG_AGO),
            Status(WITHDRAWN, world.now + timedelta(days=30)),
        ),
    )
    national = Service(
        "Test non-qualified CA",
        (world.qtsp_root.certificate,),
        (Status(GRANTED, LONG_AGO, service_type=CA_PKC),),
    )
    return ListSpec(
        territory="PL",
        sequence=42,
        issued=world.now - timedelta(hours=1),
        next_update=world.now + timedelta(days=180),
        services=(qualified, national),
    )


def sign(spec: ListSpec, world: World, operator: str = "pl") -> bytes:
    signer = world.pl_signer if operator == "pl" else world.lotl_signer
    return signed_list(spec, signer, world.now - timedelta(minutes=30))


@pytest.fixture(scope="module")
def lotl(world: World) -> TrustedList:
    data = sign(lotl_spec(world), world, "lotl")
    return load_trusted_list(data, [world.lotl_signer.certificate], world.now)


@pytest.fixture(scope="module")
def pl_list(world: World, lotl: TrustedList) -> TrustedList:
    return lotl.load_pointed(sign(pl_spec(world), world), "PL", world.now)


def refusal(call: object, *args: object) -> TrustedListErrorCode:
    with pytest.raises(TrustedListError) as caught:
        call(*args)  # type: ignore[operator]

    return caught.value.code


def test_lotl_pinned_by_its_signer_loads_and_points_to_pl(lotl: TrustedList) -> None:
    assert lotl.is_lotl and lotl.territory == "EU"
    assert lotl.pointer_to("PL").location == "http://127.0.0.1/PL.xml"


def test_national_list_pinned_by_the_lotl_pointer_loads(pl_list: TrustedList) -> None:
    assert (pl_list.territory, pl_list.sequence_number) == ("PL", 42)
    assert [s.current.service_type for s in pl_list.services] == [CA_QC, CA_PKC]


def test_national_list_signed_by_a_certificate_the_lotl_does_not_name_is_refused(
    world: World, lotl: TrustedList
) -> None:
    forged = signed_list(pl_spec(world), world.lotl_signer, world.now)

    code = refusal(lotl.load_pointed, forged, "PL", world.now)

    assert code is TrustedListErrorCode.SIGNER_NOT_PINNED


def test_list_signed_under_a_pinned_ca_but_not_by_a_pinned_signer_is_refused(
    world: World,
) -> None:
    data = sign(pl_spec(world), world)

    code = refusal(load_trusted_list, data, [world.pl_ca.certificate], world.now)

    assert code is TrustedListErrorCode.SIGNER_NOT_PINNED


def test_national_list_loaded_for_another_territory_is_refused(world: World) -> None:
    cz_pointer = Pointer(
        "http://127.0.0.1/CZ.xml", "CZ", (world.pl_signer.certificate,)
    )
    spec = replace(lotl_spec(world), pointers=(cz_pointer,))
    lotl = load_trusted_list(
        sign(spec, world, "lotl"), [world.lotl_signer.certificate], world.now
    )

    code = refusal(lotl.load_pointed, sign(pl_spec(world), world), "CZ", world.now)

    assert code is TrustedListErrorCode.TERRITORY_MISMATCH


def test_territory_the_lotl_does_not_point_to_is_refused(
    world: World, lotl: TrustedList
) -> None:
    code = refusal(lotl.load_pointed, sign(pl_spec(world), world), "DE", world.now)

    assert code is TrustedListErrorCode.NO_POINTER


def test_service_added_after_signing_breaks_the_signature(world: World) -> None:
    data = sign(pl_spec(world), world)
    tampered = data.replace(b"Test non-qualified CA", b"Test rogue CA here...", 1)

    code = refusal(
        load_trusted_list, tampered, [world.pl_signer.certificate], world.now
    )

    assert code is TrustedListErrorCode.SIGNATURE_INVALID


def test_signed_document_that_is_not_a_trusted_list_is_refused(world: World) -> None:
    data = XadesSigner.from_issued(world.pl_signer).sign_enveloped(b"<list/>")

    code = refusal(load_trusted_list, data, [world.pl_signer.certificate], world.now)

    assert code is TrustedListErrorCode.SIGNATURE_SCOPE


def test_unsigned_list_is_refused(world: World) -> None:
    data = b'<TrustServiceStatusList xmlns="http://uri.etsi.org/02231/v2#"/>'

    code = refusal(load_trusted_list, data, [world.pl_signer.certificate], world.now)

    assert code is TrustedListErrorCode.NOT_A_LIST


def test_list_of_an_unsupported_version_is_refused(world: World) -> None:
    data = sign(replace(pl_spec(world), version=4), world)

    code = refusal(load_trusted_list, data, [world.pl_signer.certificate], world.now)

    assert code is TrustedListErrorCode.UNSUPPORTED_VERSION


def test_closed_list_is_refused_unless_staleness_is_allowed(world: World) -> None:
    data = sign(replace(pl_spec(world), next_update=None), world)
    pinned = [world.pl_signer.certificate]

    code = refusal(load_trusted_list, data, pinned, world.now)
    archived = TrustedListPolicy(next_update_grace=None)

    assert code is TrustedListErrorCode.EXPIRED
    assert load_trusted_list(data, pinned, world.now, archived).territory == "PL"


def test_trust_store_holds_the_qualified_ca_while_granted(
    world: World, pl_list: TrustedList
) -> None:
    store = pl_list.trust_store(world.now)

    assert store.certificates == (world.qtsp_ca.certificate,)


def test_trust_store_is_empty_after_the_service_is_withdrawn(
    world: World, pl_list: TrustedList
) -> None:
    assert pl_list.trust_store(world.now + timedelta(days=31)).certificates == ()


def test_trust_store_is_empty_before_the_first_status(pl_list: TrustedList) -> None:
    assert pl_list.trust_store(datetime(2015, 1, 1, tzinfo=UTC)).certificates == ()


def test_trust_store_of_other_service_types_only_when_asked(
    world: World, pl_list: TrustedList
) -> None:
    store = pl_list.trust_store(world.now, service_types=(CA_PKC,))

    assert store.certificates == (world.qtsp_root.certificate,)


def test_citizen_signature_passes_with_the_list_trust_store(
    world: World, pl_list: TrustedList
) -> None:
    document = XadesSigner.from_issued(world.citizen).sign_enveloped(b"<form/>")
    policy = ValidationPolicy(pl_list.trust_store(world.now), world.now)

    result = validate_xml(document, policy)

    assert result.indication is Indication.TOTAL_PASSED


def test_citizen_signature_is_indeterminate_with_a_withdrawn_list_service(
    world: World, pl_list: TrustedList
) -> None:
    later = world.now + timedelta(days=31)
    document = XadesSigner.from_issued(world.citizen).sign_enveloped(b"<form/>")
    policy = ValidationPolicy(pl_list.trust_store(later), later)

    result = validate_xml(document, policy)

    assert result.indication is Indication.INDETERMINATE


def test_history_entry_starting_with_the_current_one_yields_to_it(
    world: World,
) -> None:
    moment = world.now - timedelta(days=1)
    service = Service(
        "Test QTSP Qualified CA",
        (world.qtsp_ca.certificate,),
        (Status(GRANTED, moment), Status(WITHDRAWN, moment)),
    )
    data = sign(replace(pl_spec(world), services=(service,)), world)

    tl = load_trusted_list(data, [world.pl_signer.certificate], world.now)

    assert tl.services[0].period_at(world.now) == tl.services[0].current
    assert tl.services[0].current.status == WITHDRAWN
    assert tl.trust_store(world.now).certificates == ()
