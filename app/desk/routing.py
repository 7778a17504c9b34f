"""Pass documents and cases to another department, or send them to another office.

Passing moves the document (or the case with its documents) to the other
department's inbox. Sending seals a transfer package for a partner office
(app.transfers), which the clerk can download and which is posted to the
partner's address when it has one.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from app.cases import writing
from app.cases.accounts import find_department, list_departments
from app.cases.errors import CaseError
from app.cases.grants import Duty, allowed_in, allowed_on_case
from app.cases.models import Case, Clerk, Department
from app.cases.queries import case_documents, case_of_document
from app.cases.records import Routing, Transfer
from app.cases.routing import (
    NOTE_TOO_LONG,
    RoutingError,
    route_case,
    route_document,
    routings_of,
)
from app.desk import bp
from app.desk.auth import current_clerk
from app.desk.grants_view import require_duty
from app.desk.wording import case_error_message
from app.desk.wording_routing import routing_error_message, transfer_refusal
from app.registry.models import Document
from app.services import current_services as services
from app.transfers.outgoing import (
    deliver_transfer,
    read_blob,
    send_transfer,
    transfers_of,
)
from app.transfers.package import MAX_DOCUMENTS
from app.transfers.partners import Partner, PartnersFileError, load_partners

NOTE_FIELD_MAX = 2000


@bp.post("/documents/<public_id>/route")
@require_duty(Duty.ROUTE)
def route_document_page(public_id: str) -> BaseResponse | tuple[str, int]:
    """Pass a document in no case to another department's inbox."""
    with writing(services().sessions) as db:
        clerk, document = _document_for(db, public_id, Duty.ROUTE)
        target = _target_department(db)
        try:
            route_document(db, clerk, document, target, _note())
        except RoutingError as exc:
            db.rollback()
            return _refused(routing_error_message(exc.reason))

        number = document.registry_number

    flash(_("Document %(number)s passed to %(to)s.", number=number, to=target.symbol))
    return redirect(url_for("desk.inbox"), 303)


@bp.post("/cases/<number>/route")
@require_duty(Duty.ROUTE)
def route_case_page(number: str) -> BaseResponse | tuple[str, int]:
    """Move a case with its documents to another department."""
    with writing(services().sessions) as db:
        clerk, case = _case_for(db, number, Duty.ROUTE)
        target = _target_department(db)
        try:
            route_case(db, clerk, case, target, _note())
        except RoutingError as exc:
            db.rollback()
            return _refused(routing_error_message(exc.reason))
        except CaseError as exc:
            db.rollback()
            return _refused(case_error_message(exc))

    flash(_("Case %(number)s passed to %(to)s.", number=number, to=target.symbol))
    return redirect(url_for("desk.inbox"), 303)


@bp.post("/documents/<public_id>/transfer")
@require_duty(Duty.TRANSFER)
def transfer_document(public_id: str) -> BaseResponse | tuple[str, int]:
    """Seal a transfer package of one document for a partner office."""
    with writing(services().sessions) as db:
        clerk, document = _document_for(db, public_id, Duty.TRANSFER)
        partner, note = _partner(), _note()
        if note and len(note) > NOTE_FIELD_MAX:
            return _refused(routing_error_message(NOTE_TOO_LONG))

        row = send_transfer(services(), db, clerk, partner, [document], None, note)
        package_id = row.package_id

    return _deliver(package_id, partner)


@bp.post("/cases/<number>/transfer")
@require_duty(Duty.TRANSFER)
def transfer_case(number: str) -> BaseResponse | tuple[str, int]:
    """Seal a transfer package of a case and all its documents."""
    with writing(services().sessions) as db:
        clerk, case = _case_for(db, number, Duty.TRANSFER)
        documents = list(case_documents(db, case))
        if not documents:
            return _refused(_("A case without documents cannot be sent."))
        if len(documents) > MAX_DOCUMENTS:
            return _refused(_("A package carries at most 50 documents."))

        partner, note = _partner(), _note()
        if note and len(note) > NOTE_FIELD_MAX:
            return _refused(routing_error_message(NOTE_TOO_LONG))

        row = send_transfer(services(), db, clerk, partner, documents, case, note)
        package_id = row.package_id

    return _deliver(package_id, partner)


@bp.get("/transfers/<package_id>")
@require_duty(Duty.TRANSFER)
def transfer_page(package_id: str) -> str:
    """Show a sent package: to whom, when, delivered or not, and its download."""
    with services().sessions() as db:
        row = _transfer_for(db, package_id)
        page: dict[str, Any] = {
            "transfer": row,
            "document": db.get(Document, row.document_id or 0),
            "case": db.get(Case, row.case_id or 0),
            "partner": _partners().get(row.office),
        }
        return render_template("desk/transfer.html", **page)


@bp.get("/transfers/<package_id>/package.xml")
@require_duty(Duty.TRANSFER)
def transfer_download(package_id: str) -> Response:
    """Download the sealed package exactly as it was sealed."""
    with services().sessions() as db:
        row = _transfer_for(db, package_id)
        digest = row.package_sha256

    data = read_blob(services(), digest)
    return Response(
        data,
        mimetype="application/vnd.kancelaria.transfer+xml",
        headers={
            "Content-Disposition": f'attachment; filename="transfer-{package_id}.xml"',
            "Cache-Control": "private, no-store",
        },
    )


