"""Administration: users, the who-may-fill table, the audit log (admins only)."""

from __future__ import annotations

from math import ceil

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from extensions import db
from forms.admin import ActiveForm, NewRuleForm, RoleForm, RuleForm, UserFilterForm
from models import Establishment, Notification, QualificationEquivalence, Region, User, utcnow
from models.enums import NotificationStatus, Role, VerificationStatus
from services import audit, qualification_table, user_admin
from services.permissions import role_required
from views.errors import abort_fr

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50


@bp.before_request
@role_required(Role.ADMIN)
def _admins_only():
    """Every page of this blueprint is for administrators."""


def _page_number() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        abort_fr(400, "Numéro de page invalide.")
    return int(raw)


def _pages(total: int) -> int:
    return max(1, ceil(total / PER_PAGE))


@bp.get("/")
def index():
    session = db.session
    figures = {
        "users": user_admin.counts_by_role(session),
        "pending_establishments": session.scalar(select(func.count()).select_from(Establishment).where(
            Establishment.verification_status == VerificationStatus.PENDING)),
        "failed_notifications": session.scalar(select(func.count()).select_from(Notification).where(
            Notification.status == NotificationStatus.FAILED)),
        "pending_notifications": session.scalar(select(func.count()).select_from(Notification).where(
            Notification.status == NotificationStatus.PENDING)),
    }
    return render_template("admin/index.html", figures=figures)


@bp.get("/audit", endpoint="audit")
def audit_log():
    action = request.args.get("action") or None
    page_number = _page_number()
    entries, total = audit.page(db.session, action=action, page_number=page_number, per_page=PER_PAGE)
    actors = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({e.actor_user_id for e in entries})))}
    return render_template("admin/audit.html", entries=entries, total=total, actors=actors, action=action,
                           actions=audit.known_actions(db.session), label=audit.label,
                           page_number=page_number, pages=_pages(total))


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort_fr(404, "Ce compte n'existe pas.")
    return user


def _regions():
    return db.session.scalars(select(Region).order_by(Region.name)).all()


@bp.get("/utilisateurs")
def users():
    filters = UserFilterForm(request.args)
    if not filters.validate():
        return render_template("admin/users.html", filters=filters, users=[], total=0, page_number=1, pages=1,
                               regions=_regions()), 400
    page_number = _page_number()
    role = Role(filters.role.data) if filters.role.data else None
    found, total = user_admin.search(db.session, text=filters.q.data or "", role=role,
                                     page_number=page_number, per_page=PER_PAGE)
    return render_template("admin/users.html", filters=filters, users=found, total=total, page_number=page_number,
                           pages=_pages(total), regions=_regions())


def _back_to_users():
    return redirect(request.referrer if request.referrer and "/admin/utilisateurs" in request.referrer
                    else url_for("admin.users"))


@bp.post("/utilisateurs/<int:user_id>/role")
def user_role(user_id: int):
    user = _user_or_404(user_id)
    form = RoleForm(regions=_regions())
    if not form.validate():
        flash("Rôle ou région invalide : " + " ".join(e for errors in form.errors.values() for e in errors), "error")
        return _back_to_users()
    try:
        user_admin.change_role(db.session, current_user, user, Role(form.role.data), form.region.data or None, utcnow())
    except user_admin.AdminActionError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back_to_users()
    db.session.commit()
    flash(f"Le rôle de {user.email} est maintenant « {user.role.label} ».", "success")
    return _back_to_users()


@bp.post("/utilisateurs/<int:user_id>/statut")
def user_active(user_id: int):
    user = _user_or_404(user_id)
    form = ActiveForm()
    if not form.validate():
        abort_fr(400, "Action inconnue sur ce compte.")
    try:
        user_admin.set_active(db.session, current_user, user, form.active.data == "1", utcnow())
    except user_admin.AdminActionError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back_to_users()
    db.session.commit()
    flash(f"Le compte {user.email} est {'réactivé' if user.active else 'désactivé'}.", "success")
    return _back_to_users()


def _render_rules(new_form=None, edited=None, status=200):
    session = db.session
    refs = qualification_table.qualifications(session)
    labels = {q.code: q.label for q in refs}
    return render_template(
        "admin/qualifications.html", lines=qualification_table.lines(session), labels=labels,
        new_form=new_form or NewRuleForm(formdata=None, qualifications=refs), edited=edited or {},
        edit_form=RuleForm,
    ), status


def _values(form: RuleForm) -> qualification_table.RuleValues:
    return qualification_table.RuleValues(
        score=form.score.data, min_validated_years=form.min_validated_years.data,
        requires_nurse_on_duty=form.requires_nurse_on_duty.data, label=form.label.data or "",
    )


@bp.get("/qualifications")
def qualifications():
    return _render_rules()


@bp.post("/qualifications")
def qualification_add():
    form = NewRuleForm(qualifications=qualification_table.qualifications(db.session))
    if form.validate():
        try:
            qualification_table.add(db.session, current_user, form.post_code.data, form.holder_code.data,
                                    _values(form), utcnow())
        except qualification_table.RuleError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(error.message)
        else:
            db.session.commit()
            flash("La ligne est ajoutée à la table des équivalences.", "success")
            return redirect(url_for("admin.qualifications"))
    return _render_rules(new_form=form, status=400)


def _line_or_404(line_id: int) -> QualificationEquivalence:
    line = db.session.get(QualificationEquivalence, line_id)
    if line is None:
        abort_fr(404, "Cette ligne de la table des équivalences n'existe pas.")
    return line


@bp.post("/qualifications/<int:line_id>")
def qualification_edit(line_id: int):
    line = _line_or_404(line_id)
    form = RuleForm(prefix=f"line{line.id}")
    if not form.validate():
        return _render_rules(edited={line.id: form}, status=400)
    qualification_table.update(db.session, current_user, line, _values(form), utcnow())
    db.session.commit()
    flash(f"La ligne {line.post_code} ← {line.holder_code} est modifiée.", "success")
    return redirect(url_for("admin.qualifications") + f"#ligne-{line.id}")


@bp.post("/qualifications/<int:line_id>/supprimer")
def qualification_remove(line_id: int):
    line = _line_or_404(line_id)
    text = f"{line.post_code} ← {line.holder_code}"
    qualification_table.remove(db.session, current_user, line, utcnow())
    db.session.commit()
    flash(f"La ligne {text} est supprimée.", "success")
    return redirect(url_for("admin.qualifications"))
