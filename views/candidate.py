"""The candidate's journey: profile, availability, missions, applications, own data."""

from flask import Blueprint

bp = Blueprint("candidate", __name__, url_prefix="/candidat")
