"""ARS monitoring: figures, breakdowns, map, targets, drill-down, exports, validations.

Every page is for ARS users (their region, or their départements) and admins (all regions,
one of them when they pick it); the territory is always applied in SQL through
``services.permissions.territory_scope``.
"""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user
from sqlalchemy import select

from extensions import db
from forms.ars import PeriodForm, RejectForm, TargetsForm
from models import Establishment, Region, utcnow
from models.enums import Role
from services import establishment_validation, exports, stats, stats_cache, stats_dashboard, stats_drill, stats_store, stats_targets
from services.permissions import can_see_territory_of, role_required
from services.stats import Scope
from views.errors import abort_fr

bp = Blueprint("ars", __name__, url_prefix="/ars")

ARS_ROLES = (Role.ARS, Role.ADMIN)
PAGE_SIZE = 50


def _period_form() -> PeriodForm:
    session = db.stats_session
    regions = None
    if current_user.role == Role.ADMIN:
        regions = [(code, name) for code, name in session.execute(select(Region.code, Region.name).order_by(Region.name))]
    return PeriodForm(request.args, today=stats.paris_now(utcnow()).date(), regions=regions)


def _scope(form: PeriodForm) -> Scope:
    """The asked period and territory, on the facts of the last refresh (checked first)."""
    as_of = stats_store.last_refresh(db.stats_session)
    if as_of is None:
        abort_fr(503, "Les statistiques n'ont pas encore été calculées. Réessayez dans quelques minutes.")
    start, end = form.period()
    region = form.region.data if "region" in form else None
    return stats.scope_for(current_user, start, end, as_of, region, form.grain.data or "month")


def _filtered_scope(form: PeriodForm) -> Scope:
    """The scope of a drill-down or export: the period plus one dimension value (checked)."""
    scope = _scope(form)
    dimension, value = request.args.get("dim"), request.args.get("val")
    if not dimension:
        return scope
    if dimension == "establishment":
        establishment = db.stats_session.get(Establishment, int(value)) if (value or "").isdigit() else None
        if establishment is None:
            abort_fr(404, "Établissement introuvable.")
        if not can_see_territory_of(current_user, establishment):
            abort_fr(403, "Cet établissement n'est pas dans votre territoire.")
        return replace(scope, dimension="establishment", value=establishment.id)
    if dimension not in stats.DIMENSIONS or not value:
        abort_fr(400, "Le filtre demandé n'existe pas.")
    return replace(scope, dimension=dimension, value=value)


def _query_args(**extra) -> dict:
    args = {k: v for k, v in request.args.items() if k in ("debut", "fin", "region", "grain", "dim", "val")}
    return {**args, **extra}


@bp.get("/tableau-de-bord")
@role_required(*ARS_ROLES)
def dashboard():
    form = _period_form()
    if not form.validate():
        return render_template("ars/dashboard.html", form=form, board=None), 400
    scope = _scope(form)
    sort = stats_dashboard.Sort.parse(request.args.get("tri"), request.args.get("ordre"))
    board = stats_cache.dashboard(db.stats_session, scope, utcnow(), sort)
    return render_template("ars/dashboard.html", form=form, board=board, scope=scope, query_args=_query_args,
                           as_of=stats_store.last_refresh(db.stats_session))


