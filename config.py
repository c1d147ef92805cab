"""Settings read from environment variables, so that every worker and machine shares them."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("RELEVE_INSTANCE_DIR", BASE_DIR / "instance"))


class ConfigError(RuntimeError):
    """Raised at startup when the configuration cannot run safely."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def default_sqlite_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'releve.sqlite3'}"


def from_environment() -> dict:
    """Build the configuration mapping from the process environment."""
    env = os.environ.get("RELEVE_ENV", "production")
    database_url = os.environ.get("DATABASE_URL") or default_sqlite_url()
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://"):]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    return {
        "ENV_NAME": env,  # production, demo, development or test
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "DATABASE_URL": database_url,
        "DATABASE_REPLICA_URL": os.environ.get("DATABASE_REPLICA_URL"),
        "REDIS_URL": os.environ.get("REDIS_URL"),  # shared cache (services/cache.py); the database otherwise
        # Seconds a cached answer lives: the public search and a need's ranked candidates are short
        # (candidate-side changes show after it); the ARS board is keyed by the refresh time anyway.
        "CACHE_TTLS": {
            "search": int(os.environ.get("CACHE_TTL_SEARCH", "60")),
            "ranking": int(os.environ.get("CACHE_TTL_RANKING", "60")),
            "ars": int(os.environ.get("CACHE_TTL_ARS", str(6 * 60 * 60))),
        },
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000"),
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "smtp"),  # smtp or console
        "MAIL_HOST": os.environ.get("MAIL_HOST", "localhost"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Relève <ne-pas-repondre@releve.fr>"),
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", env not in {"development", "demo", "test"}),
        "TRUST_PROXY": int(os.environ.get("TRUST_PROXY", "0")),
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads")),
        "COMMUNES_FILE": os.environ.get("COMMUNES_FILE", str(INSTANCE_DIR / "communes.csv")),
        # Freeze what the app is built of (gc.freeze): not in tests, which build an app per test.
        "GC_FREEZE": env != "test",
    }


DEFAULTS = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "releve_session",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
    "WTF_CSRF_TIME_LIMIT": 60 * 60 * 4,
    "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
    "BABEL_DEFAULT_LOCALE": "fr",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
    "PASSWORD_RESET_MAX_AGE": 60 * 60,
    "DEMO_PASSWORD": "Releve-demo-2026",
}

# Environments in which a missing SECRET_KEY is replaced by a throwaway one.
NON_PRODUCTION = {"test", "demo", "development"}


def validate(config: dict) -> None:
    """Refuse to start with settings that are unsafe for real users."""
    if not config.get("SECRET_KEY"):
        if config.get("ENV_NAME") in NON_PRODUCTION or config.get("TESTING"):
            config["SECRET_KEY"] = "dev-only-" + config.get("ENV_NAME", "test")
        else:
            raise ConfigError(
                "SECRET_KEY manquante : définissez la variable d'environnement SECRET_KEY "
                "(ou RELEVE_ENV=demo pour la démonstration locale)."
            )
