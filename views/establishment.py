"""The establishment manager's journey: needs, ranked candidates, bookings, pool."""

from flask import Blueprint

bp = Blueprint("establishment", __name__, url_prefix="/etablissement")
