"""What anyone needs to check the office's receipts offline."""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from flask import Response

from app.api import bp
from app.services import current_services
from signing.sealed import is_ca


@bp.get("/office/trust.pem")
def trust_bundle() -> Response:
    """Send the office seal certificate and the anchors its receipts chain to.

    Save it in a folder of its own and pass that folder to
    ``python -m signing verify-receipt --trust``: the seal certificate in it
    pins which seal a genuine receipt must carry.
    """
    services = current_services()
    certificates = [services.seal_certificate]
    certificates += [c for c in services.receipt_policy.trust.certificates if is_ca(c)]
    pem = b"".join(_unique_pem(certificates))
    return Response(
        pem,
        mimetype="application/x-pem-file",
        headers={"Content-Disposition": 'attachment; filename="office-trust.pem"'},
    )


def _unique_pem(certificates: list[x509.Certificate]) -> list[bytes]:
    seen: set[bytes] = set()
    out = []
    for certificate in certificates:
        der = certificate.public_bytes(Encoding.DER)
        if der not in seen:
            seen.add(der)
            out.append(certificate.public_bytes(Encoding.PEM))

    return out
