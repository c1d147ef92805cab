"""Relève application factory."""

from __future__ import annotations

import gc
from datetime import timedelta

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

import config as settings
from extensions import babel, csrf, db, login_manager

BLUEPRINT_MODULES = ("public", "auth", "establishment", "candidate", "ars", "admin", "api")


def create_app(config: dict | None = None) -> Flask:
    """Build the app from environment variables, then ``config`` overrides (tests)."""
    app = Flask(__name__, instance_path=str(settings.INSTANCE_DIR))
    app.config.update(settings.DEFAULTS)
    app.config.update(settings.from_environment())
    if config:
        app.config.update(config)
    settings.validate(app.config)
    app.permanent_session_lifetime = timedelta(seconds=app.config["PERMANENT_SESSION_LIFETIME"])
    if app.config["TRUST_PROXY"]:
        hops = app.config["TRUST_PROXY"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    import services.candidate_summary  # noqa: F401  (its listeners keep the profiles' match summary in step)
    import services.need_summary  # noqa: F401  (and the open needs' need_place rows)

    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=lambda: "fr", timezone_selector=lambda: "Europe/Paris")

    from views import errors, templating
    from views.security import init_security

    init_security(app)
    templating.init_app(app)
    errors.init_app(app)
    for name in BLUEPRINT_MODULES:
        module = __import__(f"views.{name}", fromlist=["bp"])
        app.register_blueprint(module.bp)

    from cli import register_commands

    register_commands(app)
    _load_user_hook()
    if app.config["GC_FREEZE"]:
        # Modules, metadata and templates live as long as the process: out of the collector's
        # sight, a full collection (set off by a ranking's thousands of rows) no longer walks
        # them, which took about 50 ms each time.
        gc.freeze()
    return app


def _load_user_hook() -> None:
    from services.accounts import load_user_from_session_id

    login_manager.user_loader(load_user_from_session_id)
