"""Issuer names compare as parsed names in every spelling producers use."""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from signing.certs import parse_dn_string, same_name
from signing.xades import parse_signing_time

ISSUER = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
        x509.NameAttribute(
            NameOID.ORGANIZATION_NAME, "Real Clients Test PKI Sp. z o.o."
        ),
        x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, "VATPL-9876543210"),
        x509.NameAttribute(NameOID.COMMON_NAME, "Test Qualified CA 01"),
    ]
)


@pytest.mark.parametrize(
    "spelling",
    [
        "C=PL, O=Real Clients Test PKI Sp. z o.o., 2.5.4.97=VATPL-9876543210, "
        "CN=Test Qualified CA 01",
        "C=PL,O=Real Clients Test PKI Sp. z o.o.,"
        "2.5.4.97=#0C10564154504c2d39383736353433323130,CN=Test Qualified CA 01",
        "CN=Test Qualified CA 01,OID.2.5.4.97=VATPL-9876543210,"
        "O=Real Clients Test PKI Sp. z o.o.,C=PL",
    ],
)
def test_issuer_spellings_of_the_same_ca_match(spelling):
    assert same_name(spelling, ISSUER)


def test_different_ca_does_not_match():
    assert not same_name("CN=Test Qualified CA 02,C=PL", ISSUER)


def test_hex_value_with_character_length_byte_is_tolerated():
    parsed = parse_dn_string("CN=#0C04" + "Łódź".encode().hex())
    assert parsed is not None and ("2.5.4.3", "łódź") in parsed


def test_unknown_attribute_name_is_not_parsed():
    assert parse_dn_string("FOO=bar") is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2026-12-04T15:22:06Z", "2026-12-04T15:22:06+00:00"),
        ("2026-12-04T15:32:04.709Z", "2026-12-04T15:32:04.709000+00:00"),
        ("2026-12-04T15:22:09.294485256", "2026-12-04T15:22:09.294485+00:00"),
        ("2014-11-07T09:48:27.803+01:00", "2014-11-07T08:48:27.803000+00:00"),
    ],
)
def test_signing_time_is_parsed_leniently(text, iso):
    parsed = parse_signing_time(text)
    assert parsed is not None and parsed.isoformat() == iso


def test_signing_time_in_dotted_form_is_not_a_date():
    assert parse_signing_time("2003.10.24T10:57:19Z") is None
