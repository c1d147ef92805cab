"""Small JSON endpoints used by the pages (commune autocompletion)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from extensions import db
from services.communes import suggest

bp = Blueprint("api", __name__, url_prefix="/api")

MIN_QUERY, MAX_QUERY = 2, 60


@bp.get("/communes")
def communes():
    """Public: up to 10 communes for a postcode or name prefix, the biggest first."""
    query = " ".join(request.args.get("q", "").split())
    if not MIN_QUERY <= len(query) <= MAX_QUERY:
        return jsonify(error="Requête invalide",
                       message=f"Le paramètre q doit comporter entre {MIN_QUERY} et {MAX_QUERY} caractères."), 400
    if any(not (c.isalnum() or c in " -'’()") for c in query):
        return jsonify(error="Requête invalide",
                       message="Le paramètre q ne peut contenir que des lettres, des chiffres, des espaces et des tirets."), 400
    response = jsonify(results=[s.as_json() for s in suggest(db.session, query)])
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
