"""Account use cases: sign-up, login with lockout, logout, password reset.

Every function takes the session and ``now``; the caller commits. Messages shown to people
never reveal whether an e-mail address has an account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Commune, Establishment, User
from models.enums import EstablishmentType, Role, Sector, VerificationStatus
from services import audit, mailer
from services.accounts import hash_password, verify_password
from services.identifiers import normalize_finess, normalize_siret

MAX_FAILED_LOGINS = 10
LOCKOUT = timedelta(minutes=15)
PRIVACY_NOTICE_VERSION = "2026-11"
EMAIL_TAKEN = ("Impossible de créer le compte avec cette adresse. Si vous avez déjà un compte, "
               "connectez-vous ou réinitialisez votre mot de passe.")
LOGIN_FAILED = ("Adresse e-mail ou mot de passe incorrect, ou compte temporairement bloqué. "
                "Réessayez dans quelques minutes ou réinitialisez votre mot de passe.")
FINESS_TAKEN = ("Un établissement avec ce numéro FINESS est déjà inscrit. Demandez à l'un de ses "
                "responsables de vous y rattacher, ou écrivez à l'équipe Relève.")


@cache
def _dummy_hash() -> str:
    """Verified against when the e-mail is unknown, so that both answers take the same time."""
    return hash_password("compte-inexistant-relève")


class SignupError(ValueError):
    """Sign-up refused; ``field`` is the form field the French message belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    first_name: str
    last_name: str


@dataclass(frozen=True)
class EstablishmentDetails:
    name: str
    finess: str
    siret: str | None
    type: EstablishmentType
    sector: Sector
    address: str
    commune: Commune


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def _new_user(session: Session, account: Account, role: Role, now: datetime) -> User:
    if find_user(session, account.email) is not None:
        raise SignupError("email", EMAIL_TAKEN)
    user = User(email=normalize_email(account.email), password_hash=hash_password(account.password), role=role,
                first_name=account.first_name.strip(), last_name=account.last_name.strip(),
                created_at=now, updated_at=now)
    session.add(user)
    return user


def _flush_or_explain(session: Session, finess: str | None = None) -> None:
    """Turn a lost race on a unique column into the same French message as the check."""
    try:
        session.flush()
    except IntegrityError as error:
        session.rollback()
        if finess and session.scalar(select(Establishment.id).where(Establishment.finess == finess)):
            raise SignupError("finess", FINESS_TAKEN) from error
        raise SignupError("email", EMAIL_TAKEN) from error


def _after_signup(session: Session, user: User, now: datetime) -> None:
    audit.record(session, user, "signup", "user", user.id, at=now, role=user.role.value)
    audit.record(session, user, "privacy_consent", "user", user.id, at=now, notice=PRIVACY_NOTICE_VERSION)


def register_candidate(session: Session, account: Account, now: datetime) -> User:
    """A candidate account; the profile itself is filled in the candidate's wizard."""
    user = _new_user(session, account, Role.CANDIDATE, now)
    _flush_or_explain(session)
    _after_signup(session, user, now)
    return user


def register_establishment(session: Session, account: Account, details: EstablishmentDetails, now: datetime):
    """A manager and his establishment, pending verification by the ARS or an admin."""
    finess = normalize_finess(details.finess)
    if session.scalar(select(Establishment.id).where(Establishment.finess == finess)):
        raise SignupError("finess", FINESS_TAKEN)
    user = _new_user(session, account, Role.ESTABLISHMENT, now)
    commune = details.commune
    establishment = Establishment(
        name=details.name.strip(), finess=finess, siret=normalize_siret(details.siret) or None,
        type=details.type, sector=details.sector, address=details.address.strip(),
        commune_code=commune.code_insee, departement_code=commune.departement_code,
        region_code=commune.region_code, lat=commune.lat, lon=commune.lon,
        contact_email=user.email, verification_status=VerificationStatus.PENDING,
        created_at=now, updated_at=now,
    )
    establishment.managers.append(user)
    session.add(establishment)
    _flush_or_explain(session, finess)
    _after_signup(session, user, now)
    return user, establishment


