"""Checks shared by the outside-producer tests.

Our validator's answers (signer, covered form, summary), and what the signed files
are without our validator: their shape, and xmlsec1 as an independent verifier (so
a failure of our validator on such a file points at our code, not at the file).
"""

from __future__ import annotations

import subprocess
from copy import deepcopy
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from lxml import etree

from tests.outside import subjects
from tests.outside.producers import require_program
from tests.outside.subjects import form_root

FORM_KINDS = ("document", "element", "object")
DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
NS = {"ds": DS, "xades": XADES}
SIGNATURE_METHOD = {
    "rsa": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "seal": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "ca": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "ec": "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
}
SIGNING_CERTIFICATE = {"v1": "SigningCertificate", "v2": "SigningCertificateV2"}


def describe(result: Any) -> str:
    """Summarise a validation result for an assertion message (no form content)."""
    lines = [f"{result.indication} / {result.subindication}"]
    for sig in result.signatures:
        lines.append(f"  {sig.signature_id}: {sig.indication} / {sig.subindication}")
        lines += [f"    {c.name}: {c.passed} {c.detail}" for c in sig.checks]

    return "\n".join(lines)


def assert_citizen(signer: Any, certificate: Any) -> None:
    """The signer is the test citizen: name, PNOPL identifier, certificate."""
    assert signer is not None
    assert subjects.GIVEN_NAME in signer.name
    assert subjects.SURNAME in signer.name
    assert signer.identifier == f"PNOPL-{subjects.PESEL}"
    assert signer.certificate_sha256 == _fingerprint(certificate)


def assert_seal(signer: Any, certificate: Any) -> None:
    """The signer is the test office seal: organisation, VATPL identifier."""
    assert signer is not None
    assert signer.organization == subjects.OFFICE_NAME
    assert signer.identifier == f"VATPL-{subjects.NIP}"
    assert signer.certificate_sha256 == _fingerprint(certificate)


def assert_covers_form(sig: Any, sample: bytes, kind: str) -> None:
    """The one signed form object is the sample's root, with the sample's content.

    Whitespace-only text is left out of the comparison: a producer may add a
    line break around the ds:Signature it inserts, which is then signed content.
    """
    forms = [c for c in sig.covered if c.kind in FORM_KINDS]
    assert [c.kind for c in forms] == [kind]

    covered = forms[0].element
    expected = form_root(sample)
    assert covered is not None
    assert etree.QName(covered) == etree.QName(expected)
    assert _content(covered) == _content(expected)


def assert_recent(moment: datetime | None) -> None:
    """A claimed signing time is present and within the last hour."""
    assert moment is not None
    assert abs(datetime.now(UTC) - moment) < timedelta(hours=1)


def _content(element: etree._Element) -> bytes:
    """Exclusive C14N without comments and whitespace-only text, of a copy."""
    copy = deepcopy(element)
    for node in copy.iter():
        if node.text is not None and not node.text.strip():
            node.text = None
        if node.tail is not None and not node.tail.strip():
            node.tail = None

    return etree.tostring(copy, method="c14n", exclusive=True, with_comments=False)


def _fingerprint(certificate: Any) -> str:
    """Hex SHA-256 of a certificate's DER."""
    return str(certificate.fingerprint(hashes.SHA256()).hex())


def xmlsec1_verify(data: bytes, form: bytes, root_pem: Path, folder: Path) -> bool:
    """Verify a signed document with xmlsec1, trusting only the test root.

    The form's root element is declared an Id holder so ``#id`` references
    resolve; the XAdES SignedProperties likewise.
    """
    path = folder / "to-verify.xml"
    path.write_bytes(data)
    root = etree.QName(form_root(form))
    argv = [require_program("xmlsec1", "xmlsec1"), "--verify"]
    argv += ["--trusted-pem", str(root_pem)]
    argv += ["--id-attr:Id", f"{XADES}:SignedProperties"]
    argv += ["--id-attr:Id", f"{root.namespace}:{root.localname}", str(path)]
    done = subprocess.run(argv, capture_output=True, timeout=30, check=False)
    return done.returncode == 0


def signature_methods(root: etree._Element) -> list[str | None]:
    """Return the SignatureMethod algorithms of every signature in a document."""
    found = root.iterfind(".//ds:SignedInfo/ds:SignatureMethod", NS)
    return [method.get("Algorithm") for method in found]
