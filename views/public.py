"""Public pages: home, health check. The public search of open needs lives here too."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from extensions import db

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    return render_template("public/home.html")


@bp.get("/healthz")
def healthz():
    """For load balancers: 200 when the database answers, 503 otherwise."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        db.session.rollback()
        return jsonify(status="error", database="indisponible"), 503
    return jsonify(status="ok", database="ok")


@bp.get("/confidentialite")
def privacy():
    """The privacy notice that sign-up asks people to accept (GDPR, articles 13 and 14)."""
    return render_template("public/privacy.html")
