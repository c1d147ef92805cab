"""Administration: users, reference tables, audit log."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
