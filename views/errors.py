"""Error pages in French; JSON for API clients; the 500 handler rolls the session back."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from extensions import db

MESSAGES = {
    400: ("Requête invalide", "La demande n'a pas pu être comprise. Vérifiez les informations saisies."),
    403: ("Accès refusé", "Vous n'avez pas accès à cette page."),
    404: ("Page introuvable", "La page demandée n'existe pas ou a été déplacée."),
    405: ("Action impossible", "Cette action n'est pas possible de cette façon."),
    409: ("Conflit", "Cette action entre en conflit avec l'état actuel des données."),
    413: ("Fichier trop volumineux", "Le fichier envoyé dépasse la taille autorisée."),
    429: ("Trop de tentatives", "Trop de demandes en peu de temps. Patientez quelques minutes puis réessayez."),
    500: ("Erreur du service", "Une erreur inattendue s'est produite. Aucune donnée n'a été modifiée ; réessayez plus tard."),
    503: ("Service momentanément indisponible",
          "Le service est momentanément indisponible. Aucune donnée n'a été modifiée ; réessayez dans quelques instants."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz" or (
        request.accept_mimetypes.best == "application/json"
    )


def render_error(status: int, detail: str | None = None):
    title, message = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    if wants_json():
        return jsonify(error=title, message=detail or message), status
    return render_template("errors/error.html", status=status, title=title, message=detail or message), status


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001, S110 - the connection itself may be gone; nothing left to undo
        pass


def init_app(app: Flask) -> None:
    @app.before_request
    def _refuse_nul_characters():
        """No one types a NUL character, and PostgreSQL's text cannot hold one: a request that
        carries one in its address, query or form is refused with a message, not at the database."""
        fields = (item for values in (request.args, request.form) for pair in values.items(multi=True) for item in pair)
        if "\x00" in request.path or any("\x00" in item for item in fields):
            return render_error(400, "Les informations envoyées contiennent un caractère invalide (caractère nul). "
                                     "Corrigez la saisie et réessayez.")
        return None

    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_error(400, "Le formulaire a expiré ou n'est pas valide. Rechargez la page et réessayez.")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        detail = error.description if error.code in (400, 403, 404, 409) and _is_french(error) else None
        return render_error(error.code, detail)

    @app.errorhandler(OperationalError)
    def _database_down(error):
        _rollback()
        app.logger.exception("database unavailable")
        return render_error(503)

    @app.errorhandler(Exception)
    def _unexpected(error):
        _rollback()
        app.logger.exception("unexpected error")
        return render_error(500)


def _is_french(error: HTTPException) -> bool:
    """Only descriptions we wrote ourselves (French) are shown; Werkzeug's defaults are English."""
    return bool(error.description) and getattr(error, "french", False)


def abort_fr(status: int, message: str):
    """Abort with a French message shown to the user."""
    from werkzeug.exceptions import default_exceptions

    error = default_exceptions[status](description=message)
    error.french = True
    raise error
