"""The candidate's journey: profile, availability, missions, applications, own data."""

from __future__ import annotations

import json
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user
from werkzeug.datastructures import MultiDict

from database import begin_write
from extensions import db
from forms.candidate import (
    WIZARD_STEPS,
    ApplyForm,
    AvailabilityForm,
    DeleteAccountForm,
    InvitationAnswerForm,
    MissionFilterForm,
    PoolConsentForm,
    ProfileForm,
    profile_formdata,
    profile_input,
)
from models import utcnow
from models.enums import Role
from services import applications, privacy
from services import candidate_space as space
from services import matching_feed as feed
from services import profile as profiles
from services.availability_calendar import STATUS_LABELS, add_months, month_grids, parse_month
from services.localtime import paris_from_utc
from services.matching_feed import evaluate_pair, open_slots
from services.permissions import role_required
from views.errors import abort_fr

bp = Blueprint("candidate", __name__, url_prefix="/candidat")

WIZARD_KEY = "candidate_profile_wizard"
INLINE_FIELDS = {"radius_km", "work_authorization", "driving_licence"}
MONTHS_SHOWN = 3


def today():
    return paris_from_utc(utcnow()).date()


def profile_required(view):
    """Candidate pages that need a profile send a new candidate to the wizard first."""

    @wraps(view)
    @role_required(Role.CANDIDATE)
    def wrapped(*args, **kwargs):
        g.profile = profiles.profile_of(db.session, current_user)
        if g.profile is None:
            flash("Commencez par compléter votre profil : quelques questions suffisent.", "info")
            return redirect(url_for("candidate.profile_wizard"))
        return view(*args, **kwargs)

    return wrapped


# --- profile ------------------------------------------------------------------------------


def _student_codes() -> set[str]:
    return {q.code for q in profiles.qualification_choices(db.session, students=True)}


def _build(form_class, formdata=None, **kwargs):
    """A profile form (or step) with the reference choices and today's date."""
    if formdata is not None:
        kwargs["formdata"] = formdata
    form = form_class(today=today(), **kwargs)
    if hasattr(form, "set_choices"):
        form.set_choices(profiles.qualification_choices(db.session, students=False),
                         profiles.qualification_choices(db.session, students=True))
    return form


def _field_names(form) -> list[str]:
    return [f.name for f in form if f.name != "csrf_token"]


def _step_groups() -> list[tuple[str, list[str]]]:
    """(title, field names) of every wizard step: the profile page shows the same groups."""
    return [(step.title, _field_names(_build(step, MultiDict()))) for step in WIZARD_STEPS]


@bp.route("/profil/etapes", methods=["GET", "POST"])
@role_required(Role.CANDIDATE)
def profile_wizard():
    """Short steps, one screen each on a phone; nothing is saved before the last one."""
    number = request.args.get("etape", "1")
    number = int(number) if number.isdigit() and 1 <= int(number) <= len(WIZARD_STEPS) else 1
    stored = session.get(WIZARD_KEY)
    if stored is None:
        existing = profiles.profile_of(db.session, current_user)
        stored = profile_formdata(existing, _student_codes()) if existing else {}
    step_class = WIZARD_STEPS[number - 1]
    if request.method == "GET":
        form = _build(step_class, MultiDict(stored) if stored else None)
        return _render_wizard(form, number)
    form = _build(step_class)
    names = _field_names(form)
    submitted = {name: request.form.getlist(name) for name in names if name in request.form}
    merged = {k: v for k, v in stored.items() if k not in names} | submitted
    if request.form.get("action") == "back":
        session[WIZARD_KEY] = merged
        return redirect(url_for("candidate.profile_wizard", etape=max(1, number - 1)))
    if not form.validate():
        return _render_wizard(form, number), 422
    session[WIZARD_KEY] = merged
    if number < len(WIZARD_STEPS):
        return redirect(url_for("candidate.profile_wizard", etape=number + 1))
    # Every step's POST was checked against CSRF already; the stored answers carry no token.
    full = _build(ProfileForm, MultiDict(merged), meta={"csrf": False})
    if not full.validate():
        first_bad = next((i for i, (_, names) in enumerate(_step_groups(), 1) if set(names) & set(full.errors)), 1)
        flash("Une étape précédente est incomplète : vérifiez-la.", "error")
        return redirect(url_for("candidate.profile_wizard", etape=first_bad))
    had_profile = profiles.profile_of(db.session, current_user) is not None
    profile = profiles.save_profile(db.session, current_user, profile_input(full), now=utcnow())
    db.session.commit()
    session.pop(WIZARD_KEY, None)
    flash("Votre profil est enregistré.", "success")
    if not had_profile or not profile.availability_rules:
        flash("Dernière étape : indiquez quand vous êtes disponible.", "info")
        return redirect(url_for("candidate.availability"))
    return redirect(url_for("candidate.profile"))


