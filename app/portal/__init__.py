"""Pages for citizens: the form catalog, upload, results and receipt checks."""

from flask import Blueprint
from flask_wtf.csrf import CSRFProtect

bp = Blueprint("portal", __name__, template_folder="templates")
csrf = CSRFProtect()

from app.portal import case, filling, routes  # noqa: E402,F401
