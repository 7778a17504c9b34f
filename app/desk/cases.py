"""Cases at the desk: open one (with a JRWA class), then attach, assign, decide."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from app.cases import lifecycle, queries, writing
from app.cases.access import Action, may, may_on_case, may_on_document
from app.cases.accounts import find_department, list_clerks
from app.cases.constants import Role
from app.cases.deadlines import days_left, deadline_for
from app.cases.errors import CaseError, CaseErrorCode
from app.cases.jrwa import case_classes
from app.cases.models import Case, CaseEvent, Clerk, Department
from app.cases.questions import ask_for_remedy
from app.desk import bp
from app.desk.auth import current_clerk, require
from app.desk.typed import typed_text
from app.desk.wording import case_error_message
from app.input_guard import checks_own_fields
from app.registry.models import Document
from app.services import current_services as services

WORKERS = (Role.CLERK, Role.HEAD)


@bp.route("/cases/new", methods=["GET", "POST"])
@require(Action.OPEN_CASE)
def new_case() -> str | BaseResponse | tuple[str, int]:
    """Open a case in the clerk's department, for a document if one is named."""
    public_id = request.values.get("document", "")
    if request.method != "POST":
        with services().sessions() as db:
            document = _openable(db, public_id) if public_id else None
            return _new_case_page(db, document, request.values.to_dict())

    with writing(services().sessions) as db:
        document = _openable(db, public_id) if public_id else None
        clerk = db.get_one(Clerk, current_clerk().id)
        department = _department_for(db, clerk, document)
        try:
            case = lifecycle.open_case(
                db,
                clerk,
                department,
                request.form.get("jrwa", ""),
                request.form.get("title", ""),
                document,
                complex_case=request.form.get("complex") == "on",
                form_days=_form_days(document),
            )
        except CaseError as exc:
            db.rollback()
            page = _new_case_page(db, document, request.form.to_dict(), exc)
            return page, 400

        number = case.number

    flash(_("Case %(number)s opened.", number=number))
    return redirect(url_for("desk.case_page", number=number), 303)


def _form_days(document: Document | None) -> int | None:
    """The catalog form's time limit for a document that is a catalog form."""
    if document is None or document.form_id is None:
        return None

    try:
        form = services().catalog.get(document.form_id, document.form_version)
    except KeyError:
        return None
    return form.deadline_days


@bp.get("/cases/<number>")
@require(Action.VIEW_CASE)
def case_page(number: str) -> str:
    """Show a case: documents, deadline, assignee, trail and the actions allowed."""
    with services().sessions() as db:
        case = _case_or_404(db, number, Action.VIEW_CASE)
        return _case_page(db, case)


@bp.post("/cases/<number>/attach")
@require(Action.ATTACH)
def attach(number: str) -> BaseResponse | tuple[str, int]:
    """Put one of the department's free documents into the case."""

    def act(db: Session, clerk: Clerk, case: Case) -> None:
        document = _openable(db, request.form.get("document", ""))
        lifecycle.attach_document(db, clerk, case, document)

    return _act(number, Action.ATTACH, act, _("Document attached."))


@bp.post("/cases/<number>/assign")
@checks_own_fields
@require(Action.ASSIGN)
def assign(number: str) -> BaseResponse | tuple[str, int]:
    """Assign the case to a clerk of its department with a note (dekretacja)."""

    def act(db: Session, clerk: Clerk, case: Case) -> None:
        login = request.form.get("assignee", "")
        assignee = db.scalar(select(Clerk).where(Clerk.login == login))
        if assignee is None or assignee.role not in WORKERS:
            raise CaseError(CaseErrorCode.ASSIGNEE_NOT_IN_DEPARTMENT)
        note = request.form.get("note", "").strip()[:2000] or None
        lifecycle.assign(db, clerk, case, assignee, note)

    return _act(
        number, Action.ASSIGN, act, _("Case assigned."), {"assign-note": "note"}
    )


@bp.post("/cases/<number>/status")
@checks_own_fields
@require(Action.CHANGE_STATUS)
def change_status(number: str) -> BaseResponse | tuple[str, int]:
    """Set the case open or in progress, pause it for a remedy, or resume it."""
    wanted = request.form.get("status", "")

    def act(db: Session, clerk: Clerk, case: Case) -> None:
        note = request.form.get("note", "").strip()[:2000] or None
        if wanted == "awaiting-remedy":
            lifecycle.pause_for_remedy(db, clerk, case, note)
            remedy = request.form.get("remedy", "").strip()[:2000]
            if remedy:
                public_url = services().settings.public_url
                ask_for_remedy(db, case, clerk, remedy, public_url)
        elif wanted == "resume":
            lifecycle.resume(db, clerk, case)
        else:
            lifecycle.change_status(db, clerk, case, wanted)

    text = {"status-note": "note", "remedy": "remedy"}
    return _act(number, Action.CHANGE_STATUS, act, _("Status changed."), text)