def _deliver(package_id: str, partner: Partner) -> BaseResponse:
    if partner.url and request.form.get("deliver") == "on":
        with services().sessions() as db:
            transfer_id = db.scalars(
                select(Transfer.id).where(
                    Transfer.package_id == package_id, Transfer.direction == "out"
                )
            ).one()

        delivery = deliver_transfer(
            services(), transfer_id, partner, current_clerk().id
        )
        if delivery.state == "delivered":
            flash(_("The package was delivered to %(office)s.", office=partner.name))
        else:
            flash(_("The package could not be delivered; download it instead."))
    else:
        flash(_("The package is sealed; download it to pass it on."))

    return redirect(url_for("desk.transfer_page", package_id=package_id), 303)


def _document_for(db: Session, public_id: str, duty: Duty) -> tuple[Clerk, Document]:
    clerk = db.get_one(Clerk, current_clerk().id)
    document = db.scalar(select(Document).where(Document.public_id == public_id))
    if document is None:
        abort(404)

    department = find_department(db, document.department or "")
    if not allowed_in(clerk, duty, department.id if department else None):
        abort(404)

    return clerk, document


def _case_for(db: Session, number: str, duty: Duty) -> tuple[Clerk, Case]:
    clerk = db.get_one(Clerk, current_clerk().id)
    case = db.scalar(select(Case).where(Case.number == number))
    if case is None:
        abort(404)

    if not allowed_on_case(clerk, duty, case):
        abort(404)

    return clerk, case


def _transfer_for(db: Session, package_id: str) -> Transfer:
    row = db.scalar(
        select(Transfer).where(
            Transfer.package_id == package_id, Transfer.direction == "out"
        )
    )
    if row is None:
        abort(404)

    clerk = db.get_one(Clerk, current_clerk().id)
    if row.case_id is not None:
        reachable = allowed_on_case(clerk, Duty.TRANSFER, db.get_one(Case, row.case_id))
    else:
        document = db.get_one(Document, row.document_id)
        department = find_department(db, document.department or "")
        unit = department.id if department else None
        reachable = allowed_in(clerk, Duty.TRANSFER, unit)

    if not reachable:
        abort(404)

    return row


def _target_department(db: Session) -> Department:
    target = find_department(db, request.form.get("to", "").strip()[:8])
    if target is None:
        abort(_refused_abort(_("Choose a department from the list.")))

    return target


def _partner() -> Partner:
    partner = _partners().get(request.form.get("office", "").strip()[:64])
    if partner is None:
        abort(_refused_abort(transfer_refusal()))

    return partner


def _partners() -> dict[str, Partner]:
    try:
        return load_partners(services().settings.partners_file)
    except PartnersFileError:
        abort(503)


def _note() -> str | None:
    # One character more than allowed, so that a longer note is refused.
    return request.form.get("note", "").strip()[: NOTE_FIELD_MAX + 1] or None


def _refused(message: str) -> tuple[str, int]:
    return render_template("desk/refused.html", error=message), 400


def _refused_abort(message: str) -> Response:
    page, status = _refused(message)
    return Response(page, status=status)


def routing_choices(case: Case | None, document: Document | None) -> dict[str, Any]:
    """What the routing forms on a case or document page offer this clerk."""
    clerk = current_clerk()
    with services().sessions() as db:
        departments = list_departments(db)
        db_departments = {d.id: d.symbol for d in departments}
        if case is not None:
            own: int | None = case.department_id
            may_route = allowed_on_case(clerk, Duty.ROUTE, case)
            may_send = allowed_on_case(clerk, Duty.TRANSFER, case)
            sent = _sent(db, case_id=case.id)
            passes = routings_of(db, case_id=case.id)
        else:
            assert document is not None
            unit = find_department(db, document.department or "")
            own = unit.id if unit else None
            in_case = case_of_document(db, document) is not None
            may_route = allowed_in(clerk, Duty.ROUTE, own) and not in_case
            may_send = allowed_in(clerk, Duty.TRANSFER, own)
            sent = _sent(db, document_id=document.id)
            passes = routings_of(db, document_id=document.id)

    try:
        partners = list(load_partners(services().settings.partners_file).values())
    except PartnersFileError:
        partners = []

    return {
        "departments": [d for d in departments if d.id != own and d.active],
        "partners": partners,
        "may_route": may_route,
        "may_send": may_send and bool(partners),
        "sent": sent,
        "passes": [_described(db_departments, p) for p in passes],
    }


def _described(symbols: dict[int, str], row: Routing) -> dict[str, Any]:
    return {
        "at": row.at,
        "source": symbols.get(row.from_department_id or 0, "—"),
        "to": symbols.get(row.to_department_id, "—"),
        "note": row.note,
    }


def _sent(db: Session, **target: int) -> list[Transfer]:
    return transfers_of(db, **target)


bp.add_app_template_global(routing_choices, "routing_choices")
