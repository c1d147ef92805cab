"""ARS monitoring: figures, breakdowns, map, targets, exports, validations."""

from flask import Blueprint

bp = Blueprint("ars", __name__, url_prefix="/ars")