@bp.get("/detail")
@role_required(*ARS_ROLES)
def drill():
    form = _period_form()
    if not form.validate():
        return render_template("ars/dashboard.html", form=form, board=None), 400
    figure = request.args.get("indicateur", "posted")
    if figure not in stats_drill.FIGURES:
        abort_fr(400, "Cet indicateur n'existe pas.")
    scope = _filtered_scope(form)
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and int(page) > 0 else 1
    query = (stats_drill.establishments_query(scope) if figure == "establishments"
             else stats_drill.needs_query(scope, figure, utcnow()))
    session = db.stats_session
    total = stats_drill.row_count(session, query)
    rows = session.execute(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template(
        "ars/drill.html", form=form, scope=scope, figure=figure, title=stats_drill.FIGURE_TITLES[figure],
        filter_label=stats_dashboard.filter_label(session, scope), rows=rows, total=total, page=page,
        pages=max(1, -(-total // PAGE_SIZE)), query_args=_query_args,
        labels={d: stats.labels(session, d) for d in ("qualification", "departement")},
    )


def _ending_transaction(chunks, session):
    """A streamed export reads after the view returned: end its read transaction when done,
    even if the client goes away, so no connection stays "idle in transaction"."""
    try:
        yield from chunks
    finally:
        session.rollback()


@bp.get("/export/<name>.csv")
@role_required(*ARS_ROLES)
def export_csv(name: str):
    if name not in exports.TABLES:
        abort_fr(404, "Ce tableau n'existe pas.")
    form = _period_form()
    if not form.validate():
        abort_fr(400, "Période invalide : " + " ".join(e for errors in form.errors.values() for e in errors))
    scope = _filtered_scope(form)
    exports.audit_export(db.session, current_user, name, "csv", scope)
    rows = exports.csv_stream(db.stats_session, scope, name, request.args.get("indicateur", "posted"), utcnow())
    return Response(stream_with_context(_ending_transaction(rows, db.stats_session)), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{exports.filename(scope, name, "csv")}"'})


@bp.get("/export/periode.xlsx")
@role_required(*ARS_ROLES)
def export_xlsx():
    form = _period_form()
    if not form.validate():
        abort_fr(400, "Période invalide : " + " ".join(e for errors in form.errors.values() for e in errors))
    scope = _scope(form)
    exports.audit_export(db.session, current_user, "periode", "xlsx", scope)
    chunks = exports.xlsx_stream(db.stats_session, scope, utcnow())
    return Response(stream_with_context(_ending_transaction(chunks, db.stats_session)), mimetype=exports.XLSX_MIMETYPE,
                    headers={"Content-Disposition": f'attachment; filename="{exports.filename(scope, "periode", "xlsx")}"'})


def _target_region() -> str | None:
    if current_user.role == Role.ARS:
        return current_user.ars_region_code
    code = request.values.get("region") or db.stats_session.scalar(select(Region.code).order_by(Region.code))
    if code and db.stats_session.get(Region, code) is None:
        abort_fr(404, "Région inconnue.")
    return code


@bp.route("/objectifs", methods=["GET", "POST"])
@role_required(*ARS_ROLES)
def targets():
    region_code = _target_region()
    if not region_code:
        abort_fr(403, "Votre compte n'est rattaché à aucune région.")
    targets = stats_targets.targets_of(db.session, region_code)
    form = TargetsForm(data={t.indicator.value: t.target for t in targets.values()})
    if request.method == "POST":
        form = TargetsForm()
        if form.validate():
            stats_targets.set_targets(db.session, current_user, region_code, form.targets(), utcnow())
            db.session.commit()
            flash("Les objectifs ont été enregistrés.", "success")
            return redirect(url_for("ars.targets", region=region_code if current_user.role == Role.ADMIN else None))
    progress = stats_targets.progress(db.stats_session, current_user, region_code, targets)
    status = 400 if request.method == "POST" else 200
    regions = db.stats_session.execute(select(Region.code, Region.name).order_by(Region.name)).all()
    return render_template("ars/targets.html", form=form, progress=progress, region_code=region_code,
                           regions=regions, definitions=stats_targets.DEFINITIONS,
                           month_label=lambda value: stats_dashboard.period_label(value, "month")), status


@bp.get("/etablissements")
@role_required(*ARS_ROLES)
def validations():
    pending = establishment_validation.pending(db.session, current_user)
    return render_template("ars/validations.html", pending=pending, reject_form=RejectForm())


def _establishment_to_review(establishment_id: int) -> Establishment:
    establishment = db.session.get(Establishment, establishment_id)
    if establishment is None:
        abort_fr(404, "Établissement introuvable.")
    if not can_see_territory_of(current_user, establishment):
        abort_fr(403, "Cet établissement n'est pas dans votre territoire.")
    return establishment


@bp.post("/etablissements/<int:establishment_id>/valider")
@role_required(*ARS_ROLES)
def validate(establishment_id: int):
    establishment = _establishment_to_review(establishment_id)
    outcome = establishment_validation.validate(db.session, current_user, establishment, utcnow())
    db.session.commit()
    flash(outcome.message, "success" if outcome.ok else "error")
    return redirect(url_for("ars.validations"))


@bp.post("/etablissements/<int:establishment_id>/refuser")
@role_required(*ARS_ROLES)
def reject(establishment_id: int):
    establishment = _establishment_to_review(establishment_id)
    form = RejectForm()
    if not form.validate():
        pending = establishment_validation.pending(db.session, current_user)
        return render_template("ars/validations.html", pending=pending, reject_form=form,
                               rejecting=establishment.id), 400
    outcome = establishment_validation.reject(db.session, current_user, establishment, form.reason.data, utcnow())
    db.session.commit()
    flash(outcome.message, "success" if outcome.ok else "error")
    return redirect(url_for("ars.validations"))