def _render_wizard(form, number: int):
    return render_template(
        "candidate/profile_wizard.html", form=form, number=number, total=len(WIZARD_STEPS),
        step_title=WIZARD_STEPS[number - 1].title,
        next_title=WIZARD_STEPS[number].title if number < len(WIZARD_STEPS) else None,
        inline_fields=INLINE_FIELDS,
    )


@bp.route("/profil", methods=["GET", "POST"])
@profile_required
def profile():
    """The whole profile on one page: a summary, then every field to edit."""
    if request.method == "POST":
        form = _build(ProfileForm)
        if form.validate():
            profiles.save_profile(db.session, current_user, profile_input(form), now=utcnow())
            db.session.commit()
            flash("Votre profil est mis à jour.", "success")
            return redirect(url_for("candidate.profile"))
        status = 422
    else:
        form = _build(ProfileForm, MultiDict(profile_formdata(g.profile, _student_codes())))
        status = 200
    return render_template(
        "candidate/profile.html", form=form, profile=g.profile, groups=_step_groups(), inline_fields=INLINE_FIELDS,
        qualification_labels=_qualification_labels(),
    ), status


def _qualification_labels() -> dict[str, str]:
    refs = profiles.qualification_choices(db.session, students=False) + profiles.qualification_choices(db.session, students=True)
    return {q.code: q.label for q in refs}


# --- availability -------------------------------------------------------------------------


@bp.route("/disponibilites", methods=["GET", "POST"])
@profile_required
def availability():
    form = AvailabilityForm(today=today())
    status = 200
    if request.method == "POST":
        if form.validate():
            rule = profiles.add_rule(g.profile, form.to_input(), now=utcnow())
            db.session.commit()
            flash("Disponibilité ajoutée.", "success")
            return redirect(url_for("candidate.availability", mois=rule.start_date.strftime("%Y-%m")))
        status = 422
    first = parse_month(request.args.get("mois")) or today().replace(day=1)
    return render_template(
        "candidate/availability.html", form=form, profile=g.profile,
        months=month_grids(g.profile.availability_rules, today(), MONTHS_SHOWN, first=first),
        previous_month=add_months(first, -MONTHS_SHOWN), next_month=add_months(first, MONTHS_SHOWN), status_labels=STATUS_LABELS,
        stale=profiles.availability_is_stale(g.profile, now=utcnow()),
        weekday_labels=profiles.weekday_labels,
    ), status


@bp.post("/disponibilites/<int:rule_id>/supprimer")
@profile_required
def availability_remove(rule_id: int):
    if not profiles.remove_rule(g.profile, rule_id, now=utcnow()):
        abort_fr(404, "Cette disponibilité n'existe pas ou a déjà été supprimée.")
    db.session.commit()
    flash("Disponibilité supprimée.", "success")
    return redirect(url_for("candidate.availability"))


