"""Drafts: filled forms kept for a paper copy, found again by a short code.

A resident without an e-signature prints the filled form; its code (and QR
code) lets the front desk find the exact XML that was filled in.
"""

from app.drafts.code import (
    CodeProblem,
    bare_code,
    code_problem,
    format_code,
    new_code,
    normalise_code,
)
from app.drafts.models import Draft
from app.drafts.store import (
    DraftTooLargeError,
    find_draft,
    find_draft_by_id,
    purge_drafts,
    save_draft,
)

__all__ = [
    "CodeProblem",
    "Draft",
    "DraftTooLargeError",
    "bare_code",
    "code_problem",
    "find_draft",
    "find_draft_by_id",
    "format_code",
    "new_code",
    "normalise_code",
    "purge_drafts",
    "save_draft",
]
