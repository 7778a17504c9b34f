"""An ASiC container's time-stamps as proof of existence of its signatures
(ETSI EN 319 162-1, 4.4.3; EN 319 102-1, 5.5 and 5.6).

A verified time-stamp token proves that the bytes its imprint covers
existed at its genTime.  It proves a signature existed only when those
bytes include the signature's: in ASiC-E, a token over an
``ASiCArchiveManifest`` (or any ASiCManifest) whose ``DataObjectReference``
names the signature file with a matching digest.  In ASiC-S the token is
over the data object alone, never over ``META-INF/signature*``: it proves
the document existed, not that anyone had signed it then, so it gives the
signature no proof of existence.  Neither does an ASiC-E token over the
ASiCManifest a signature signs: that manifest exists before the signature.

The proof is then used where a signature's own time-stamp would be
(:mod:`signing.ltvchecks` for XAdES, :mod:`signing.proofs` for CAdES):
revocation judged at that time, an expiry after it, algorithm sunsets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from signing.result import Check, Indication, SignatureResult

META = "META-INF/"


@dataclass(frozen=True)
class ContainerProof:
    """A container time-stamp that covers one signature file."""

    token: str
    """The token's member name."""
    time: datetime
    """Its verified genTime."""


def is_signature_file(name: str) -> bool:
    """Tell whether a member is a XAdES or CAdES signature file."""
    base = name[len(META) :].lower() if name.startswith(META) else ""
    if not base or "/" in base:
        return False

    xades = base.endswith(".xml") and "signatures" in base
    return xades or (base.endswith(".p7s") and "signature" in base)


def covering_proofs(
    stamps: Sequence[SignatureResult], names: Iterable[str]
) -> dict[str, ContainerProof]:
    """Return, per signature file, the earliest verified token covering it."""
    wanted = set(names)
    proofs: dict[str, ContainerProof] = {}
    for stamp in stamps:
        when = stamp.timestamp_time
        if stamp.indication is not Indication.TOTAL_PASSED or when is None:
            continue

        # ``covered`` holds what the imprint is over and then only the
        # manifest references whose digests matched the member's bytes.
        for name in {c.uri for c in stamp.covered if c.uri in wanted}:
            known = proofs.get(name)
            if known is None or when < known.time:
                proofs[name] = ContainerProof(stamp.signature_id or "", when)

    return proofs


def noted(
    results: Sequence[SignatureResult], proof: ContainerProof | None
) -> list[SignatureResult]:
    """Add a check naming the token that proves the signature file existed."""
    if proof is None:
        return list(results)

    detail = (
        f"{proof.token[:80]!r} proves the signature file existed at "
        f"{proof.time.isoformat()}"
    )
    check = Check("container-timestamp", True, detail)
    return [replace(r, checks=(*r.checks, check)) for r in results]
