"""Sign-up, login, logout and password reset: parse the form, call services.auth, render."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from extensions import db
from forms.auth import CandidateSignupForm, EstablishmentSignupForm, ForgotPasswordForm, LoginForm, ResetPasswordForm
from models import utcnow
from models.enums import EstablishmentType, Role, Sector
from services import auth as accounts
from services import rate_limit
from views.templating import nav_url

bp = Blueprint("auth", __name__)

HOME_BY_ROLE = {
    Role.CANDIDATE: "candidate.missions",
    Role.ESTABLISHMENT: "establishment.needs",
    Role.ARS: "ars.dashboard",
    Role.ADMIN: "admin.index",
}
RESET_SENT = ("Si un compte existe pour cette adresse, un e-mail vient de lui être envoyé avec un lien "
              "pour choisir un nouveau mot de passe. Pensez à regarder dans les courriers indésirables.")


def safe_next_url(target: str | None) -> str | None:
    """Only a relative path on this host: no scheme, no host, no ``//`` or ``/\\`` tricks."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(c in target for c in "\r\n\t\\"):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _home_of(user) -> str:
    return nav_url(HOME_BY_ROLE.get(user.role, "public.home")) or url_for("public.home")


def _start_session(user) -> None:
    """A fresh session at login (no fixation): drop whatever the anonymous one held."""
    session.clear()
    login_user(user)


def _account(form) -> accounts.Account:
    return accounts.Account(email=form.email.data, password=form.password.data,
                            first_name=form.first_name.data, last_name=form.last_name.data)


def _signup(form, template: str, register, after: str | None, welcome: str):
    if form.validate_on_submit():
        if not rate_limit.hit_all([(rate_limit.SIGNUP_PER_IP, request.remote_addr)], utcnow()):
            abort(429)
        try:
            user = register(form)
        except accounts.SignupError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(error.message)
        else:
            db.session.commit()
            _start_session(user)
            flash(welcome, "success")
            return redirect((after and nav_url(after)) or _home_of(user))
    status = 400 if request.method == "POST" else 200
    return render_template(template, form=form), status


@bp.route("/inscription/candidat", methods=["GET", "POST"])
def signup_candidate():
    form = CandidateSignupForm()
    return _signup(form, "auth/signup_candidate.html",
                   lambda f: accounts.register_candidate(db.session, _account(f), utcnow()),
                   "candidate.profile_wizard", "Votre compte est créé. Complétez votre profil pour recevoir des propositions.")


@bp.route("/inscription/etablissement", methods=["GET", "POST"])
def signup_establishment():
    form = EstablishmentSignupForm()

    def register(f):
        details = accounts.EstablishmentDetails(
            name=f.name.data, finess=f.finess.data, siret=f.siret.data, type=EstablishmentType(f.type.data),
            sector=Sector(f.sector.data), address=f.address.data, commune=f.commune.data,
        )
        user, _ = accounts.register_establishment(db.session, _account(f), details, utcnow())
        return user

    return _signup(form, "auth/signup_establishment.html", register, None,
                   "Votre compte est créé. Votre établissement sera publié une fois vérifié par l'ARS ; "
                   "vous pouvez déjà préparer vos besoins.")


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    form = LoginForm()
    next_url = safe_next_url(request.args.get("next") or request.form.get("next"))
    if form.validate_on_submit():
        now = utcnow()
        email = accounts.normalize_email(form.email.data)
        if not rate_limit.hit_all([(rate_limit.LOGIN_PER_EMAIL, email), (rate_limit.LOGIN_PER_IP, request.remote_addr)], now):
            abort(429)
        user = accounts.authenticate(db.session, email, form.password.data, now, ip=request.remote_addr)
        db.session.commit()
        if user is not None:
            _start_session(user)
            return redirect(next_url or _home_of(user))
        form.form_errors.append(accounts.LOGIN_FAILED)
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form, next_url=next_url), status


@bp.post("/deconnexion")
def logout():
    if current_user.is_authenticated:
        accounts.logout(db.session, current_user, utcnow())
        db.session.commit()
    logout_user()
    session.clear()
    flash("Vous êtes déconnecté(e).", "success")
    return redirect(url_for("public.home"))


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        now = utcnow()
        email = accounts.normalize_email(form.email.data)
        if not rate_limit.hit_all([(rate_limit.RESET_PER_EMAIL, email), (rate_limit.RESET_PER_IP, request.remote_addr)], now):
            abort(429)
        accounts.request_password_reset(db.session, email, now)
        flash(RESET_SENT, "info")
        return redirect(url_for("auth.login"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/forgot_password.html", form=form), status


@bp.route("/reinitialiser/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    now = utcnow()
    user = accounts.user_for_reset_token(db.session, token, now)
    if user is None:
        return render_template("auth/reset_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        accounts.reset_password(db.session, user, form.password.data, now)
        db.session.commit()
        logout_user()
        session.clear()
        flash("Votre mot de passe est changé. Connectez-vous avec le nouveau.", "success")
        return redirect(url_for("auth.login"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/reset_password.html", form=form, token=token), status