@bp.post("/cases/<number>/decide")
@checks_own_fields
@require(Action.DECIDE)
def decide(number: str) -> BaseResponse | tuple[str, int]:
    """Close the case with its decision."""

    def act(db: Session, clerk: Clerk, case: Case) -> None:
        lifecycle.decide(db, clerk, case, request.form.get("decision", "")[:20000])

    return _act(
        number, Action.DECIDE, act, _("Case decided."), {"decision": "decision"}
    )


def _act(
    number: str,
    action: Action,
    act: Callable[[Session, Clerk, Case], None],
    done: str,
    text: dict[str, str] | None = None,
) -> BaseResponse | tuple[str, int]:
    typed, invalid = typed_text(text or {})
    with writing(services().sessions) as db:
        case = _case_or_404(db, number, action, for_update=True)
        if invalid:
            return _case_page(db, case, typed=typed, invalid=invalid), 400

        clerk = db.get_one(Clerk, current_clerk().id)
        try:
            act(db, clerk, case)
        except CaseError as exc:
            db.rollback()
            case = _case_or_404(db, number, Action.VIEW_CASE)
            return _case_page(db, case, case_error_message(exc)), 400

    flash(done)
    return redirect(url_for("desk.case_page", number=number), 303)


def _case_or_404(
    db: Session, number: str, action: Action, for_update: bool = False
) -> Case:
    query = select(Case).where(Case.number == number)
    if for_update:
        # Two clerks acting on one case at once take turns (PostgreSQL).
        query = query.with_for_update(of=Case).execution_options(populate_existing=True)

    case = db.scalar(query)
    clerk = db.get_one(Clerk, current_clerk().id)
    if case is None or not may_on_case(clerk, Action.VIEW_CASE, case):
        abort(404)

    if not may_on_case(clerk, action, case):
        abort(403)

    return case


def _openable(db: Session, public_id: str) -> Document:
    """A document the clerk may put into a case (404 if not theirs)."""
    document = db.scalar(select(Document).where(Document.public_id == public_id))
    clerk = db.get_one(Clerk, current_clerk().id)
    if document is None or not may_on_document(db, clerk, Action.OPEN_CASE, document):
        abort(404)

    return document


def _department_for(db: Session, clerk: Clerk, document: Document | None) -> Department:
    if document is not None and document.department:
        department = find_department(db, document.department)
    else:
        department = db.get(Department, clerk.department_id or 0)

    if department is None or not may(clerk, Action.OPEN_CASE, department.id):
        abort(403)

    return department


def _new_case_page(
    db: Session,
    document: Document | None,
    values: dict[str, str],
    error: CaseError | None = None,
) -> str:
    if document is not None and "jrwa" not in values and document.form_id:
        with suppress(KeyError):
            values["jrwa"] = services().catalog.get(document.form_id).jrwa

    page: dict[str, Any] = {
        "document": document,
        "classes": case_classes(db),
        "values": values,
        "error": case_error_message(error) if error else None,
    }
    return render_template("desk/case_new.html", **page)


def _case_page(
    db: Session,
    case: Case,
    error: str | None = None,
    typed: dict[str, str] | None = None,
    invalid: dict[str, str] | None = None,
) -> str:
    clerk = db.get_one(Clerk, current_clerk().id)
    department = db.get_one(Department, case.department_id)
    events = db.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    ).all()
    people = {c.id: c for c in list_clerks(db, department)}
    actors = {e.clerk_id for e in events if e.clerk_id is not None} - set(people)
    if actors:
        outside = db.scalars(select(Clerk).where(Clerk.id.in_(actors)))
        people |= {c.id: c for c in outside}
    page: dict[str, Any] = {
        "case": case,
        "error": error,
        "documents": queries.case_documents(db, case),
        "free_documents": queries.inbox_documents(db, department),
        "events": events,
        "people": people,
        "workers": [
            c
            for c in people.values()
            if c.role in WORKERS and c.active and c.department_id == department.id
        ],
        "deadline": deadline_for(case),
        "days_left": days_left(case),
        "can": {a.value: may_on_case(clerk, a, case) for a in Action},
        "typed": typed or {},
        "invalid": invalid or {},
    }
    return render_template("desk/case.html", **page)
