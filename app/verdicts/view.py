"""The validation report a citizen and a clerk can read, built from the stored JSON.

Pages never validate again: :func:`build_report` reads the report the intake
pipeline stored with the document (``document.report_json``) and says, for
each signature, counter-signature and document time-stamp, who signed, with
what kind of signature, when and how that time is proven, at which level,
what is covered, every check and, for anything that did not pass, what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.i18n import N_, translate
from app.verdicts import sentences
from app.verdicts.checks import CheckLine, advice, check_lines
from app.verdicts.names import shown
from app.verdicts.wording import (
    NOT_ANALYSED,
    is_paper,
    kind_label,
    reason,
    verdict,
)
from signing.pdfmodifications import TOO_DEEP

TITLES = {
    "signature": N_("Signature %(n)s"),
    "counter-signature": N_("Counter-signature %(n)s, confirming signature %(of)s"),
    "document-timestamp": N_("Document time-stamp %(n)s"),
}


@dataclass(frozen=True)
class SignatureView:
    """One signature's section."""

    role: str
    title: str
    indication: str
    headline: str
    reason: str | None
    advice: str | None
    signer: str | None
    identifier: str | None
    organization: str | None
    identity_confirmed: bool
    kind: str | None
    sealed_by: str | None
    signing_time: str | None
    time_proof: str
    form: str
    level: str | None
    covered: list[str]
    checks: list[CheckLine]


@dataclass(frozen=True)
class ReportView:
    """The whole document's report."""

    paper: bool
    indication: str
    verdict: str
    signatures: list[SignatureView]
    schema_applies: bool
    schema_issues: list[tuple[str, str]]
    files: list[str]


def build_report(
    report: dict[str, Any], indication: str, channel: str, lang: str | None = None
) -> ReportView:
    """Turn a stored report into the plain-language view, in ``lang``."""
    validation = report.get("signature") or {}
    entries = [s for s in validation.get("signatures") or [] if isinstance(s, dict)]
    ids = {s.get("signature_id"): n for n, s in enumerate(entries, start=1)}
    schema = report.get("schema") or {}
    return ReportView(
        paper=is_paper(channel),
        indication=indication,
        verdict=verdict(indication, lang, channel),
        signatures=[_signature(s, n, ids, lang) for n, s in enumerate(entries, 1)],
        schema_applies=schema.get("applies", True) is not False,
        schema_issues=[_issue(i) for i in schema.get("issues") or []],
        files=_files(report),
    )


def _signature(
    item: dict[str, Any], number: int, ids: dict[Any, int], lang: str | None
) -> SignatureView:
    signer = item.get("signer") or {}
    sealed_by = item.get("sealed_by") or {}
    name = shown(signer.get("name"))
    indication = str(item.get("indication"))
    passed = indication == "TOTAL_PASSED"
    role = sentences.role(item)
    moment = sentences.best_time(item)
    of = ids.get(item.get("counter_signature_of"), "?")
    return SignatureView(
        role=role,
        title=translate(TITLES[role], lang) % {"n": number, "of": of},
        indication=indication,
        headline=sentences.headline(item, name, lang),
        reason=None if passed else reason(_cause(item), lang),
        advice=None if passed else advice(_cause(item), lang),
        signer=name,
        identifier=shown(signer.get("identifier")),
        organization=shown(signer.get("organization")),
        identity_confirmed=passed,
        kind=kind_label(item.get("kind"), lang),
        sealed_by=shown(sealed_by.get("name")),
        signing_time=None if moment is None else sentences.local_time(moment),
        time_proof=sentences.time_proof(item, lang),
        form=shown(str(item.get("form") or "")) or "",
        level=sentences.level_words(item.get("form"), lang),
        covered=sentences.covered(item, lang),
        checks=check_lines(item, lang),
    )


def _cause(item: dict[str, Any]) -> str | None:
    """The sub-indication whose words fit what went wrong.

    A PDF changed after signing beyond the signer's permissions is
    FORMAT_FAILURE to the validator (the signed bytes are intact), but to
    the citizen it is a document changed after signing; changes too deeply
    nested to analyse are said to be just that.
    """
    subindication = item.get("subindication")
    modifications = [
        check
        for check in item.get("checks") or []
        if isinstance(check, dict)
        and check.get("name") == "modifications"
        and check.get("passed") is False
    ]
    if subindication == "FORMAT_FAILURE" and modifications:
        if any(check.get("detail") == TOO_DEEP for check in modifications):
            return NOT_ANALYSED

        return "HASH_FAILURE"

    return subindication if isinstance(subindication, str) else None


def _issue(issue: dict[str, Any]) -> tuple[str, str]:
    # The message may quote what the sender typed: hidden characters shown.
    path = str(issue.get("path", ""))
    message = " ".join(str(issue.get("message", "")).split())
    return shown(path) or "", shown(message) or ""


def _files(report: dict[str, Any]) -> list[str]:
    """Names of the files a container holds, as the container names them."""
    container = report.get("container") or {}
    return [shown(str(f.get("name", ""))) or "" for f in container.get("files") or []]