def authenticate(session: Session, email: str, password: str, now: datetime, ip: str | None = None) -> User | None:
    """The user if the password is right and the account open; counts failures, locks after 10."""
    user = find_user(session, email)
    if user is None:
        verify_password(User(password_hash=_dummy_hash()), password)
        return None
    if not user.active or (user.locked_until is not None and user.locked_until > now):
        return None
    if not verify_password(user, password):
        _count_failure(session, user, now)
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record(session, user, "login", "user", user.id, at=now, ip=ip)
    return user


def _count_failure(session: Session, user: User, now: datetime) -> None:
    session.execute(update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1))
    session.refresh(user, ["failed_logins"])
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.failed_logins = 0
        user.locked_until = now + LOCKOUT
        audit.record(session, None, "account_locked", "user", user.id, at=now)


def end_sessions(session: Session, user: User) -> None:
    """Every cookie of this user stops working (Flask-Login ids carry ``session_version``)."""
    session.execute(update(User).where(User.id == user.id).values(session_version=User.session_version + 1))
    session.refresh(user, ["session_version"])


def logout(session: Session, user: User, now: datetime) -> None:
    end_sessions(session, user)
    audit.record(session, user, "logout", "user", user.id, at=now)


# --- Password reset -------------------------------------------------------------------------

class _ClockSigner(TimestampSigner):
    """A signer whose clock is the ``now`` the caller passes (tests fix it)."""

    def __init__(self, *args, now: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self._now = now

    def get_timestamp(self) -> int:
        return int(self._now.replace(tzinfo=UTC).timestamp())


def _serializer(salt: str, now: datetime) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt, signer=_ClockSigner,
                                  signer_kwargs={"now": now})


def _reset_salt(user: User) -> str:
    """Salted with the current password hash: once the password changes, the token is dead."""
    return f"password-reset:{user.password_hash}"


def reset_token(user: User, now: datetime) -> str:
    return _serializer(_reset_salt(user), now).dumps(user.id)


def user_for_reset_token(session: Session, token: str, now: datetime) -> User | None:
    """The user a valid, unexpired, unused token was made for; None otherwise."""
    _, user_id = _serializer("password-reset", now).loads_unsafe(token)
    if not isinstance(user_id, int):
        return None
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    try:
        _serializer(_reset_salt(user), now).loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    return user


def reset_email(user: User, link: str) -> tuple[str, str]:
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    greeting = f"Bonjour {user.first_name}," if user.first_name else "Bonjour,"
    body = (
        f"{greeting}\n\n"
        "Une demande de réinitialisation du mot de passe de votre compte Relève a été faite.\n"
        f"Pour choisir un nouveau mot de passe, ouvrez ce lien (valable {minutes} minutes, une seule fois) :\n\n"
        f"{link}\n\n"
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.\n\n"
        "L'équipe Relève\n"
    )
    return "Relève : réinitialisation de votre mot de passe", body


def request_password_reset(session: Session, email: str, now: datetime) -> bool:
    """Send the reset link at once if the account exists; the caller answers the same either way."""
    user = find_user(session, email)
    if user is None or not user.active:
        return False
    path = url_for("auth.reset_password", token=reset_token(user, now))
    subject, body = reset_email(user, current_app.config["BASE_URL"].rstrip("/") + path)
    try:
        mailer.send(user.email, subject, body)
    except OSError:
        current_app.logger.exception("password reset e-mail not sent")
        return False
    return True


def reset_password(session: Session, user: User, new_password: str, now: datetime) -> None:
    user.password_hash = hash_password(new_password)
    user.failed_logins = 0
    user.locked_until = None
    end_sessions(session, user)
    audit.record(session, user, "password_reset", "user", user.id, at=now)