@bp.post("/disponibilites/confirmer")
@profile_required
def availability_confirm():
    profiles.confirm_availability(g.profile, now=utcnow())
    db.session.commit()
    flash("Merci : vos disponibilités sont confirmées.", "success")
    return redirect(url_for("candidate.missions" if request.form.get("retour") == "missions" else "candidate.availability"))


# --- missions -----------------------------------------------------------------------------


@bp.get("/missions")
@profile_required
def missions():
    """Needs ranked for him, with why each fits; filters by kind, dates and distance."""
    form = MissionFilterForm(request.args, today=today())
    form.set_radius(g.profile.radius_km)
    results = []
    if form.validate():
        results = feed.recommend_for_candidate(
            db.session, g.profile, now=utcnow(), kind=form.kind.data or None, date_from=form.date_from.data,
            date_to=form.date_to.data, max_km=int(form.max_km.data) if form.max_km.data else None,
        )
    return render_template(
        "candidate/missions.html", form=form, results=results, profile=g.profile, retour="missions",
        stale=profiles.availability_is_stale(g.profile, now=utcnow()), no_availability=not g.profile.availability_rules,
    )


def _need_or_404(need_id: int):
    found = space.need_for_candidate(db.session, g.profile, need_id)
    if found is None:
        abort_fr(404, "Ce besoin n'existe pas ou n'est plus ouvert.")
    return found


def _need_page(need, application, form, status=200, refusal: str | None = None):
    now = utcnow()
    slots = open_slots(need, now)
    verdict = evaluate_pair(db.session, need, g.profile, now=now, slots=slots, assume_available=True) if slots else None
    fit = evaluate_pair(db.session, need, g.profile, now=now, slots=slots) if slots else None
    covered_ids = {slots[i].id for i in fit.covered_slot_indexes} if fit else set()
    if request.method == "GET":
        form.slot_ids.data = sorted(covered_ids) or [s.id for s in slots]
    can_apply = verdict is not None and verdict.eligible and (application is None or application.state.value == "withdrawn")
    return render_template(
        "candidate/need.html", need=need, application=application, form=form, slots=slots, verdict=verdict, fit=fit,
        covered_ids=covered_ids, can_apply=can_apply, refusal=refusal, shows_contact=application is not None
        and space.shows_contact(application),
    ), status


@bp.get("/missions/<int:need_id>")
@profile_required
def need(need_id: int):
    need, application = _need_or_404(need_id)
    return _need_page(need, application, ApplyForm())


@bp.post("/missions/<int:need_id>/postuler")
@profile_required
def apply(need_id: int):
    begin_write(db.session)
    need, application = _need_or_404(need_id)
    form = ApplyForm()
    if not form.validate():
        return _need_page(need, application, form, 422)
    try:
        applications.apply(db.session, g.profile, need, slot_ids=form.slot_ids.data or None, message=form.message.data,
                           now=utcnow())
    except applications.BookingRefused as refused:
        db.session.rollback()
        return _need_page(need, application, form, 409, refusal=refused.message)
    db.session.commit()
    flash("Votre candidature est envoyée : l'établissement vous répondra par e-mail.", "success")
    return redirect(url_for("candidate.applications"))


# --- applications -------------------------------------------------------------------------


@bp.get("/candidatures", endpoint="applications")
@profile_required
def applications_page():
    return _applications_response()


def _applications_response(status: int = 200):
    now = utcnow()
    return render_template(
        "candidate/applications.html", applications=space.applications_of(db.session, g.profile),
        upcoming=space.upcoming_assignments(db.session, g.profile, now=now), shows_contact=space.shows_contact,
        local_now=paris_from_utc(now),
    ), status


def _own_application_or_404(application_id: int):
    application = space.own_application(db.session, g.profile, application_id)
    if application is None:
        abort_fr(404, "Cette candidature n'existe pas.")
    return application


