"""The candidate's journey: profile, availability, missions, applications, own data."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from extensions import db
from forms.candidate import WIZARD_STEPS, AvailabilityForm, ProfileForm, profile_formdata, profile_input
from models import utcnow
from models.enums import Role
from services import profile as profiles
from services.availability_calendar import STATUS_LABELS, month_grids
from services.localtime import paris_from_utc
from services.permissions import role_required

bp = Blueprint("candidate", __name__, url_prefix="/candidat")

WIZARD_KEY = "candidate_profile_wizard"
INLINE_FIELDS = {"radius_km", "work_authorization", "driving_licence"}


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


def _build(form_class, formdata=None):
    """A profile form (or step) with the reference choices and today's date."""
    form = form_class(formdata=formdata, today=today()) if formdata is not None else form_class(today=today())
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
    full = _build(ProfileForm, MultiDict(merged))
    if not full.validate():
        first_bad = next(i for i, step in enumerate(WIZARD_STEPS, 1) if set(_field_names(_build(step, MultiDict()))) & set(full.errors))
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
            profiles.add_rule(g.profile, form.to_input(), now=utcnow())
            db.session.commit()
            flash("Disponibilité ajoutée.", "success")
            return redirect(url_for("candidate.availability"))
        status = 422
    return render_template(
        "candidate/availability.html", form=form, profile=g.profile, months=month_grids(g.profile.availability_rules, today()),
        status_labels=STATUS_LABELS, stale=profiles.availability_is_stale(g.profile, now=utcnow()),
        weekday_labels=profiles.weekday_labels,
    ), status


@bp.post("/disponibilites/<int:rule_id>/supprimer")
@profile_required
def availability_remove(rule_id: int):
    if not profiles.remove_rule(g.profile, rule_id, now=utcnow()):
        from views.errors import abort_fr

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
    return redirect(request.form.get("retour") == "missions" and url_for("candidate.missions") or url_for("candidate.availability"))
