"""What the outside producers sign: our sample forms, and how we tamper with them.

The subjects are the catalog's three sample forms (forms/<id>/<version>/sample.xml)
and the harness's own test form (../shared/clients/inputs/form.xml: Polish
characters, a comment, entities). A tampered copy changes one signed text node in
the serialised bytes and nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from tests.outside.producers import PROJECT_ROOT, SHARED_CLIENTS

GIVEN_NAME = "Jan"
SURNAME = "Testowy"
PESEL = "44051401458"
OFFICE_NAME = "Urząd Miasta Testowo"
NIP = "1234563218"
FORM_IDS = ("pismo-ogolne", "zaswiadczenie-o-niezaleganiu", "zameldowanie")
SHARED_FORM = "shared-wniosek"
MODES = ("enveloped", "enveloping")
KEYS = ("rsa", "ec")
SIGNING_CERTS = ("v1", "v2")
_TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z .,:/-]{2,}")


@dataclass(frozen=True)
class Variant:
    """One xadesjs signing: which subject, packaging, signer key, SigningCertificate."""

    subject: str
    mode: str
    key: str
    signing_cert: str

    def __str__(self) -> str:
        return f"{self.subject}-{self.mode}-{self.key}-{self.signing_cert}"


VARIANTS = (
    *(
        Variant(form, mode, key, cert)
        for form in FORM_IDS
        for mode in MODES
        for key in KEYS
        for cert in SIGNING_CERTS
    ),
    Variant(SHARED_FORM, "enveloped", "rsa", "v1"),
    Variant(SHARED_FORM, "enveloping", "ec", "v2"),
    Variant("pismo-ogolne", "enveloped", "seal", "v2"),
    Variant("zaswiadczenie-o-niezaleganiu", "enveloped", "ca", "v1"),
    Variant("zameldowanie", "enveloping", "ca", "v2"),
)
"""Every combination over our forms, plus the shared form, the office seal, and a
citizen certified by an intermediate CA sent in KeyInfo (``ca``)."""

DETACHED = Variant("zameldowanie", "detached", "ec", "v2")
"""xadesjs detached: a standalone ds:Signature over the form file's raw bytes."""

NO_INTERMEDIATE = Variant("pismo-ogolne", "enveloped", "ca-bare", "v1")
"""Signed by the ``ca`` citizen without sending the intermediate CA."""

XMLDSIG_CASES = (
    Variant("zaswiadczenie-o-niezaleganiu", "xml-crypto", "rsa", "none"),
    Variant("zameldowanie", "xmlsec1", "rsa", "none"),
    Variant("pismo-ogolne", "xmlsec1", "ec", "none"),
    Variant("pismo-ogolne", "xml-crypto-id", "rsa", "none"),
)
"""Plain XMLDSig producers: ``mode`` names the tool; xml-crypto signs RSA only;
``xml-crypto-id`` references the form root by its Id, with an unprefixed
ds:Signature."""


def subject_path(subject: str) -> Path | None:
    """Return the sample file for a subject, the newest version; None if absent."""
    if subject == SHARED_FORM:
        path = SHARED_CLIENTS / "inputs" / "form.xml"
        return path if path.is_file() else None

    samples = (PROJECT_ROOT / "forms" / subject).glob("*/sample.xml")
    return max(samples, key=_version_key, default=None)


def _version_key(sample: Path) -> tuple[tuple[int, str], ...]:
    """Order version folders numerically where they are numbers (2 < 10)."""
    parts = re.split(r"[.-]", sample.parent.name)
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in parts)


def require_subject(subject: str) -> Path:
    """Return the sample file for a subject, failing the test when it is absent."""
    path = subject_path(subject)
    if path is None and subject == SHARED_FORM:
        pytest.fail(f"{SHARED_CLIENTS}/inputs/form.xml missing: ../shared is needed")
    if path is None:
        pytest.fail(f"no sample for {subject}: expected forms/{subject}/*/sample.xml")

    return path


def form_root(sample: bytes) -> etree._Element:
    """Parse one of our samples (trusted test input) and return its root element."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.fromstring(sample, parser)


def tamper_text(signed: bytes, sample: bytes) -> bytes:
    """Change one character of a signed text node that occurs once in ``signed``."""
    for element in form_root(sample).iter(etree.Element):
        text = element.text or ""
        if len(element) or not _TOKEN.fullmatch(text):
            continue

        needle = f">{text}<".encode()
        if signed.count(needle) == 1:
            changed = f">{_change_one_character(text)}<".encode()
            return signed.replace(needle, changed)

    raise AssertionError("no signed text node in the form could be tampered with")


def _change_one_character(text: str) -> str:
    """Return ``text`` with its first digit moved by one, else first letter recased."""
    for i, char in enumerate(text):
        if char.isdigit():
            return text[:i] + str((int(char) + 1) % 10) + text[i + 1 :]

    return text[0].swapcase() + text[1:]
