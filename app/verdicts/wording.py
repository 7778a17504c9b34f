"""Plain-language words for what the validator found (English source, Polish catalog).

The receipt PDF prints both languages, so each function takes the language
explicitly; pages pass none and get the page's language. A paper document
registered at the front desk has no electronic signature, and is named as
such wherever a verdict would be shown (review F32).
"""

from __future__ import annotations

from app.i18n import N_, translate
from signing.display import TIMESTAMP_FORMS

VERDICTS: dict[str, str] = {
    "TOTAL_PASSED": N_("The electronic signature is valid."),
    "TOTAL_FAILED": N_(
        "The electronic signature is not valid. The letter was registered, but the "
        "office will ask you to remedy the defect."
    ),
    "INDETERMINATE": N_(
        "The electronic signature could not be confirmed. The letter was registered; "
        "the office will check the signature and ask you to remedy it if needed."
    ),
}

REASONS: dict[str, str] = {
    "HASH_FAILURE": N_("The document was changed after it was signed."),
    "SIG_CRYPTO_FAILURE": N_("The signature value does not match the signed data."),
    "FORMAT_FAILURE": N_("The signature is not built correctly."),
    "NO_CERTIFICATE_CHAIN_FOUND": N_(
        "The signing certificate does not come from a provider the office trusts."
    ),
    "NO_SIGNING_CERTIFICATE_FOUND": N_(
        "The signature does not carry the signer's certificate."
    ),
    "OUT_OF_BOUNDS_NO_POE": N_(
        "The signing certificate had expired or was not yet valid."
    ),
    "SIGNED_DATA_NOT_FOUND": N_("The data the signature covers could not be found."),
    "CERTIFICATE_CHAIN_GENERAL_FAILURE": N_(
        "The signature's certificate chain is not valid."
    ),
    "CRYPTO_CONSTRAINTS_FAILURE": N_(
        "The signature uses an algorithm the office no longer accepts."
    ),
    "REVOKED": N_("The signing certificate was revoked before the signature."),
    "REVOKED_NO_POE": N_(
        "The signing certificate was revoked, and nothing proves the signature "
        "was made before that."
    ),
    "EXPIRED": N_("The signing certificate had expired."),
    "NOT_YET_VALID": N_("The signing certificate was not yet valid."),
    "OUT_OF_BOUNDS_NOT_REVOKED": N_(
        "The signing certificate had expired or was not yet valid."
    ),
    "TRY_LATER": N_(
        "Whether the signing certificate was revoked could not be checked."
    ),
    "CHAIN_CONSTRAINTS_FAILURE": N_("The signature's certificate chain is not valid."),
    "SIG_CONSTRAINTS_FAILURE": N_(
        "The signature does not meet the rules the office applies to signatures."
    ),
    "POLICY_PROCESSING_ERROR": N_(
        "The signature policy the signature names could not be checked."
    ),
    "CHANGES_NOT_ANALYSED": N_(
        "The PDF was changed after it was signed, and the changes are built "
        "in a way that cannot be analysed, so they cannot be shown to be allowed."
    ),
}

NOT_ANALYSED = "CHANGES_NOT_ANALYSED"
"""Not an ETSI sub-indication: the words for a PDF whose later changes
could not be analysed (FORMAT_FAILURE to the validator)."""

PAPER_CHANNEL = "desk"
"""The channel of paper registered at the front desk (app.intake.scan)."""

PAPER: str = N_(
    "This is a paper document registered at the front desk; it carries no "
    "electronic signature to check."
)


def verdict(
    indication: str, lang: str | None = None, channel: str | None = None
) -> str:
    """Return the sentence for an ETSI indication in ``lang`` (default: the page's).

    Paper from the front desk (``channel`` ``desk``) is said to be paper.
    """
    if channel == PAPER_CHANNEL:
        return translate(PAPER, lang)

    return translate(VERDICTS.get(indication, VERDICTS["INDETERMINATE"]), lang)


def is_paper(channel: str | None) -> bool:
    """Tell whether a document came in on paper at the front desk."""
    return channel == PAPER_CHANNEL


def reason(
    subindication: str | None, lang: str | None = None, channel: str | None = None
) -> str | None:
    """Return the sentence for a sub-indication, if we have one (none for paper)."""
    if channel == PAPER_CHANNEL:
        return None

    if not subindication or subindication not in REASONS:
        return None

    return translate(REASONS[subindication], lang)


KINDS: dict[str, str] = {
    "qualified": N_("qualified electronic signature"),
    # The certificate's own QC statements, no trusted list: no legal claim.
    "qc-unconfirmed": N_(
        "electronic signature (qualified status not confirmed by a trusted list)"
    ),
    "trusted-profile": N_("trusted-profile signature (podpis zaufany)"),
    "personal": N_("personal signature (podpis osobisty)"),
    "advanced": N_("advanced electronic signature"),
}


def kind_label(kind: str | None, lang: str | None = None) -> str | None:
    """Return the name of a signature's kind (signing.kinds), if known."""
    if kind not in KINDS:
        return None

    return translate(KINDS[kind], lang)


def signature_kind(report: dict[str, object]) -> str | None:
    """The kind of the first signature made by a signer, from the report."""
    validation = report.get("signature")
    signatures = (
        validation.get("signatures", []) if isinstance(validation, dict) else []
    )
    for item in signatures:
        if not isinstance(item, dict) or item.get("form") in TIMESTAMP_FORMS:
            continue

        if item.get("counter_signature_of") is None:
            kind = item.get("kind")
            return kind if isinstance(kind, str) else None

    return None
