"""The real JPK InitUpload file with its quirks (forms-real MANIFEST notes).

Evidence that the FILE is wrong, not the code: its digests match only the
document with the whitespace between tags removed — it was re-indented after
signing — and CertDigest carries its algorithm as element text, so the signing
certificate cannot be identified by the signed property.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import re

from lxml import etree

from signing.policy import ValidationPolicy
from signing.result import Indication, SubIndication
from signing.safexml import parse_xml
from signing.trust import TrustStore
from signing.validate import validate_xml
from tests.signing.conftest import shared_path

QUIRKY = (
    "corpus",
    "forms-real",
    "jpk-v7m2",
    "samples",
    "InitUpload_signed_enveloped_QUIRKY.xml",
)
DS = "http://www.w3.org/2000/09/xmldsig#"


def test_jpk_quirky_file_is_wrong_certdigest_without_algorithm_no_signing_certificate():
    data = shared_path(*QUIRKY).read_bytes()
    result = validate_xml(data, ValidationPolicy(TrustStore.empty()))
    sig = result.primary
    assert (sig.indication, sig.subindication) == (
        Indication.INDETERMINATE,
        SubIndication.NO_SIGNING_CERTIFICATE_FOUND,
    )
    failed = {c.name for c in sig.checks if not c.passed}
    assert {"reference-digest", "signing-certificate"} <= failed
    assert [c.kind for c in sig.covered] == ["document", "signed-properties"]


def test_jpk_quirky_file_is_wrong_reindented_after_signing_evidence():
    tree = parse_xml(shared_path(*QUIRKY).read_bytes())
    duplicate = copy.deepcopy(tree)
    sig = duplicate.find(f".//{{{DS}}}Signature")
    sig.getparent().remove(sig)
    octets = etree.tostring(duplicate, method="c14n", with_comments=False)
    stripped = re.sub(rb">\s+<", b"><", octets)
    digest = base64.b64encode(hashlib.sha256(stripped).digest()).decode()
    assert digest == "A5Yjw6qeTEskPXX8Ns2M/GgpxDJnelTPsPSsc1veuEo="
    assert base64.b64encode(hashlib.sha256(octets).digest()).decode() != digest
