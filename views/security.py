"""HTTP security headers and cookie flags, set by flask-talisman in one place.

The Content-Security-Policy allows no inline script: every script is a file under ``static/``
(the DSFR included), so an injected ``<script>`` or ``onclick=`` never runs. Stylesheets are
files too (``style-src 'self'``: no ``<style>`` element); only style *attributes* are allowed
(``style-src-attr``), because the DSFR's JavaScript sets some (its SVG sanitiser copies them;
seen blocked in the browser tests). An attribute holds no selector, so it cannot be used to read
the page the way an injected stylesheet can. ``data:`` images are allowed because the DSFR
stylesheet embeds a few small SVGs that way.
"""

from __future__ import annotations

from flask import Flask
from flask_talisman import Talisman

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "style-src-attr": "'unsafe-inline'",
    "img-src": ["'self'", "data:"],
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# Browser features the pages never use.
PERMISSIONS_POLICY = {"browsing-topics": "()", "camera": "()", "microphone": "()", "geolocation": "()", "payment": "()"}


def plain_http_allowed(view):
    """Decorator for a view a load balancer probes over plain HTTP (no redirect to HTTPS)."""
    view.talisman_view_options = {"force_https": False}
    return view


def forces_https(config) -> bool:
    """Redirect to HTTPS only where cookies are Secure anyway, never in tests or local runs."""
    return bool(config["SESSION_COOKIE_SECURE"]) and not config.get("TESTING") and config.get("ENV_NAME") != "test"


def init_security(app: Flask) -> None:
    secure = bool(app.config["SESSION_COOKIE_SECURE"])
    app.config["REMEMBER_COOKIE_SECURE"] = secure
    # One Talisman per app: it keeps a reference to its app (tests build many apps).
    app.extensions["talisman"] = Talisman(
        app,
        force_https=forces_https(app.config),
        strict_transport_security=True,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        permissions_policy=PERMISSIONS_POLICY,
        session_cookie_secure=secure,
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
        x_content_type_options=True,
    )
