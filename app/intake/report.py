"""The validation report stored with every registered document."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from signing.result import ValidationResult


def report_json(validation: ValidationResult, issues: Sequence[Any]) -> str:
    """Serialise the signature validation and the schema verdict as JSON."""
    return json.dumps(report_dict(validation, issues), ensure_ascii=False)


def report_dict(validation: ValidationResult, issues: Sequence[Any]) -> dict[str, Any]:
    """Return the report: signatures as validated and the schema's issues."""
    return {
        "signature": validation.to_json(),
        "schema": {
            "valid": not issues,
            "issues": [
                {"path": getattr(i, "path", ""), "message": getattr(i, "message", "")}
                for i in issues
            ],
        },
    }
