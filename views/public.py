"""Public pages: home, health check. The public search of open needs lives here too."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from sqlalchemy import text

from extensions import db
from forms.candidate import NeedSearchForm
from models import Need, utcnow
from services import need_search, search_cache
from services.candidate_space import is_public_need
from services.localtime import paris_from_utc
from services.profile import qualification_choices
from views.errors import abort_fr

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


# --- public search of open needs (candidate journey) --------------------------------------


@bp.get("/missions")
def search():
    """Open needs without an account: establishments' names and towns and the slots, nobody's data."""
    form = NeedSearchForm(request.args)
    form.set_qualifications(qualification_choices(db.session, students=False))
    result = None
    if form.validate():
        filters = need_search.SearchFilters(
            commune=form.commune.data, radius_km=int(form.radius_km.data), qualification=form.qualification.data or None,
            kind=form.kind.data or None, date_from=form.date_from.data, date_to=form.date_to.data,
        )
        page = request.args.get("page", "1")
        result = search_cache.search(db.session, filters, now=utcnow(), page=int(page) if page.isdigit() else 1)
    return render_template("public/search.html", form=form, result=result), 200 if result is not None else 422


@bp.get("/missions/<int:need_id>")
def need(need_id: int):
    found = db.session.get(Need, need_id)
    if found is None or not is_public_need(found):
        abort_fr(404, "Ce besoin n'existe pas ou n'est plus ouvert.")
    return render_template("public/need.html", need=found, slots=need_search.upcoming_slots(found, paris_from_utc(utcnow())))
