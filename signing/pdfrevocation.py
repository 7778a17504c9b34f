"""Revocation data of a PDF signature and the validation context using it.

PAdES B-LT keeps certificates, CRLs and OCSP responses in the document
security store (``/DSS``, EN 319 142-1 clause 5.4); CMS signatures may carry
them in SignedData's ``crls`` field or Adobe's revocation-info-archival
signed attribute. All of it is revocation data the signature embeds; then
comes what the operator supplies and, only when the policy allows it and
that data leaves the status open, what pyhanko-certvalidator fetches (see
:mod:`signing.revocationfetch`).

A signature with no revocation data at all under a policy that fetches
nothing keeps the policy's shared context (:mod:`signing.pdfcontext`);
otherwise it gets a context of its own holding its data, strict (every
signer needs data) first, and under a soft-fail policy a tolerant one when
the strict one finds data missing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import find_unique_cms_attribute
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator import ValidationContext

from signing.cadesrevocation import embedded_revocation
from signing.pdfcontext import build_context
from signing.policy import ValidationPolicy
from signing.revocation import RevocationCheck, RevocationData, context_options
from signing.revocationfetch import fetched_unless_settled

log = logging.getLogger(__name__)


def dss_of(reader: PdfFileReader) -> tuple[RevocationData, list[bytes]]:
    """Return the DSS's CRLs and OCSP responses, and its certificates (DER)."""
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return RevocationData(), []

    crls = tuple(_stream(r, DecodePurpose.CRL) for r in dss.crls)
    ocsps = tuple(_stream(r, DecodePurpose.OCSP_RESPONSE) for r in dss.ocsps)
    certs = [c.dump() for c in dss.load_certs()]
    data = RevocationData(crls, ocsps, ("embedded",))
    return (data if data else RevocationData()), certs


def _stream(ref: object, purpose: DecodePurpose) -> bytes:
    data: bytes = ref.get_object().read_data(purpose)  # type: ignore[attr-defined]
    return data


def cms_revocation(sig: EmbeddedPdfSignature) -> RevocationData:
    """Return the revocation data inside the signature's CMS."""
    # SignedData ``crls``: CRLs and RFC 5940 OCSP responses, as in CAdES.
    signed: cms.SignedData = sig.signed_data
    in_signed_data = embedded_revocation(signed)
    crls, ocsps = in_signed_data.crls, in_signed_data.ocsps
    try:
        archival = find_unique_cms_attribute(
            sig.signer_info["signed_attrs"], "adobe_revocation_info_archival"
        )
        crls += tuple(c.dump() for c in archival["crl"] or ())
        ocsps += tuple(o.dump() for o in archival["ocsp"] or ())
    except (KeyError, ValueError, TypeError, LookupError):
        pass

    data = RevocationData(crls, ocsps, ("embedded",))
    return data if data else RevocationData()


async def revocation_of(
    sig: EmbeddedPdfSignature,
    dss: RevocationData,
    dss_certs: list[bytes],
    policy: ValidationPolicy,
    moment: datetime,
) -> RevocationCheck | None:
    """Gather one signature's revocation data, fetching only what the data
    at hand leaves open at ``moment``; ``None`` when there is none to be had
    (no data, nothing supplied, no fetching)."""
    rules = policy.revocation
    data = dss.merged(cms_revocation(sig)).merged(rules.supplied)
    if rules.fetch:
        others = list(_certs(sig.signed_data))
        others += [asn1_x509.Certificate.load(d) for d in dss_certs]
        fetched = await fetched_unless_settled(
            sig.signer_cert, others, data, policy, moment
        )
        data = data.merged(fetched)

    if not data and not rules.checks_anything and rules.soft_fail:
        return None

    return RevocationCheck(rules, data)


def _certs(signed: cms.SignedData) -> Iterable[asn1_x509.Certificate]:
    for choice in signed["certificates"] or ():
        if choice.name == "certificate":
            yield choice.chosen


def context_for(
    check: RevocationCheck,
    dss_certs: list[bytes],
    policy: ValidationPolicy,
    moment: datetime,
    strict: bool,
) -> ValidationContext:
    """Build a context holding one signature's revocation data."""
    extra = [asn1_x509.Certificate.load(d) for d in dss_certs]
    return build_context(policy, moment, context_options(check, strict), extra)