def _booking_action(action, success: str):
    """Run a booking-service action: commit on success, roll back and explain on refusal."""
    try:
        action()
    except applications.BookingRefused as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return _applications_response(409)
    db.session.commit()
    flash(success, "success")
    return redirect(url_for("candidate.applications"))


@bp.post("/candidatures/<int:application_id>/retirer")
@profile_required
def withdraw(application_id: int):
    begin_write(db.session)
    application = _own_application_or_404(application_id)
    return _booking_action(lambda: applications.withdraw(db.session, g.profile, application, now=utcnow()),
                           "Votre candidature est retirée ; l'établissement est prévenu.")


@bp.post("/candidatures/<int:application_id>/repondre")
@profile_required
def answer_invitation(application_id: int):
    begin_write(db.session)
    application = _own_application_or_404(application_id)
    form = InvitationAnswerForm()
    answer = request.form.get("reponse")
    if answer not in ("accepter", "refuser") or not form.validate():
        abort_fr(400, "Réponse invalide : choisissez « Accepter » ou « Refuser ».")
    accept = answer == "accepter"
    return _booking_action(
        lambda: applications.respond_to_invitation(db.session, g.profile, application, accept=accept,
                                                   slot_ids=form.slot_ids.data or None, now=utcnow()),
        "Invitation acceptée : la mission est dans vos candidatures." if accept else "Invitation refusée ; l'établissement est prévenu.",
    )


@bp.get("/candidatures/calendrier.ics")
@profile_required
def calendar_ics():
    base_url = current_app.config["BASE_URL"].rstrip("/")
    body = space.assignments_ics(db.session, g.profile, now=utcnow(), domain=urlsplit(base_url).hostname or "releve",
                                 base_url=base_url)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'attachment; filename="missions-releve.ics"'
    return response


# --- own data -----------------------------------------------------------------------------


@bp.route("/mes-donnees", methods=["GET", "POST"])
@role_required(Role.CANDIDATE)
def my_data():
    """Everything held about him, the export, the pool choice and the deletion (with or without a profile)."""
    profile = profiles.profile_of(db.session, current_user)
    pool_form = PoolConsentForm(prefix="vivier")
    if request.method == "POST" and profile is not None and "vivier-submit" in request.form and pool_form.validate():
        profiles.set_pool_consent(db.session, profile, pool_form.consent_pool.data, now=utcnow())
        db.session.commit()
        flash("Votre choix est enregistré.", "success")
        return redirect(url_for("candidate.my_data"))
    return _my_data_page(profile, pool_form, DeleteAccountForm(prefix="suppression"))


def _my_data_page(profile, pool_form, delete_form, status: int = 200):
    if request.method == "GET" and profile is not None:
        pool_form.consent_pool.data = profile.consent_pool
    return render_template(
        "candidate/my_data.html", data=privacy.export(db.session, current_user), profile=profile, pool_form=pool_form,
        delete_form=delete_form,
    ), status


@bp.get("/mes-donnees/export.json")
@role_required(Role.CANDIDATE)
def export_json():
    now = utcnow()
    data = privacy.export(db.session, current_user)
    privacy.record_export(db.session, current_user, now=now)
    db.session.commit()
    response = Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="mes-donnees-releve-{now:%Y-%m-%d}.json"'
    return response


@bp.post("/mes-donnees/supprimer")
@role_required(Role.CANDIDATE)
def delete_account():
    form = DeleteAccountForm(prefix="suppression")
    if not form.validate():
        profile = profiles.profile_of(db.session, current_user)
        pool_form = PoolConsentForm(prefix="vivier", data={"consent_pool": bool(profile and profile.consent_pool)})
        return _my_data_page(profile, pool_form, form, 422)
    privacy.erase_candidate(db.session, current_user, now=utcnow())
    db.session.commit()
    logout_user()
    session.clear()
    flash("Votre compte et vos données ont été supprimés. Merci d'avoir utilisé Relève.", "success")
    return redirect(url_for("public.home"))
