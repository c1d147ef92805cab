"""Small JSON endpoints used by the pages (commune autocompletion)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")
