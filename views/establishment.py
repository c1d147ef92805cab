"""The establishment manager's journey: needs, ranked candidates, bookings, pool, establishments.

Views parse, call a service, render. Every object is looked up through ``_need_or_404`` and
friends, which answer 404 for what the manager does not manage (existence never leaks).
Booking actions open the transaction as a writer first (``begin_write``) so that SQLite
serialises them like PostgreSQL's row locks do.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from database import begin_write
from extensions import db
from forms.establishment import CoManagerForm
from forms.fields import choices
from forms.need import AnswerForm, InviteForm, NeedFilterForm, NeedForm, OutcomeForm, ReasonForm
from models import Application, Assignment, CandidateProfile, Establishment, Need, PoolMember, QualificationRef, utcnow
from models.enums import NeedStatus, Role
from services import applications, co_managers, ranking_cache
from services import needs as need_service
from services import pool as pool_service
from services.applications import BookingRefused
from services.localtime import paris_from_utc
from services.matching_feed import open_slots, pool_member_ids
from services.needs import NeedInvalid
from services.permissions import can_manage_establishment, can_manage_need, can_see_candidate_contact, role_required
from views.errors import abort_fr

bp = Blueprint("establishment", __name__, url_prefix="/etablissement")
manager_only = role_required(Role.ESTABLISHMENT)
NOT_FOUND = "Ce besoin n'existe pas ou ne dépend pas de vos établissements."


# --- lookups -------------------------------------------------------------------------------------

def _need_or_404(need_id: int) -> Need:
    need = db.session.get(Need, need_id)
    if need is None or not can_manage_need(current_user, need):
        abort_fr(404, NOT_FOUND)
    return need


def _application_or_404(application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None or not can_manage_need(current_user, application.need):
        abort_fr(404, "Cette candidature n'existe pas ou ne concerne pas vos établissements.")
    return application


def _assignment_or_404(assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or not can_manage_need(current_user, assignment.need):
        abort_fr(404, "Cette réservation n'existe pas ou ne concerne pas vos établissements.")
    return assignment


def _establishment_or_404(establishment_id: int) -> Establishment:
    establishment = db.session.get(Establishment, establishment_id)
    if establishment is None or not can_manage_establishment(current_user, establishment):
        abort_fr(404, "Cet établissement n'existe pas ou vous ne le gérez pas.")
    return establishment


def _apply(action, success: str, target: str):
    """Run a service action; commit and say so, or roll back and show the French refusal."""
    try:
        action()
    except BookingRefused as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(target)


def _form_refused(form) -> None:
    """A small POST form with errors: show them as a flash, the page is a list of actions."""
    db.session.rollback()
    for errors in form.errors.values():
        for error in errors:
            flash(error, "error")


# --- needs ---------------------------------------------------------------------------------------

@bp.get("/besoins")
@manager_only
def needs():
    form = NeedFilterForm(request.args)
    rows = []
    if form.validate():
        status = NeedStatus(form.status.data) if form.status.data else None
        rows = need_service.list_for_manager(db.session, current_user, now=utcnow(), status=status,
                                      date_from=form.date_from.data, date_to=form.date_to.data)
    return render_template("establishment/needs.html", form=form, rows=rows)


def _need_form(formdata=None, data=None) -> NeedForm:
    form = NeedForm(formdata=formdata, data=data) if data else NeedForm(formdata=formdata)
    form.establishment.choices = choices((e.id, e.name) for e in current_user.establishments)
    if not form.establishment.data and current_user.establishments:
        form.establishment.data = str(current_user.establishments[0].id)
    refs = db.session.query(QualificationRef).order_by(QualificationRef.sort_order, QualificationRef.code).all()
    form.qualification.choices = choices((q.code, q.label) for q in refs)
    return form


@bp.route("/besoins/nouveau", methods=["GET", "POST"])
@manager_only
def need_new():
    if not current_user.establishments:
        abort_fr(403, "Votre compte n'est rattaché à aucun établissement.")
    form = _need_form(request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        publish = request.form.get("action") == "publish"
        try:
            need = need_service.create(db.session, current_user, form.to_draft(), publish=publish, now=utcnow())
        except NeedInvalid as invalid:
            db.session.rollback()
            _put_errors(form, invalid.errors)
        except BookingRefused as refusal:  # valid, but may not be published yet: keep it as a draft
            db.session.rollback()
            need = need_service.create(db.session, current_user, form.to_draft(), publish=False, now=utcnow())
            db.session.commit()
            flash(f"Besoin enregistré en brouillon. {refusal.message}", "warning")
            return redirect(url_for("establishment.need_detail", need_id=need.id))
        else:
            db.session.commit()
            flash("Besoin publié." if publish else "Brouillon enregistré.", "success")
            return redirect(url_for("establishment.need_detail", need_id=need.id))
    status = 400 if request.method == "POST" else 200
    return render_template("establishment/need_form.html", form=form), status


def _put_errors(form: NeedForm, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is None:
            form.form_errors.append(message)
        else:
            field.errors = list(field.errors) + [message]


@bp.get("/besoins/<int:need_id>/dupliquer")
@manager_only
def need_duplicate(need_id: int):
    need = _need_or_404(need_id)
    form = _need_form(data=need_service.draft_from(need))
    flash("Choisissez les nouvelles dates, puis enregistrez ou publiez.", "info")
    return render_template("establishment/need_form.html", form=form, duplicated=need)


@bp.get("/besoins/<int:need_id>")
@manager_only
def need_detail(need_id: int):
    need = _need_or_404(need_id)
    now = utcnow()
    session = db.session
    ranked = ranking_cache.ranked_candidates(session, need, now=now, limit=30) if need.status == NeedStatus.OPEN else []
    received = need_service.applications_of(session, need)
    taken = {a.candidate_id for a in received}
    candidate_ids = [p.id for p, _ in ranked] + [a.candidate_id for a in received if a.candidate_id]
    in_pool = pool_member_ids(session, need.establishment_id, candidate_ids)
    contact = {cid for cid in {a.candidate_id for a in received if a.candidate_id}
               if can_see_candidate_contact(session, current_user, cid)}
    slots = open_slots(need, now)
    return render_template(
        "establishment/need_detail.html", need=need, ranked=ranked, received=received, taken=taken,
        in_pool=in_pool, contact=contact, open_slots=slots, slot_index={s.id: s for s in need.slots},
        assignments=need_service.active_assignments(session, need), local_now=paris_from_utc(now),
    )


def _detail(need_id: int, anchor: str = "") -> str:
    return url_for("establishment.need_detail", need_id=need_id) + anchor


@bp.post("/besoins/<int:need_id>/publier")
@manager_only
def need_publish(need_id: int):
    need = _need_or_404(need_id)
    return _apply(lambda: need_service.publish_need(db.session, current_user, need, now=utcnow()), "Besoin publié.",
                  _detail(need_id))


@bp.post("/besoins/<int:need_id>/cloturer")
@manager_only
def need_close(need_id: int):
    need = _need_or_404(need_id)
    return _apply(lambda: need_service.close(db.session, current_user, need, now=utcnow()),
                  "Besoin clos : il ne reçoit plus de candidatures.", _detail(need_id))


@bp.post("/besoins/<int:need_id>/rouvrir")
@manager_only
def need_reopen(need_id: int):
    begin_write(db.session)
    need = _need_or_404(need_id)
    return _apply(lambda: need_service.reopen(db.session, current_user, need, now=utcnow()), "Besoin rouvert.",
                  _detail(need_id))


@bp.post("/besoins/<int:need_id>/annuler")
@manager_only
def need_cancel(need_id: int):
    begin_write(db.session)
    need = _need_or_404(need_id)
    form = ReasonForm(request.form)
    if not form.validate():
        _form_refused(form)
        return redirect(_detail(need_id))
    return _apply(lambda: need_service.cancel(db.session, current_user, need, reason=form.reason.data, now=utcnow()),
                  "Besoin annulé ; les personnes retenues sont prévenues.", _detail(need_id))


@bp.post("/besoins/<int:need_id>/inviter/<int:candidate_id>")
@manager_only
def need_invite(need_id: int, candidate_id: int):
    need = _need_or_404(need_id)
    profile = db.session.get(CandidateProfile, candidate_id)
    if profile is None:
        abort_fr(404, "Cette personne n'est plus inscrite.")
    form = InviteForm(request.form)
    if not form.validate():
        _form_refused(form)
        return redirect(_detail(need_id))
    return _apply(lambda: applications.invite(db.session, current_user, need, profile, message=form.message.data,
                                              now=utcnow()),
                  "Invitation envoyée.", _detail(need_id, "#candidatures"))


# --- applications and assignments ---------------------------------------------------------------

@bp.post("/candidatures/<int:application_id>/accepter")
@manager_only
def application_accept(application_id: int):
    begin_write(db.session)
    application = _application_or_404(application_id)
    form = AnswerForm(request.form)
    if not form.validate() or not all(str(i).isdigit() for i in form.slot_ids.data or []):
        _form_refused(form)
        return redirect(_detail(application.need_id, "#candidatures"))
    slot_ids = [int(i) for i in form.slot_ids.data or []]
    return _apply(lambda: applications.accept(db.session, current_user, application, slot_ids=slot_ids or None,
                                              message=form.message.data, now=utcnow()),
                  "Candidature acceptée : la personne est prévenue.", _detail(application.need_id, "#candidatures"))


@bp.post("/candidatures/<int:application_id>/refuser")
@manager_only
def application_decline(application_id: int):
    application = _application_or_404(application_id)
    form = AnswerForm(request.form)
    if not form.validate():
        _form_refused(form)
        return redirect(_detail(application.need_id, "#candidatures"))
    return _apply(lambda: applications.decline(db.session, current_user, application, message=form.message.data,
                                               now=utcnow()),
                  "Candidature déclinée : la personne est prévenue.", _detail(application.need_id, "#candidatures"))


@bp.post("/affectations/<int:assignment_id>/annuler")
@manager_only
def assignment_cancel(assignment_id: int):
    begin_write(db.session)
    assignment = _assignment_or_404(assignment_id)
    form = ReasonForm(request.form)
    if not form.validate():
        _form_refused(form)
        return redirect(_detail(assignment.need_id, "#reservations"))
    return _apply(lambda: applications.cancel_assignment(db.session, current_user, assignment, reason=form.reason.data,
                                                         now=utcnow()),
                  "Réservation annulée : la place est de nouveau libre.", _detail(assignment.need_id, "#reservations"))


@bp.post("/affectations/<int:assignment_id>/resultat")
@manager_only
def assignment_outcome(assignment_id: int):
    assignment = _assignment_or_404(assignment_id)
    form = OutcomeForm(request.form)
    if not form.validate():
        _form_refused(form)
        return redirect(_detail(assignment.need_id, "#reservations"))
    reliability = int(form.reliability.data) if form.reliability.data else None
    return _apply(lambda: applications.mark_outcome(db.session, current_user, assignment, outcome=form.outcome.data,
                                                    reliability=reliability, note=form.note.data, now=utcnow()),
                  "Résultat de la mission enregistré.", _detail(assignment.need_id, "#reservations"))


# --- pool ----------------------------------------------------------------------------------------

@bp.get("/vivier")
@manager_only
def pool():
    members = pool_service.members(db.session, [e.id for e in current_user.establishments])
    return render_template("establishment/pool.html", members=members)


@bp.post("/vivier/ajouter/<int:application_id>")
@manager_only
def pool_add(application_id: int):
    """Add someone who applied to one of the manager's needs (and agreed to join pools)."""
    application = _application_or_404(application_id)
    profile = application.candidate
    if profile is None or not profile.consent_pool:
        flash("Cette personne ne souhaite pas rejoindre de vivier.", "error")
    else:
        pool_service.add(db.session, application.need.establishment, profile, by=current_user, now=utcnow())
        db.session.commit()
        flash("Ajouté(e) à votre vivier.", "success")
    return redirect(_detail(application.need_id, "#candidatures"))


@bp.post("/vivier/<int:member_id>/retirer")
@manager_only
def pool_remove(member_id: int):
    member = db.session.get(PoolMember, member_id)
    if member is None or not can_manage_establishment(current_user, member.establishment):
        abort_fr(404, "Cette personne ne fait pas partie de vos viviers.")
    pool_service.remove(db.session, member)
    db.session.commit()
    flash("Retiré(e) du vivier.", "success")
    return redirect(url_for("establishment.pool"))


# --- establishments ------------------------------------------------------------------------------

@bp.get("/etablissements")
@manager_only
def establishments():
    return render_template("establishment/establishments.html", establishments=current_user.establishments,
                           form=CoManagerForm())


@bp.post("/etablissements/<int:establishment_id>/gestionnaires")
@manager_only
def establishment_add_manager(establishment_id: int):
    establishment = _establishment_or_404(establishment_id)
    form = CoManagerForm(request.form)
    if not form.validate():
        _form_refused(form)
        return redirect(url_for("establishment.establishments"))
    return _apply(lambda: co_managers.add_co_manager(db.session, current_user, establishment, form.email.data,
                                                     now=utcnow()),
                  "Co-gestionnaire ajouté(e).", url_for("establishment.establishments"))
