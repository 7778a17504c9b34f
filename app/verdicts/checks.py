"""Every check the validator makes, and what to do when one does not pass.

Check names are the validator's stable short names (``signing.result.Check``);
each gets a plain sentence saying what was checked. A check that did not
pass is either failed or, when the verdict did without it (revocation data
that was not at hand, a time-stamp not used), not checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.i18n import N_, translate
from app.verdicts.names import shown
from signing.display import FAILED, NOT_CHECKED, PASSED, check_outcome

LABELS: dict[str, str] = {
    "structure": N_("The signature is built correctly"),
    "cms-structure": N_("The signature data can be read"),
    "container-structure": N_("The container is built correctly"),
    "qualifying-properties": N_("The signature's properties belong to it"),
    "signed-properties": N_("The signature's properties are signed too"),
    "reference-digest": N_("The signed content has not changed since signing"),
    "message-digest": N_("The signed content has not changed since signing"),
    "manifest-reference": N_("Every file listed in the manifest is unchanged"),
    "countersigned-value": N_("The counter-signature covers the signature it confirms"),
    "signature-value": N_("The signature value matches the signed data"),
    "signing-certificate": N_("The certificate is the one the signer signed with"),
    "signing-time": N_("The signing time can be read"),
    "certificate-path": N_("The certificate comes from a provider the office trusts"),
    "key-usage": N_("The certificate may be used to sign"),
    "revocation": N_("The certificate was not revoked"),
    "made-after-revocation": N_("The signature was made before any revocation"),
    "algorithm-policy": N_("The algorithms used are still accepted"),
    "algorithms": N_("The algorithms used are still accepted"),
    "digest-algorithm": N_("The algorithms used are still accepted"),
    "signature-policy": N_("The signature policy named in the signature matches"),
    "signature-timestamp": N_("A time-stamp proves when the signature existed"),
    "content-timestamp": N_("A time-stamp proves when the content existed"),
    "archive-timestamp": N_("Archive time-stamps keep the signature checkable"),
    "timestamp": N_("The time-stamp is valid"),
    "byte-range": N_("The signature covers the whole PDF apart from itself"),
    "modifications": N_("The PDF was not changed after signing beyond what is allowed"),
    "pades-profile": N_("The PDF signature follows the PAdES standard"),
    "time-limit": N_("The check finished in time"),
}

OUTCOMES: dict[str, str] = {
    PASSED: N_("passed"),
    FAILED: N_("failed"),
    NOT_CHECKED: N_("not checked"),
}

ADVICE: dict[str, str] = {
    "HASH_FAILURE": N_(
        "The file was changed after signing: sign the original document again "
        "and send it, without editing or re-saving it afterwards."
    ),
    "SIG_CRYPTO_FAILURE": N_(
        "The signature is damaged: sign the document again and send it."
    ),
    "FORMAT_FAILURE": N_(
        "Sign the document again with your signing tool and send the file it "
        "makes, without editing it afterwards."
    ),
    "NO_CERTIFICATE_CHAIN_FOUND": N_(
        "Sign again with a certificate from a trusted provider: a qualified "
        "signature, the trusted profile (podpis zaufany) or the personal "
        "signature of your ID card."
    ),
    "NO_SIGNING_CERTIFICATE_FOUND": N_(
        "Sign again with a tool that puts your certificate into the signature."
    ),
    "SIGNED_DATA_NOT_FOUND": N_(
        "Send the signed file together with its signature; for a separate "
        "signature file, choose both files on the upload page."
    ),
    "CHANGES_NOT_ANALYSED": N_(
        "Send the PDF as your signing tool saved it, without adding anything "
        "to it afterwards, or sign the document again."
    ),
    "CRYPTO_CONSTRAINTS_FAILURE": N_("Sign again with up-to-date signing software."),
    "REVOKED": N_("Your certificate was revoked: get a new one and sign again."),
    "TRY_LATER": N_(
        "You need not do anything now: the office will check the certificate "
        "again and write to you if something is missing."
    ),
}
"""What the citizen should do, by sub-indication; the rest share one sentence."""

_SAME_ADVICE = {
    "REVOKED_NO_POE": "REVOKED",
    "OUT_OF_BOUNDS_NO_POE": "EXPIRED",
    "OUT_OF_BOUNDS_NOT_REVOKED": "EXPIRED",
    "NOT_YET_VALID": "EXPIRED",
    "CERTIFICATE_CHAIN_GENERAL_FAILURE": "NO_CERTIFICATE_CHAIN_FOUND",
    "CHAIN_CONSTRAINTS_FAILURE": "NO_CERTIFICATE_CHAIN_FOUND",
}

EXPIRED: str = N_(
    "Your certificate was not valid when you signed: renew it with your "
    "provider and sign again."
)
WAIT: str = N_(
    "Wait for the office: a clerk will look at the signature and write to you "
    "if you need to remedy it."
)


@dataclass(frozen=True)
class CheckLine:
    """One check, as a person reads it."""

    name: str
    label: str
    outcome: str
    """``passed``, ``failed`` or ``not-checked``."""
    outcome_words: str
    details: tuple[str, ...]
    """The validator's own notes (English, technical), for clerks."""


def check_lines(signature: dict[str, Any], lang: str | None = None) -> list[CheckLine]:
    """Return one line per kind of check, in the order first made."""
    passed_overall = signature.get("indication") == "TOTAL_PASSED"
    grouped: dict[str, list[tuple[str, str]]] = {}
    for check in signature.get("checks") or []:
        name = str(check.get("name", ""))
        detail = str(check.get("detail", ""))
        outcome = check_outcome(bool(check.get("passed")), detail, passed_overall)
        grouped.setdefault(name, []).append((outcome, detail))

    return [_line(name, found, lang) for name, found in grouped.items()]


def advice(subindication: str | None, lang: str | None = None) -> str:
    """Say what the citizen should do about a signature that did not pass."""
    key = _SAME_ADVICE.get(subindication or "", subindication or "")
    if key == "EXPIRED":
        return translate(EXPIRED, lang)

    return translate(ADVICE.get(key, WAIT), lang)


def _line(name: str, found: list[tuple[str, str]], lang: str | None) -> CheckLine:
    outcomes = {outcome for outcome, _detail in found}
    worst = next(o for o in (FAILED, NOT_CHECKED, PASSED) if o in outcomes)
    label = translate(LABELS[name], lang) if name in LABELS else name
    return CheckLine(
        name=name,
        label=label,
        outcome=worst,
        outcome_words=translate(OUTCOMES[worst], lang),
        details=tuple(shown(detail) or "" for _outcome, detail in found if detail),
    )
