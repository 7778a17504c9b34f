"""The sentences of one signature's section: headline, time, level, coverage.

Everything is read from one signature's entry in the stored report
(``signing.result.SignatureResult.to_json``); names from certificates pass
through :func:`app.verdicts.names.shown` before they reach a sentence.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.i18n import N_, translate
from app.timeshow import office_time
from app.verdicts.names import shown
from signing.display import TIMESTAMP_FORMS, baseline_level

# The kind as the end of "signed by NAME with …" (Polish: instrumental case).
KIND_PHRASES: dict[str, str] = {
    "qualified": N_("with a qualified electronic signature"),
    "qc-unconfirmed": N_(
        "with an electronic signature (its qualified status is not confirmed by a "
        "trusted list)"
    ),
    "trusted-profile": N_("with a trusted-profile signature (podpis zaufany)"),
    "personal": N_("with a personal signature (podpis osobisty)"),
    "advanced": N_("with an advanced electronic signature"),
}
ANY_KIND: str = N_("with an electronic signature")

HEADLINES: dict[str, str] = {
    "signature": N_("Signed by %(name)s %(kind)s on %(time)s."),
    "counter-signature": N_("Counter-signed by %(name)s %(kind)s on %(time)s."),
    "document-timestamp": N_("Time-stamped by %(name)s on %(time)s."),
}
UNTIMED: dict[str, str] = {
    "signature": N_("Signed by %(name)s %(kind)s; the signature states no time."),
    "counter-signature": N_(
        "Counter-signed by %(name)s %(kind)s; the signature states no time."
    ),
    "document-timestamp": N_("Time-stamped by %(name)s."),
}
NOT_PASSED: dict[str, str] = {
    "TOTAL_FAILED": N_("This signature is not valid."),
    "INDETERMINATE": N_("This signature could not be confirmed."),
}

PROOFS: dict[str, str] = {
    "timestamp": N_("proven by a time-stamp of %(time)s"),
    "claimed": N_("only stated by the signer's computer; no time-stamp proves it"),
    "none": N_("not stated"),
    "authority": N_("given by the time-stamp authority, which vouches for it"),
}

LEVELS: dict[str, str] = {
    "B-B": N_("B-B: basic signature, without a time-stamp"),
    "B-T": N_("B-T: with a time-stamp"),
    "B-LT": N_("B-LT: with the data needed to check it in years to come"),
    "B-LTA": N_("B-LTA: with archive time-stamps for long-term keeping"),
}

COVERED: dict[str, str] = {
    "document": N_("the whole signed document"),
    "revision": N_("the PDF document as it was when signed (revision %(n)s)"),
    "element": N_("a part of the document (%(uri)s)"),
    "object": N_("data carried inside the signature (%(uri)s)"),
    "external": N_("the file %(uri)s"),
    "encapsulated": N_("the content inside the signature file"),
    "signed-properties": N_(
        "the signature's own properties (signing time, certificate)"
    ),
    "manifest": N_("a list of files (manifest %(uri)s)"),
    "signature-part": N_("the value of the signature it confirms (%(uri)s)"),
}


LEFT_OUT = N_("%(covered)s, except what the signature left out: %(parts)s")
MAX_LEFT_OUT = 21


def role(signature: dict[str, Any]) -> str:
    """Name the entry: signature, counter-signature or document-timestamp."""
    if signature.get("form") in TIMESTAMP_FORMS:
        return "document-timestamp"

    if signature.get("counter_signature_of") is not None:
        return "counter-signature"

    return "signature"


def headline(signature: dict[str, Any], name: str | None, lang: str | None) -> str:
    """The one sentence that sums the signature up."""
    indication = str(signature.get("indication"))
    if indication in NOT_PASSED:
        return translate(NOT_PASSED[indication], lang)

    kind = signature.get("kind")
    words = {
        "name": name or "—",
        "kind": translate(KIND_PHRASES.get(str(kind), ANY_KIND), lang),
        "time": "",
    }
    moment = best_time(signature)
    which = role(signature)
    if moment is None:
        return translate(UNTIMED[which], lang) % words

    words["time"] = local_time(moment)
    return translate(HEADLINES[which], lang) % words


def best_time(signature: dict[str, Any]) -> datetime | None:
    """The time-stamp's time when one proves it, else the claimed time."""
    for key in ("timestamp_time", "signing_time"):
        value = signature.get(key)
        if isinstance(value, str):
            return datetime.fromisoformat(value)

    return None


def local_time(moment: datetime) -> str:
    """Write a moment in the office's time with its zone, as every page does."""
    # One helper for pages, report and receipt, so no two of them disagree.
    return office_time(moment)


def time_proof(signature: dict[str, Any], lang: str | None) -> str:
    """Say how the signing time is known."""
    proof = str(signature.get("signing_time_proof") or "none")
    if role(signature) == "document-timestamp":
        proof = "authority"

    stamp = signature.get("timestamp_time")
    when = local_time(datetime.fromisoformat(stamp)) if stamp else ""
    return translate(PROOFS.get(proof, PROOFS["none"]), lang) % {"time": when}


def level_words(form: str | None, lang: str | None) -> str | None:
    """Say the level in words, e.g. ``B-T: with a time-stamp``."""
    found = baseline_level(form)
    return None if found is None else translate(LEVELS[found], lang)


def covered(signature: dict[str, Any], lang: str | None) -> list[str]:
    """Say, item by item, what the signature covers."""
    return [_covered_item(item, lang) for item in signature.get("covered") or []]


def _covered_item(item: dict[str, Any], lang: str | None) -> str:
    kind = str(item.get("kind"))
    uri = shown(str(item.get("uri") or "")) or ""
    if kind == "document" and uri.startswith("revision:"):
        return translate(COVERED["revision"], lang) % {"n": uri.partition(":")[2]}

    if kind not in COVERED:
        return uri

    words = translate(COVERED[kind], lang)
    said = words % {"uri": uri[:120]} if "%(uri)s" in words else words
    return _with_left_out(said, item.get("left_out"), lang)


def _with_left_out(said: str, left_out: Any, lang: str | None) -> str:
    """Add what the signature's transforms cut out (never "the whole")."""
    if not left_out:
        return said

    if said == translate(COVERED["document"], lang):
        said = translate(N_("the signed document"), lang)

    parts = ", ".join(shown(str(p)) or "" for p in list(left_out)[:MAX_LEFT_OUT])
    return translate(LEFT_OUT, lang) % {"covered": said, "parts": parts[:600]}
