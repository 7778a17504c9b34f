"""Plain-language words for what the validator found, in Polish and English."""

from __future__ import annotations

VERDICTS: dict[str, tuple[str, str]] = {
    "TOTAL_PASSED": (
        "Podpis elektroniczny jest prawidłowy.",
        "The electronic signature is valid.",
    ),
    "TOTAL_FAILED": (
        "Podpis elektroniczny jest nieprawidłowy. Pismo zostało zarejestrowane, ale "
        "urząd wezwie Cię do usunięcia braku.",
        "The electronic signature is not valid. The letter was registered, but the "
        "office will ask you to remedy the defect.",
    ),
    "INDETERMINATE": (
        "Nie udało się potwierdzić podpisu elektronicznego. Pismo zostało "
        "zarejestrowane; urząd sprawdzi podpis i w razie potrzeby poprosi o "
        "uzupełnienie.",
        "The electronic signature could not be confirmed. The letter was registered; "
        "the office will check the signature and ask you to remedy it if needed.",
    ),
}

REASONS: dict[str, tuple[str, str]] = {
    "HASH_FAILURE": (
        "Treść dokumentu zmieniono po złożeniu podpisu.",
        "The document was changed after it was signed.",
    ),
    "SIG_CRYPTO_FAILURE": (
        "Wartość podpisu nie zgadza się z podpisanymi danymi.",
        "The signature value does not match the signed data.",
    ),
    "FORMAT_FAILURE": (
        "Podpis ma niepoprawną budowę.",
        "The signature is not built correctly.",
    ),
    "NO_CERTIFICATE_CHAIN_FOUND": (
        "Certyfikat podpisu nie pochodzi od dostawcy, któremu urząd ufa.",
        "The signing certificate does not come from a provider the office trusts.",
    ),
    "NO_SIGNING_CERTIFICATE_FOUND": (
        "W podpisie brakuje certyfikatu osoby podpisującej.",
        "The signature does not carry the signer's certificate.",
    ),
    "OUT_OF_BOUNDS_NO_POE": (
        "Certyfikat podpisu wygasł albo nie był jeszcze ważny.",
        "The signing certificate had expired or was not yet valid.",
    ),
    "SIGNED_DATA_NOT_FOUND": (
        "Nie znaleziono danych, które podpis obejmuje.",
        "The data the signature covers could not be found.",
    ),
    "CERTIFICATE_CHAIN_GENERAL_FAILURE": (
        "Łańcuch certyfikatów podpisu jest niepoprawny.",
        "The signature's certificate chain is not valid.",
    ),
    "CRYPTO_CONSTRAINTS_FAILURE": (
        "Podpis użyto algorytmu, którego urząd już nie przyjmuje.",
        "The signature uses an algorithm the office no longer accepts.",
    ),
}


def verdict(indication: str, lang: str) -> str:
    """Return the sentence for an ETSI indication in the chosen language."""
    pl, en = VERDICTS.get(indication, VERDICTS["INDETERMINATE"])
    return en if lang == "en" else pl


def reason(subindication: str | None, lang: str) -> str | None:
    """Return the sentence for a sub-indication, if we have one."""
    if not subindication or subindication not in REASONS:
        return None

    pl, en = REASONS[subindication]
    return en if lang == "en" else pl


KINDS = {
    "qualified": (
        "kwalifikowany podpis elektroniczny",
        "qualified electronic signature",
    ),
    # The certificate's own QC statements, no trusted list: no legal claim.
    "qc-unconfirmed": (
        "podpis elektroniczny (status kwalifikowany niepotwierdzony w zaufanej liście)",
        "electronic signature (qualified status not confirmed by a trusted list)",
    ),
    "trusted-profile": ("podpis zaufany", "trusted-profile signature (podpis zaufany)"),
    "personal": ("podpis osobisty", "personal signature (podpis osobisty)"),
    "advanced": ("zaawansowany podpis elektroniczny", "advanced electronic signature"),
}


def kind_label(kind: str | None, lang: str) -> str | None:
    """Return the name of a signature's kind (signing.kinds), if known."""
    if kind not in KINDS:
        return None

    pl, en = KINDS[kind]
    return en if lang == "en" else pl


def signature_kind(report: dict[str, object]) -> str | None:
    """The kind of the first signature made by a signer, from the report."""
    validation = report.get("signature")
    signatures = (
        validation.get("signatures", []) if isinstance(validation, dict) else []
    )
    for item in signatures:
        if not isinstance(item, dict) or item.get("form") == "PDF-TS":
            continue

        if item.get("counter_signature_of") is None:
            kind = item.get("kind")
            return kind if isinstance(kind, str) else None

    return None
