"""A department's inbox and its documents; every look at a document is recorded."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, abort, render_template, request, send_file
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases import queries, writing
from app.cases.access import Action, may, may_on_document
from app.cases.accounts import find_department, list_departments
from app.cases.constants import Role
from app.cases.deadlines import base_deadline, office_day
from app.cases.models import Case, Clerk, Department
from app.cases.trail import record_view
from app.cases.waiting import waiting_counts, waiting_questions
from app.desk import bp
from app.desk.auth import current_clerk, require
from app.registry.models import Document
from app.services import current_services as services
from app.verdicts.names import shown
from app.verdicts.view import build_report


@bp.get("/inbox")
@require(Action.VIEW_INBOX)
def inbox() -> str:
    """List the department's new documents (newest first) and open cases."""
    clerk = current_clerk()
    with services().sessions() as db:
        department = _inbox_department(db, clerk)
        page: dict[str, Any] = {
            "department": department,
            "departments": _switchable(db, clerk),
            "documents": [],
            "cases": [],
            "overdue": [],
            "near": [],
            "mine": _assigned_to(db, clerk),
            "questions": {},
        }
        if department is not None:
            page["documents"] = queries.inbox_documents(db, department)
            ids = [d.id for d in page["documents"]]
            page["questions"] = waiting_counts(db, ids)
            page["cases"] = queries.open_cases(db, department)
            page["overdue"] = queries.overdue_cases(db, department)
            page["near"] = queries.near_deadline_cases(db, department)

    return render_template("desk/inbox.html", **page, implied_deadline=_implied)


@bp.get("/documents/<public_id>")
@require(Action.VIEW_DOCUMENT)
def document(public_id: str) -> str:
    """Show a document's registry entry; the view is recorded."""
    clerk = current_clerk()
    with writing(services().sessions) as db:
        document = _viewable(db, clerk, public_id)
        case = queries.case_of_document(db, document)
        report = json.loads(document.report_json)
        page = {
            "document": document,
            "case": case,
            "questions": waiting_questions(db, document),
            "paper": report.get("paper"),
            "signer": shown(document.signer_name),
            "report": build_report(report, document.indication, document.channel),
            "may_open": case is None
            and may_on_document(
                db, db.get_one(Clerk, clerk.id), Action.OPEN_CASE, document
            ),
        }

    return render_template("desk/document.html", **page)


@bp.get("/documents/<public_id>/original")
@require(Action.VIEW_DOCUMENT)
def original(public_id: str) -> Response:
    """Send the original bytes as received; the view is recorded."""
    clerk = current_clerk()
    with writing(services().sessions) as db:
        document = _viewable(db, clerk, public_id)
        sha256, media_type = document.sha256, document.media_type
        name = document.registry_number.replace("/", "-")

    stream = services().blobs.open(sha256)
    return send_file(
        stream,
        mimetype=media_type,
        as_attachment=True,
        download_name=f"{name}{_suffix(media_type)}",
    )


@bp.get("/documents/<public_id>/draft")
@require(Action.VIEW_DOCUMENT)
def draft(public_id: str) -> Response:
    """Send the XML filled in on the portal that this paper is a printout of."""
    clerk = current_clerk()
    with writing(services().sessions) as db:
        document = _viewable(db, clerk, public_id)
        linked = json.loads(document.report_json).get("paper", {}).get("draft")
        name = document.registry_number.replace("/", "-")

    if not linked:
        abort(404)

    return send_file(
        services().blobs.open(linked["sha256"]),
        mimetype="application/xml",
        as_attachment=True,
        download_name=f"{name}-formularz.xml",
    )


def _viewable(db: Session, clerk: Clerk, public_id: str) -> Document:
    # Another department's document is answered like a missing one (404),
    # so that its existence is not told either.
    document = db.scalar(select(Document).where(Document.public_id == public_id))
    viewer = db.get_one(Clerk, clerk.id)
    if document is None or not may_on_document(
        db, viewer, Action.VIEW_DOCUMENT, document
    ):
        abort(404)

    record_view(db, viewer, document)
    return document


def _inbox_department(db: Session, clerk: Clerk) -> Department | None:
    wanted = request.args.get("department", "")
    if clerk.role == Role.ARCHIVIST and wanted:
        department = find_department(db, wanted)
        if department is None:
            abort(404)
        return department

    if clerk.department_id is None:
        return None

    return db.get(Department, clerk.department_id)


def _switchable(db: Session, clerk: Clerk) -> list[Department]:
    # Only the office-wide reader switches between departments.
    if clerk.role != Role.ARCHIVIST:
        return []

    return [d for d in list_departments(db) if may(clerk, Action.VIEW_INBOX, d.id)]


def _assigned_to(db: Session, clerk: Clerk) -> list[Case]:
    return list(
        db.scalars(
            select(Case)
            .where(Case.assignee_id == clerk.id, Case.status != "decided")
            .order_by(Case.deadline)
        )
    )


def _implied(document: Document) -> object:
    """The KPA deadline a case opened for the document now would get."""
    return base_deadline(office_day(document.received_at), False)


def _suffix(media_type: str) -> str:
    return {
        "application/xml": ".xml",
        "application/pdf": ".pdf",
        "image/jpeg": ".jpg",
        "image/png": ".png",
        "image/tiff": ".tif",
    }.get(media_type, ".bin")
