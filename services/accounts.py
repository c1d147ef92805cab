"""Accounts: password hashing, loading the user of a session."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from extensions import db
from models import User

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """Argon2id, the current OWASP recommendation."""
    return _hasher.hash(password)


def verify_password(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def load_user_from_session_id(session_id: str) -> User | None:
    """Flask-Login loader: the cookie holds ``id:session_version``; a bumped version logs out."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
