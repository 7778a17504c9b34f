"""The platform API under /api/v1: forms, submissions, receipts."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from app.api import (  # noqa: E402
    docs,  # noqa: F401
    office,  # noqa: F401
    openapi,  # noqa: F401
    proof,  # noqa: F401
    receipt_pdf,  # noqa: F401
    reports,  # noqa: F401
    routes,  # noqa: F401
    setup,  # noqa: F401
    status,  # noqa: F401
    submissions,  # noqa: F401
    webhooks,  # noqa: F401
)
