"""The overview for heads of department: charts drawn here, tables beside them."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from flask_babel import gettext as _

from app.cases.accounts import find_department, list_departments
from app.cases.constants import Role
from app.cases.grants import Duty, allowed_in
from app.cases.models import Clerk, Department
from app.cases.overview import Overview, department_overview
from app.desk import bp
from app.desk.auth import current_clerk
from app.desk.charts import horizontal_bars, stacked_bars
from app.desk.grants_view import require_duty
from app.services import current_services as services


@bp.get("/overview")
@require_duty(Duty.OVERVIEW)
def overview() -> str:
    """Show intake per day and channel, open cases, deadlines, time to decision."""
    clerk = current_clerk()
    with services().sessions() as db:
        department = _department(db, clerk)
        figures = department_overview(db, department)
        choices = list_departments(db) if clerk.role == Role.ARCHIVIST else []

    page: dict[str, Any] = {
        "department": department,
        "departments": choices,
        "o": figures,
        "charts": _charts(figures),
    }
    return render_template("desk/overview.html", **page)


def _department(db: Any, clerk: Clerk) -> Department:
    wanted = request.args.get("department", "").strip()[:8]
    if wanted:
        department = find_department(db, wanted)
    else:
        department = db.get(Department, clerk.department_id or 0)
        department = department or next(iter(list_departments(db)), None)

    if department is None or not allowed_in(clerk, Duty.OVERVIEW, department.id):
        abort(404)

    return department


def _charts(o: Overview) -> dict[str, Any]:
    labels = [day.strftime("%m-%d") for day in o.days]
    statuses = {
        "open": _("open"),
        "in-progress": _("in progress"),
        "awaiting-remedy": _("waiting for a remedy"),
    }
    return {
        "intake": stacked_bars(
            "chart-intake",
            _("Documents received per day and channel, last 30 days"),
            labels,
            [(channel, o.intake[channel]) for channel in o.channels],
        ),
        "open": horizontal_bars(
            "chart-open",
            _("Open cases by status"),
            [(str(statuses.get(s, s)), n) for s, n in o.open_by_status.items()],
        ),
        "deadlines": horizontal_bars(
            "chart-deadlines",
            _("Cases near or past their deadline"),
            [(_("due within 7 days"), o.near), (_("past the deadline"), o.overdue)],
        ),
        "decisions": horizontal_bars(
            "chart-decisions",
            _("Days from start to decision, last 12 months"),
            [(_("%(band)s days", band=band), n) for band, n in o.bands],
        ),
        "status_names": statuses,
    }
